'use strict';

// the last item of a list, or undefined for an empty one
function last(list: string[]) {
  return list.length ? list[list.length - 1] : undefined;
}

export = last;
