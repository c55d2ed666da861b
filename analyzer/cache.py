"""A cache of stage-1 results and of whole reports, so an unchanged tree re-parses nothing.

One file per scan root and settings under the cache directory (default
`$FBSCOPES_CACHE_DIR`, else `$XDG_CACHE_HOME/fbscopes`, else `~/.cache/fbscopes`). Entries are
keyed by the tool's own code, the rules and catalogue, and each file's stat (fast path) or
content hash. Writes are atomic (temp file + rename), so parallel runs and a read-only or
missing directory are safe: the cache is then simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from analyzer import __version__

_FORMAT = 1


def default_cache_dir() -> Path:
    explicit = os.environ.get("FBSCOPES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fbscopes"


@cache
def code_fingerprint() -> str:
    """A hash of the analyser's own source, so any code change invalidates the cache."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def files_fingerprint(paths: Iterable[str | Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        digest.update(path.encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()


@dataclass(slots=True)
class ScanCache:
    """Stage-1 results by display path, with the stat they were computed for."""

    path: Path | None
    key: str
    entries: dict[str, tuple[tuple[int, int], Any]] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, directory: Path | None, scope: str, key: str) -> ScanCache:
        """Load the cache for `scope` (a scan root + settings); a fresh one on any problem."""
        if directory is None:
            return cls(None, key)
        name = hashlib.sha256(scope.encode()).hexdigest()[:32]
        path = directory / f"v{_FORMAT}" / f"{name}.pickle"
        try:
            with path.open("rb") as handle:
                stored = pickle.load(handle)
        except (
            OSError,
            pickle.PickleError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
        ):
            return cls(path, key)
        if not isinstance(stored, dict) or stored.get("key") != key:
            return cls(path, key)
        return cls(path, key, stored.get("entries", {}), stored.get("reports", {}))

    def lookup(self, rel: str, stat: tuple[int, int]) -> Any | None:
        entry = self.entries.get(rel)
        if entry is not None and entry[0] == stat:
            return entry[1]
        return None

    def by_digest(self, rel: str, digest: str) -> Any | None:
        entry = self.entries.get(rel)
        if entry is not None and getattr(entry[1], "digest", None) == digest:
            return entry[1]
        return None

    def store(self, rel: str, stat: tuple[int, int], result: Any) -> None:
        self.entries[rel] = (stat, result)
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        """Write atomically, keeping only entries for `keep`; never raises."""
        if self.path is None or not self.dirty:
            return
        wanted = set(keep)
        data = {
            "key": self.key,
            "entries": {k: v for k, v in self.entries.items() if k in wanted},
            "reports": dict(list(self.reports.items())[-4:]),
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, self.path)
        except OSError:
            return


def file_stat(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)
