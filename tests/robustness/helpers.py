"""Shared helpers: the FreshBooks fact every test looks for, trees, the CLI and `analyze()`.

The fact (from the shared endpoint reference, `confidence: documented`): GET
https://api.freshbooks.com/auth/api/v1/users/me is endpoint `/auth/api/v1/users/me` and
needs `user:profile:read`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.api import Settings, analyze
from analyzer.models import Report
from tests.robustness.guard import GUARD_MARK

REPO = Path(__file__).resolve().parents[2]

ME_URL = "https://api.freshbooks.com/auth/api/v1/users/me"
ME_ENDPOINT = "/auth/api/v1/users/me"
ME_SCOPE = "user:profile:read"
GOOD_SOURCE = f'import requests\n\n\ndef whoami():\n    return requests.get("{ME_URL}")\n'
GOOD_LINE = 5  # the line of the call in GOOD_SOURCE

CLI_TIMEOUT = 60.0
_BOOTSTRAP = "from tests.robustness.guard import bootstrap; bootstrap()"


def write_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create `files` (relative POSIX path -> text or bytes) below `root`; return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def env_for(cache_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: this checkout first on the path, a private cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FBSCOPES_"))}
    env["PYTHONPATH"] = str(REPO)
    env["FBSCOPES_CACHE_DIR"] = str(cache_dir)
    env["PYTHONHASHSEED"] = "random"
    env.update(extra)
    return env


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    guard_events: list[str] | None = None

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data


def run_cli(
    args: Sequence[str],
    *,
    cwd: Path,
    cache_dir: Path,
    timeout: float = CLI_TIMEOUT,
    guard_roots: Iterable[Path] = (),
    never_open: Iterable[Path] = (),
    plain: bool = False,
    env: Mapping[str, str] | None = None,
) -> CliRun:
    """Run `python -m analyzer ARGS` in a subprocess (killed after `timeout` seconds).

    Unless `plain`, the run goes through `guard.bootstrap`: sockets are disabled and the
    forbidden events it saw (network, processes, executing or writing below `guard_roots`,
    opening `never_open`) are returned in `guard_events`.
    """
    extra: dict[str, str] = dict(env or {})
    if plain:
        command = [sys.executable, "-m", "analyzer", *args]
    else:
        command = [sys.executable, "-c", _BOOTSTRAP, *args]
        extra["FBSCOPES_GUARD_ROOTS"] = os.pathsep.join(str(p) for p in guard_roots)
        extra["FBSCOPES_GUARD_NEVER_OPEN"] = os.pathsep.join(str(p) for p in never_open)
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env_for(cache_dir, **extra),
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    seconds = time.monotonic() - started
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    events: list[str] | None = None
    if not plain:
        head, mark, tail = stderr.rpartition(GUARD_MARK)
        if mark:
            events = json.loads(tail.strip().splitlines()[0])
            stderr = head
    return CliRun(done.returncode, stdout, stderr, seconds, events)


def scan_json(
    target: str, *, cwd: Path, cache_dir: Path, extra: Sequence[str] = (), **kwargs: Any
) -> tuple[CliRun, dict[str, Any]]:
    """`fbscopes scan TARGET --format json`, checked to exit 0 with valid JSON and no traceback."""
    run = run_cli(
        ["scan", target, "--format", "json", *extra], cwd=cwd, cache_dir=cache_dir, **kwargs
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    return run, run.json()


def run_analyze(paths: Sequence[Path], **settings: Any) -> Report:
    """`analyze()` in this process, without the cache unless `use_cache=True` is passed."""
    if "use_cache" in Settings.__dataclass_fields__:
        settings.setdefault("use_cache", False)
    return analyze(list(paths), Settings(**settings))


def json_calls(
    report: Mapping[str, Any],
) -> list[tuple[str, str | None, str | None, tuple[str, ...]]]:
    """(path, method, endpoint, scopes) of every call in a JSON report."""
    return [(c["path"], c["method"], c["endpoint"], tuple(c["scopes"])) for c in report["calls"]]


def json_diagnostics(report: Mapping[str, Any]) -> dict[str, set[str]]:
    """Diagnostic kinds by path in a JSON report."""
    kinds: dict[str, set[str]] = {}
    for diagnostic in report["diagnostics"]:
        kinds.setdefault(diagnostic["path"], set()).add(diagnostic["kind"])
    return kinds


def report_calls(report: Report) -> list[tuple[str, str | None, str | None, tuple[str, ...]]]:
    return [(f.path, f.method, f.endpoint, f.scopes) for f in report.findings]


def report_diagnostics(report: Report) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for diagnostic in report.diagnostics:
        kinds.setdefault(diagnostic.path, set()).add(diagnostic.kind)
    return kinds


def good_call(path: str) -> tuple[str, str, str, tuple[str, ...]]:
    return (path, "GET", ME_ENDPOINT, (ME_SCOPE,))


def cli_supports(option: str, command: str = "scan") -> bool:
    """Whether `fbscopes COMMAND --help` lists `option` (features that may not exist yet)."""
    done = subprocess.run(
        [sys.executable, "-m", "analyzer", command, "--help"],
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200"},
        capture_output=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )
    return option in done.stdout.decode("utf-8", "replace")
