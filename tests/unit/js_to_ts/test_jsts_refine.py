"""What uses expect, for the `any` left on parameters (`node/refine.js` `refineAny`), on tsc 5.

A parameter still typed `any` gets the type of the parameter its value is passed to, where the
file's errors do not rise: through `f.call(thisArg, ...)` and `f.bind(thisArg, ...)` too, whose
own signatures are generic over what they pass on. A parameter of the file that passes its
`unknown` value on to the one being typed is typed with it, or the call would be refused.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

BOUND = """export function limit() {
  const queue: Array<() => void> = [];
  type Job = (...args: unknown[]) => unknown;
  const run = async (fn: Job, resolve: (value: unknown) => void, args: unknown[]) => {
    resolve(await fn(...args));
  };
  const enqueue = (fn: any, resolve: (value: unknown) => void, args: unknown[]) => {
    queue.push(run.bind(undefined, fn, resolve, args));
  };
  const generator = (fn: unknown, ...args: unknown[]) => new Promise((resolve) => {
    enqueue(fn, resolve, args);
  });
  return generator;
}

export function later(task: any) {
  const start = (delay: number, job: () => string) => setTimeout(job, delay);
  return start.call(null, 10, task);
}
"""


def test_what_call_and_bind_pass_on_types_it_with_its_forwarders(tmp_path: Path) -> None:
    result = run_pass("./refine", "refineAny", str(tmp_path), BOUND)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "const enqueue = (fn: Job," in text
    # `generator` passes its `fn` on to `enqueue`: typed with it, or that call is refused
    assert "const generator = (fn: Job," in text
    assert "export function later(task: () => string)" in text
    assert " any" not in text
