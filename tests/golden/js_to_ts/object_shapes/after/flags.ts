'use strict';

export = function parseFlags(names: any[]) {
  const seen: Record<string, boolean> = {};
  names.forEach(function (name: string | number) {
    seen[name] = true;
  });
  const result: { count: number; } & { first?: unknown } = { count: 0 };
  result.count = names.length;
  result.first = names[0];
  return { seen, result };
};
