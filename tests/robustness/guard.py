"""An audit hook that records what a scan must never do.

`Guard` watches, while active, for: any socket activity (creation, DNS, connect), starting a
process, executing code compiled from a file below a guarded root (importing or running a
scanned module), writing, creating, renaming, deleting or changing the mode of anything below
a guarded root, and opening any path listed in `never_open` (FIFOs, devices, files outside
the scan root). Audit hooks cannot be removed, so one hook is installed per process and a
module-level switch turns recording on and off.

`bootstrap()` runs the command line under a guard configured from the environment
(`FBSCOPES_GUARD_ROOTS`, `FBSCOPES_GUARD_NEVER_OPEN`, separated by `os.pathsep`), with
sockets disabled by pytest-socket, and prints what it saw to stderr after `GUARD_MARK`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

GUARD_MARK = "FBSCOPES-GUARD:"

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_MUTATIONS = frozenset(
    {
        "os.remove",
        "os.rename",
        "os.mkdir",
        "os.rmdir",
        "os.chmod",
        "os.chown",
        "os.utime",
        "os.symlink",
        "os.link",
        "os.truncate",
        "os.chflags",
        "os.mkfifo",
        "os.mknod",
        "shutil.rmtree",
        "shutil.move",
        "shutil.copyfile",
        "shutil.copytree",
    }
)
_PROCESSES = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"}
)


@dataclass
class Guard:
    roots: tuple[str, ...]
    never_open: frozenset[str] = frozenset()
    events: list[str] = field(default_factory=list)

    def below_root(self, path: object) -> bool:
        text = _absolute(path)
        return text is not None and any(_within(text, root) for root in self.roots)

    def observe(self, event: str, args: tuple[Any, ...]) -> None:
        if event.startswith("socket."):
            self.events.append(f"network: {event}")
        elif event in _PROCESSES:
            self.events.append(f"process: {event} {_short(args)}")
        elif event == "exec" and args:
            filename = getattr(args[0], "co_filename", None)
            real_file = isinstance(filename, str) and not filename.startswith("<")
            if real_file and self.below_root(filename):
                self.events.append(f"executed scanned code: {filename}")
        elif event == "open" and args:
            self._open(args)
        elif event in _MUTATIONS and args and self.below_root(args[0]):
            self.events.append(f"changed the scanned tree: {event} {_short(args)}")

    def _open(self, args: tuple[Any, ...]) -> None:
        path, mode = args[0], args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        absolute = _absolute(path)
        if absolute is None:
            return
        if absolute in self.never_open:
            self.events.append(f"opened: {absolute}")
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool(
            flags & _WRITE_FLAGS
        )
        if writing and self.below_root(absolute):
            self.events.append(f"wrote into the scanned tree: {absolute}")


_ACTIVE: list[Guard] = []
_INSTALLED: list[bool] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _ACTIVE:
        return
    with contextlib.suppress(Exception):  # a hook must never break the operation it watches
        _ACTIVE[-1].observe(event, args)


def install() -> None:
    if not _INSTALLED:
        sys.addaudithook(_hook)
        _INSTALLED.append(True)


@contextmanager
def guarded(
    roots: Iterable[os.PathLike[str] | str], never_open: Iterable[object] = ()
) -> Iterator[Guard]:
    """Record forbidden events while the block runs (see the module docstring)."""
    install()
    guard = Guard(
        tuple(_absolute(r) or "" for r in roots),
        frozenset(filter(None, (_absolute(p) for p in never_open))),
    )
    _ACTIVE.append(guard)
    try:
        yield guard
    finally:
        _ACTIVE.remove(guard)


def _absolute(path: object) -> str | None:
    if isinstance(path, int):
        return None
    try:
        text = os.fsdecode(os.fspath(path))  # type: ignore[arg-type]
    except TypeError:
        return None
    return os.path.normpath(os.path.join(os.getcwd(), text))


def _within(path: str, root: str) -> bool:
    return bool(root) and (path == root or path.startswith(root.rstrip(os.sep) + os.sep))


def _short(args: tuple[Any, ...]) -> str:
    return repr(args)[:200]


def bootstrap() -> None:
    """Run `python -m analyzer` (argv after the script name) under a guard, sockets disabled."""
    import atexit
    import runpy

    import pytest_socket

    roots = [r for r in os.environ.get("FBSCOPES_GUARD_ROOTS", "").split(os.pathsep) if r]
    never = [p for p in os.environ.get("FBSCOPES_GUARD_NEVER_OPEN", "").split(os.pathsep) if p]
    pytest_socket.disable_socket(allow_unix_socket=False)
    context = guarded(roots, never)
    guard = context.__enter__()
    pid = os.getpid()

    def report() -> None:
        if os.getpid() == pid:  # not in forked workers
            sys.stderr.write(f"\n{GUARD_MARK}{json.dumps(guard.events)}\n")
            sys.stderr.flush()

    atexit.register(report)
    sys.argv[0] = "fbscopes"
    runpy.run_module("analyzer", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    bootstrap()
