"""Which fbscopes the benchmark runs: by default a frozen copy of this checkout's analyzer.

The project is installed editable, so `.venv/bin/fbscopes` runs whatever `analyzer/` holds at
the moment each process starts. A benchmark that lasts minutes in a tree that others edit would
then time (and compare the findings of) different code in different runs. So, unless
`--fbscopes CMD` names a command, the benchmark copies `analyzer/`, `rules/` and `catalogue/`
once into `bench/.cache/snapshot/<sha256>/` and runs `python -P -m analyzer` with that folder
first on `PYTHONPATH`. The sha256 covers the three trees and is written into the results;
`--snapshot SHA` times an earlier copy again (e.g. the other corpus size on the same code).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from corpus import tree_digest

REPO = Path(__file__).resolve().parent.parent
SOURCE_TREES = ("analyzer", "rules", "catalogue")


@dataclass(frozen=True)
class Fbscopes:
    """How to start fbscopes: argv prefix, extra environment, and what code that is."""

    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    source: str = ""


def source_digest(repo: Path = REPO) -> str:
    digest = hashlib.sha256()
    for name in SOURCE_TREES:
        digest.update(f"{name}:{tree_digest(repo / name)}\n".encode())
    return digest.hexdigest()[:16]


def venv_python(repo: Path = REPO) -> str:
    local = repo / ".venv" / "bin" / "python"
    return str(local) if local.exists() else sys.executable


def snapshot(cache: Path, repo: Path = REPO) -> Fbscopes:
    """Copy the analyzer sources once per content hash; run them with the project's venv."""
    digest = source_digest(repo)
    dest = cache / "snapshot" / digest
    if not dest.is_dir():
        staging = dest.with_name(dest.name + ".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in SOURCE_TREES:
            shutil.copytree(repo / name, staging / name, ignore=ignore)
        staging.rename(dest)
    return frozen(dest, repo)


def reuse(cache: Path, digest: str, repo: Path = REPO) -> Fbscopes:
    """An earlier snapshot, to measure the same code again after the tree has moved on."""
    dest = cache / "snapshot" / digest
    if not (dest / "analyzer").is_dir():
        known = sorted(p.name for p in (cache / "snapshot").glob("*") if p.is_dir())
        raise SystemExit(f"no snapshot {digest} in {cache / 'snapshot'} (have: {known})")
    return frozen(dest, repo)


def frozen(dest: Path, repo: Path) -> Fbscopes:
    argv = [venv_python(repo), "-P", "-m", "analyzer"]  # -P: the cwd never shadows the copy
    source = f"snapshot {dest.name} of {repo} (analyzer + rules + catalogue)"
    return Fbscopes(argv, {"PYTHONPATH": str(dest)}, source)


def from_command(command: str) -> Fbscopes:
    return Fbscopes(command.split(), {}, f"command `{command}` (not frozen)")
