"""The bundled local engine: llama.cpp's `llama-server` managed as a subprocess, the default
MoE model (sparse-upcycled SmolLM2) and GGUF metadata (engine layer, beside `llm/`)."""
