; TypeScript and TSX definitions that differ from JavaScript (ecma.scm holds the rest).

(class_declaration
  name: (type_identifier) @name) @def.class

(abstract_class_declaration
  name: (type_identifier) @name) @def.class

(public_field_definition
  name: (_) @name
  value: (_)? @value) @def.property

(interface_declaration
  name: (type_identifier) @name) @def.interface

(type_alias_declaration
  name: (type_identifier) @name) @def.type

(enum_declaration
  name: (identifier) @name) @def.enum

(function_signature
  name: (identifier) @name
  parameters: (formal_parameters) @params) @def.function

(abstract_method_signature
  name: (_) @name
  parameters: (formal_parameters) @params) @def.method

(import_require_clause
  (identifier) @name
  source: (string) @source) @import.tsrequire
