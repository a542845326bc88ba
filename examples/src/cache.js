'use strict';

/**
 * A small least-recently-used cache with an optional time-to-live.
 */
class LruCache {
  /**
   * @param {number} [capacity] Most entries kept before the oldest is evicted.
   * @param {{ ttlMs?: number, now?: () => number }} [options]
   */
  constructor(capacity = 100, options = {}) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.capacity = capacity;
    this.ttlMs = options.ttlMs === undefined ? Infinity : options.ttlMs;
    this.now = options.now || Date.now;
    this.entries = new Map();
    this.hits = 0;
    this.misses = 0;
  }

  get(key) {
    const entry = this.entries.get(key);
    if (!entry || this.now() - entry.storedAt > this.ttlMs) {
      if (entry) {
        this.entries.delete(key);
      }
      this.misses += 1;
      return undefined;
    }
    // Re-insert so the Map's insertion order doubles as recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits += 1;
    return entry.value;
  }

  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, { value, storedAt: this.now() });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      this.entries.delete(oldest);
    }
    return this;
  }

  getOrCompute(key, compute) {
    const cached = this.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const value = compute(key);
    this.set(key, value);
    return value;
  }

  invalidate(key) {
    return this.entries.delete(key);
  }

  get size() {
    return this.entries.size;
  }
}

module.exports = LruCache;
