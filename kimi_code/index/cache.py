"""The on-disk index cache under `<root>/.kimi/index/` (index layer).

One `marshal` file holds raw records keyed by language and content hash, plus a fast
path from (path, size, mtime_ns) to that key, so a warm re-index of an unchanged
workspace reads no source file. The file is replaced atomically (write to a temporary
file in the same directory, then `os.replace`); a corrupt or foreign cache is ignored.
The fingerprint covers the query files, the grammar versions and the record layout, so a
change to any of them invalidates old entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import marshal
import os
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from kimi_code.index.languages import QUERY_DIR
from kimi_code.index.records import RawRecord

__all__ = ["CACHE_FILE", "CacheData", "fingerprint", "load_cache", "save_cache"]

CACHE_FILE = Path(".kimi") / "index" / "cache.marshal"
_SCHEMA = "kimi-index-4"
_PACKAGES = (
    "tree-sitter",
    "tree-sitter-javascript",
    "tree-sitter-typescript",
    "tree-sitter-python",
)

# path -> (size, mtime_ns, record key)
Entries = dict[str, tuple[int, int, str]]
# record key (language:hash) -> raw record, or the reason the file was skipped
Records = dict[str, RawRecord | str]


@dataclass(slots=True)
class CacheData:
    """What the cache file holds."""

    entries: Entries = field(default_factory=dict)
    """Fast path: path -> (size, mtime_ns, record key)."""
    records: Records = field(default_factory=dict)
    """Record key -> raw record (or a skip reason such as `binary`)."""


@functools.cache
def fingerprint() -> str:
    """Identify the record layout, queries and grammar versions the cache was built with."""
    digest = hashlib.blake2b(_SCHEMA.encode(), digest_size=16)
    for path in sorted(QUERY_DIR.glob("*.scm")):
        digest.update(path.read_bytes())
    for package in _PACKAGES:
        try:
            digest.update(metadata.version(package).encode())
        except metadata.PackageNotFoundError:
            digest.update(b"?")
    return digest.hexdigest()


def load_cache(root: Path) -> CacheData:
    """Load the cache of `root`; an absent, corrupt or outdated cache loads as empty."""
    try:
        data = marshal.loads((root / CACHE_FILE).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return CacheData()
    if not isinstance(data, tuple) or len(data) != 3 or data[0] != fingerprint():
        return CacheData()
    return CacheData(entries=data[1], records=data[2])


def save_cache(root: Path, cache: CacheData) -> None:
    """Write the cache of `root` atomically; failures (read-only tree) are ignored."""
    target = root / CACHE_FILE
    payload = marshal.dumps((fingerprint(), cache.entries, cache.records))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".cache-", dir=target.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
