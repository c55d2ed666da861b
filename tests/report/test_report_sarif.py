"""SARIF 2.1.0: schema validity, rules, stable fingerprints, suppressions, notifications."""

from __future__ import annotations

import dataclasses
import json
import types
from pathlib import Path
from typing import Any

import pytest

from analyzer.models import Diagnostic, Level, Report
from analyzer.report.sarif import FINGERPRINT_KEY, SarifFormatter

SCHEMA = Path("/work/shared/reference/sarif-schema-2.1.0.json")


def render(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SarifFormatter().format(report))
    return data


def run_of(report: Report) -> dict[str, Any]:
    run: dict[str, Any] = render(report)["runs"][0]
    return run


def fingerprints(report: Report) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in run_of(report)["results"]]


@pytest.fixture(scope="module")
def validator() -> Any:
    if not SCHEMA.is_file():
        pytest.skip(f"official SARIF schema not found at {SCHEMA} (CI provides it)")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def test_full_report_is_valid_sarif(validator: Any, full_report: Report) -> None:
    errors = sorted(validator.iter_errors(render(full_report)), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])


def test_valid_under_the_schemas_own_draft_too(validator: Any, full_report: Report) -> None:
    validators = pytest.importorskip("jsonschema.validators")
    own = validators.validator_for(validator.schema)(validator.schema)
    assert not list(own.iter_errors(render(full_report)))


def test_empty_report_is_valid_sarif(validator: Any, empty_report: Report) -> None:
    data = render(empty_report)
    assert not list(validator.iter_errors(data))
    assert data["runs"][0]["results"] == []


def test_header(full_report: Report) -> None:
    data = render(full_report)
    assert data["version"] == "2.1.0"
    assert data["$schema"].endswith("sarif-schema-2.1.0.json")
    driver = data["runs"][0]["tool"]["driver"]
    assert driver["name"] == "fbscopes" and driver["version"] == "0.1.0"
    assert "informationUri" not in driver


def test_rules(full_report: Report) -> None:
    rules = run_of(full_report)["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [
        "scope/user:clients:read",
        "scope/user:invoices:write",
        "scope/user:reports:read",
        "unresolved-call",
        "no-scope-call",
    ]
    clients = rules[0]
    assert clients["helpUri"] == "https://www.freshbooks.com/api/clients"
    assert "developer portal" in clients["help"]["text"]
    assert "`user:clients:read`" in clients["help"]["markdown"]
    assert "Read clients (customers)" in clients["fullDescription"]["text"]
    assert rules[1]["helpUri"] == "https://www.freshbooks.com/api/invoices"
    assert rules[2]["helpUri"] == "https://www.freshbooks.com/api/scopes"


def test_results_point_at_their_rules(full_report: Report) -> None:
    run = run_of(full_report)
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_result_levels_and_locations(full_report: Report) -> None:
    results = run_of(full_report)["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["scope/user:clients:read"]["level"] == "note"
    assert by_rule["unresolved-call"]["level"] == "warning"
    location = by_rule["unresolved-call"]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "hooks.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 40, "startColumn": 5}
    assert "scope depends on the webhook event" in by_rule["unresolved-call"]["message"]["text"]


def test_suppressed_results_carry_a_justification(full_report: Report) -> None:
    results = run_of(full_report)["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["scope/user:reports:read"]
    assert suppressed[0]["suppressions"] == [
        {"kind": "inSource", "justification": "internal admin tool only"}
    ]


def test_diagnostics_become_notifications(full_report: Report) -> None:
    invocation = run_of(full_report)["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [(n["level"], n["descriptor"]["id"]) for n in notes] == [
        ("error", "parse-error"),
        ("warning", "classic-api"),
    ]
    parse_loc = notes[0]["locations"][0]["physicalLocation"]
    assert parse_loc["region"] == {"startLine": 3}
    assert "region" not in notes[1]["locations"][0]["physicalLocation"]


def test_run_properties(full_report: Report) -> None:
    props = run_of(full_report)["properties"]
    assert props["requiredScopes"] == ["user:clients:read", "user:invoices:write"]
    assert props["catalogue"] == {"name": "freshbooks", "version": "2026-09"}


def test_fingerprints_are_unique(full_report: Report, fb: types.ModuleType) -> None:
    twins = fb.make_report(findings=(fb.clients_get(line=12), fb.clients_get(line=30)))
    for report in (full_report, twins):
        prints = fingerprints(report)
        assert len(prints) == len(set(prints))


def test_fingerprints_survive_line_moves(full_report: Report, fb: types.ModuleType) -> None:
    assert fingerprints(fb.shifted(full_report, 17)) == fingerprints(full_report)


def test_fingerprints_of_twins_survive_line_moves(fb: types.ModuleType) -> None:
    before = fb.make_report(findings=(fb.clients_get(line=12), fb.clients_get(line=30)))
    after = fb.make_report(findings=(fb.clients_get(line=15), fb.clients_get(line=44)))
    assert fingerprints(before) == fingerprints(after)


def test_unrelated_new_call_keeps_other_fingerprints(fb: types.ModuleType) -> None:
    before = fb.make_report(findings=(fb.clients_get(line=12),))
    after = fb.make_report(findings=(fb.token_post(path="app.py", line=3), fb.clients_get(line=14)))
    results = run_of(after)["results"]
    moved = [r for r in results if r["ruleId"] == "scope/user:clients:read"]
    assert moved[0]["partialFingerprints"] == run_of(before)["results"][0]["partialFingerprints"]


def test_fingerprint_changes_with_the_endpoint(fb: types.ModuleType) -> None:
    one = fb.make_report(findings=(fb.clients_get(),))
    other = fb.make_report(findings=(fb.clients_get(endpoint="/accounting/account/{a}/x"),))
    assert fingerprints(one) != fingerprints(other)


def test_uris_are_relative_and_encoded(fb: types.ModuleType) -> None:
    report = fb.make_report(findings=(fb.clients_get(path="./src/my app/café.py"),))
    loc = run_of(report)["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "src/my%20app/caf%C3%A9.py"


def test_multi_scope_call_gives_one_result_per_scope(fb: types.ModuleType) -> None:
    both = fb.clients_get(scopes=("user:clients:read", "user:clients:write"), method="PUT")
    results = run_of(fb.make_report(findings=(both,)))["results"]
    assert [r["ruleId"] for r in results] == [
        "scope/user:clients:read",
        "scope/user:clients:write",
    ]
    assert len({r["partialFingerprints"][FINGERPRINT_KEY] for r in results}) == 2


def test_run_level_diagnostic_has_no_location(fb: types.ModuleType, validator: Any) -> None:
    diag = Diagnostic("", None, "resolution-limit", "stopped after 10000 calls", Level.INFO)
    data = render(fb.make_report(diagnostics=(diag,)))
    note = data["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]
    assert note["level"] == "note" and "locations" not in note
    assert not list(validator.iter_errors(data))


def test_trace_becomes_a_code_flow(full_report: Report) -> None:
    results = run_of(full_report)["results"]
    with_flow = [r for r in results if "codeFlows" in r]
    assert len(with_flow) == 1
    step = with_flow[0]["codeFlows"][0]["threadFlows"][0]["locations"][0]["location"]
    assert step["message"]["text"] == "requests.get"


def test_zero_column_is_omitted(fb: types.ModuleType) -> None:
    report = fb.make_report(findings=(dataclasses.replace(fb.clients_get(), column=0),))
    region = run_of(report)["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 12}
