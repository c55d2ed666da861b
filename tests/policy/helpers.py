"""Small projects on disk and ways to run the CLI on them (CliRunner or a real process)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from analyzer.cli import app
from tests.policy import facts

REPO = Path(__file__).resolve().parents[2]
FBSCOPES = REPO / ".venv" / "bin" / "fbscopes"


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def pyproject(scopes: Sequence[str] | None, **keys: str) -> str:
    """A pyproject.toml whose [tool.fbscopes] grants `scopes` (None: no `scopes` key)."""
    lines = ["[project]", 'name = "demo"', "", "[tool.fbscopes]"]
    if scopes is not None:
        lines.append("scopes = [")
        lines += [f'    "{s}",' for s in scopes]
        lines.append("]")
    lines += [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def module(*calls: facts.Fact, name: str = "fetch") -> str:
    """A module with one function per call, each making that FreshBooks call."""
    out = ["import requests", ""]
    for index, fact in enumerate(calls):
        out += ["", f"def {name}_{index}():", facts.call(fact).rstrip("\n"), ""]
    return "\n".join(out)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of `text` containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def invoke(
    args: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Run:
    """Run the CLI in-process with typer's CliRunner (stdout and stderr kept apart)."""
    with chdir(cwd or Path.cwd()):
        result = CliRunner().invoke(app, list(args), env=dict(env or {}))
    return Run(result.exit_code, result.stdout, result.stderr)


def run_process(args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None) -> Run:
    """Run `args` as a real process; `fbscopes` and `python` mean this checkout's venv."""
    exe = {"fbscopes": str(FBSCOPES), "python": sys.executable}
    argv = [exe.get(args[0], args[0]), *args[1:]]
    merged = {**os.environ, **(env or {})}
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=merged, timeout=120)
    return Run(done.returncode, done.stdout, done.stderr)
