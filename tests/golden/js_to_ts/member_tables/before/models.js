'use strict';

// a table of colour models, each given its conversions one by one after the table is built
const models = {
  rgb: { channels: 3, labels: 'rgb' },
  hsl: { channels: 3, labels: 'hsl' },
};

models.rgb.hsl = function (rgb) {
  const max = Math.max(rgb[0], rgb[1], rgb[2]) / 255;
  return [0, 0, max * 100];
};

models.rgb.gray = function (rgb) {
  return [(rgb[0] + rgb[1] + rgb[2]) / 3];
};

models.hsl.rgb = function (hsl) {
  const v = hsl[2] / 100 * 255;
  return [v, v, v];
};

function find(name, { exact, fallback = 'rgb' } = {}) {
  if (exact) return models[name];
  return name in models ? models[name] : models[fallback];
}

module.exports = { models, find };
