"""The shipped catalogue files: they load, agree with the reference and are up to date.

The reference (../shared/reference, outside the repository) is only present in the
development checkout; tests that need it are skipped elsewhere.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from analyzer.catalogue import Catalogue, available_versions, load_catalogue
from analyzer.errors import CatalogueError
from analyzer.resources import catalogue_dir
from analyzer.yamlio import load_yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "reference" / "freshbooks-endpoints.yaml"
BUILDER = ROOT / "tools" / "build_catalogue.py"
VERSIONS = ("2021-10", "2022-07", "2023-09", "2026-09")

# Families by path prefix, with the first version that carries them (reference `versions:`).
UPLOADS = ("/uploads/",)
ONLINE_PAYMENTS = ("/payments/",)
TEAM_MEMBERS = ("/auth/api/v1/businesses/{business_id}/team_members",)
LEDGER = ("/accounting/businesses/{business_uuid}/", "/accounting/ledger_accounts/")


@pytest.fixture(scope="module")
def reference() -> Mapping[str, Any]:
    if not REFERENCE.is_file():
        pytest.skip("reference not available")
    data: Mapping[str, Any] = load_yaml(REFERENCE)
    return data


def _api_entries(reference: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Reference entries that are endpoints on api.freshbooks.com."""
    return [
        e
        for e in reference["endpoints"]
        if str(e["path"]).startswith("/") and e.get("path_known") is not False
    ]


def _expected_methods(entry: Mapping[str, Any]) -> dict[str, tuple[str, ...] | None]:
    """Placeholders (`<...>`) and an empty list the notes call "scope unknown" are unknown."""
    says_unknown = "scope unknown" in str(entry.get("notes", "")).lower()
    return {
        method: None
        if any(str(s).startswith("<") for s in scopes) or (not scopes and says_unknown)
        else tuple(scopes)
        for method, scopes in entry["methods"].items()
    }


def test_token_endpoints_need_no_scope_but_unknown_ones_are_unknown() -> None:
    newest = load_catalogue()
    token = newest.match("POST", "/auth/oauth/token")
    assert token.endpoint is not None and token.scopes == ()
    partner = newest.match("POST", "/auth/api/v1/partners/applications")
    assert partner.endpoint is not None and partner.scopes is None


def _paths(catalogue: Catalogue, prefixes: tuple[str, ...]) -> list[str]:
    return [e.path for e in catalogue.endpoints if e.path.startswith(prefixes)]


# -- loading ------------------------------------------------------------------------------


def test_available_versions() -> None:
    assert available_versions() == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_every_version_loads(version: str) -> None:
    catalogue = load_catalogue(version)
    assert (catalogue.name, catalogue.version, catalogue.source) == (
        "freshbooks",
        version,
        "builtin",
    )
    assert catalogue.ref.version == version
    assert catalogue.hosts == frozenset({"api.freshbooks.com"})
    assert load_catalogue(f"freshbooks@{version}").endpoints == catalogue.endpoints


def test_newest_is_the_default() -> None:
    assert load_catalogue().version == VERSIONS[-1] == available_versions()[-1]
    assert load_catalogue(None).endpoints == load_catalogue(VERSIONS[-1]).endpoints


def test_unknown_version_lists_the_available_ones() -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue("2020-01")
    assert info.value.message == (
        "unknown freshbooks catalogue version '2020-01'"
        " (available: 2021-10, 2022-07, 2023-09, 2026-09)"
    )


def test_unknown_catalogue_name() -> None:
    with pytest.raises(
        CatalogueError, match=r"unknown catalogue 'stripe' \(available: freshbooks\)"
    ):
        load_catalogue("stripe@2026-09")


def test_file_path_spec(tmp_path: Path) -> None:
    copy = tmp_path / "2026-09.yaml"
    shutil.copyfile(catalogue_dir() / "freshbooks" / "2026-09.yaml", copy)
    catalogue = load_catalogue(str(copy))
    assert catalogue.source == str(copy)
    assert catalogue.ref.source == str(copy)
    assert len(catalogue.endpoints) == len(load_catalogue().endpoints)


# -- version contents (reference `versions:` timeline) -----------------------------------


def test_2021_10_is_scopes_v1_only() -> None:
    catalogue = load_catalogue("2021-10")
    for family in (UPLOADS, ONLINE_PAYMENTS, TEAM_MEMBERS, LEDGER):
        assert _paths(catalogue, family) == []
    assert not [s for s in catalogue.scopes if s.startswith(("user:uploads:", "user:account:"))]
    assert "/accounting/account/{account_id}/bills/bills" in {e.path for e in catalogue.endpoints}
    assert "/accounting/account/{account_id}/systems/gateways" in {
        e.path for e in catalogue.endpoints
    }


def test_2022_07_adds_uploads_and_online_payments() -> None:
    catalogue = load_catalogue("2022-07")
    assert "/uploads/account/{account_id}/attachments" in _paths(catalogue, UPLOADS)
    assert "/payments/account/{account_id}/payment_options" in _paths(catalogue, ONLINE_PAYMENTS)
    assert _paths(catalogue, TEAM_MEMBERS) == _paths(catalogue, LEDGER) == []
    assert {"user:uploads:read", "user:uploads:write"} <= set(catalogue.scopes)
    assert "user:account:read" not in catalogue.scopes


