"""The SDK model `rules/sdk/freshbooks.yaml` checked against the reference facts.

Expected values come from `../shared/reference/` (the SDK surface file, the endpoint catalogue
research and section 6 of freshbooks-api.md), never from the model itself. Tests that need those
files are skipped when `../shared` is missing; the structural tests always run.

Naming difference between the surface file and the model, applied to both sides before comparing:
the SDK's parameter names `resource_id` / `resource_uuid` are written `{id}` in paths (the
catalogue's placeholder for a resource's own id). A query string (`?entity_type=invoice` on
`invoice_payment_options.defaults`) is not part of a path template and is dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from analyzer.yamlio import parse_yaml

REPO = Path(__file__).resolve().parents[2]
MODEL_PATH = REPO / "rules" / "sdk" / "freshbooks.yaml"
SHARED = REPO.parent / "shared"
REFERENCE = SHARED / "reference"
SURFACE_PATH = REFERENCE / "freshbooks-python-sdk-surface.yaml"
ENDPOINTS_PATH = REFERENCE / "freshbooks-endpoints.yaml"
API_MD_PATH = REFERENCE / "freshbooks-api.md"

needs_shared = pytest.mark.skipif(
    not (SURFACE_PATH.is_file() and ENDPOINTS_PATH.is_file() and API_MD_PATH.is_file()),
    reason=f"reference facts not found under {REFERENCE} (CI has them at ../shared)",
)

HTTP_METHODS = {"GET", "POST", "PUT", "DELETE"}
ID_KINDS = {"account_id", "business_id", "business_uuid"}
# Placeholders the catalogue (freshbooks-endpoints.yaml meta.placeholders) defines and the SDK uses.
SDK_PLACEHOLDERS = {"account_id", "business_id", "business_uuid", "id", "jwt"}
PLACEHOLDER_RENAMES = {"resource_id": "id", "resource_uuid": "id"}
ACTION_KEYS = {"method", "path", "note"}

# freshbooks-api.md section 6 "Delete semantics", the "Python SDK" bullets (re-read from the file
# by test_delete_lists_match_api_md when ../shared is present).
PYTHON_SOFT_DELETES = (
    "clients",
    "expenses",
    "items",
    "payments",
    "tasks",
    "bills",
    "bill_vendors",
    "bill_payments",
    "credit_notes",
    "invoice_profiles",
    "staff",
)
PYTHON_HARD_DELETES = (
    "invoices",
    "estimates",
    "other_income",
    "taxes",
    "gateways",
    "callbacks",
    "projects",
    "time_entries",
    "services",
)


def _load(path: Path) -> Any:
    return parse_yaml(path.read_text(encoding="utf-8"))


MODEL: dict[str, Any] = _load(MODEL_PATH)
SDK: dict[str, Any] = MODEL["sdk"]
RESOURCES: dict[str, Any] = SDK["resources"]
ALL_ACTIONS = [
    (resource, action, entry)
    for resource, spec in RESOURCES.items()
    for action, entry in spec["actions"].items()
]


def _normalise(path: str) -> str:
    """Drop the query string and apply the documented placeholder renames."""
    path = path.split("?", 1)[0]
    return re.sub(r"\{(\w+)\}", lambda m: "{" + PLACEHOLDER_RENAMES.get(m[1], m[1]) + "}", path)


def _shape(path: str) -> str:
    """Compare templates as the scorer does: every placeholder becomes `{}`."""
    return re.sub(r"\{[^}]*\}", "{}", path.split("?", 1)[0]).rstrip("/")


def _model_calls() -> list[tuple[str, str, str]]:
    """(label, method, path) for every request the model describes."""
    calls = [
        (f"client.{name}", e["method"], e["path"]) for name, e in SDK["client_methods"].items()
    ]
    calls += [(f"{res}.{act}", e["method"], e["path"]) for res, act, e in ALL_ACTIONS]
    return calls


# ---------------------------------------------------------------- structure (always runs)


def test_header() -> None:
    assert MODEL["schema"] == 1
    assert SDK["id"] == "freshbooks-sdk"
    assert SDK["package"] == "freshbooks"
    assert list(SDK["client"]) == ["freshbooks.Client", "freshbooks.client.Client"]
    assert SDK["description"]


def test_client_methods_and_no_request_are_disjoint() -> None:
    assert set(SDK["client_methods"]).isdisjoint(SDK["no_request"])
    assert set(SDK["requested_scopes"]) <= set(SDK["no_request"]) | set(SDK["client_methods"])


@pytest.mark.parametrize(
    ("resource", "action", "entry"), ALL_ACTIONS, ids=[f"{r}.{a}" for r, a, _ in ALL_ACTIONS]
)
def test_action_entry_is_well_formed(resource: str, action: str, entry: dict[str, Any]) -> None:
    assert set(entry) <= ACTION_KEYS, f"unknown keys {set(entry) - ACTION_KEYS}"
    assert entry["method"] in HTTP_METHODS
    path = entry["path"]
    assert path.startswith("/") and "?" not in path and not path.endswith("/")
    assert set(re.findall(r"\{(\w+)\}", path)) <= SDK_PLACEHOLDERS
    id_kind = RESOURCES[resource]["id_kind"]
    assert id_kind in ID_KINDS
    # The first argument fills the id_kind placeholder; uploads' get(jwt) is the one exception.
    assert "{" + id_kind + "}" in path or "{jwt}" in path


def test_every_request_is_sent_with_a_known_method() -> None:
    for label, method, path in _model_calls():
        assert method in HTTP_METHODS, label
        assert path.startswith("/"), label


@pytest.mark.parametrize("resource", PYTHON_SOFT_DELETES)
def test_soft_delete_is_put(resource: str) -> None:
    delete = RESOURCES[resource]["actions"]["delete"]
    assert delete["method"] == "PUT"
    assert delete["path"].endswith("/{id}")
    assert delete["path"] == RESOURCES[resource]["actions"]["update"]["path"]


@pytest.mark.parametrize("resource", PYTHON_HARD_DELETES)
def test_hard_delete_is_delete(resource: str) -> None:
    delete = RESOURCES[resource]["actions"]["delete"]
    assert delete["method"] == "DELETE"
    assert delete["path"].endswith("/{id}")


def test_every_delete_is_classified() -> None:
    with_delete = {res for res, act, _ in ALL_ACTIONS if act == "delete"}
    assert with_delete == set(PYTHON_SOFT_DELETES) | set(PYTHON_HARD_DELETES)


def test_examples() -> None:
    examples = MODEL["examples"]
    assert 3 <= len(examples) <= 6
    known = {(method, path) for _, method, path in _model_calls()}
    kinds = set()
    for index, example in enumerate(examples):
        kind = "match" if "match" in example else "no-match"
        kinds.add(kind)
        assert set(example) == ({"match", "expect"} if kind == "match" else {"no-match"})
        compile(example[kind], f"<examples[{index}]>", "exec")
        for pair in example.get("expect", []):
            assert tuple(pair) in known, f"examples[{index}]: {pair} is not in the model"
    assert kinds == {"match", "no-match"}


# ---------------------------------------------------------------- against the reference facts


@pytest.fixture(scope="module")
def surface() -> dict[str, Any]:
    data: dict[str, Any] = _load(SURFACE_PATH)
    return data


@pytest.fixture(scope="module")
def endpoints() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = _load(ENDPOINTS_PATH)["endpoints"]
    return data


@needs_shared
def test_package_and_client_match_surface(surface: dict[str, Any]) -> None:
    assert SDK["package"] == surface["package"]["import_name"]
    assert "Client" in surface["package"]["public_exports"]
    assert f"{SDK['package']}.Client" in SDK["client"]


@needs_shared
def test_client_methods_match_surface(surface: dict[str, Any]) -> None:
    expected_requests = {}
    expected_no_request = set()
    for name, spec in surface["client_methods"].items():
        if spec["http_method"] is None:
            expected_no_request.add(name)
        else:
            expected_requests[name] = (spec["http_method"], _normalise(spec["path"]))
    got = {name: (e["method"], _normalise(e["path"])) for name, e in SDK["client_methods"].items()}
    assert got == expected_requests
    assert set(SDK["no_request"]) == expected_no_request


@needs_shared
def test_requested_scopes_argument_matches_signature(surface: dict[str, Any]) -> None:
    for name, where in SDK["requested_scopes"].items():
        signature = surface["client_methods"][name]["signature"]
        params = [
            p.split(":")[0].split("=")[0].strip()
            for p in signature.split("(", 1)[1].rsplit(")", 1)[0].split(",")
        ]
        assert params[where["arg"]] == where["kwarg"], signature


@needs_shared
def test_resources_match_surface_attributes(surface: dict[str, Any]) -> None:
    assert set(RESOURCES) == set(surface["attributes"])


@needs_shared
def test_actions_match_surface_methods(surface: dict[str, Any]) -> None:
    problems = []
    for name, spec in surface["attributes"].items():
        model = RESOURCES[name]
        expected = {
            action: (m["http_method"], _normalise(m["path"]))
            for action, m in spec["methods"].items()
        }
        got = {
            action: (e["method"], _normalise(e["path"])) for action, e in model["actions"].items()
        }
        if got != expected:
            problems.append(f"{name}: model {got} != surface {expected}")
        missing = set(spec.get("not_implemented", []))
        if missing & set(got):
            problems.append(f"{name}: not implemented but modelled: {missing & set(got)}")
        # e.g. "account_id (upload) / none (get)" -> account_id
        if model["id_kind"] != spec["id_kind"].split()[0]:
            problems.append(f"{name}: id_kind {model['id_kind']} != {spec['id_kind']}")
    assert not problems, "\n".join(problems)


@needs_shared
def test_every_path_is_a_catalogue_endpoint(endpoints: list[dict[str, Any]]) -> None:
    by_shape: dict[str, list[dict[str, Any]]] = {}
    for endpoint in endpoints:
        by_shape.setdefault(_shape(endpoint["path"]), []).append(endpoint)
    problems = []
    for label, method, path in _model_calls():
        candidates = by_shape.get(_shape(path), [])
        if not candidates:
            problems.append(f"{label}: no endpoint with path {path}")
        elif not any(method in e["methods"] for e in candidates):
            problems.append(f"{label}: endpoint {path} has no {method}")
    assert not problems, "\n".join(problems)


@needs_shared
def test_delete_lists_match_api_md() -> None:
    text = API_MD_PATH.read_text(encoding="utf-8")
    section = text.split("## 6.", 1)[1].split("\n## ", 1)[0]
    soft_part, hard_part = section.split("**Real HTTP DELETE:**", 1)

    def python_bullet(part: str) -> tuple[str, ...]:
        match = re.search(r"Python SDK: ([^\n]+?)\.?\n", part)
        assert match, part
        return tuple(item.strip() for item in match[1].split(","))

    assert python_bullet(soft_part) == PYTHON_SOFT_DELETES
    assert python_bullet(hard_part) == PYTHON_HARD_DELETES
