"""The parse workers' heap reserve (`kimi_code.index.heap`)."""

from __future__ import annotations

from kimi_code.index import heap


def test_small_files_reserve_nothing() -> None:
    reserve = heap.HeapReserve()
    reserve.grow(20_000)
    assert len(reserve) == 0 and reserve.mib == 0


def test_reserve_grows_to_the_largest_file_and_is_capped() -> None:
    reserve = heap.HeapReserve()
    reserve.grow(200_000)
    first = len(reserve)
    assert reserve.mib == 24 and first > 0
    reserve.grow(100_000)  # a smaller file: keeps what it has
    assert len(reserve) == first
    reserve.grow(50_000_000)
    assert reserve.mib == heap._CAP_MIB
    assert len(reserve) == heap._CAP_MIB * heap._PER_MIB // heap._KEEP_EVERY
