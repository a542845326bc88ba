"""Globals the runtime has but the strict ES lib does not declare (`node/globals.js`), on tsc 5.

A browser file reads `window`, `navigator` and `localStorage`: it gets the DOM library by a
`/// <reference lib="dom" />` directive, not a suppression per use. Members the code probes for
on a library's global interface (`window.process.type`, `console.firebug`) are declared on
that interface, optional and `unknown`, so every use is still checked.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

BROWSER = """export function useColors(): unknown {
  const app = typeof window !== 'undefined' && window.process
  if (app && (window.process.type === 'renderer' || window.process.__nwjs)) {
    return true
  }
  const agent = typeof navigator !== 'undefined' && navigator.userAgent
  const firebug = window.console && (window.console.firebug || window.console.exception)
  return (agent && agent.toLowerCase().includes('firefox')) || firebug
}

export function storage() {
  try {
    return localStorage
  } catch (error) {
    return undefined
  }
}
"""


def test_a_browser_file_gets_the_dom_library_and_its_probed_members(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), BROWSER)
    text = str(result["text"])
    assert result["errors"] == 0
    assert "@ts-expect-error" not in text and " as any" not in text
    assert text.startswith('/// <reference lib="dom" />\n')
    assert text.count("/// <reference") == 1
    # one `declare global` block; each member declared once, in the namespace the library uses
    block = text[text.index("declare global {\n") :]
    assert text.count("declare global {") == 1
    process = "  namespace NodeJS {\n    interface Process {\n      type?: unknown;\n"
    assert block.startswith(f"declare global {{\n{process}      __nwjs?: unknown;\n    }}\n  }}\n")
    console = "  interface Console {\n    firebug?: unknown;\n    exception?: unknown;\n  }\n"
    assert f"{console}}}\n" in block


MISTAKE = """export function label(): string {
  return name + ': ' + status
}
"""


def test_names_a_server_module_more_likely_mistyped_get_no_dom_library(tmp_path: Path) -> None:
    # lib.dom declares `name` and `status` too, but as strings: not browser objects
    result = run_pass("./last_resort", "lastResort", str(tmp_path), MISTAKE)
    assert "reference lib" not in str(result["text"])


WRITTEN = """export function mark(): void {
  process.fromBrowser = true
}
"""


def test_a_member_written_on_a_library_interface_is_not_declared(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), WRITTEN)
    assert "declare global" not in str(result["text"])


GLOBAL_OBJECT = """export function config(name: string): unknown {
  try {
    if (!global.localStorage) return false
  } catch (_) {
    return false
  }
  return global.localStorage[name]
}
"""


def test_a_browser_global_read_off_the_global_object_gets_the_dom_library(tmp_path: Path) -> None:
    result = run_pass("./last_resort", "lastResort", str(tmp_path), GLOBAL_OBJECT)
    text = str(result["text"])
    assert result["errors"] == 0 and "@ts-expect-error" not in text
    assert text.startswith('/// <reference lib="dom" />\n')
