"""The constants in facts.py match the FreshBooks reference catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.policy import facts

REFERENCE = Path("/work/shared/reference/freshbooks-endpoints.yaml")


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE.is_file():
        pytest.skip(f"reference catalogue not found at {REFERENCE}")
    data: dict[str, Any] = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("fact", facts.DOCUMENTED, ids=lambda f: f"{f.method} {f.resource}")
def test_documented_fact(reference: dict[str, Any], fact: facts.Fact) -> None:
    entry = next(e for e in reference["endpoints"] if e["resource"] == fact.resource)
    assert entry["path"] == fact.path
    assert entry["confidence"] == "documented"
    assert tuple(entry["methods"][fact.method]) == fact.scopes


def test_webhook_scope_is_unknown(reference: dict[str, Any]) -> None:
    entry = next(e for e in reference["endpoints"] if e["resource"] == "callbacks_collection")
    assert all(s.startswith("<") for s in entry["methods"]["POST"])


@pytest.mark.parametrize(
    ("scope", "status"),
    [
        (facts.LEGACY, "legacy"),
        (facts.DISPUTED, "disputed-probably-nonexistent"),
        (facts.NONEXISTENT, "nonexistent"),
        (facts.DEFAULT_SCOPE, "exists"),
    ],
)
def test_scope_status(reference: dict[str, Any], scope: str, status: str) -> None:
    entry = next(s for s in reference["scopes"] if s["scope"] == scope)
    assert entry["status"] == status
