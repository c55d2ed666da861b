"""Stage 1: find the Python files to scan, safely, in trees we do not trust.

Rules, in the order they apply:

* Paths named by the caller ("explicit") are always taken when they are regular files, whatever
  their name and even when a `.gitignore` ignores them; only `exclude` drops them (`include`
  does not: it filters the walk, like ruff's). A named symlink is followed: the user named it.
  A missing path gives a `not-found` diagnostic, never an exception.
* Directories are walked with `os.scandir`, entries sorted by name. Tool, VCS, cache, build and
  virtualenv directories are pruned (`SKIP_DIRS`, `*.egg-info`, any directory holding a
  `pyvenv.cfg`). `.gitignore` files from the scan root downwards are honoured with Git's
  precedence (a deeper file overrides a shallower one; an ignored directory is not entered, so
  nothing below it can be re-included). Files above the scan root are not read.
* A walked file is Python when it ends in `.py`/`.pyw`, or has no suffix and its first line is
  a Python shebang (at most `SHEBANG_PROBE_BYTES` are read, through a non-blocking open).
* Nothing but regular files is ever opened. FIFOs, sockets and devices are reported
  (`special-file`) only when they carry a Python name.
* Symlinks met in the walk are not followed by default (`symlink`, INFO). With
  `follow_symlinks=True` they are followed after the real tree has been walked, so a file is
  reported under its real path when it has one; targets outside the scan root, loops and
  directories already scanned are skipped with a diagnostic.

Display paths (`SourceFile.rel`, `Diagnostic.path`) are POSIX and printable: bytes that are not
valid in the file-system encoding (kept by Python as surrogate escapes) and control characters
are shown as backslash escapes (`caf\\xe9.py`). `SourceFile.path` keeps the real name, usable
for opening.
"""

from __future__ import annotations

import os
import re
import stat
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pathspec

from analyzer.errors import ConfigError
from analyzer.models import Diagnostic, Level

SKIP_DIRS: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "site-packages",
        "dist-packages",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "build",
        "dist",
        ".eggs",
        ".fbscopes_cache",
    }
)
SKIP_DIR_SUFFIXES: tuple[str, ...] = (".egg-info",)
VENV_MARKER = "pyvenv.cfg"
PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyw")
SHEBANG_PROBE_BYTES = 256
GITIGNORE_MAX_BYTES = 1_000_000

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)
_PYTHON_PROGRAM = re.compile(r"(?:python|pypy)[0-9.]*")
_ENV_OPTIONS_WITH_ARGUMENT = frozenset({"-u", "--unset", "-C", "--chdir"})
_MISSING_ERRNOS = frozenset({2, 20})  # ENOENT, ENOTDIR


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to analyse.

    `path` opens it (as found: relative or absolute like the argument it came from). `rel` is
    the printable POSIX path relative to the scan root, or the path as given when the file lies
    outside the root. `module` is the dotted name derived from `rel`: `pkg/sub/mod.py` ->
    `pkg.sub.mod`, `pkg/__init__.py` -> `pkg`, `bin/tool` -> `bin.tool`; parts that are not
    identifiers are kept as they are. A root-level `__init__.py` is `__init__`, and a named
    file outside the root is just its file name without `.py`.
    """

    path: Path
    rel: str
    module: str


@dataclass(frozen=True, slots=True)
class Discovery:
    """What stage 1 found: files sorted by `rel`, diagnostics sorted by their sort key."""

    root: Path
    files: tuple[SourceFile, ...]
    diagnostics: tuple[Diagnostic, ...]


class NotRegularFileError(Exception):
    """`open_regular` met something that is not a regular file; `kind` says what it is."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        super().__init__(f"not a regular file ({kind})")


# --------------------------------------------------------------------------- public helpers


def scan_root(paths: Sequence[Path]) -> Path:
    """The directory that display paths are relative to.

    One directory -> itself (as given); one file -> its parent; several paths -> the common
    parent of their (resolved) directories. No paths -> the current directory.
    """
    dirs = [path if _is_dir(path) else path.parent for path in paths]
    if not dirs:
        return Path(".")
    if len(dirs) == 1:
        return dirs[0]
    return Path(os.path.commonpath([str(d.resolve()) for d in dirs]))


def file_kind(mode: int) -> str:
    """A human name for the file type in `mode` (`FIFO`, `socket`, `directory`, ...)."""
    kinds = (
        (stat.S_ISREG, "regular file"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISLNK, "symlink"),
    )
    return next((name for test, name in kinds if test(mode)), "special file")


