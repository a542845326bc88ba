; Python definitions and imports. Handlers live in pyextract.py.

(function_definition
  name: (identifier) @name
  parameters: (parameters) @params) @def.pyfunction

(class_definition
  name: (identifier) @name) @def.pyclass

(module
  (expression_statement
    (assignment left: (identifier) @name) @def.pyvariable))

(import_statement) @import.python

(import_from_statement) @import.from
