"""JSON renderings of `check` and `diff` results (`schema_version` 1).

Both documents carry `command`, the verdict (`ok`, `failures`), the policy facts, and the
full scan report(s) in the scan JSON contract under `report` (`base_report` for diff). Calls
inside the policy part are short references (`path`, `line`, `column`, `method`, `endpoint`,
`via`, `scopes`); the full call data is in the report.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.models import Finding
from analyzer.policy.check import CheckResult, ScopeUse
from analyzer.policy.diff import REAUTH_WARNING, ScopeDiff
from analyzer.policy.manifest import ManifestStatus
from analyzer.report.base import TOOL_NAME
from analyzer.report.json_format import SCHEMA_VERSION, report_to_dict


def render_check_json(result: CheckResult) -> str:
    return _dump(check_to_dict(result))


def render_diff_json(diff: ScopeDiff) -> str:
    return _dump(diff_to_dict(diff))


def check_to_dict(result: CheckResult) -> dict[str, Any]:
    granted = result.granted
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "check",
        "ok": result.ok,
        "failures": list(result.failures),
        "tool": {"name": TOOL_NAME, "version": result.report.tool_version},
        "granted": {"source": granted.source, "path": granted.path, "scopes": list(granted.scopes)},
        "required_scopes": list(result.required_scopes),
        "missing": [_use(u) for u in result.missing],
        "excess": [{"scope": s, "line": granted.line_of(s)} for s in result.excess],
        "notes": [{"scope": n.scope, "kind": n.kind, "message": n.message} for n in result.notes],
        "unresolved": [call_ref(f) for f in result.unresolved],
        "manifest": _manifest(result.manifest),
        "report": report_to_dict(result.report),
    }


def diff_to_dict(diff: ScopeDiff) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "command": "diff",
        "ok": not diff.failures,
        "failures": list(diff.failures),
        "tool": {"name": TOOL_NAME, "version": diff.head.tool_version},
        "base": {"ref": diff.base_ref, "commit": diff.base_commit},
        "added_scopes": [_use(u) for u in diff.added],
        "removed_scopes": [_use(u) for u in diff.removed],
        "unchanged_scopes": list(diff.unchanged),
        "reauthorization_required": bool(diff.added),
        "warning": REAUTH_WARNING if diff.added else None,
        "new_calls": [call_ref(f) for f in diff.new_calls],
        "removed_calls": [call_ref(f) for f in diff.removed_calls],
        "new_unresolved": [call_ref(f) for f in diff.new_unresolved],
        "report": report_to_dict(diff.head),
        "base_report": report_to_dict(diff.base),
    }


def call_ref(f: Finding) -> dict[str, Any]:
    """A short reference to a call; `scopes` are the ones that count (suppressions applied)."""
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "method": f.method,
        "endpoint": f.endpoint,
        "via": f.via,
        "scopes": list(f.counted_scopes),
    }


def _use(use: ScopeUse) -> dict[str, Any]:
    return {
        "scope": use.scope,
        "description": use.description,
        "calls": [call_ref(f) for f in use.calls],
    }


def _manifest(status: ManifestStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "path": status.path,
        "exists": status.exists,
        "stale": status.stale,
        "locked_catalogue": status.locked_catalogue,
        "catalogue": status.current_catalogue,
        "changes": [
            {
                "sign": c.sign,
                "scope": c.scope,
                "endpoint": c.endpoint or None,
                "path": c.path or None,
            }
            for c in status.changes
        ],
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
