"""Prototype-style constructors (`node/prototypes.js`), on tsc 5.

`new F(...)` of a plain function is refused by TypeScript, so the last resort left
`new (F as any)(...)` and every instance was `any`. The instances get an interface merged with
the function instead: its `this` members and its prototype's, extending what it inherits from,
and each construction asserts a constructor of that interface. What typed instances newly show
(an argument less precise than the parameter) is mended by the last resort.
"""

from __future__ import annotations

from pathlib import Path

from jstsnode import run_pass

SOURCE = """import events = require('events');

function Option(this: { flags: string; required: boolean }, flags: string) {
  this.flags = flags;
  this.required = flags.indexOf('<') >= 0;
}

Option.prototype.is = function (arg: string): boolean {
  return arg === 'x';
};

function Command(this: any, name: string) {
  var self = this;
  self.commands = [];
  self._name = name;
}

require('util').inherits(Command, events.EventEmitter);

Command.prototype.option = function (flags: string) {
  const option = new (Option as any)(flags);
  return option.is(flags) ? option.flags.length : 0;
};

export function make(name: string): string {
  const cmd = new (Command as any)(name);
  cmd.on('x', () => {});
  return cmd._name;
}
"""


def test_instances_of_a_prototype_style_constructor_get_an_interface(tmp_path: Path) -> None:
    result = run_pass("./prototypes", "prototypeInstances", str(tmp_path), SOURCE)
    text = str(result["text"])
    assert result["result"] == 2 and result["errors"] == 0
    assert " as any" not in text
    members = "  flags: string;\n  required: boolean;\n  is: (arg: string) => boolean;\n"
    # after the function, so that its JSDoc stays its own
    after = "this.required = flags.indexOf('<') >= 0;\n}\n\n"
    assert f"{after}interface Option {{\n{members}}}\n" in text
    assert "function Option(this: Option, flags: string) {" in text
    made = "new (Option as unknown as new (...args: Parameters<typeof Option>) => Option)(flags)"
    assert made in text
    # `var self = this` assignments, and what util.inherits gives
    assert "interface Command extends InstanceType<typeof events.EventEmitter> {\n" in text
    assert "  _name: string;\n" in text and "  option: (flags: string) => number;\n" in text
    assert "function Command(this: Command, name: string) {" in text


UNTYPED_ARGUMENTS = """function Box(this: { value: number }, value: number) {
  this.value = value;
}

export function box(v: unknown): number {
  return new (Box as any)(v).value;
}

function List(this: { items: unknown[] }) {
  this.items = Array.prototype.slice.call(arguments);
}

export function list(a: string, b: string): number {
  return new (List as any)(a, b).items.length;
}
"""


def test_constructions_stay_checked_where_the_arguments_allow(tmp_path: Path) -> None:
    result = run_pass("./prototypes", "prototypeInstances", str(tmp_path), UNTYPED_ARGUMENTS)
    text = str(result["text"])
    assert result["errors"] == 0 and " as any" not in text
    # an argument typed less precisely than the parameter is asserted where it is passed
    box = "new (Box as unknown as new (...args: Parameters<typeof Box>) => Box)((v as number))"
    assert f"return {box}.value;" in text
    # a function reading `arguments` takes more than its parameters say
    assert "new (List as unknown as new (...args: unknown[]) => List)(a, b).items.length" in text
