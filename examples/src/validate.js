'use strict';

const SKU_PATTERN = /^[A-Z]{3}-\d{3}$/;

class ValidationError extends Error {
  constructor(field, message) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
    this.field = field;
  }
}

function isSku(value) {
  return typeof value === 'string' && SKU_PATTERN.test(value);
}

function requireSku(value) {
  if (!isSku(value)) {
    throw new ValidationError('sku', `expected a SKU like "TEA-001", got ${JSON.stringify(value)}`);
  }
  return value;
}

function requirePositiveInt(field, value) {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError(field, `expected a positive integer, got ${value}`);
  }
  return value;
}

function requireRate(field, value, max = 1) {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || value > max) {
    throw new ValidationError(field, `expected a rate between 0 and ${max}, got ${value}`);
  }
  return value;
}

module.exports.ValidationError = ValidationError;
module.exports.isSku = isSku;
module.exports.requireSku = requireSku;
module.exports.requirePositiveInt = requirePositiveInt;
module.exports.requireRate = requireRate;
