"""Staged edits: the in-memory workspace view, sandboxing, atomic apply, checkpoints and undo."""
