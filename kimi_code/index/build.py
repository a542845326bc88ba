"""Build a `WorkspaceIndex`: walk, reuse the cache, parse the rest on every core (index layer).

Parsing holds the GIL, so a cold index fans out to worker processes (fork when this
process has a single thread, forkserver otherwise). Work goes out in guided chunks,
largest files first and each chunk a shrinking share of what is left, and comes back as
one marshal blob per chunk. Each worker keeps its heap warm between files (`heap.py`).
The parent resolves each file's imports as its chunk lands, while the workers parse the
rest, and reports (files done, files total) to an optional progress callback. Unchanged
files come from the cache without being read.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import marshal
import multiprocessing
import os
import threading
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from kimi_code.errors import WorkspaceError
from kimi_code.index.cache import CacheData, load_cache, save_cache
from kimi_code.index.extract import hash_bytes, index_source
from kimi_code.index.heap import HeapReserve, reserve_heap
from kimi_code.index.languages import query_for
from kimi_code.index.model import LanguageName
from kimi_code.index.records import RawRecord, Resolution
from kimi_code.index.resolve import Resolver
from kimi_code.index.walk import DEFAULT_MAX_BYTES, SourceEntry, walk_workspace
from kimi_code.index.workspace import WorkspaceIndex

__all__ = ["build_index", "default_jobs", "index_file_bytes"]

# Below this much work a process pool costs more than it saves.
_POOL_MIN_FILES = 48
_POOL_MIN_BYTES = 512 * 1024
_GUIDED_SHARE = 3  # each chunk takes 1/(jobs*3) of the bytes still unassigned
_MIN_CHUNK_BYTES = 64 * 1024

# Serial indexing reports progress after this many files.
_SERIAL_BATCH = 32

Outcome = tuple[str, str, RawRecord | str]  # path, record key, record or skip reason
Progress = Callable[[int, int], None]
"""Called with (files done, files total) as work lands; see `build_index`."""


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def index_file_bytes(data: bytes, language: LanguageName) -> tuple[str, RawRecord | str]:
    """Index one file's bytes: (record key, raw record), or the skip reason for binaries."""
    digest = hash_bytes(data)
    key = f"{language}:{digest}"
    if b"\0" in data[:8192]:
        return key, "binary"
    return key, index_source(data, language, digest)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Records are acyclic tuples: the cyclic GC would only rescan them, again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _index_chunk(root: str, items: list[tuple[str, LanguageName]], largest: int) -> bytes:
    """Worker entry point: index `items` (the largest `largest` bytes); the outcomes travel
    back as one marshal blob (three times faster to encode than pickle for plain tuples)."""
    with _gc_paused():
        reserve_heap(largest)
        return marshal.dumps(_index_items(root, items))


def _index_items(root: str, items: list[tuple[str, LanguageName]]) -> list[Outcome]:
    out: list[Outcome] = []
    for path, language in items:
        try:
            with open(os.path.join(root, path), "rb") as handle:
                data = handle.read()
        except OSError as exc:
            out.append((path, "", f"unreadable ({exc.strerror})"))
            continue
        key, record = index_file_bytes(data, language)
        out.append((path, key, record))
    return out


