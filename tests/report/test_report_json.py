"""The JSON contract (schema_version 1): keys, order, types, round trip."""

from __future__ import annotations

import json
import types
from typing import Any

from analyzer.models import Report
from analyzer.report.json_format import JsonFormatter

TOP_KEYS = [
    "schema_version",
    "tool",
    "catalogue",
    "required_scopes",
    "requested_scopes",
    "calls",
    "diagnostics",
    "summary",
]
CALL_KEYS = [
    "path",
    "line",
    "column",
    "method",
    "url",
    "endpoint",
    "endpoint_id",
    "scopes",
    "status",
    "via",
    "trace",
    "reason",
    "confidence",
    "sources",
    "suppressed",
]


def render(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(JsonFormatter().format(report))
    return data


def test_top_level_contract(full_report: Report) -> None:
    data = render(full_report)
    assert list(data) == TOP_KEYS
    assert data["schema_version"] == 1
    assert data["tool"] == {"name": "fbscopes", "version": "0.1.0"}
    assert data["catalogue"] == {"name": "freshbooks", "version": "2026-09", "source": "builtin"}
    assert data["required_scopes"] == ["user:clients:read", "user:invoices:write"]


def test_calls_follow_the_contract(full_report: Report) -> None:
    calls = render(full_report)["calls"]
    assert len(calls) == len(full_report.findings)
    for call in calls:
        assert list(call) == CALL_KEYS
        assert isinstance(call["line"], int) and isinstance(call["column"], int)
        assert call["status"] in {"resolved", "partial", "unresolved"}
        assert "\\" not in call["path"] and not call["path"].startswith("/")
        for step in call["trace"]:
            assert list(step) == ["path", "line", "column", "note"]


def test_calls_are_sorted_by_finding_sort_key(full_report: Report) -> None:
    calls = render(full_report)["calls"]
    keys = [(c["path"], c["line"], c["column"]) for c in calls]
    assert keys == sorted(keys)
    assert [k[0] for k in keys][:2] == ["admin/reports.py", "app.py"]


def test_suppressed_and_unresolved_calls(full_report: Report) -> None:
    calls = {(c["path"], c["line"]): c for c in render(full_report)["calls"]}
    assert calls[("admin/reports.py", 8)]["suppressed"] == {
        "scopes": ["user:reports:read"],
        "reason": "internal admin tool only",
        "line": 7,
    }
    webhook = calls[("hooks.py", 40)]
    assert webhook["status"] == "unresolved" and webhook["endpoint"] is None
    assert webhook["reason"].startswith("scope depends on the webhook event")
    assert calls[("auth.py", 30)]["scopes"] == []
    assert calls[("app.py", 12)]["suppressed"] is None


def test_suppressed_scopes_do_not_count(full_report: Report) -> None:
    assert "user:reports:read" not in render(full_report)["required_scopes"]


def test_requested_scopes(full_report: Report) -> None:
    assert render(full_report)["requested_scopes"] == [
        {
            "path": "auth.py",
            "line": 20,
            "column": 12,
            "scopes": ["user:clients:read", "user:estimates:read"],
            "via": "get_auth_request_url",
        }
    ]


def test_diagnostics(full_report: Report) -> None:
    diags = render(full_report)["diagnostics"]
    assert [list(d) for d in diags] == [["path", "line", "kind", "level", "message"]] * 2
    assert [(d["path"], d["line"], d["kind"], d["level"]) for d in diags] == [
        ("broken.py", 3, "parse-error", "error"),
        ("vendor/legacy.py", None, "classic-api", "warning"),
    ]


def test_summary(full_report: Report) -> None:
    assert render(full_report)["summary"] == {
        "calls": 6,
        "resolved": 4,
        "partial": 1,
        "unresolved": 1,
        "suppressed": 1,
        "diagnostics": 2,
    }


def test_text_shape(full_report: Report) -> None:
    out = JsonFormatter().format(full_report)
    assert out.endswith("}\n") and not out.endswith("\n\n")
    assert out.startswith('{\n  "schema_version": 1,\n')


def test_round_trip_is_lossless(full_report: Report) -> None:
    out = JsonFormatter().format(full_report)
    assert json.dumps(json.loads(out), indent=2, ensure_ascii=False) + "\n" == out


def test_non_ascii_is_kept(fb: types.ModuleType) -> None:
    report = fb.make_report(findings=(fb.clients_get(path="clientes/facturación.py"),))
    out = JsonFormatter().format(report)
    assert "facturación.py" in out and "\\u" not in out


def test_empty_report(empty_report: Report) -> None:
    data = render(empty_report)
    assert list(data) == TOP_KEYS
    assert data["calls"] == data["diagnostics"] == data["required_scopes"] == []
    assert set(data["summary"].values()) == {0}
