'use strict';

export = function greet(name: string) {
  return 'Hello, ' + name.toUpperCase() + '!';
};
