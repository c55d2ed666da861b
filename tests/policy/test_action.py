"""The GitHub Action: action.yml's shape, and action/run.sh run locally like Actions would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.policy import facts
from tests.policy.helpers import FBSCOPES, REPO, Run, line_of
from tests.policy.hookrepo import clone_working_tree
from tests.policy.test_suppressions import validate_sarif

SCRIPT = REPO / "action" / "run.sh"
DEMO = REPO / "examples" / "policy_demo"
MISSING = REPO / "examples" / "policy_demo_missing"


def test_action_yml_is_a_composite_action_around_the_script() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    assert "action/run.sh" in check["run"]
    assert check["env"]["FBSCOPES_ACTION_PATH"] == "${{ github.action_path }}"
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert "!cancelled()" in upload["if"]
    assert set(action["outputs"]) == {"exit-code", "sarif-file", "missing-scopes"}


def test_example_workflow_uses_the_action_and_diff() -> None:
    workflow = yaml.safe_load((REPO / "examples" / "github-workflow.yml").read_text())
    steps = workflow["jobs"]["scopes"]["steps"]
    assert any("fbscopes@" in s.get("uses", "") for s in steps)
    assert any("fbscopes diff --base" in s.get("run", "") for s in steps)
    assert workflow["permissions"]["security-events"] == "write"


def run_action(workspace: Path, target: str, **env: str) -> tuple[Run, dict[str, str], str]:
    outputs, summary = workspace / "github-output", workspace / "step-summary.md"
    full_env = {
        **os.environ,
        "FBSCOPES_ACTION_PATH": str(REPO),
        "FBSCOPES_PATH": target,
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(workspace / "runner-temp"),
        **env,
    }
    (workspace / "runner-temp").mkdir(exist_ok=True)
    done = subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=600,
    )
    pairs = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    text = summary.read_text() if summary.exists() else ""
    return Run(done.returncode, done.stdout, done.stderr), pairs, text


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    for example in (DEMO, MISSING):
        shutil.copytree(
            example, tmp_path / example.name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tmp_path


def test_failing_check(workspace: Path) -> None:
    run, outputs, summary = run_action(workspace, "policy_demo_missing", FBSCOPES_BIN=str(FBSCOPES))
    assert run.exit_code == 1, run.stderr
    assert outputs == {
        "exit-code": "1",
        "sarif-file": "fbscopes.sarif",
        "missing-scopes": ",".join(facts.EXPENSES_CREATE.scopes),
    }
    line = line_of((MISSING / "invoice_sync" / "expenses.py").read_text(), "s.post(")
    assert f"::error file=invoice_sync/expenses.py,line={line}," in run.stdout
    assert summary.startswith("## :x: fbscopes check: FAILED")
    log = json.loads((workspace / "fbscopes.sarif").read_text())
    validate_sarif(log)
    assert any(r["ruleId"] == "policy/missing-scope" for r in log["runs"][0]["results"])


def test_passing_check_and_extra_args(workspace: Path) -> None:
    run, outputs, summary = run_action(
        workspace, "policy_demo", FBSCOPES_BIN=str(FBSCOPES), FBSCOPES_ARGS="--fail-on excess"
    )
    assert run.exit_code == 0, run.stdout + run.stderr
    assert outputs == {"exit-code": "0", "sarif-file": "fbscopes.sarif", "missing-scopes": ""}
    assert summary.startswith("## :white_check_mark: fbscopes check: OK")


def test_usage_error_is_passed_through(workspace: Path) -> None:
    run, outputs, _ = run_action(
        workspace, "policy_demo", FBSCOPES_BIN=str(FBSCOPES), FBSCOPES_ARGS="--fail-on sometimes"
    )
    assert run.exit_code == 2
    assert outputs == {"exit-code": "2"}
    assert "unknown value 'sometimes'" in run.stderr


@pytest.mark.slow
def test_the_script_installs_fbscopes_from_the_action_path(workspace: Path, tmp_path: Path) -> None:
    """No FBSCOPES_BIN: the script pip-installs the action's own checkout, as in Actions."""
    action_path, _ = clone_working_tree(tmp_path / "action")
    run, outputs, _ = run_action(
        workspace, "policy_demo_missing", FBSCOPES_ACTION_PATH=str(action_path)
    )
    assert run.exit_code == 1, run.stderr
    assert outputs["missing-scopes"] == "user:expenses:write"
