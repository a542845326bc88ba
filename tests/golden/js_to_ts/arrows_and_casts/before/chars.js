'use strict';

/**
 * @param {string|undefined} char One character.
 * @returns {boolean} Whether it is an ASCII digit.
 */
const isDigit = char => char !== undefined && char >= '0' && char <= '9';

function Node(value) {
  this.value = value;
  this.next = null;
}

function countDigits(text) {
  let n = 0;
  for (const c of text) if (isDigit(c)) n++;
  return n;
}

function link(items) {
  let head = null;
  for (let i = items.length - 1; i >= 0; i--) {
    const node = new Node(items[i]);
    node.next = head;
    head = node;
  }
  return head;
}

module.exports = { isDigit, countDigits, link };
