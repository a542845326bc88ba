'use strict';

/**
 * @param {string|undefined} char One character.
 * @returns {boolean} Whether it is an ASCII digit.
 */
const isDigit = (char?: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';

function Node(this: Node, value: unknown) {
  this.value = value;
  this.next = null;
}

interface Node {
  value: unknown;
  next: unknown;
}

function countDigits(text: any) {
  let n = 0;
  for (const c of text) if (isDigit(c)) n++;
  return n;
}

function link(items: string | unknown[]) {
  let head = null;
  for (let i = items.length - 1; i >= 0; i--) {
    const node = new (Node as unknown as new (...args: Parameters<typeof Node>) => Node)(items[i]);
    node.next = head;
    head = node;
  }
  return head;
}

export = { isDigit, countDigits, link };
