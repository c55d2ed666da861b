"""Run stage 1 (`filescan.scan_file`) over many files: cached, and in parallel when it pays."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import TypeGuard

from analyzer.cache import ScanCache, file_stat
from analyzer.discovery import SourceFile
from analyzer.filescan import FileResult, classify_text, digest_text, scan_file
from analyzer.source import SourceText, read_source

# Below this many files to (re)scan, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48

Progress = Callable[[int, int], None]


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def scan_files(
    files: Sequence[SourceFile],
    *,
    max_bytes: int,
    trigger: str,
    jobs: int,
    cache: ScanCache,
    progress: Progress | None = None,
    force_full: frozenset[str] = frozenset(),
) -> list[FileResult]:
    """Stage-1 results in the order of `files` (so output never depends on `jobs`).

    A file whose stat is unchanged is not read; one whose stat changed but whose content
    hash is the one cached is read but not parsed again.
    """
    results: list[FileResult | None] = [None] * len(files)
    stats = [file_stat(f.path) for f in files]
    todo: list[int] = []
    for index, (file, stat) in enumerate(zip(files, stats, strict=True)):
        cached = cache.lookup(file.rel, stat) if stat is not None else None
        if _usable(cached, file.rel in force_full):
            results[index] = cached
        else:
            todo.append(index)
    work = partial(_scan_one, max_bytes=max_bytes, trigger=trigger)
    items = [_item(files[i], cache, force_full) for i in todo]
    for done, (index, result) in enumerate(zip(todo, _map(work, items, jobs), strict=True), 1):
        if result is None:  # same content as cached: only the stat changed
            result = cache.previous(files[index].rel)
            assert isinstance(result, FileResult)
        results[index] = result
        stat = stats[index]
        if stat is not None and result.digest:
            cache.store(result.rel, stat, result)
        if progress is not None:
            progress(done, len(todo))
    return [r for r in results if r is not None]


def _usable(cached: object, full: bool) -> TypeGuard[FileResult]:
    return isinstance(cached, FileResult) and (cached.summary is not None or not full)


_Item = tuple[SourceFile, bool, str | None]


def _item(file: SourceFile, cache: ScanCache, force_full: frozenset[str]) -> _Item:
    full = file.rel in force_full
    previous = cache.previous(file.rel)
    known = previous.digest if _usable(previous, full) else None
    return (file, full, known)


def _scan_one(item: _Item, *, max_bytes: int, trigger: str) -> FileResult | None:
    """Stage 1 for one file; None when its content hash equals the cached one."""
    file, full, known_digest = item
    if known_digest is not None:
        source = read_source(file, max_bytes=max_bytes)
        if isinstance(source, SourceText) and digest_text(source.text) == known_digest:
            return None
        if isinstance(source, SourceText):
            return classify_text(file, source.text, trigger, force_full=full)
    return scan_file(file, max_bytes, trigger, force_full=full)


def _map(
    work: Callable[[_Item], FileResult | None],
    items: list[_Item],
    jobs: int,
) -> Iterator[FileResult | None]:
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        yield from map(work, items)
        return
    chunk = max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, items, chunksize=chunk)
