"""A tiny random-weight llama MoE GGUF (engine layer): fast smoke tests and benchmarks.

The model (2 layers, 8 experts, 2 used per token, a byte-level BPE vocabulary of ~260 tokens,
a ChatML chat template) loads in llama.cpp in milliseconds and exercises the real MoE path:
a random router scatters tokens across experts. Its text is noise; constrained decoding
(GBNF, JSON schema, forced tool calls) still yields exactly the requested structure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gguf
import numpy as np

__all__ = ["CHATML_TEMPLATE", "write_tiny_moe"]

CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + "
    "(message['content'] or '') + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")


def _byte_tokens() -> list[str]:
    """GPT-2's byte-to-unicode table: one printable character per byte."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    keep += list(range(ord("®"), ord("ÿ") + 1))
    chars = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def _add_tokenizer(w: gguf.GGUFWriter) -> int:
    tokens = [*SPECIALS, *_byte_tokens(), "Ġt", "he", "Ġthe"]
    merges = ["Ġ t", "h e", "Ġt he"]
    types = [gguf.TokenType.CONTROL] * len(SPECIALS) + [gguf.TokenType.NORMAL] * (
        len(tokens) - len(SPECIALS)
    )
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_types([int(t) for t in types])
    w.add_token_merges(merges)
    w.add_bos_token_id(0)
    w.add_eos_token_id(2)
    w.add_pad_token_id(0)
    w.add_add_bos_token(False)
    w.add_chat_template(CHATML_TEMPLATE)
    return len(tokens)


def _add_layer(
    w: gguf.GGUFWriter,
    p: str,
    rand: Callable[..., np.ndarray],
    n_embd: int,
    kv: int,
    n_ff: int,
    experts: int,
) -> None:
    w.add_tensor(p + "attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(p + "attn_q.weight", rand(n_embd, n_embd))
    w.add_tensor(p + "attn_k.weight", rand(kv, n_embd))
    w.add_tensor(p + "attn_v.weight", rand(kv, n_embd))
    w.add_tensor(p + "attn_output.weight", rand(n_embd, n_embd))
    w.add_tensor(p + "ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor(p + "ffn_gate_inp.weight", rand(experts, n_embd, scale=1.0))
    w.add_tensor(p + "ffn_gate_exps.weight", rand(experts, n_ff, n_embd))
    w.add_tensor(p + "ffn_up_exps.weight", rand(experts, n_ff, n_embd))
    w.add_tensor(p + "ffn_down_exps.weight", rand(experts, n_embd, n_ff))


def write_tiny_moe(
    path: Path,
    *,
    n_embd: int = 64,
    n_layer: int = 2,
    n_head: int = 4,
    n_head_kv: int = 2,
    n_ff: int = 128,
    experts: int = 8,
    used: int = 2,
    seed: int = 0,
) -> Path:
    """Write a random-weight llama MoE GGUF to `path` (a few MB) and return the path."""
    rng = np.random.default_rng(seed)
    head_dim = n_embd // n_head

    def rand(*shape: int, scale: float = 0.08) -> np.ndarray:
        return rng.normal(0.0, scale, size=shape).astype(np.float32)

    w = gguf.GGUFWriter(path, "llama")
    w.add_name("kimi-tiny-moe (random weights)")
    w.add_context_length(4096)
    w.add_embedding_length(n_embd)
    w.add_block_count(n_layer)
    w.add_feed_forward_length(n_ff)
    w.add_head_count(n_head)
    w.add_head_count_kv(n_head_kv)
    w.add_rope_dimension_count(head_dim)
    w.add_rope_freq_base(10000.0)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_expert_count(experts)
    w.add_expert_used_count(used)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    n_vocab = _add_tokenizer(w)
    w.add_vocab_size(n_vocab)
    w.add_tensor("token_embd.weight", rand(n_vocab, n_embd, scale=0.5))
    w.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    w.add_tensor("output.weight", rand(n_vocab, n_embd, scale=0.5))
    for i in range(n_layer):
        _add_layer(w, f"blk.{i}.", rand, n_embd, n_head_kv * head_dim, n_ff, experts)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path
