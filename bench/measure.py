"""Run one command and measure its wall time and peak memory.

Peak memory is measured two ways and the larger is reported:

* `ru_maxrss` from `os.wait4` on the child: the peak RSS of the largest single process among the
  child and the descendants it waited for (what `/usr/bin/time -v` reports);
* the sum of the RSS of the whole process tree, sampled every `SAMPLE_INTERVAL` seconds from
  `/proc`: what a `--jobs N` run with worker processes really holds at once.

For a single process the sampled sum never exceeds `ru_maxrss`, so the figure is `ru_maxrss`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE_INTERVAL = 0.05
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
MB = 1024.0


@dataclass(frozen=True)
class Sample:
    """One measured run."""

    wall_s: float
    maxrss_kb: int  # largest single process (ru_maxrss)
    tree_peak_kb: int  # largest sampled sum over the process tree
    returncode: int
    cpu_s: float = 0.0  # user + system time of the child and its waited-for descendants
    timed_out: bool = False

    @property
    def peak_kb(self) -> int:
        return max(self.maxrss_kb, self.tree_peak_kb)


def children(pid: int) -> list[int]:
    """Direct children of `pid` (Linux `/proc/PID/task/TID/children`)."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/children").read_text()
        except OSError:
            continue
        found.extend(int(word) for word in text.split())
    return found


def rss_kb(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE_KB


def tree_rss_kb(root: int) -> int:
    """Current RSS summed over `root` and all its descendants."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += rss_kb(pid)
        stack.extend(children(pid))
    return total


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def run_measured(
    argv: Sequence[str],
    stdout: Path,
    stderr: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 3600.0,
) -> Sample:
    """Run `argv` with its output sent to files; measure wall time and peak RSS."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdout=out, stderr=err, env=env, cwd=cwd, start_new_session=True
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        killer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        killer.cancel()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it, not Popen
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(wall, usage.ru_maxrss, sampler.peak_kb, proc.returncode, cpu, wall >= timeout)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


@dataclass
class Tool:
    """One measured command. `reset` is emptied before each run; `prepare` runs untimed once."""

    key: str
    name: str
    argv: list[str]
    ok_codes: frozenset[int]
    kind: str  # "ast", "fbscopes" or "bandit"
    reset: Path | None = None
    prepare: list[str] | None = None
    note: str = ""
    env: dict[str, str] = field(default_factory=dict)  # added to the environment of each run


@dataclass
class ToolResult:
    tool: Tool
    samples: list[Sample] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.samples)

    @property
    def median_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_kb for s in self.samples) / MB
