'use strict';

// `path` is a key path: its elements only ever index objects
function get(obj: any, path: string | PropertyKey[]) {
  var node = obj;
  for (var i = 0; i < path.length; i++) {
    if (!node || !Object.prototype.hasOwnProperty.call(node, path[i])) return undefined;
    node = node[path[i]];
  }
  return node;
}

function has(obj: unknown, path: string | PropertyKey[]) {
  return get(obj, path) !== undefined;
}

export = { get, has };
