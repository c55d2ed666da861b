"""`fbscopes diff --base REF` on real git repositories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.policy import facts
from tests.policy.helpers import invoke, line_of, module, pyproject, write_files
from tests.policy.hookrepo import git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: clients list and expenses create; the feature branch is checked out."""
    files = {
        "pyproject.toml": pyproject(["user:clients:read", "user:expenses:write"]),
        "src/clients.py": module(facts.CLIENTS_LIST),
        "src/expenses.py": module(facts.EXPENSES_CREATE),
    }
    write_files(tmp_path, files)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    return tmp_path


def diff_json(repo: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = invoke(["diff", "--base", "main", "-f", "json", *args], repo)
    assert result.stdout, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, data


def snapshot(repo: Path) -> tuple[str, ...]:
    """Everything diff must not change: HEAD, status, stashes, worktrees, the index."""
    return (
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "stash", "list"),
        git(repo, "worktree", "list", "--porcelain"),
        (repo / ".git" / "index").read_bytes().hex(),
    )


def test_no_change(repo: Path) -> None:
    result = invoke(["diff", "--base", "main"], repo)
    assert result.exit_code == 0
    assert result.stdout.startswith("fbscopes diff against main (")
    assert ": no scope change" in result.stdout.splitlines()[0]


def test_added_scope_from_an_uncommitted_file(repo: Path) -> None:
    write_files(repo, {"src/billing.py": module(facts.INVOICES_CREATE)})
    before = snapshot(repo)
    code, data = diff_json(repo)
    assert snapshot(repo) == before
    assert code == 0
    (added,) = data["added_scopes"]
    assert added["scope"] == "user:invoices:write"
    line = line_of(module(facts.INVOICES_CREATE), "invoices/invoices")
    assert [(c["path"], c["line"]) for c in added["calls"]] == [("src/billing.py", line)]
    assert data["removed_scopes"] == []
    assert data["unchanged_scopes"] == ["user:clients:read", "user:expenses:write"]
    assert data["reauthorization_required"] is True
    assert "every existing user authorise the app again" in data["warning"]


def test_fail_on_added(repo: Path) -> None:
    write_files(repo, {"src/billing.py": module(facts.INVOICES_CREATE)})
    assert diff_json(repo, "--fail-on", "added")[0] == 1
    (repo / "src/billing.py").unlink()
    assert diff_json(repo, "--fail-on", "added")[0] == 0


def test_removed_scope_and_committed_changes(repo: Path) -> None:
    (repo / "src/expenses.py").unlink()
    write_files(repo, {"src/more_clients.py": module(facts.CLIENTS_LIST)})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "drop expenses")
    code, data = diff_json(repo)
    assert code == 0
    assert [u["scope"] for u in data["removed_scopes"]] == ["user:expenses:write"]
    assert data["removed_scopes"][0]["calls"][0]["path"] == "src/expenses.py"
    assert [c["path"] for c in data["new_calls"]] == ["src/more_clients.py"]
    assert data["reauthorization_required"] is False


def test_text_markdown_and_github(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    write_files(repo, {"src/billing.py": module(facts.INVOICES_CREATE)})
    (repo / "src/expenses.py").unlink()
    text = invoke(["diff", "--base", "main"], repo).stdout
    assert "scopes changed (1 added, 1 removed)" in text.splitlines()[0]
    assert "  + user:invoices:write" in text and "  - user:expenses:write" in text
    assert "Warning: Adding a scope makes every existing user authorise the app again" in text
    summary = tmp_path_factory.mktemp("gh") / "summary.md"
    out = repo.parent / f"{repo.name}-delta.md"
    result = invoke(
        ["diff", "--base", "main", "-f", "github", "-o", f"markdown:{out}"],
        repo,
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    markdown = out.read_text()
    assert "| **added** | `user:invoices:write` | 1 |" in markdown
    assert "| removed | `user:expenses:write` | 1 |" in markdown
    assert "> [!WARNING]" in markdown
    assert summary.read_text() == markdown
    line = line_of(module(facts.INVOICES_CREATE), "invoices/invoices")
    assert result.stdout.startswith(f"::warning file=src/billing.py,line={line},")


def test_scan_a_subdirectory_from_a_subdirectory(repo: Path) -> None:
    write_files(repo, {"src/billing.py": module(facts.INVOICES_CREATE)})
    result = invoke(["diff", "--base", "main", "-f", "json", "."], repo / "src")
    data = json.loads(result.stdout)
    assert [u["scope"] for u in data["added_scopes"]] == ["user:invoices:write"]
    assert data["added_scopes"][0]["calls"][0]["path"] == "billing.py"


def test_a_path_new_since_the_base(repo: Path) -> None:
    write_files(repo, {"newpkg/billing.py": module(facts.INVOICES_CREATE)})
    _, data = diff_json(repo, "newpkg")
    assert [u["scope"] for u in data["added_scopes"]] == ["user:invoices:write"]


def test_unknown_ref_and_no_repository(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = invoke(["diff", "--base", "no-such-branch"], repo)
    assert result.exit_code == 2
    assert "unknown git ref 'no-such-branch'" in result.stderr
    assert invoke(["diff", "--base", "--help=x"], repo).exit_code == 2
    elsewhere = tmp_path_factory.mktemp("plain")
    result = invoke(["diff", "--base", "main"], elsewhere)
    assert result.exit_code == 2 and "needs a git repository" in result.stderr
