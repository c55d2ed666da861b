"""The scope manifest: `lock` writes it, `check` fails when it is stale, loading validates it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.errors import ConfigError
from analyzer.policy.manifest import MANIFEST_NAME
from analyzer.policy.manifest_reader import load_manifest
from tests.policy import facts
from tests.policy.helpers import invoke, line_of, module, pyproject, write_files

NEEDED = sorted({*facts.CLIENTS_LIST.scopes, *facts.INVOICES_CREATE.scopes})


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": pyproject(NEEDED),
        "app/__init__.py": "",
        "app/clients.py": module(facts.CLIENTS_LIST),
        "app/billing.py": module(facts.INVOICES_CREATE),
    }
    return write_files(tmp_path, files)


def lock(path: Path, *args: str) -> str:
    result = invoke(["lock", *args], path)
    assert result.exit_code == 0, result.stderr
    return result.stderr


def check(path: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = invoke(["check", "-f", "json", *args], path)
    return result.exit_code, json.loads(result.stdout)


def test_lock_writes_a_reviewable_manifest(project: Path) -> None:
    assert "wrote freshbooks-scopes.yaml: 2 scopes, 2 endpoints" in lock(project)
    text = (project / MANIFEST_NAME).read_text()
    assert text.startswith("# FreshBooks OAuth scopes this app needs.")
    assert "catalogue: freshbooks@2026-09" in text
    manifest = load_manifest(project / MANIFEST_NAME)
    assert manifest.scope_names == tuple(NEEDED)
    by_scope = {s.name: s for s in manifest.scopes}
    line = line_of(module(facts.INVOICES_CREATE), "invoices/invoices")
    endpoint = f"{facts.INVOICES_CREATE.method} {facts.INVOICES_CREATE.path}"
    assert by_scope["user:invoices:write"].endpoints == {endpoint: (f"app/billing.py:{line}",)}
    assert (
        by_scope["user:clients:read"].description == "Read clients (customers) and their contacts."
    )


def test_lock_is_deterministic_and_idempotent(project: Path) -> None:
    lock(project)
    first = (project / MANIFEST_NAME).read_bytes()
    assert "is up to date" in lock(project)
    assert (project / MANIFEST_NAME).read_bytes() == first
    assert invoke(["lock", "--dry-run"], project).stdout.encode() == first


def test_fresh_manifest_passes_check(project: Path) -> None:
    lock(project)
    code, data = check(project)
    assert code == 0
    assert data["manifest"] == {
        "path": MANIFEST_NAME, "exists": True, "stale": False, "changes": [],
        "locked_catalogue": "freshbooks@2026-09", "catalogue": "freshbooks@2026-09",
    }  # fmt: skip


def test_moving_code_does_not_make_the_manifest_stale(project: Path) -> None:
    lock(project)
    billing = project / "app/billing.py"
    billing.write_text('"""Billing."""\n\n\nVAT = 0.2\n\n' + billing.read_text())
    assert check(project)[0] == 0


def test_a_new_scope_makes_the_manifest_stale(project: Path) -> None:
    lock(project)
    write_files(project, {"app/expenses.py": module(facts.EXPENSES_CREATE)})
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "missing scope" in result.stdout.splitlines()[0]
    assert "scope manifest out of date" in result.stdout.splitlines()[0]
    assert "+ user:expenses:write (new scope)" in result.stdout
    endpoint = f"{facts.EXPENSES_CREATE.method} {facts.EXPENSES_CREATE.path}"
    assert f"+ user:expenses:write: {endpoint} called from app/expenses.py" in result.stdout


def test_a_new_calling_file_or_a_removed_scope_makes_it_stale(project: Path) -> None:
    lock(project)
    write_files(project, {"app/report.py": module(facts.CLIENTS_LIST)})
    (project / "app/billing.py").write_text("X = 1\n")
    code, data = check(project)
    assert code == 1 and data["failures"] == ["stale"]
    changes = {(c["sign"], c["scope"], c["path"]) for c in data["manifest"]["changes"]}  # type: ignore[index]
    assert changes == {
        ("+", "user:clients:read", "app/report.py"),
        ("-", "user:invoices:write", None),
        ("-", "user:invoices:write", "app/billing.py"),
    }


def test_manifest_paths_do_not_depend_on_where_fbscopes_runs(project: Path) -> None:
    lock(project)
    code, data = check(project.parent, str(project.name))
    assert code == 0, data
    # scanning app/ makes report paths relative to app/; the manifest's stay relative to itself
    assert invoke(["check", "app"], project).exit_code == 0


def test_manifest_alone_grants_the_scopes(project: Path) -> None:
    lock(project)
    (project / "pyproject.toml").write_text(pyproject(None))
    code, data = check(project)
    assert code == 0
    assert data["granted"] == {"source": MANIFEST_NAME, "path": MANIFEST_NAME, "scopes": NEEDED}
    write_files(project, {"app/expenses.py": module(facts.EXPENSES_CREATE)})
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "run `fbscopes lock`, review freshbooks-scopes.yaml" in result.stdout


def test_configured_manifest_that_does_not_exist_is_stale(project: Path) -> None:
    (project / "pyproject.toml").write_text(pyproject(NEEDED, manifest='"scopes.lock.yaml"'))
    result = invoke(["check"], project)
    assert result.exit_code == 1
    assert "Scope manifest scopes.lock.yaml does not exist: run `fbscopes lock`" in result.stdout
    lock(project)
    assert (project / "scopes.lock.yaml").is_file()
    assert invoke(["check"], project).exit_code == 0


def test_manifest_flag(project: Path) -> None:
    lock(project, "--manifest", "other.yaml")
    assert (project / "other.yaml").is_file() and not (project / MANIFEST_NAME).exists()
    assert invoke(["check", "--manifest", "other.yaml"], project).exit_code == 0
    assert invoke(["check", "--manifest", "absent.yaml"], project).exit_code == 1


BAD_MANIFESTS = [
    ("version: 2\ncatalogue: x\n", 1, "unsupported manifest version 2"),
    ("catalogue: x\n", 1, "missing key 'version'"),
    ("version: 1\ncatalogue: x\nscops: {}\n", 3, "scops: unknown key (did you mean 'scopes'?)"),
    ("version: 1\ncatalogue: x\nscopes:\n  user:clients:\n", 4, "is not a scope name"),
    (
        "version: 1\ncatalogue: x\nscopes:\n  user:clients:read:\n    endpoint: {}\n",
        5,
        "scopes.user:clients:read.endpoint: unknown key (did you mean 'endpoints'?)",
    ),
    (
        "version: 1\ncatalogue: x\nscopes:\n  user:clients:read:\n    endpoints:\n      /x: []\n",
        6,
        "'/x' is not 'METHOD /path'",
    ),
    ("version: 1\ncatalogue: x\nscopes: [a]\n", 3, "expected a mapping"),
    ("version: 1\ncatalogue: [x\n", 3, "invalid YAML"),
    ("- just\n- a list\n", 1, "must be a mapping"),
    ("version: 1\ncatalogue: x\nx: !!python/object:os.system {}\n", 3, "unsupported YAML tag"),
]


@pytest.mark.parametrize(("text", "line", "message"), BAD_MANIFESTS)
def test_invalid_manifests_are_errors_with_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / MANIFEST_NAME
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_manifest(path)
    assert caught.value.line == line
    assert message in caught.value.message


def test_invalid_manifest_exits_2(project: Path) -> None:
    (project / MANIFEST_NAME).write_text("version: 1\ncatalogue: x\nscops: {}\n")
    result = invoke(["check"], project)
    assert result.exit_code == 2
    assert "freshbooks-scopes.yaml:3: scops: unknown key" in result.stderr
