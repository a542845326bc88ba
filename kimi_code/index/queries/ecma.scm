; Patterns shared by the JavaScript (JSX) and TypeScript (TSX) grammars.
; The capture named @def.*, @import.* or @export.* selects the handler in extract.py;
; the other captures (@name, @params, @value, @source, @args, @class) are its inputs.

(function_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @def.function

(generator_function_declaration
  name: (identifier) @name
  parameters: (formal_parameters) @params) @def.function

(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)] @value) @def.function

(program
  [(lexical_declaration (variable_declarator name: (_) @name value: (_)? @value) @def.variable)
   (variable_declaration (variable_declarator name: (_) @name value: (_)? @value) @def.variable)])

(program
  (export_statement
    declaration: [(lexical_declaration (variable_declarator name: (_) @name value: (_)? @value) @def.variable)
                  (variable_declaration (variable_declarator name: (_) @name value: (_)? @value) @def.variable)]))

(method_definition
  name: (_) @name
  parameters: (formal_parameters) @params) @def.method

(pair
  key: (_) @name
  value: [(arrow_function) (function_expression) (generator_function)] @value) @def.method

(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @class
      property: (property_identifier) @_proto)
    property: (property_identifier) @name)
  right: [(arrow_function) (function_expression) (generator_function)] @value
  (#eq? @_proto "prototype")) @def.proto

(import_statement
  source: (string) @source) @import.static

(call_expression
  function: (import)
  arguments: (arguments) @args) @import.dynamic

(call_expression
  function: (identifier) @_require
  arguments: (arguments) @args
  (#eq? @_require "require")) @import.require

(export_statement) @export.statement

(assignment_expression
  left: (member_expression
    object: (identifier) @_module
    property: (property_identifier) @_exports)
  right: (_) @value
  (#eq? @_module "module")
  (#eq? @_exports "exports")) @export.module

(assignment_expression
  left: (member_expression
    object: (identifier) @_exports
    property: (property_identifier) @name)
  right: (_) @value
  (#eq? @_exports "exports")) @export.named

(assignment_expression
  left: (member_expression
    object: (member_expression
      object: (identifier) @_module
      property: (property_identifier) @_exports)
    property: (property_identifier) @name)
  right: (_) @value
  (#eq? @_module "module")
  (#eq? @_exports "exports")) @export.named
