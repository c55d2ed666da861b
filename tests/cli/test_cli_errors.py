"""Exit 2 with `file:line` for bad developer input; exit 3, one line, for internal errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import analyzer.commands
from tests.policy import facts
from tests.policy.helpers import invoke, line_of, module, pyproject, write_files


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": pyproject(["user:clients:read"]),
        "app.py": module(facts.CLIENTS_LIST),
    }
    return write_files(tmp_path, files)


def assert_usage_error(result_stderr: str, where: str, message: str) -> None:
    assert f"fbscopes: error: {where}: " in result_stderr
    assert message in result_stderr
    assert "Traceback" not in result_stderr


@pytest.mark.parametrize("command", ["scan", "check", "lock"])
def test_unknown_config_key(project: Path, command: str) -> None:
    text = pyproject(["user:clients:read"], fromat='"json"')
    (project / "pyproject.toml").write_text(text)
    result = invoke([command], project)
    assert result.exit_code == 2
    where = f"pyproject.toml:{line_of(text, 'fromat')}"
    assert_usage_error(result.stderr, where, "did you mean 'format'?")


def test_invalid_toml(project: Path) -> None:
    text = pyproject(["user:clients:read"]) + "fail-on = [\n"
    (project / "pyproject.toml").write_text(text)
    result = invoke(["check"], project)
    assert result.exit_code == 2
    assert "pyproject.toml:" in result.stderr and "invalid TOML" in result.stderr


def test_explicit_config_file_errors_point_at_it(project: Path) -> None:
    (project / "fbscopes.toml").write_text('scopes = ["user:clients:read"]\nformat = "xml"\n')
    result = invoke(["scan", "--config", "fbscopes.toml"], project)
    assert result.exit_code == 2
    assert_usage_error(result.stderr, "fbscopes.toml:2", "unknown value 'xml'")


def test_broken_catalogue_file(project: Path) -> None:
    text = 'schema: 1\ncatalogue: mine\nversion: "1"\nhosts: [api.freshbooks.com\nscopes: {}\n'
    (project / "bad.yaml").write_text(text)
    result = invoke(["scan", "--catalogue", "bad.yaml"], project)
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr and "Traceback" not in result.stderr


def test_unknown_catalogue_version(project: Path) -> None:
    result = invoke(["check", "--catalogue", "1999-01"], project)
    assert result.exit_code == 2
    assert "unknown freshbooks catalogue version '1999-01'" in result.stderr


def test_broken_rules_dir(project: Path) -> None:
    text = "schema: 1\ncalls:\n  - id: my-call\n    description: x\n    calee: [x.get]\n"
    write_files(project, {"myrules/custom.yaml": text})
    result = invoke(["scan", "--rules", "myrules"], project)
    assert result.exit_code == 2
    assert f"custom.yaml:{line_of(text, 'calee')}" in result.stderr
    assert "Traceback" not in result.stderr


def boom(*args: object, **kwargs: object) -> None:
    raise RuntimeError("the engine fell over")


@pytest.mark.parametrize("command", ["scan", "check", "lock"])
def test_internal_error_is_one_line_and_exit_3(
    project: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setattr(analyzer.commands, "analyze_with", boom)
    result = invoke([command], project)
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert lines[0] == "fbscopes: internal error: RuntimeError: the engine fell over"
    assert lines[1:] == ["fbscopes: rerun with -v for the traceback"]
    assert result.stdout == ""


def test_verbose_shows_the_traceback(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyzer.commands, "analyze_with", boom)
    result = invoke(["check", "-v"], project)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert 'raise RuntimeError("the engine fell over")' in result.stderr


def test_unwritable_output_is_a_usage_error(project: Path) -> None:
    result = invoke(["scan", "-o", "json:no/such/dir/out.json"], project)
    assert result.exit_code == 2
    assert "cannot write no/such/dir/out.json" in result.stderr
