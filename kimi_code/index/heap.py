"""Keep a parse worker's small-object heap warm between files (index layer).

py-tree-sitter allocates syntax trees through `PyMem_Malloc`, so a tree's many small
nodes live in pymalloc arenas (1 MiB each). When a tree is freed its arenas empty and
go back to the kernel, and the next file's parse faults the same amount of memory in
again: on three.js that is about 110,000 page faults, 10-15% of the parse time.
A reserve of live objects spread one per few pools keeps those arenas mapped, so each
worker faults its peak once and then reuses warm pages. Pool workers hold one for their
life (one build); a serial build of a large workspace holds one while it parses.
"""

from __future__ import annotations

__all__ = ["HeapReserve", "reserve_heap"]

# Peak tree memory per source byte seen on three.js (largest file ~0.95 MB needs
# ~128 MiB before the faults vanish); the cap bounds a worker's extra memory.
_PEAK_PER_SOURCE_BYTE = 128
_CAP_MIB = 128
_MIN_MIB = 8
# 400-byte payloads sit in pymalloc's largest size classes (objects <= 512 bytes):
# about 2,300 per arena; one in _KEEP_EVERY stays alive, pinning every arena.
_PAYLOAD = 400
_PER_MIB = 2048
_KEEP_EVERY = 512


class HeapReserve:
    """Objects pinning pymalloc arenas; the arenas stay mapped while this is alive."""

    __slots__ = ("_pins", "mib")

    def __init__(self) -> None:
        """Start empty (nothing reserved)."""
        self._pins: list[bytes] = []
        self.mib = 0
        """MiB of heap reserved so far."""

    def __len__(self) -> int:
        return len(self._pins)

    def grow(self, largest_file: int) -> None:
        """Grow the reserve to what parsing a `largest_file`-byte file needs.

        Cheap when the reserve is already large enough; a no-op for small files.
        """
        want = min(_CAP_MIB, (largest_file * _PEAK_PER_SOURCE_BYTE) >> 20)
        if want < _MIN_MIB or want <= self.mib:
            return
        filler = [bytes(_PAYLOAD) for _ in range((want - self.mib) * _PER_MIB)]
        self._pins.extend(filler[::_KEEP_EVERY])
        self.mib = want


# A pool worker's reserve lives as long as the worker (one build).
_worker_reserve = HeapReserve()


def reserve_heap(largest_file: int) -> None:
    """Grow this worker process's reserve (see `HeapReserve.grow`)."""
    _worker_reserve.grow(largest_file)
