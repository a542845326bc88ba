'use strict';



export const re: RegExp[] = [];
export const src: (string | RegExp)[] = [];
let count = 0;

const createToken = (name: string, value: string | RegExp) => {
  const index = count++;
  src[index] = value;
  re[index] = new RegExp(value);
  return index;
};

export const NUMBER = createToken('NUMBER', '\\d+');
export const WORD = createToken('WORD', '[a-z]+');
export const trimReplace = '$1';
