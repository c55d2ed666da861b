"""SARIF 2.1.0 for `check`: the scan's log plus policy results, for GitHub code scanning.

Added rules: `policy/missing-scope` (error, one result per call and missing scope, at the
call), `policy/excess-scope` (warning, or error with `--fail-on excess`, at the scope's line
in the config or manifest), `policy/stale-manifest` (error, at the manifest). Results without
a file to point at (scopes given with `--granted`, a manifest that does not exist) are left
out, since code scanning needs a location; `runs[0].properties.policy` always has the verdict.
Fingerprints leave out line numbers, like the scan's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from analyzer.policy.check import CheckResult
from analyzer.report.base import (
    RULE_UNRESOLVED,
    SCOPES_DOC_URL,
    endpoint_label,
    stable_fingerprints,
)
from analyzer.report.sarif import FINGERPRINT_KEY, sarif_log
from analyzer.report.sarif import _location as location

MISSING = "policy/missing-scope"
EXCESS = "policy/excess-scope"
STALE = "policy/stale-manifest"

_RULES: dict[str, tuple[str, str, str]] = {
    MISSING: (
        "error",
        "Call needs a FreshBooks OAuth scope the app is not granted",
        "The app's granted scopes (pyproject.toml, the scope manifest or --granted) do not "
        "include a scope this call needs, so FreshBooks answers it with 403 Forbidden. Grant "
        "the scope (tick it in the developer portal and declare it), or remove the call.",
    ),
    EXCESS: (
        "warning",
        "Granted FreshBooks OAuth scope that no call needs",
        "The app is granted a scope that no FreshBooks call in the code needs "
        "(over-privilege). Untick it in the developer portal and remove it from the declaration.",
    ),
    STALE: (
        "error",
        "Scope manifest does not match the code",
        "The scope manifest (freshbooks-scopes.yaml) lists different scopes, endpoints or "
        "calling files than the code has. Run `fbscopes lock`, review and commit the result.",
    ),
}


@dataclass(frozen=True, slots=True)
class _Result:
    rule: str
    level: str
    message: str
    loc: dict[str, Any]
    identity: tuple[str, ...]


def render_check_sarif(result: CheckResult) -> str:
    log = sarif_log(result.report)
    run = log["runs"][0]
    items = _results(result)
    rules = run["tool"]["driver"]["rules"]
    index: dict[str, int] = {}
    for rule_id in sorted({i.rule for i in items}):
        index[rule_id] = len(rules)
        rules.append(_rule(rule_id))
    prints = stable_fingerprints(items, lambda i: i.identity)
    run["results"] += [
        _sarif_result(i, index[i.rule], fp) for i, fp in zip(items, prints, strict=True)
    ]
    if "unresolved" in result.failures:
        for res in run["results"]:
            if res["ruleId"] == RULE_UNRESOLVED and "suppressions" not in res:
                res["level"] = "error"
    run["properties"]["policy"] = _policy_properties(result)
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _results(result: CheckResult) -> list[_Result]:
    items = [
        _Result(
            MISSING,
            "error",
            f"{endpoint_label(f)} needs FreshBooks scope {use.scope}, which the app is not "
            f"granted ({result.granted.source}): the call will get 403 Forbidden (via {f.via}).",
            location(f.path, f.line, f.column),
            (MISSING, f.path, f.via, endpoint_label(f), use.scope),
        )
        for use in result.missing
        for f in use.calls
    ]
    path = result.granted.path
    level = "error" if "excess" in result.failures else "warning"
    for scope in result.excess if path else ():
        message = f"{scope} is granted but no FreshBooks call needs it (over-privilege)."
        loc = location(path or "", result.granted.line_of(scope))
        items.append(_Result(EXCESS, level, message, loc, (EXCESS, path or "", scope)))
    status = result.manifest
    if status is not None and status.exists and status.stale:
        message = "Scope manifest out of date: " + "; ".join(c.describe() for c in status.changes)
        loc = location(status.path, 1)
        items.append(_Result(STALE, "error", message, loc, (STALE, status.path)))
    return items


def _sarif_result(item: _Result, rule_index: int, fingerprint: str) -> dict[str, Any]:
    return {
        "ruleId": item.rule,
        "ruleIndex": rule_index,
        "level": item.level,
        "message": {"text": item.message},
        "locations": [item.loc],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def _rule(rule_id: str) -> dict[str, Any]:
    level, short, full = _RULES[rule_id]
    return {
        "id": rule_id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {
            "text": f"{full} See {SCOPES_DOC_URL}",
            "markdown": f"{full}\n\nSee {SCOPES_DOC_URL}.",
        },
        "helpUri": SCOPES_DOC_URL,
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["freshbooks", "oauth-scope", "policy"]},
    }


def _policy_properties(result: CheckResult) -> dict[str, Any]:
    manifest = result.manifest
    return {
        "ok": result.ok,
        "failures": list(result.failures),
        "grantedScopes": list(result.granted.scopes),
        "grantedFrom": result.granted.source,
        "missingScopes": [u.scope for u in result.missing],
        "excessScopes": list(result.excess),
        "manifestStale": None if manifest is None else manifest.stale,
    }
