"""End to end: fbscopes on examples/time_tracker finds its six calls and nothing else.

The example is a small time-tracking CLI (`tracker/api.py` wraps a `requests.Session`,
`tracker/cli.py` drives it). Every expected fact below comes from
shared/reference/freshbooks-endpoints.yaml (entries identity_me, projects_list,
clients_collection, services_list, time_entries_collection; all `documented`).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from analyzer.api import analyze
from analyzer.models import Status

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "time_tracker"
SCORE = ROOT.parent / "shared" / "eval" / "score.py"

# The six scopes the app needs, one per (method, endpoint) it calls.
REQUIRED = {
    "user:profile:read",  # GET  /auth/api/v1/users/me
    "user:projects:read",  # GET  /projects/business/{business_id}/projects
    "user:clients:read",  # GET  /accounting/account/{account_id}/users/clients
    "user:billable_items:read",  # GET  /comments/business/{business_id}/services
    "user:time_entries:read",  # GET  /timetracking/business/{business_id}/time_entries
    "user:time_entries:write",  # POST /timetracking/business/{business_id}/time_entries
}

CallKey = tuple[str, int, str, str]  # path, line, METHOD, endpoint with placeholders as {}


def norm_endpoint(endpoint: str) -> str:
    return re.sub(r"\{[^{}]*\}", "{}", endpoint.split("?", 1)[0]).rstrip("/") or "/"


def key(path: str, line: int, method: str, endpoint: str) -> CallKey:
    return (path, line, method.upper(), norm_endpoint(endpoint))


def load_expected() -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLE / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def expected_calls() -> dict[CallKey, set[str]]:
    return {
        key(c["path"], c["line"], c["method"], c["endpoint"]): set(c["scopes"])
        for c in load_expected()["calls"]
    }


def check_reported(
    required: list[str], calls: dict[CallKey, set[str]], diagnostics: list[Any]
) -> None:
    """The assertions shared by the library and the CLI runs."""
    assert set(required) == REQUIRED
    assert len(required) == len(REQUIRED)
    expected = expected_calls()
    missing = sorted(set(expected) - set(calls))
    extra = sorted(set(calls) - set(expected))
    assert not missing, f"expected calls not reported: {missing}"
    assert not extra, f"resolved calls not in expected.yaml: {extra}"
    for call, scopes in expected.items():
        assert calls[call] == scopes, call
    assert diagnostics == [], diagnostics


# The example itself ----------------------------------------------------------------------


def test_expected_yaml_is_consistent_with_the_facts() -> None:
    data = load_expected()
    assert set(data["required_scopes"]) == REQUIRED
    union = {s for c in data["calls"] for s in c["scopes"]}
    assert union == REQUIRED
    assert data.get("unresolved") in (None, [])
    assert data.get("diagnostics") in (None, [])
    pairs = {(c["method"], c["endpoint"]) for c in data["calls"]}
    assert pairs == {
        ("GET", "/auth/api/v1/users/me"),
        ("GET", "/projects/business/{business_id}/projects"),
        ("GET", "/accounting/account/{account_id}/users/clients"),
        ("GET", "/comments/business/{business_id}/services"),
        ("GET", "/timetracking/business/{business_id}/time_entries"),
        ("POST", "/timetracking/business/{business_id}/time_entries"),
    }


def test_expected_lines_point_at_the_wrapper_calls() -> None:
    """Guards expected.yaml against line drift when the example is edited."""
    for call in load_expected()["calls"]:
        lines = (EXAMPLE / call["path"]).read_text(encoding="utf-8").splitlines()
        text = lines[call["line"] - 1]
        assert "self._send(" in text, (call, text)
        following = " ".join(lines[call["line"] - 1 : call["line"] + 2])
        assert f'"{call["method"]}"' in following, (call, following)


def test_every_example_file_compiles() -> None:
    files = sorted(EXAMPLE.rglob("*.py"))
    assert files
    for file in files:
        compile(file.read_text(encoding="utf-8"), str(file), "exec")
        assert not file.name.startswith("test_"), "the example must not ship test files"


# The analyser ----------------------------------------------------------------------------


def test_library_reports_exactly_the_expected_calls() -> None:
    report = analyze([EXAMPLE])
    calls = {
        key(f.path, f.line, f.method or "", f.endpoint or ""): set(f.scopes)
        for f in report.findings
        if f.status in (Status.RESOLVED, Status.PARTIAL)
    }
    check_reported(list(report.required_scopes), calls, list(report.diagnostics))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow
def test_cli_json_reports_exactly_the_expected_calls(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", "scan", str(EXAMPLE), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=120,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 1
    calls = {
        key(c["path"], c["line"], c["method"], c["endpoint"]): set(c["scopes"])
        for c in doc["calls"]
        if c["status"] in ("resolved", "partial")
    }
    check_reported(doc["required_scopes"], calls, doc["diagnostics"])


@pytest.mark.slow
@pytest.mark.skipif(not SCORE.is_file(), reason=f"{SCORE} not present")
def test_eval_scorer_passes_the_example(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(EXAMPLE, cases / "time_tracker")
    cmd = f"{shlex.quote(sys.executable)} -m analyzer scan {{dir}} --format json"
    proc = subprocess.run(
        [sys.executable, str(SCORE), "--cases-dir", str(cases), "--cmd", cmd, "-v"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 0 failed", proc.stdout
