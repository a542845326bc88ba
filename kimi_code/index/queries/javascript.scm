; JavaScript and JSX definitions that differ from TypeScript (ecma.scm holds the rest).

(class_declaration
  name: (identifier) @name) @def.class

(field_definition
  property: (_) @name
  value: (_)? @value) @def.property
