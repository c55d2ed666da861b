"""The pre-commit hook, end to end with the real `pre-commit` and `git commit`.

pre-commit clones a committed copy of this working tree and pip-installs it (not editable)
into its own virtualenv, so this also proves the rules/ and catalogue/ data ship in the wheel.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.policy import facts
from tests.policy.helpers import REPO, line_of, module, pyproject, write_files
from tests.policy.hookrepo import GIT_ENV, clone_working_tree, git

PRE_COMMIT = REPO / ".venv" / "bin" / "pre-commit"


def test_hook_definition() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "fbscopes"
    assert hook["entry"] == "fbscopes check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True


def commit(repo: Path, env: dict[str, str], message: str) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A")
    return subprocess.run(
        ["git", "commit", "-m", message],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.mark.slow
def test_commit_needing_an_ungranted_scope_is_refused(tmp_path: Path) -> None:
    if not PRE_COMMIT.is_file():
        pytest.skip("pre-commit is not installed in .venv")
    hooks, sha = clone_working_tree(tmp_path / "hook-repo")
    app = tmp_path / "app"
    config = {"repos": [{"repo": hooks.as_uri(), "rev": sha, "hooks": [{"id": "fbscopes"}]}]}
    write_files(app, {
        ".pre-commit-config.yaml": yaml.safe_dump(config),
        "pyproject.toml": pyproject(list(facts.CLIENTS_LIST.scopes)),
        "app.py": module(facts.CLIENTS_LIST),
    })  # fmt: skip
    git(app, "init", "-q")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("VIRTUAL_ENV", None)
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=app, capture_output=True, text=True, env=env
    )
    assert installed.returncode == 0, installed.stderr

    first = commit(app, env, "list clients")
    assert first.returncode == 0, first.stdout + first.stderr

    code = module(facts.CLIENTS_LIST, facts.INVOICES_CREATE)
    (app / "app.py").write_text(code)
    refused = commit(app, env, "create invoices")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "fbscopes check: FAILED (1 missing scope)" in output
    assert "user:invoices:write" in output
    assert f"app.py:{line_of(code, 'invoices/invoices')}:" in output
    assert git(app, "rev-list", "--count", "HEAD") == "1"

    granted = [*facts.CLIENTS_LIST.scopes, *facts.INVOICES_CREATE.scopes]
    (app / "pyproject.toml").write_text(pyproject(granted))
    accepted = commit(app, env, "create invoices, scope granted")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(app, "rev-list", "--count", "HEAD") == "2"
