"""A cache of stage-1 results and of whole reports, so an unchanged tree re-parses nothing.

One file per scan root and settings under the cache directory (default
`$FBSCOPES_CACHE_DIR`, else `$XDG_CACHE_HOME/fbscopes`, else `~/.cache/fbscopes`). Entries are
keyed by the tool's own code, the rules and catalogue, and each file's stat (fast path) or,
when the stat changed, its content hash. Writes are atomic (temp file + rename), so parallel
runs and a read-only or missing directory are safe: the cache is then simply not used.

Cache files are pickles, and unpickling runs code, so every file carries an HMAC made with a
per-user key kept outside any scanned tree (`key` in the default cache directory, mode 0600).
A file that does not verify (planted by a scanned repository through `cache-dir`, corrupted,
or written by someone else) is ignored, never unpickled. Without a usable key: no cache.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from analyzer import __version__

_FORMAT = 2
_KEY_BYTES = 32
_MAC_BYTES = hashlib.sha256().digest_size


def default_cache_dir() -> Path:
    explicit = os.environ.get("FBSCOPES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fbscopes"


def signing_key() -> bytes | None:
    """The per-user HMAC key (created on first use), or None when it cannot be had.

    It lives in the default cache directory, never in a configured one, so a scanned
    repository cannot supply it.
    """
    path = default_cache_dir() / "key"
    try:
        data = path.read_bytes()
        if len(data) == _KEY_BYTES and path.stat().st_mode & 0o077 == 0:
            return data
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(_KEY_BYTES))
        os.replace(temp, path)  # mkstemp files are created with mode 0600
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) == _KEY_BYTES else None


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()


@cache
def code_fingerprint() -> str:
    """A hash of the analyser's own source, so any code change invalidates the cache."""
    from analyzer.resources import catalogue_dir, rules_dir

    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    sources = [(package, "*.py"), (rules_dir(), "*.yaml"), (catalogue_dir(), "*.yaml")]
    for base, pattern in sources:
        for path in sorted(base.rglob(pattern)):
            digest.update(path.relative_to(base).as_posix().encode())
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
    secret: bytes | None = None
    entries: dict[str, tuple[tuple[int, int], Any]] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def open(cls, directory: Path | None, scope: str, key: str) -> ScanCache:
        """Load the cache for `scope` (a scan root + settings); a fresh one on any problem."""
        secret = signing_key() if directory is not None else None
        if directory is None or secret is None:
            return cls(None, key)
        name = hashlib.sha256(scope.encode()).hexdigest()[:32]
        path = directory / f"v{_FORMAT}" / f"{name}.pickle"
        stored = _load_verified(path, secret)
        if not isinstance(stored, dict) or stored.get("key") != key:
            return cls(path, key, secret)
        return cls(path, key, secret, stored.get("entries", {}), stored.get("reports", {}))

    def lookup(self, rel: str, stat: tuple[int, int]) -> Any | None:
        """The stored result when the file's stat is unchanged."""
        entry = self.entries.get(rel)
        if entry is not None and entry[0] == stat:
            return entry[1]
        return None

    def previous(self, rel: str) -> Any | None:
        """The stored result whatever the stat (to compare content hashes)."""
        entry = self.entries.get(rel)
        return None if entry is None else entry[1]

    def store(self, rel: str, stat: tuple[int, int], result: Any) -> None:
        self.entries[rel] = (stat, result)
        self.dirty = True

    def save(self, keep: Iterable[str]) -> None:
        """Write atomically, keeping only entries for `keep`; never raises."""
        if self.path is None or self.secret is None or not self.dirty:
            return
        wanted = set(keep)
        data = {
            "key": self.key,
            "entries": {k: v for k, v in self.entries.items() if k in wanted},
            "reports": dict(list(self.reports.items())[-4:]),
        }
        try:
            payload = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as handle:
                handle.write(_sign(self.secret, payload) + payload)
            os.replace(temp, self.path)
        except Exception:  # a cache must never fail a scan (full disk, deep structures, ...)
            return


def _load_verified(path: Path, secret: bytes) -> Any:
    """The unpickled cache file, only if its HMAC verifies; None otherwise."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    mac, payload = blob[:_MAC_BYTES], blob[_MAC_BYTES:]
    if len(mac) != _MAC_BYTES or not hmac.compare_digest(mac, _sign(secret, payload)):
        return None
    try:
        return pickle.loads(payload)  # signed with this user's key: written by fbscopes
    except Exception:  # an old or damaged file: start afresh
        return None


def file_stat(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)  # a symlink's target: editing it must invalidate the entry
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)
