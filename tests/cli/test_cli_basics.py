"""The command line as users meet it: help, version, where reports and messages go."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer import __version__
from tests.policy import facts
from tests.policy.helpers import invoke, module, pyproject, run_process, write_files

COMMANDS = ("scan", "check", "lock", "diff")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Granted user:clients:read; the code lists clients (documented: user:clients:read)."""
    files = {
        "pyproject.toml": pyproject(list(facts.CLIENTS_LIST.scopes)),
        "app.py": module(facts.CLIENTS_LIST),
    }
    return write_files(tmp_path, files)


def test_top_level_help_lists_every_command() -> None:
    result = invoke(["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout
    assert "Exit codes" in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_for_every_command(command: str) -> None:
    result = invoke([command, "--help"])
    assert result.exit_code == 0, result.stderr
    assert f"fbscopes {command}" in result.stdout
    assert "--format" in result.stdout or command == "lock"
    assert result.stderr == ""


def test_no_arguments_shows_help() -> None:
    result = invoke([])
    assert result.exit_code in (0, 2)
    assert "Usage" in result.stdout + result.stderr


def test_version() -> None:
    result = invoke(["--version"])
    assert (result.exit_code, result.stdout) == (0, f"fbscopes {__version__}\n")


@pytest.mark.slow
@pytest.mark.parametrize("argv0", [["python", "-m", "analyzer"], ["fbscopes"]])
def test_version_and_help_as_a_process(argv0: list[str], tmp_path: Path) -> None:
    version = run_process([*argv0, "--version"], tmp_path)
    assert (version.exit_code, version.stdout) == (0, f"fbscopes {__version__}\n")
    for command in COMMANDS:
        helped = run_process([*argv0, command, "--help"], tmp_path)
        assert helped.exit_code == 0 and "Usage" in helped.stdout, helped.stderr


@pytest.mark.slow
@pytest.mark.parametrize("argv0", [["python", "-m", "analyzer"], ["fbscopes"]])
def test_scan_json_is_pure_json_as_a_process(argv0: list[str], project: Path) -> None:
    result = run_process([*argv0, "scan", "--format", "json"], project)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["required_scopes"] == list(facts.CLIENTS_LIST.scopes)
    assert result.stderr == ""


@pytest.mark.slow
def test_check_failure_as_a_process(project: Path) -> None:
    (project / "app.py").write_text(module(facts.CLIENTS_LIST, facts.INVOICES_CREATE))
    result = run_process(["fbscopes", "check", "--format", "json"], project)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failures"] == ["missing"]
    assert result.stderr.startswith("fbscopes check: FAILED")
    assert "Traceback" not in result.stderr


def test_scan_json_on_stdout_is_pure_json(project: Path) -> None:
    result = invoke(["scan", "-f", "json"], project)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["required_scopes"] == list(facts.CLIENTS_LIST.scopes)
    assert result.stderr == ""


def test_check_json_on_stdout_and_the_verdict_on_stderr(project: Path) -> None:
    result = invoke(["check", "-f", "json"], project)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert result.stderr.startswith("fbscopes check: OK")
    assert invoke(["check", "-f", "json", "-q"], project).stderr == ""


def test_several_formats_in_one_run(project: Path) -> None:
    result = invoke(["scan", "-f", "text", "-o", "sarif:out.sarif", "-o", "json:out.json"], project)
    assert result.exit_code == 0
    assert result.stdout.startswith("fbscopes ")
    assert json.loads((project / "out.sarif").read_text())["version"] == "2.1.0"
    assert json.loads((project / "out.json").read_text())["schema_version"] == 1


def test_plain_output_file_replaces_stdout(project: Path) -> None:
    result = invoke(["check", "-f", "json", "-o", "report.json"], project)
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads((project / "report.json").read_text())["command"] == "check"


def test_output_dash_is_stdout(project: Path) -> None:
    result = invoke(["scan", "-o", "json:-", "-o", "text:report.txt"], project)
    assert json.loads(result.stdout)["required_scopes"] == ["user:clients:read"]
    assert (project / "report.txt").read_text().startswith("fbscopes ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "-f", "jsn"], "did you mean 'json'?"),
        (["diff", "-f", "sarif"], "diff cannot write 'sarif'"),
        (["scan", "--fail-on", "unresolvd"], "did you mean 'unresolved'?"),
        (["scan", "--fail-on", "missing"], "unknown value 'missing'"),
        (["check", "--fail-on", "excess,stal"], "did you mean 'stale'?"),
        (["scan", "-o", "json:-", "-o", "-"], "only one report can go to stdout"),
        (["scan", "--max-file-size", "lots"], "invalid size 'lots'"),
        (["scan", "--extra-host", "https://api.example.com/x"], "did you mean 'api.example.com'"),
    ],
)
def test_usage_errors_exit_2(project: Path, args: list[str], message: str) -> None:
    result = invoke(args, project)
    assert result.exit_code == 2, result.stdout
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_scan_fail_on_unresolved(project: Path) -> None:
    (project / "hooks.py").write_text(module(facts.WEBHOOK_REGISTER))
    assert invoke(["scan"], project).exit_code == 0
    assert invoke(["scan", "--fail-on", "unresolved"], project).exit_code == 1


def test_scan_github_writes_the_step_summary(project: Path) -> None:
    summary = project / "summary.md"
    result = invoke(["scan", "-f", "github"], project, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    assert result.stdout.startswith("::notice file=app.py,")
    assert summary.read_text().startswith("## fbscopes: 1 FreshBooks OAuth scope required")
