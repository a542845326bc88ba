'use strict';

// a table of colour models, each given its conversions one by one after the table is built
const models = {
  rgb: ({ channels: 3, labels: 'rgb' } as { channels: number; labels: string; } & { hsl?: (rgb: number[]) => number[]; gray?: unknown }),
  hsl: ({ channels: 3, labels: 'hsl' } as { channels: number; labels: string; } & { rgb?: (hsl: number[]) => number[] }),
};

models.rgb.hsl = function (rgb: number[]) {
  const max = Math.max(rgb[0], rgb[1], rgb[2]) / 255;
  return [0, 0, max * 100];
};

models.rgb.gray = function (rgb: any[]) {
  return [(rgb[0] + rgb[1] + rgb[2]) / 3];
};

models.hsl.rgb = function (hsl: number[]) {
  const v = hsl[2] / 100 * 255;
  return [v, v, v];
};

function find(name: string, { exact, fallback = 'rgb' }: { exact?: unknown; fallback?: string } = {}) {
  if (exact) return models[name as keyof typeof models];
  return name in models ? models[name as keyof typeof models] : models[fallback as keyof typeof models];
}

export = { models, find };
