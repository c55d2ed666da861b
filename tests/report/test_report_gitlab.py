"""GitLab Code Quality issues."""

from __future__ import annotations

import json
import re
import types
from typing import Any

from analyzer.models import Diagnostic, Report
from analyzer.report.gitlab import GitlabFormatter

SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def render(report: Report) -> list[dict[str, Any]]:
    data = json.loads(GitlabFormatter().format(report))
    assert isinstance(data, list)
    return data


def prints(report: Report) -> list[str]:
    return [issue["fingerprint"] for issue in render(report)]


def test_issues_have_the_required_fields(full_report: Report) -> None:
    for issue in render(full_report):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in SEVERITIES
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert isinstance(issue["location"]["lines"]["begin"], int)
        assert not issue["location"]["path"].startswith("/")


def test_issue_kinds_and_severities(full_report: Report) -> None:
    got = [(i["location"]["path"], i["check_name"], i["severity"]) for i in render(full_report)]
    assert got == [
        ("app.py", "fbscopes/scope/user:clients:read", "info"),
        ("app.py", "fbscopes/scope/user:clients:read", "info"),
        ("billing/sync.py", "fbscopes/scope/user:invoices:write", "info"),
        ("broken.py", "fbscopes/parse-error", "major"),
        ("hooks.py", "fbscopes/unresolved-call", "minor"),
        ("vendor/legacy.py", "fbscopes/classic-api", "minor"),
    ]


def test_fingerprints_unique_even_for_identical_calls(fb: types.ModuleType) -> None:
    twins = fb.make_report(findings=(fb.clients_get(line=12), fb.clients_get(line=12, column=40)))
    for report in (twins, fb.full()):
        fps = prints(report)
        assert len(fps) == len(set(fps))


def test_fingerprints_survive_line_moves(full_report: Report, fb: types.ModuleType) -> None:
    assert prints(fb.shifted(full_report, 5)) == prints(full_report)


def test_run_level_diagnostics_are_left_out(fb: types.ModuleType) -> None:
    report = fb.make_report(diagnostics=(Diagnostic("", None, "resolution-limit", "stopped"),))
    assert render(report) == []


def test_diagnostic_without_line_starts_at_one(fb: types.ModuleType) -> None:
    report = fb.make_report(diagnostics=(Diagnostic("big.py", None, "too-large", "skipped"),))
    assert render(report)[0]["location"] == {"path": "big.py", "lines": {"begin": 1}}


def test_empty_report(empty_report: Report) -> None:
    assert GitlabFormatter().format(empty_report) == "[]\n"