def _chunks(todo: list[SourceEntry], jobs: int) -> list[list[tuple[str, LanguageName]]]:
    """Guided chunks: largest files first, each chunk a share of what is left, so the
    last tasks are small and no worker idles long at the end."""
    entries = sorted(todo, key=lambda e: e.size, reverse=True)
    remaining = sum(e.size for e in entries)
    chunks: list[list[tuple[str, LanguageName]]] = []
    current: list[tuple[str, LanguageName]] = []
    target = load = 0
    for entry in entries:
        if not current:
            target = max(remaining // (jobs * _GUIDED_SHARE), _MIN_CHUNK_BYTES)
        current.append((entry.path, entry.language))
        load += entry.size
        remaining -= entry.size
        if load >= target:
            chunks.append(current)
            current, load = [], 0
    if current:
        chunks.append(current)
    return chunks


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork starts workers in milliseconds; it is only safe while no other thread runs.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _parse_all(
    root: Path, todo: list[SourceEntry], jobs: int
) -> Generator[list[Outcome], None, None]:
    """Index `todo`, yielding the outcomes of each chunk as it finishes (in any order).

    An exception thrown in at a yield (a progress callback that raises) cancels the
    chunks not yet started and propagates once the running ones end.
    """
    if not todo:
        return
    small = len(todo) < _POOL_MIN_FILES or sum(e.size for e in todo) < _POOL_MIN_BYTES
    if jobs <= 1 or small:
        reserve = HeapReserve()
        if not small:  # worth it only over many files; released when this build ends
            reserve.grow(max(e.size for e in todo))
        items = [(e.path, e.language) for e in todo]
        for start in range(0, len(items), _SERIAL_BATCH):
            yield _index_items(str(root), items[start : start + _SERIAL_BATCH])
        return
    for language in {e.language for e in todo}:
        query_for(language)  # compiled once here, inherited by forked workers
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_pool_context())
    try:
        sizes = {e.path: e.size for e in todo}
        futures = [
            # Chunks list their files largest first.
            pool.submit(_index_chunk, str(root), chunk, sizes[chunk[0][0]])
            for chunk in _chunks(todo, jobs)
        ]
        for future in as_completed(futures):
            yield marshal.loads(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _from_cache(
    root: Path, entries: list[SourceEntry], cache: CacheData
) -> tuple[dict[str, tuple[str, RawRecord | str]], list[SourceEntry]]:
    """Split entries into cache hits (path -> key, record) and files to parse.

    The fast path trusts an unchanged (size, mtime_ns); a file whose stamp moved is read
    and hashed, and still reused when its content is known (a checkout, a touch).
    """
    hits: dict[str, tuple[str, RawRecord | str]] = {}
    todo: list[SourceEntry] = []
    for entry in entries:
        known = cache.entries.get(entry.path)
        key = None
        if known is not None and known[0] == entry.size and known[1] == entry.mtime_ns:
            key = known[2]
        elif cache.records:
            with contextlib.suppress(OSError):
                data = (root / entry.path).read_bytes()
                key = f"{entry.language}:{hash_bytes(data)}"
        record = cache.records.get(key) if key is not None else None
        if key is not None and record is not None:
            hits[entry.path] = (key, record)
        else:
            todo.append(entry)
    return hits, todo


def build_index(
    root: Path | str,
    *,
    cache: bool = True,
    jobs: int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Progress | None = None,
) -> WorkspaceIndex:
    """Index every source file under `root`.

    Args:
        root: The workspace directory.
        cache: Reuse and update `<root>/.kimi/index/`; False parses everything, writes nothing.
        jobs: Worker processes for parsing; None uses every core this process may use.
        max_bytes: Files larger than this are skipped with a reason.
        progress: Called as `progress(files_done, files_total)` from the calling thread:
            once with (cache hits, total) after the walk, then after each chunk of parsed
            files, the last call being (total, total). `files_total` counts the source
            files the walk found (skipped ones excluded). Keep it cheap; an exception it
            raises aborts the build (pending work is cancelled) and propagates.

    Returns:
        The index, with its import graph resolved.

    Raises:
        WorkspaceError: `root` does not exist or is not a directory.
    """
    root = Path(root).expanduser()
    if not root.exists():
        raise WorkspaceError("no such directory", path=str(root))
    if not root.is_dir():
        raise WorkspaceError("not a directory (index a workspace folder)", path=str(root))
    with _gc_paused():
        return _build(root.resolve(), cache, jobs or default_jobs(), max_bytes, progress)


def _build(
    root: Path, cache: bool, jobs: int, max_bytes: int, progress: Progress | None
) -> WorkspaceIndex:
    walked = walk_workspace(root, max_bytes=max_bytes)
    old = load_cache(root) if cache else CacheData()
    hits, todo = _from_cache(root, walked.sources, old)
    skipped = dict(walked.skipped)
    # The file set is known after the walk: resolve each file's imports as soon as its
    # record arrives, while the workers still parse the rest.
    resolver = Resolver(root, {e.path for e in walked.sources} | walked.assets, skipped)
    fresh = CacheData()
    stamps = {e.path: (e.size, e.mtime_ns) for e in walked.sources}
    records: dict[str, RawRecord] = {}
    resolutions: dict[str, tuple[Resolution, ...]] = {}
    done, total = 0, len(walked.sources)
    # closing(): a progress callback that raises shuts the pool down before propagating.
    with contextlib.closing(_parse_all(root, todo, jobs)) as batches:
        for batch in itertools.chain([[(p, k, r) for p, (k, r) in hits.items()]], batches):
            for path, key, record in batch:
                if key:
                    fresh.entries[path] = (*stamps[path], key)
                    fresh.records[key] = record
                if isinstance(record, str):
                    skipped[path] = record
                else:
                    records[path] = record
                    resolutions[path] = resolver.resolve_imports(path, record[0], record[6])
            done += len(batch)
            if progress is not None:
                progress(done, total)
    if cache and (todo or fresh.entries != old.entries):
        save_cache(root, fresh)
    return WorkspaceIndex(
        root, records, skipped, walked.assets, resolver=resolver, resolutions=resolutions
    )
