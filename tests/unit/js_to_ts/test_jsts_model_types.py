"""The model step: one narrow question per file with an enum of types per declaration,
answers kept only if they compile."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from kimi_code.edits.overlay import StagedWorkspace
from kimi_code.llm.types import BackendInfo, ChatResponse, Message, StreamDelta, ToolSpec
from kimi_code.recipes.base import ToolContext
from kimi_code.recipes.js_to_ts.helper import shutdown_helpers
from kimi_code.recipes.js_to_ts.tools import model_types

SOURCE = """export function shout(text: unknown, times: unknown) {
  return String(text).toUpperCase().repeat(times as number);
}
"""


class ScriptedTypes:
    """A test seam: answers each type question from a fixed map (name -> type)."""

    def __init__(self, answers: dict[str, str], capable: bool = True) -> None:
        self.answers = answers
        self.capable = capable
        self.questions: list[str] = []
        self.formats: list[dict[str, Any] | None] = []

    @property
    def info(self) -> BackendInfo:
        return BackendInfo(
            name="scripted", model="scripted", capable=self.capable, supports_json_schema=True
        )

    async def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Sequence[ToolSpec] = (),
        response_format: dict[str, Any] | None = None,
        grammar: str | None = None,
        max_tokens: int | None = None,
        temperature: float = 0.0,
    ) -> ChatResponse:
        question = messages[-1].content or ""
        self.questions.append(question)
        self.formats.append(response_format)
        # "N. in `context`: `name` is typed ..." for each declaration
        names = re.findall(r"^(\d+)\. in `[^`]*`: `([^`]+)`", question, re.M)
        answer = {n: self.answers[name] for n, name in names}
        return ChatResponse(Message("assistant", json.dumps(answer)))

    def stream(self, messages: Sequence[Message], **_: Any) -> AsyncIterator[StreamDelta]:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


async def _run(
    tmp_path: Path, answers: dict[str, str], source: str = SOURCE, capable: bool = True
) -> tuple[str, ScriptedTypes]:
    (tmp_path / "shout.ts").write_text(source)
    ws = StagedWorkspace(tmp_path)
    backend = ScriptedTypes(answers, capable)
    ctx = ToolContext(workspace=ws, index=None, backend=backend, agent_id="a", files=("shout.ts",))
    try:
        result = await model_types(ctx, {"path": "shout.ts"})
    finally:
        await shutdown_helpers()
    assert result.ok
    text = result.changes[0].new_text if result.changes else source
    assert text is not None
    return text, backend


async def test_compiling_answers_are_kept(tmp_path: Path) -> None:
    text, backend = await _run(tmp_path, {"text": "string", "times": "number"})
    assert "text: string" in text and "times: number" in text
    assert len(backend.questions) == 1  # one request for the whole file
    schema = backend.formats[0]
    assert schema is not None
    properties = schema["json_schema"]["schema"]["properties"]
    assert set(properties) == {"1", "2"} and "string" in properties["1"]["enum"]


async def test_answers_the_compiler_rejects_are_dropped(tmp_path: Path) -> None:
    text, _ = await _run(tmp_path, {"text": "string", "times": "boolean"})
    assert "text: string" in text
    assert "times: unknown" in text  # `boolean as number` does not compile: kept as it was


LOCAL = """export function shout(text: unknown) {
  return twice(String(text));
}

function twice(word: unknown) {
  return word.repeat(2); // an error while `word` is unknown
}
"""


async def test_a_small_model_is_not_asked(tmp_path: Path) -> None:
    # the embedded default's answers cost more than they gave (see model_types.py): a backend
    # not marked capable gets no question, even where an answer would remove an error
    text, backend = await _run(tmp_path, {"word": "string", "text": "string"}, LOCAL, False)
    assert backend.questions == [] and text == LOCAL
    # a capable model is asked about every declaration, exported parameters included
    text, backend = await _run(tmp_path, {"word": "string", "text": "string"}, LOCAL, True)
    assert len(backend.questions) == 1
    assert "`word`" in backend.questions[0] and "`text`" in backend.questions[0]
    assert "word: string" in text and "text: string" in text


async def test_spans_after_characters_outside_the_bmp_are_honoured(tmp_path: Path) -> None:
    # the helper's spans count UTF-16 units: the edits made from the answers must land there
    source = "// shout it 📣📣\n" + LOCAL
    text, backend = await _run(tmp_path, {"word": "string", "text": "string"}, source, True)
    assert len(backend.questions) == 1
    assert "function twice(word: string)" in text and "shout(text: string)" in text


UNUSED = """export function shout(text: string) {
  return handler(text);
}

function twice(word: unknown) {
  return word.repeat(2); // an error while `word` is unknown
}

// `arg0` has no uses to go by, but a capable model is asked about it all the same
const handler: (arg0: unknown) => string = (x: string) => twice(x);
"""


async def test_a_capable_model_is_asked_about_a_declaration_without_uses(
    tmp_path: Path,
) -> None:
    text, backend = await _run(tmp_path, {"word": "string", "arg0": "string"}, UNUSED, True)
    assert "`arg0`" in backend.questions[0] and "arg0: string" in text
