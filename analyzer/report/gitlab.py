"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON list of issues.

Sample::

    [
      {
        "description": "GET /accounting/account/{account_id}/users/clients needs FreshBooks
                        scope user:clients:read (via requests.get)",
        "check_name": "fbscopes/scope/user:clients:read",
        "fingerprint": "5b0e...64 hex digits",
        "severity": "info",
        "location": {"path": "app.py", "lines": {"begin": 12}}
      }
    ]

One issue per (call, scope) with severity `info`, `minor` for unresolved calls, and one per
diagnostic (`major` for parse and decode errors, `minor` for other errors and warnings, `info`
for info). Calls needing no scope and suppressed calls are left out, as are diagnostics about
the run rather than a file (GitLab needs a path). Fingerprints are sha256 hex of the check,
path, `via`, method, endpoint and scopes plus an occurrence index among identical issues in the
file: unique in the report, and unchanged when code only moves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from analyzer.models import Diagnostic, Finding, Level, Report
from analyzer.report.base import (
    DECODE_KINDS,
    RULE_UNRESOLVED,
    TOOL_NAME,
    endpoint_label,
    finding_identity,
    ordered_diagnostics,
    scope_findings,
    stable_fingerprints,
    unresolved_calls,
)


@dataclass(frozen=True, slots=True)
class _Issue:
    check: str
    description: str
    severity: str
    path: str
    line: int
    identity: tuple[str, ...]


class GitlabFormatter:
    """`--format gitlab`: Code Quality issues with unique, line-independent fingerprints."""

    name: str = "gitlab"

    def format(self, report: Report) -> str:
        return json.dumps(code_quality(report), indent=2, ensure_ascii=False) + "\n"


def code_quality(report: Report) -> list[dict[str, Any]]:
    """The Code Quality issue list as plain data."""
    issues = _issues(report)
    prints = stable_fingerprints(issues, lambda issue: issue.identity)
    return [_render(issue, fp) for issue, fp in zip(issues, prints, strict=True)]


def _issues(report: Report) -> list[_Issue]:
    issues = [_scope_issue(f, s) for f in scope_findings(report) for s in f.scopes]
    issues += [_unresolved_issue(f) for f in unresolved_calls(report)]
    issues += [_diagnostic_issue(d) for d in ordered_diagnostics(report) if d.path]
    return sorted(issues, key=lambda i: (i.path, i.line, i.check, i.description))


def _scope_issue(f: Finding, scope: str) -> _Issue:
    check = f"{TOOL_NAME}/scope/{scope}"
    description = f"{endpoint_label(f)} needs FreshBooks scope {scope} (via {f.via})"
    return _Issue(check, description, "info", f.path, f.line, finding_identity(f, check))


def _unresolved_issue(f: Finding) -> _Issue:
    check = f"{TOOL_NAME}/{RULE_UNRESOLVED}"
    description = (
        f"Unresolved FreshBooks call {endpoint_label(f)} (via {f.via}): "
        f"{f.reason or 'no reason given'}. Its scopes are not counted; check it by hand."
    )
    return _Issue(check, description, "minor", f.path, f.line, finding_identity(f, check))


def _diagnostic_issue(d: Diagnostic) -> _Issue:
    check = f"{TOOL_NAME}/{d.kind}"
    if d.kind in DECODE_KINDS:
        severity = "major"
    elif d.level is Level.INFO:
        severity = "info"
    else:
        severity = "minor"
    identity = (check, d.path, d.message)
    return _Issue(check, f"{d.kind}: {d.message}", severity, d.path, d.line or 1, identity)


def _render(issue: _Issue, fingerprint: str) -> dict[str, Any]:
    return {
        "description": issue.description,
        "check_name": issue.check,
        "fingerprint": fingerprint,
        "severity": issue.severity,
        "location": {"path": issue.path, "lines": {"begin": issue.line}},
    }
