"""SARIF 2.1.0 for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE viewers).

Sample (abridged)::

    {"$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
     "version": "2.1.0",
     "runs": [{
       "tool": {"driver": {"name": "fbscopes", "version": "0.1.0", "rules": [
         {"id": "scope/user:clients:read",
          "helpUri": "https://www.freshbooks.com/api/clients", ...}]}},
       "results": [{
         "ruleId": "scope/user:clients:read", "ruleIndex": 0, "level": "note",
         "message": {"text": "GET /accounting/account/{account_id}/users/clients needs FreshBooks
                              scope user:clients:read (via requests.get)."},
         "locations": [{"physicalLocation": {
           "artifactLocation": {"uri": "app.py", "uriBaseId": "%SRCROOT%"},
           "region": {"startLine": 12, "startColumn": 5}}}],
         "partialFingerprints": {"fbscopesCallHash/v1": "3f1c..."}}],
       "invocations": [{"executionSuccessful": true, "toolExecutionNotifications": []}],
       "properties": {"requiredScopes": ["user:clients:read"], "catalogue": {...}}}]}

Rules: one `scope/<scope>` rule per scope a reported call needs, then `unresolved-call` and
`no-scope-call` when used. A call needing two scopes gives two results. Fingerprints hash the
rule, path, `via`, method, endpoint and scopes plus an occurrence index among identical calls
in the file, never the line, so moving code does not reopen alerts. Suppressed calls keep
their result with an `inSource` suppression. Diagnostics become tool execution notifications.
URIs are relative, percent-encoded and based on `%SRCROOT%`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from analyzer.models import Diagnostic, Finding, Level, Report, Status
from analyzer.report.base import (
    RULE_NO_SCOPE,
    RULE_UNRESOLVED,
    TOOL_NAME,
    endpoint_label,
    finding_identity,
    help_uri_for_scope,
    ordered_diagnostics,
    ordered_findings,
    scope_description,
    stable_fingerprints,
)

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "fbscopesCallHash/v1"
SCOPE_RULE_PREFIX = "scope/"

_NOTIFICATION_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


@dataclass(frozen=True, slots=True)
class _Item:
    """One SARIF result: a finding seen through one rule."""

    finding: Finding
    rule_id: str


class SarifFormatter:
    """`--format sarif`: one run, stable fingerprints, diagnostics as notifications."""

    name: str = "sarif"

    def format(self, report: Report) -> str:
        return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> dict[str, Any]:
    """The whole SARIF log as plain data."""
    items = _items(report)
    rule_ids = _rule_ids(items)
    rule_index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    prints = stable_fingerprints(items, lambda it: finding_identity(it.finding, it.rule_id))
    run: dict[str, Any] = {
        "tool": {"driver": _driver(report, rule_ids)},
        "columnKind": "unicodeCodePoints",
        "results": [
            _result(it, rule_index[it.rule_id], fp) for it, fp in zip(items, prints, strict=True)
        ],
        "invocations": [_invocation(report)],
        "properties": _run_properties(report),
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def scope_rule_id(scope: str) -> str:
    """`scope/user:clients:read`."""
    return SCOPE_RULE_PREFIX + scope


# --- results --------------------------------------------------------------------------------


def _items(report: Report) -> list[_Item]:
    items: list[_Item] = []
    for f in ordered_findings(report):
        if f.status is Status.UNRESOLVED:
            items.append(_Item(f, RULE_UNRESOLVED))
        elif f.scopes:
            items.extend(_Item(f, scope_rule_id(s)) for s in f.scopes)
        else:
            items.append(_Item(f, RULE_NO_SCOPE))
    return items


def _rule_ids(items: list[_Item]) -> list[str]:
    used = {it.rule_id for it in items}
    scopes = sorted(r for r in used if r.startswith(SCOPE_RULE_PREFIX))
    return scopes + [r for r in (RULE_UNRESOLVED, RULE_NO_SCOPE) if r in used]


def _result(item: _Item, rule_index: int, fingerprint: str) -> dict[str, Any]:
    f = item.finding
    result: dict[str, Any] = {
        "ruleId": item.rule_id,
        "ruleIndex": rule_index,
        "level": "warning" if item.rule_id == RULE_UNRESOLVED else "note",
        "message": {"text": _message(item)},
        "locations": [_location(f.path, f.line, f.column)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": _result_properties(f),
    }
    if f.trace:
        result["codeFlows"] = [_code_flow(f)]
    if f.suppression is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppression.reason}]
    return result


def _message(item: _Item) -> str:
    f = item.finding
    via = f"(via {f.via})"
    if item.rule_id == RULE_UNRESOLVED:
        reason = f.reason or "no reason given"
        return (
            f"FreshBooks call {endpoint_label(f)} {via} could not be resolved: {reason}. "
            "Its scopes are unknown and not counted; check it by hand."
        )
    if item.rule_id == RULE_NO_SCOPE:
        return f"{endpoint_label(f)} {via} needs no OAuth scope."
    scope = item.rule_id.removeprefix(SCOPE_RULE_PREFIX)
    text = f"{endpoint_label(f)} needs FreshBooks scope {scope} {via}."
    if f.status is Status.PARTIAL:
        text += " Partly resolved" + (f": {f.reason}." if f.reason else ".")
    return text


def _result_properties(f: Finding) -> dict[str, Any]:
    props: dict[str, Any] = {"status": f.status.value, "via": f.via, "scopes": list(f.scopes)}
    optional = {
        "method": f.method,
        "endpoint": f.endpoint,
        "endpointId": f.endpoint_id,
        "confidence": f.confidence,
    }
    props.update({k: v for k, v in optional.items() if v is not None})
    return props


def _code_flow(f: Finding) -> dict[str, Any]:
    steps = [
        {"location": {**_location(s.path, s.line, s.column), "message": {"text": s.note}}}
        for s in f.trace
    ]
    return {"threadFlows": [{"locations": steps}]}


def _location(path: str, line: int | None, column: int | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT}}
    if line is not None and line >= 1:
        region: dict[str, int] = {"startLine": line}
        if column is not None and column >= 1:
            region["startColumn"] = column
        physical["region"] = region
    return {"physicalLocation": physical}


def _uri(path: str) -> str:
    """A relative URI reference for a POSIX path: percent-encoded, `./` dropped."""
    return quote(path.removeprefix("./"), safe="/")


# --- rules ----------------------------------------------------------------------------------


def _driver(report: Report, rule_ids: list[str]) -> dict[str, Any]:
    return {
        "name": TOOL_NAME,
        "version": report.tool_version,
        "rules": [_rule(report, rule_id) for rule_id in rule_ids],
    }


def _rule(report: Report, rule_id: str) -> dict[str, Any]:
    if rule_id == RULE_UNRESOLVED:
        return _unresolved_rule()
    if rule_id == RULE_NO_SCOPE:
        return _no_scope_rule()
    return _scope_rule(report, rule_id.removeprefix(SCOPE_RULE_PREFIX))


def _scope_rule(report: Report, scope: str) -> dict[str, Any]:
    desc = scope_description(report, scope)
    help_uri = help_uri_for_scope(report, scope)
    full = f"Calls reported under this rule need the FreshBooks OAuth scope {scope}."
    if desc:
        full += f" What it grants: {desc}"
    todo = (
        "add {s} to your app's scopes in the FreshBooks developer portal. A token without it "
        "gets 403 on these calls. Adding a scope makes every existing user authorize the app "
        "again, so ship it with a re-consent plan."
    )
    return {
        "id": scope_rule_id(scope),
        "shortDescription": {"text": f"Needs FreshBooks OAuth scope {scope}"},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} To fix a 403, " + todo.format(s=scope) + f" See {help_uri}",
            "markdown": f"{full}\n\nTo fix a 403, "
            + todo.format(s=f"`{scope}`")
            + f"\n\nSee [{help_uri}]({help_uri}).",
        },
        "helpUri": help_uri,
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["freshbooks", "oauth-scope"], "scope": scope},
    }


def _unresolved_rule() -> dict[str, Any]:
    text = (
        "fbscopes found a FreshBooks API call but could not work out its endpoint or scopes "
        "(for example a URL built at run time). Its scopes are not in the required set."
    )
    fix = (
        "Check the call by hand and make sure the app has the scopes it needs, or make the "
        "URL visible to the analyser (a literal path or a known SDK method)."
    )
    return {
        "id": RULE_UNRESOLVED,
        "shortDescription": {"text": "FreshBooks call whose endpoint or scopes are unknown"},
        "fullDescription": {"text": text},
        "help": {"text": f"{text} {fix}", "markdown": f"{text}\n\n{fix}"},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["freshbooks", "oauth-scope"]},
    }


def _no_scope_rule() -> dict[str, Any]:
    text = (
        "A FreshBooks call that needs no OAuth scope, such as the token exchange "
        "POST /auth/oauth/token, which authenticates with the client id and secret."
    )
    return {
        "id": RULE_NO_SCOPE,
        "shortDescription": {"text": "FreshBooks call that needs no OAuth scope"},
        "fullDescription": {"text": text},
        "help": {"text": f"{text} Nothing to do.", "markdown": f"{text}\n\nNothing to do."},
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["freshbooks", "oauth-scope"]},
    }


# --- run ------------------------------------------------------------------------------------


def _invocation(report: Report) -> dict[str, Any]:
    return {
        "executionSuccessful": True,
        "toolExecutionNotifications": [_notification(d) for d in ordered_diagnostics(report)],
    }


def _notification(d: Diagnostic) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": _NOTIFICATION_LEVEL[d.level],
        "message": {"text": d.message},
        "descriptor": {"id": d.kind},
    }
    if d.path:
        note["locations"] = [_location(d.path, d.line)]
    return note


def _run_properties(report: Report) -> dict[str, Any]:
    return {
        "requiredScopes": list(report.required_scopes),
        "requestedScopes": list(report.requested_scopes),
        "catalogue": {"name": report.catalogue.name, "version": report.catalogue.version},
    }
