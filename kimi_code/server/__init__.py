"""`kimi-code serve`: the OpenAI-compatible HTTP API with the swarm extension (adapter layer)."""
