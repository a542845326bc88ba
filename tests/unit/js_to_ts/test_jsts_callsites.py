"""Types from call sites (`node/callsites.js` `typesFromCallSites`), on tsc 5.

A parameter still `any` gets the union of what its callers pass, a union of unions written
flat; the `any` members of a parameter's type literal get the callers' members of that name.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """function width(w: any) {
  return String(w).length;
}

function limit(o: { max: any; name: string; }) {
  return o.name.length < o.max;
}

export function use(a: string | number, n: number) {
  limit({ max: n, name: 'x' });
  return width(a) + width(n);
}
"""


def test_call_sites_type_parameters_and_members(tmp_path: Path) -> None:
    result = run_pass("./callsites", "typesFromCallSites", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "function width(w: string | number)" in text
    assert "function limit(o: { max: number; name: string; })" in text
    assert result["result"] == 2
