"""A progress bar on stderr for scans that take more than a moment (TTY only, never with -q)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

# Below this many files to parse, a bar would only flicker.
MIN_FILES = 200
DELAY_SECONDS = 0.5


class _Bar:
    """Starts rich's bar lazily (rich is imported only when a bar is actually drawn)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_FILES or time.monotonic() - self.started < DELAY_SECONDS:
            return
        if self.progress is None:
            from rich.console import Console
            from rich.progress import Progress

            self.progress = Progress(transient=True, console=Console(stderr=True))
            self.progress.start()
            self.task = self.progress.add_task("scanning", total=total)
        assert self.task is not None
        self.progress.update(self.task, completed=done)
        if done >= total:
            self.progress.stop()


def progress_reporter(quiet: bool) -> Callable[[int, int], None] | None:
    """A `(done, total)` callback drawing a bar on stderr, or None when one is not wanted."""
    if quiet or not sys.stderr.isatty():
        return None
    return _Bar()
