"""Run stage 1 (`filescan.scan_file`) over many files: cached, and in parallel when it pays."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from analyzer.cache import ScanCache, file_stat
from analyzer.discovery import SourceFile
from analyzer.filescan import FileResult, scan_file

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
    """Stage-1 results in the order of `files` (so output never depends on `jobs`)."""
    results: list[FileResult | None] = [None] * len(files)
    stats = [file_stat(f.path) for f in files]
    todo: list[int] = []
    for index, (file, stat) in enumerate(zip(files, stats, strict=True)):
        cached = cache.lookup(file.rel, stat) if stat is not None else None
        if isinstance(cached, FileResult) and (
            cached.summary is not None or file.rel not in force_full
        ):
            results[index] = cached
        else:
            todo.append(index)
    work = partial(_scan_one, max_bytes=max_bytes, trigger=trigger)
    items = [(files[i], files[i].rel in force_full) for i in todo]
    for done, (index, result) in enumerate(zip(todo, _map(work, items, jobs), strict=True), 1):
        results[index] = result
        stat = stats[index]
        if stat is not None and result.digest:
            cache.store(result.rel, stat, result)
        if progress is not None:
            progress(done, len(todo))
    return [r for r in results if r is not None]


def _scan_one(item: tuple[SourceFile, bool], *, max_bytes: int, trigger: str) -> FileResult:
    file, full = item
    return scan_file(file, max_bytes, trigger, force_full=full)


def _map(
    work: Callable[[tuple[SourceFile, bool]], FileResult],
    items: list[tuple[SourceFile, bool]],
    jobs: int,
) -> Iterator[FileResult]:
    if jobs <= 1 or len(items) < PARALLEL_THRESHOLD:
        yield from map(work, items)
        return
    chunk = max(1, min(64, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, items, chunksize=chunk)
