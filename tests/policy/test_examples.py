"""examples/policy_demo passes `fbscopes check`; examples/policy_demo_missing fails it.

Expected scopes come from the FreshBooks facts (facts.py), not from fbscopes output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.policy import facts
from tests.policy.helpers import REPO, invoke, line_of

DEMO = REPO / "examples" / "policy_demo"
MISSING = REPO / "examples" / "policy_demo_missing"
# app.py -> /users/me; sync.py -> clients list, invoices list and create; admin.py -> a
# profit-and-loss report whose scope is suppressed with a reason.
DEMO_SCOPES = sorted(
    {*facts.ME.scopes, *facts.CLIENTS_LIST.scopes, *facts.INVOICES_LIST.scopes}
    | set(facts.INVOICES_CREATE.scopes)
)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return Path(
        shutil.copytree(DEMO, tmp_path / "demo", ignore=shutil.ignore_patterns("__pycache__"))
    )


def test_policy_demo_passes() -> None:
    result = invoke(["check", "-f", "json", str(DEMO)])
    data = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert data["required_scopes"] == DEMO_SCOPES
    assert data["manifest"]["stale"] is False
    suppressed = [c for c in data["report"]["calls"] if c["suppressed"]]
    assert [c["endpoint"] for c in suppressed] == [facts.REPORT.path]


def test_policy_demo_missing_fails_naming_the_scope_and_line() -> None:
    result = invoke(["check", str(MISSING)])
    assert result.exit_code == 1
    expenses = (MISSING / "invoice_sync" / "expenses.py").read_text()
    line = line_of(expenses, "s.post(")
    assert "user:expenses:write" in result.stdout
    assert f"invoice_sync/expenses.py:{line}:" in result.stdout
    assert "scope manifest out of date" in result.stdout.splitlines()[0]


def test_demo_manifest_is_what_lock_writes(demo: Path) -> None:
    before = (demo / "freshbooks-scopes.yaml").read_text()
    invoke(["lock"], demo)
    assert (demo / "freshbooks-scopes.yaml").read_text() == before


def test_granting_the_scope_and_relocking_fixes_the_variant(tmp_path: Path) -> None:
    variant = Path(
        shutil.copytree(MISSING, tmp_path / "v", ignore=shutil.ignore_patterns("__pycache__"))
    )
    pyproject = variant / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            '"user:invoices:write",', '"user:invoices:write",\n    "user:expenses:write",'
        )
    )
    assert invoke(["check"], variant).exit_code == 1  # still stale
    invoke(["lock"], variant)
    assert invoke(["check"], variant).exit_code == 0