def open_regular(path: Path, *, follow_symlinks: bool = True) -> tuple[int, os.stat_result]:
    """Open a regular file read-only, never blocking; return the descriptor and its fstat.

    The type is checked with `stat` before opening (so a FIFO or device is never opened) and
    again with `fstat` afterwards (the path may have been swapped in between); the open is
    non-blocking and, with `follow_symlinks=False`, refuses symlinks. Raises
    `NotRegularFileError` for anything that is not a regular file, `OSError` otherwise. The
    caller closes the descriptor.
    """
    mode = os.stat(path, follow_symlinks=follow_symlinks).st_mode
    if not stat.S_ISREG(mode):
        raise NotRegularFileError(file_kind(mode))
    flags = _OPEN_FLAGS if follow_symlinks else _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(file_kind(info.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_prefix(path: Path, limit: int, *, follow_symlinks: bool = True) -> bytes:
    """At most `limit` bytes from the start of a regular file (see `open_regular`)."""
    fd, _ = open_regular(path, follow_symlinks=follow_symlinks)
    try:
        return read_fd(fd, limit)
    finally:
        os.close(fd)


def read_fd(fd: int, limit: int) -> bytes:
    """Read from `fd` until end of file or until `limit` bytes have been read."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def is_python_shebang(head: bytes) -> bool:
    """Whether the first line of `head` is a shebang running Python.

    Accepts `#!/usr/bin/python3`, `#!/usr/bin/env python3`, `#!/usr/bin/env -S python3 -u`,
    `#! /opt/py/bin/pypy3` and the like: the program (or `env`'s command, after its options
    and `NAME=value` assignments) must be `python`/`pypy` optionally followed by a version.
    """
    if not head.startswith(b"#!"):
        return False
    words = head[2:].split(b"\n", 1)[0].decode("latin-1").split()
    if not words:
        return False
    program = _basename(words[0])
    if program == "env":
        program = _env_command(words[1:])
    return _PYTHON_PROGRAM.fullmatch(program) is not None


def display_path(raw: str) -> str:
    """`raw` made printable: surrogate escapes (undecodable bytes) and control characters
    become backslash escapes (`\\xe9`, `\\x0a`); everything else is kept as is."""
    if raw.isprintable():
        return raw
    return "".join(_escape_char(char) for char in raw)


def module_name(parts: Sequence[str]) -> str:
    """Dotted module name for the path parts of a file (see `SourceFile.module`)."""
    names = [display_path(part) for part in parts]
    if not names:
        return ""
    stem, suffix = os.path.splitext(names[-1])
    if suffix in PYTHON_SUFFIXES:
        names[-1] = stem
    if names[-1] == "__init__" and len(names) > 1:
        names.pop()
    return ".".join(names)


# --------------------------------------------------------------------------- discover


def discover(
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    follow_symlinks: bool = False,
    root: Path | None = None,
) -> Discovery:
    """Find the Python files under `paths` (see the module docstring for the rules).

    `exclude`/`include` are gitignore-style patterns relative to `root` (default:
    `scan_root(paths)`); an invalid pattern raises `ConfigError`. Problems with the tree are
    returned as diagnostics, never raised. No paths: nothing is scanned (the caller picks the
    default, usually `.`).
    """
    scan_at = scan_root(paths) if root is None else root
    walker = _Walker(
        scan_at,
        exclude=_compile_patterns(exclude, "--exclude"),
        include=_compile_patterns(include, "--include"),
        follow_symlinks=follow_symlinks,
    )
    for path in paths:
        walker.add_argument(path)
    walker.follow_deferred()
    return walker.result()


# --------------------------------------------------------------------------- internals


class _Verdict(Protocol):
    @property
    def include(self) -> bool | None: ...


class _Spec(Protocol):
    """What we use of a `pathspec.GitIgnoreSpec` (generic in pathspec 1.x, not in 0.12)."""

    def match_file(self, file: str) -> bool: ...

    def check_file(self, file: str) -> _Verdict: ...


@dataclass(frozen=True, slots=True)
class _Ignore:
    """One `.gitignore` file: its patterns apply to paths below `base` (a node key)."""

    base: str
    spec: _Spec

    def check(self, key: str, is_dir: bool) -> bool | None:
        """True: ignored, False: re-included by a `!` pattern, None: no pattern matched."""
        rel = key[len(self.base) + 1 :] if self.base else key
        return self.spec.check_file(rel + "/" if is_dir else rel).include


@dataclass(frozen=True, slots=True)
class _Node:
    """A path met during discovery.

    `key` is the POSIX path relative to the scan root with the raw (undisplayed) names, or the
    path as given for things outside the root; patterns are matched against it. `mod` holds
    the parts the module name is built from; `ignores` the `.gitignore` files that apply.
    """

    path: Path
    key: str
    mod: tuple[str, ...]
    ignores: tuple[_Ignore, ...] = ()

    @property
    def name(self) -> str:
        return self.key.rsplit("/", 1)[-1]

    @property
    def shown(self) -> str:
        return display_path(self.key) if self.key else "."

    def child(self, name: str, ignores: tuple[_Ignore, ...]) -> _Node:
        key = f"{self.key}/{name}" if self.key else name
        return _Node(self.path / name, key, (*self.mod, name), ignores)


class _Walker:
    """Collects files and diagnostics for one `discover` call."""

    def __init__(
        self,
        root: Path,
        *,
        exclude: _Spec | None,
        include: _Spec | None,
        follow_symlinks: bool,
    ) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self.exclude = exclude
        self.include = include
        self.follow = follow_symlinks
        self.files: dict[str, SourceFile] = {}
        self.diagnostics: set[Diagnostic] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        self.seen_files: set[tuple[int, int]] = set()
        self.deferred: deque[tuple[_Node, bool]] = deque()

    # ----------------------------------------------------------------- results

    def result(self) -> Discovery:
        files = sorted(self.files.values(), key=lambda f: (f.rel, str(f.path)))
        diagnostics = sorted(self.diagnostics, key=lambda d: (*d.sort_key(), d.level.value))
        return Discovery(self.root, tuple(files), tuple(diagnostics))

    def report(self, node: _Node, kind: str, message: str, level: Level) -> None:
        self.diagnostics.add(Diagnostic(node.shown, None, kind, message, level))

    def add_file(self, node: _Node) -> None:
        if self.follow:
            identity = _identity(node.path)
            if identity is not None:
                self.seen_files.add(identity)
        rel = display_path(node.key)
        self.files.setdefault(node.key, SourceFile(node.path, rel, module_name(node.mod)))

    # ----------------------------------------------------------------- arguments

    def add_argument(self, path: Path) -> None:
        """Take one caller-named path: a regular file, a directory to walk, or a diagnostic."""
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            self._argument_error(path, exc)
            return
        is_dir = stat.S_ISDIR(mode)
        node = self._locate(path, is_dir)
        if node.key and self._excluded(node, is_dir):
            return
        if is_dir:
            self.walk(node)
        elif stat.S_ISREG(mode):
            self.add_file(node)
        else:
            self.report(node, "special-file", _not_regular(file_kind(mode)), Level.WARNING)

    def _argument_error(self, path: Path, exc: OSError) -> None:
        node = _Node(path, path.as_posix(), ())
        if exc.errno in _MISSING_ERRNOS:
            broken = " (broken symlink)" if os.path.lexists(path) else ""
            self.report(node, "not-found", f"no such file or directory{broken}", Level.ERROR)
        else:
            self.report(node, "read-error", f"cannot access: {_reason(exc)}", Level.ERROR)

    def _locate(self, path: Path, is_dir: bool) -> _Node:
        """A node for a named path: root-relative when inside the root, as given otherwise."""
        parts = _relative_parts(path, self.root, self.real_root)
        if parts is None:
            return _Node(path, path.as_posix(), () if is_dir else (path.name,))
        ancestors = self._ancestor_ignores(parts if is_dir else ())
        return _Node(path, "/".join(parts), parts, ancestors)

    def _ancestor_ignores(self, parts: tuple[str, ...]) -> tuple[_Ignore, ...]:
        """`.gitignore` files of the root and of every directory above the one at `parts`."""
        found = (
            self._load_gitignore(self.root.joinpath(*parts[:i]), "/".join(parts[:i]))
            for i in range(len(parts))
        )
        return tuple(ignore for ignore in found if ignore is not None)

    # ----------------------------------------------------------------- the walk

    def walk(self, start: _Node) -> None:
        """Depth-first walk below `start`, children in name order, without recursion."""
        stack = [start]
        while stack:
            node = stack.pop()
            if not self._enter(node):
                continue
            entries = self._list(node)
            if entries is None:
                continue
            ignores = node.ignores
            if any(entry.name == ".gitignore" for entry in entries):
                own = self._load_gitignore(node.path, node.key)
                ignores = ignores if own is None else (*ignores, own)
            subdirs = [self._visit(entry, node.child(entry.name, ignores)) for entry in entries]
            stack.extend(sub for sub in reversed(subdirs) if sub is not None)

    def _enter(self, node: _Node) -> bool:
        """Mark a directory as scanned; False when it already was (or cannot be stat'ed)."""
        try:
            info = os.stat(node.path)
        except OSError as exc:
            self.report(node, "read-error", f"cannot access directory: {_reason(exc)}", Level.ERROR)
            return False
        identity = (info.st_dev, info.st_ino)
        if identity in self.seen_dirs:
            return False
        self.seen_dirs.add(identity)
        return True

    def _list(self, node: _Node) -> list[os.DirEntry[str]] | None:
        try:
            with os.scandir(node.path) as iterator:
                entries = list(iterator)
        except OSError as exc:
            self.report(node, "read-error", f"cannot list directory: {_reason(exc)}", Level.ERROR)
            return None
        entries.sort(key=lambda entry: entry.name)
        return entries

    def _visit(self, entry: os.DirEntry[str], node: _Node) -> _Node | None:
        """Handle one directory entry; return the node when it is a directory to descend."""
        try:
            if entry.is_symlink():
                self._symlink(node)
            elif entry.is_dir(follow_symlinks=False):
                return node if self._wanted_dir(node) else None
            elif entry.is_file(follow_symlinks=False):
                self._candidate(node, follow=False)
            else:
                self._special(node, entry.stat(follow_symlinks=False).st_mode)
        except OSError as exc:
            self.report(node, "read-error", f"cannot access: {_reason(exc)}", Level.ERROR)
        return None

    def _wanted_dir(self, node: _Node) -> bool:
        name = node.name
        if name in SKIP_DIRS or name.endswith(SKIP_DIR_SUFFIXES):
            return False
        if self._ignored(node, is_dir=True):
            return False
        return not os.path.lexists(node.path / VENV_MARKER)

    def _candidate(self, node: _Node, *, follow: bool) -> None:
        """Keep a regular file when it is wanted and looks like Python."""
        if self._ignored(node, is_dir=False) or not self._included(node):
            return
        suffix = os.path.splitext(node.name)[1]
        if suffix in PYTHON_SUFFIXES or (not suffix and _has_python_shebang(node.path, follow)):
            self.add_file(node)

    def _special(self, node: _Node, mode: int) -> None:
        if _python_named(node) and not self._ignored(node, is_dir=False):
            self.report(node, "special-file", _not_regular(file_kind(mode)), Level.WARNING)

    # ----------------------------------------------------------------- symlinks

    def _symlink(self, node: _Node) -> None:
        """Report a symlink met in the walk, or queue it when symlinks are followed."""
        mode = _mode_or_none(node.path)
        is_dir = mode is not None and stat.S_ISDIR(mode)
        if not self._symlink_relevant(node, mode):
            return
        real = os.path.realpath(node.path)
        if mode is None:
            message = "not followed: broken symlink (missing target or symlink loop)"
        elif not _within(real, self.real_root):
            message = "not followed: symlink points outside the scan root"
        elif not self.follow:
            message = f"not followed: symlink to {self._show_real(real)}"
        else:
            self.deferred.append((node, is_dir))
            return
        self.report(node, "symlink", message, Level.INFO)

    def _symlink_relevant(self, node: _Node, mode: int | None) -> bool:
        """Whether a symlink could lead to Python code we would scan (else: stay quiet)."""
        if mode is not None and stat.S_ISDIR(mode):
            return self._wanted_dir(node)
        if self._ignored(node, is_dir=False) or not self._included(node):
            return False
        if _python_named(node):
            return True
        no_suffix = not os.path.splitext(node.name)[1]
        return self.follow and no_suffix and mode is not None and stat.S_ISREG(mode)

    def follow_deferred(self) -> None:
        """Walk the queued in-root symlinks, after the real tree, skipping what was scanned."""
        while self.deferred:
            node, is_dir = self.deferred.popleft()
            identity = _identity(node.path)
            if identity is None:
                continue
            target = self._show_real(os.path.realpath(node.path))
            if identity in (self.seen_dirs if is_dir else self.seen_files):
                what = "directory" if is_dir else "file"
                message = f"not followed: symlink to {target}, a {what} already scanned"
                self.report(node, "symlink", message, Level.INFO)
            elif is_dir:
                self.walk(node)
            else:
                self._follow_file(node)

    def _follow_file(self, node: _Node) -> None:
        mode = _mode_or_none(node.path)
        if mode is not None and stat.S_ISREG(mode):
            self._candidate(node, follow=True)
        elif mode is not None:
            self._special(node, mode)

    def _show_real(self, real: str) -> str:
        rel = os.path.relpath(real, self.real_root)
        return "the scan root" if rel == "." else display_path(Path(rel).as_posix())

    # ----------------------------------------------------------------- patterns

    def _excluded(self, node: _Node, is_dir: bool) -> bool:
        if self.exclude is None:
            return False
        return bool(self.exclude.match_file(node.key + "/" if is_dir else node.key))

    def _included(self, node: _Node) -> bool:
        return self.include is None or bool(self.include.match_file(node.key))

    def _ignored(self, node: _Node, *, is_dir: bool) -> bool:
        """Excluded by the caller, or ignored by the nearest `.gitignore` with a say."""
        if self._excluded(node, is_dir):
            return True
        for ignore in reversed(node.ignores):
            verdict = ignore.check(node.key, is_dir)
            if verdict is not None:
                return verdict
        return False

    def _load_gitignore(self, directory: Path, key: str) -> _Ignore | None:
        """The `.gitignore` of `directory`, if it is a readable regular file (not a symlink)."""
        node = _Node(directory / ".gitignore", f"{key}/.gitignore" if key else ".gitignore", ())
        try:
            data = read_prefix(node.path, GITIGNORE_MAX_BYTES + 1, follow_symlinks=False)
        except (FileNotFoundError, NotRegularFileError):
            return None
        except OSError as exc:
            self.report(node, "read-error", f"cannot read: {_reason(exc)}", Level.WARNING)
            return None
        if len(data) > GITIGNORE_MAX_BYTES:
            message = f"larger than {GITIGNORE_MAX_BYTES} bytes; not honoured"
            self.report(node, "too-large", message, Level.WARNING)
            return None
        lines = data.decode("utf-8", "surrogateescape").replace("\r\n", "\n").split("\n")
        return _Ignore(key, _gitignore_spec(lines))


# --------------------------------------------------------------------------- small helpers


def _compile_patterns(patterns: Sequence[str], option: str) -> _Spec | None:
    """A gitignore-style spec for caller patterns; `ConfigError` names a bad pattern."""
    if not patterns:
        return None
    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except ValueError as exc:
            raise ConfigError(f"invalid {option} pattern {pattern!r}: {exc}") from None
    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def _gitignore_spec(lines: Iterable[str]) -> _Spec:
    """Git skips invalid lines of a `.gitignore`; so do we."""
    lines = list(lines)
    try:
        return pathspec.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        return pathspec.GitIgnoreSpec.from_lines([line for line in lines if _valid_line(line)])


def _valid_line(line: str) -> bool:
    try:
        pathspec.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


def _has_python_shebang(path: Path, follow: bool) -> bool:
    try:
        head = read_prefix(path, SHEBANG_PROBE_BYTES, follow_symlinks=follow)
    except (OSError, NotRegularFileError):
        return False
    return is_python_shebang(head)


def _env_command(args: Sequence[str]) -> str:
    """The command `env` runs: skip options (and their arguments) and `NAME=value`."""
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg in _ENV_OPTIONS_WITH_ARGUMENT:
            skip_next = True
        elif arg.startswith("-S") and len(arg) > 2:
            return _basename(arg[2:])
        elif not arg.startswith("-") and "=" not in arg:
            return _basename(arg)
    return ""


def _basename(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def _escape_char(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogate escape of an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    if char.isprintable() and not 0xD800 <= code <= 0xDFFF:
        return char
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _python_named(node: _Node) -> bool:
    return os.path.splitext(node.name)[1] in PYTHON_SUFFIXES


def _not_regular(kind: str) -> str:
    return f"not a regular file ({kind}); not read"


def _reason(exc: OSError) -> str:
    """The error without its file names (which may be absolute paths of this machine)."""
    return exc.strerror or type(exc).__name__


def _is_dir(path: Path) -> bool:
    mode = _mode_or_none(path)
    return mode is not None and stat.S_ISDIR(mode)


def _mode_or_none(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (OSError, ValueError):
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def _within(path: str, base: str) -> bool:
    return path == base or path.startswith(base.rstrip(os.sep) + os.sep)


def _relative_parts(path: Path, root: Path, real_root: str) -> tuple[str, ...] | None:
    """Parts of `path` relative to `root`, lexically or through resolved directories."""
    absolute, abs_root = os.path.abspath(path), os.path.abspath(root)
    if not _within(absolute, abs_root):
        parent, name = os.path.split(absolute)
        absolute, abs_root = os.path.join(os.path.realpath(parent), name), real_root
        if not _within(absolute, abs_root) or not name:
            return None
    rel = os.path.relpath(absolute, abs_root)
    return () if rel == os.curdir else tuple(Path(rel).parts)
