"""Refactor recipes (js-to-ts, cjs-to-esm): per-file operations exposed as agent tools."""
