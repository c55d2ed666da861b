"""Read a git ref's files into a temporary directory without touching the user's checkout.

Only plumbing is used: `git rev-parse` to find the repository and the commit, `git cat-file -e`
to see which scan paths exist there, and `git archive` streamed through `tarfile` (with the
`data` extraction filter, so no member can escape the directory). The index, the working tree,
HEAD and the worktree list are never changed; the directory is removed afterwards.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import ConfigError


@dataclass(frozen=True, slots=True)
class BaseTree:
    """`root` mirrors the repository top at `commit`, holding only the requested paths."""

    root: Path
    commit: str
    present: tuple[str, ...]  # the requested paths that exist at the commit


def repo_toplevel(start: Path) -> Path:
    """The top directory of the git work tree holding `start`."""
    directory = start if start.is_dir() else start.parent
    result = _run(["rev-parse", "--show-toplevel"], directory)
    if result.returncode != 0:
        raise ConfigError(f"--base needs a git repository; {directory} is not inside one")
    return Path(result.stdout.decode("utf-8", "surrogateescape").strip())


def resolve_commit(top: Path, ref: str) -> str:
    """The full commit id `ref` names; `ConfigError` for an unknown or option-like ref."""
    if not ref.strip() or ref.startswith("-"):
        raise ConfigError(f"--base: {ref!r} is not a git ref")
    result = _run(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], top)
    if result.returncode != 0:
        hint = " (in CI, fetch it first: git fetch origin <branch>)"
        raise ConfigError(f"--base: unknown git ref {ref!r}{hint}")
    return result.stdout.decode("ascii").strip()


@contextmanager
def checkout_base(top: Path, commit: str, paths: Sequence[str]) -> Iterator[BaseTree]:
    """Extract `paths` (POSIX, relative to `top`; `.` = everything) at `commit` (a full id
    from `resolve_commit`) into a temporary directory, removed on exit."""
    present = tuple(p for p in paths if _exists(top, commit, p))
    with tempfile.TemporaryDirectory(prefix="fbscopes-base-") as tmp:
        root = Path(tmp)
        if present:
            _extract(top, commit, present, root)
        yield BaseTree(root, commit, present)


def _exists(top: Path, commit: str, path: str) -> bool:
    spec = f"{commit}:" if path in ("", ".") else f"{commit}:{path}"
    result = _run(["cat-file", "-e", spec], top)
    return result.returncode == 0


def _extract(top: Path, commit: str, paths: Sequence[str], root: Path) -> None:
    pathspecs = [p for p in paths if p not in ("", ".")]
    args = ["git", "archive", "--format=tar", commit, "--", *pathspecs]
    with subprocess.Popen(args, cwd=top, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
            archive.extractall(root, filter=_safe_member)
        error = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise ConfigError(f"git archive {commit[:12]} failed: {_first_line(error)}")


def _safe_member(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """`tarfile.data_filter`, skipping (not failing on) members it rejects."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        raise ConfigError("git is not installed (fbscopes diff needs it)") from None
    except NotADirectoryError:
        raise ConfigError(f"not a directory: {cwd}") from None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else ""
