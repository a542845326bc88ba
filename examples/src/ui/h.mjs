// A tiny hyperscript helper so the JSX components need no framework: `h` builds plain
// element objects and `renderToString` turns them into escaped HTML.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const ATTRIBUTE_NAMES = { className: 'class', htmlFor: 'for' };

export function h(type, props, ...children) {
  if (typeof type === 'function') {
    return type({ ...props, children });
  }
  return { type, props: props || {}, children: children.flat() };
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (char) => ESCAPES[char]);
}

/**
 * @param {unknown} node
 * @returns {string}
 */
export function renderToString(node) {
  if (node === null || node === undefined || node === false) {
    return '';
  }
  if (typeof node !== 'object') {
    return escape(node);
  }
  if (Array.isArray(node)) {
    return node.map(renderToString).join('');
  }
  const attrs = Object.entries(node.props)
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([name, value]) => [ATTRIBUTE_NAMES[name] || name, value])
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escape(value)}"`))
    .join('');
  return `<${node.type}${attrs}>${node.children.map(renderToString).join('')}</${node.type}>`;
}