def test_2023_09_adds_team_members_and_the_ledger_family() -> None:
    catalogue = load_catalogue("2023-09")
    assert len(_paths(catalogue, TEAM_MEMBERS)) == 2
    assert "/accounting/businesses/{business_uuid}/reports/chart_of_accounts" in _paths(
        catalogue, LEDGER
    )
    assert "/accounting/ledger_accounts/types" in _paths(catalogue, LEDGER)
    assert {"user:account:read", "user:account:write"} <= set(catalogue.scopes)
    assert "user:riskhub:read" not in catalogue.scopes


def test_2026_09_declares_the_portal_scopes() -> None:
    catalogue = load_catalogue("2026-09")
    assert catalogue.scopes["user:riskhub:read"].status == "exists-undocumented"
    assert catalogue.scopes["user:riskhub:write"].status == "exists-undocumented"
    assert not [s for s in catalogue.scopes if "*" in s]


def test_versions_only_grow() -> None:
    for older, newer in itertools.pairwise(VERSIONS):
        old, new = load_catalogue(older), load_catalogue(newer)
        by_id = {e.id: e for e in new.endpoints}
        assert all(by_id.get(e.id) == e for e in old.endpoints), (older, newer)
        assert all(new.scopes.get(name) == info for name, info in old.scopes.items())


@pytest.mark.parametrize("version", VERSIONS)
def test_no_endpoint_requires_an_unusable_scope(version: str) -> None:
    catalogue = load_catalogue(version)
    used = {s for e in catalogue.endpoints for scopes in e.methods.values() for s in scopes or ()}
    assert used <= set(catalogue.scopes)
    assert all(catalogue.scopes[s].requestable for s in used)


# -- agreement with the reference ----------------------------------------------------------


def test_every_api_endpoint_of_the_reference_is_in_the_newest(
    reference: Mapping[str, Any],
) -> None:
    newest = load_catalogue()
    by_id = {e.id: e for e in newest.endpoints}
    entries = _api_entries(reference)
    assert len(entries) == len(newest.endpoints) == 108
    for entry in entries:
        endpoint = by_id[entry["resource"]]
        assert endpoint.path == entry["path"]
        assert dict(endpoint.methods) == _expected_methods(entry), entry["resource"]
        assert endpoint.confidence == entry["confidence"]
        assert endpoint.sources == tuple(entry["source"])
        assert endpoint.method_confidence == entry.get("method_confidence")
        if "notes" in entry:
            assert endpoint.notes is not None and endpoint.notes.startswith(entry["notes"])


def test_unknown_scopes_keep_the_reference_text_in_notes(reference: Mapping[str, Any]) -> None:
    newest = load_catalogue()
    for entry in _api_entries(reference):
        for scopes in entry["methods"].values():
            for text in (s for s in scopes if str(s).startswith("<")):
                notes = newest.endpoint(entry["resource"])
                assert notes is not None and text in (notes.notes or "")


def test_entries_off_api_host_are_left_out(reference: Mapping[str, Any]) -> None:
    left_out = {
        e["resource"]
        for e in reference["endpoints"]
        if not str(e["path"]).startswith("/") or e.get("path_known") is False
    }
    assert left_out == {
        "oauth_authorize",
        "card_tokenize_fbpay",
        "card_tokenize_stripe",
        "journal_entries_adjustment",
    }
    for version in VERSIONS:
        assert not left_out & {e.id for e in load_catalogue(version).endpoints}


def test_scopes_match_the_reference(reference: Mapping[str, Any]) -> None:
    newest = load_catalogue()
    expected = {s["scope"]: s for s in reference["scopes"] if "*" not in s["scope"]}
    assert set(newest.scopes) == set(expected)
    for name, scope in expected.items():
        info = newest.scopes[name]
        assert info.status == scope["status"]
        assert info.description == " ".join(str(scope["description"]).split())


def _builder() -> ModuleType:
    """tools/build_catalogue.py, imported by path (tools/ is not a package)."""
    if "build_catalogue" in sys.modules:
        return sys.modules["build_catalogue"]
    spec = importlib.util.spec_from_file_location("build_catalogue", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    """What tools/build_catalogue.py generates from the reference: file name -> text."""
    if not REFERENCE.is_file():
        pytest.skip("reference not available")
    files: dict[str, str] = _builder().build(REFERENCE)
    return files


def test_checked_in_files_equal_the_builder_output(generated: dict[str, str]) -> None:
    directory = catalogue_dir() / "freshbooks"
    assert sorted(generated) == sorted(p.name for p in directory.glob("*.yaml"))
    for name, text in generated.items():
        on_disk = (directory / name).read_text(encoding="utf-8")
        assert on_disk == text, f"{name} is stale: run .venv/bin/python tools/build_catalogue.py"


def test_builder_check_mode(
    generated: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder = _builder()
    monkeypatch.setattr(builder, "build", lambda reference: generated)
    args = [str(REFERENCE), "--out", str(tmp_path)]
    assert builder.main([*args, "--check"]) == 1
    assert builder.main(args) == 0
    assert builder.main([*args, "--check"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(generated)
