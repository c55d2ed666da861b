"""The machine contract: one JSON document, `schema_version` 1.

Sample (abridged)::

    {
      "schema_version": 1,
      "tool": {"name": "fbscopes", "version": "0.1.0"},
      "catalogue": {"name": "freshbooks", "version": "2026-09", "source": "builtin"},
      "required_scopes": ["user:clients:read"],
      "requested_scopes": [],
      "calls": [
        {"path": "app.py", "line": 12, "column": 5, "method": "GET",
         "url": "https://api.freshbooks.com/accounting/account/{account_id}/users/clients",
         "endpoint": "/accounting/account/{account_id}/users/clients",
         "endpoint_id": "clients_collection", "scopes": ["user:clients:read"],
         "status": "resolved", "via": "requests.get", "trace": [], "reason": null,
         "confidence": "documented", "sources": ["https://www.freshbooks.com/api/clients"],
         "suppressed": null}
      ],
      "diagnostics": [],
      "summary": {"calls": 1, "resolved": 1, "partial": 0, "unresolved": 0,
                  "suppressed": 0, "diagnostics": 0}
    }

Keys appear in the order above; calls follow `Finding.sort_key()`, diagnostics
`Diagnostic.sort_key()`. Output is `indent=2`, UTF-8 (no ASCII escaping), with a trailing newline,
and holds nothing that depends on the machine or the time of the run.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer.models import Diagnostic, Finding, Report, RequestedScopes, Suppression, TraceStep
from analyzer.report.base import (
    TOOL_NAME,
    ordered_diagnostics,
    ordered_findings,
    ordered_requested,
    summary_counts,
)

SCHEMA_VERSION = 1


class JsonFormatter:
    """`--format json`: the scored, stable contract."""

    name: str = "json"

    def format(self, report: Report) -> str:
        return json.dumps(report_to_dict(report), indent=2, ensure_ascii=False) + "\n"


def report_to_dict(report: Report) -> dict[str, Any]:
    """The contract as plain data (dicts keep the key order of the contract)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "catalogue": {
            "name": report.catalogue.name,
            "version": report.catalogue.version,
            "source": report.catalogue.source,
        },
        "required_scopes": list(report.required_scopes),
        "requested_scopes": [_requested(r) for r in ordered_requested(report)],
        "calls": [_call(f) for f in ordered_findings(report)],
        "diagnostics": [_diagnostic(d) for d in ordered_diagnostics(report)],
        "summary": summary_counts(report),
    }


def _requested(r: RequestedScopes) -> dict[str, Any]:
    return {
        "path": r.path,
        "line": r.line,
        "column": r.column,
        "scopes": list(r.scopes),
        "via": r.via,
    }


def _call(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "method": f.method,
        "url": f.url,
        "endpoint": f.endpoint,
        "endpoint_id": f.endpoint_id,
        "scopes": list(f.scopes),
        "status": f.status.value,
        "via": f.via,
        "trace": [_step(s) for s in f.trace],
        "reason": f.reason,
        "confidence": f.confidence,
        "sources": list(f.sources),
        "suppressed": _suppressed(f.suppression),
    }


def _step(s: TraceStep) -> dict[str, Any]:
    return {"path": s.path, "line": s.line, "column": s.column, "note": s.note}


def _suppressed(s: Suppression | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"scopes": list(s.scopes), "reason": s.reason, "line": s.line}


def _diagnostic(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "kind": d.kind,
        "level": d.level.value,
        "message": d.message,
    }
