"""A committed copy of this checkout (uncommitted files included), for pre-commit and pip."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.policy.helpers import REPO

GIT_ENV = {
    "GIT_AUTHOR_NAME": "fbscopes tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "fbscopes tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "bench",
    "*.egg-info",
)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def clone_working_tree(dest: Path) -> tuple[Path, str]:
    """Copy the checkout (minus venvs and caches) into `dest`, commit it; return (path, sha)."""
    shutil.copytree(REPO, dest, ignore=SKIP, symlinks=True)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "fbscopes working tree")
    return dest, git(dest, "rev-parse", "HEAD")
