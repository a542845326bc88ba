'use strict';
// Module specifiers in source code (Node helper, used by declarations.js and node_types.js).
const ts = require('typescript');
const { builtinModules } = require('module');

const BUILTIN = new Set(builtinModules);

/**
 * The module specifier node `n` names, if it names one by a string: `import ... from 'm'`,
 * `export ... from 'm'`, `import x = require('m')`, `require('m')`, `import('m')`; else null.
 */
function moduleSpecifier(n) {
  let s = null;
  if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) s = n.moduleSpecifier;
  else if (ts.isExternalModuleReference(n)) s = n.expression;
  else if (ts.isCallExpression(n) && n.arguments.length === 1 &&
           (n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require'))) s = n.arguments[0];
  return s && ts.isStringLiteralLike(s) ? s.text : null;
}

/** Whether `spec` names one of Node's built-in modules (`fs`, `fs/promises`, `node:path`). */
const isBuiltinModule = (spec) => spec.startsWith('node:') || BUILTIN.has(spec.split('/')[0]);

module.exports = { moduleSpecifier, isBuiltinModule };
