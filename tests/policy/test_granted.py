"""Granted scopes: parsing `--granted`, coverage rules, notes and validation."""

from __future__ import annotations

import pytest

from analyzer.catalogue import load_catalogue
from analyzer.errors import ConfigError
from analyzer.policy.check import excess_scopes
from analyzer.policy.granted import Granted, granted_from_cli, scope_notes, validate_granted
from tests.policy import facts


def test_granted_flag_accepts_commas_spaces_and_repeats() -> None:
    granted = granted_from_cli(
        ["user:clients:read,user:invoices:read", "user:clients:read user:taxes:read"]
    )
    assert granted is not None
    assert granted.scopes == ("user:clients:read", "user:invoices:read", "user:taxes:read")
    assert granted.path is None
    assert granted_from_cli([]) is None


def test_granted_flag_checks_syntax() -> None:
    with pytest.raises(ConfigError, match="is not a scope name"):
        granted_from_cli(["clients"])


def test_coverage_rules() -> None:
    plain = Granted(("user:clients:read",), "x")
    assert plain.covers("user:clients:read")
    assert plain.covers(facts.DEFAULT_SCOPE)  # added to every app
    assert not plain.covers("user:invoices:write")
    assert Granted((facts.LEGACY,), "x").covers("user:invoices:write")


def test_excess() -> None:
    granted = Granted(
        (facts.LEGACY, facts.DEFAULT_SCOPE, "user:clients:read", "user:taxes:read"), "x"
    )
    assert excess_scopes(granted, ["user:clients:read"]) == (facts.LEGACY, "user:taxes:read")


def test_validation_collects_every_problem_with_lines() -> None:
    catalogue = load_catalogue()
    granted = Granted(
        ("user:client:read", facts.NONEXISTENT, "user:clients:read"),
        "pyproject.toml",
        "pyproject.toml",
        {"user:client:read": 7, facts.NONEXISTENT: 8},
    )
    with pytest.raises(ConfigError) as caught:
        validate_granted(granted, catalogue)
    lines = caught.value.render().splitlines()
    assert lines[0].startswith(
        "pyproject.toml:7: tool.fbscopes.scopes: unknown scope 'user:client:read'"
    )
    assert lines[1].startswith(
        f"pyproject.toml:8: tool.fbscopes.scopes: scope '{facts.NONEXISTENT}'"
    )


def test_scopes_missing_from_an_older_catalogue_are_unknown() -> None:
    # user:account:read arrives with the business_uuid ledger family (2023-09 in the catalogue)
    with pytest.raises(ConfigError, match="not in catalogue freshbooks 2021-10"):
        validate_granted(Granted(("user:account:read",), "x"), load_catalogue("2021-10"))


def test_notes() -> None:
    catalogue = load_catalogue()
    granted = Granted((facts.LEGACY, "user:riskhub:read"), "x")
    legacy, undocumented = scope_notes(granted, catalogue, ["user:clients:read"])
    assert legacy.kind == "legacy" and "user:clients:read" in legacy.message
    assert undocumented.kind == "undocumented"
