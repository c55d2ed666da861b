"""GitHub workflow-command annotations and GitLab Code Quality issues for `check` and `diff`.

GitHub (`--format github`): `check` puts an error on every call needing a missing scope (the
first call of each scope first, so the cap of 10 per level keeps one per scope), on a stale
manifest and on bad suppressions; warnings on excess scopes (at their declaration), unresolved
calls and other diagnostics (errors when `--fail-on` selects them); notices for legacy scopes.
`diff` warns at each call of an added scope. The last line is a plain-text verdict.

GitLab (`--format gitlab`, `check` only): the scan's Code Quality issues plus one `critical`
issue per (call, missing scope), `major` for a stale manifest, `minor` for excess scopes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from analyzer.models import Finding, Level
from analyzer.policy.check import CheckResult, ScopeUse
from analyzer.policy.diff import ScopeDiff
from analyzer.policy.text import check_verdict, diff_verdict
from analyzer.report.base import (
    TOOL_NAME,
    UNANALYSED_KINDS,
    endpoint_label,
    plural,
    stable_fingerprints,
)
from analyzer.report.github import LEVELS, MAX_PER_LEVEL, Annotation
from analyzer.report.gitlab import code_quality

MISSING_TITLE = f"{TOOL_NAME}: missing FreshBooks scope"


def render_check_github(result: CheckResult) -> str:
    ranked: dict[str, list[Annotation]] = {level: [] for level in LEVELS}
    for annotation in check_annotations(result):
        ranked[annotation.level].append(annotation)
    return _render(ranked, check_verdict(result))


def render_diff_github(diff: ScopeDiff) -> str:
    ranked: dict[str, list[Annotation]] = {level: [] for level in LEVELS}
    ranked["warning"] = [_added(f, scope, diff.base_ref) for f, scope in _leaders_first(diff.added)]
    return _render(ranked, diff_verdict(diff))


def _added(f: Finding, scope: str, base_ref: str) -> Annotation:
    message = (
        f"{endpoint_label(f)} needs {scope}, which {base_ref} did not need; every existing "
        f"user must authorise the app again (via {f.via})"
    )
    title = f"{TOOL_NAME}: adds FreshBooks scope {scope}"
    return Annotation("warning", title, message, f.path, f.line, f.column)


def check_annotations(result: CheckResult) -> list[Annotation]:
    """Every annotation `check` deserves, in rank order within each level."""
    out = [_missing(f, scope) for f, scope in _leaders_first(result.missing)]
    out += _manifest(result)
    out += _excess(result)
    strict_unresolved = "unresolved" in result.failures
    out += [_unresolved(f, strict_unresolved) for f in result.unresolved]
    out += _diagnostics(result)
    out += [
        Annotation("notice", f"{TOOL_NAME}: {n.scope}", n.message, *_anchor(result, n.scope))
        for n in result.notes
    ]
    return out


def _leaders_first(uses: Sequence[ScopeUse]) -> list[tuple[Finding, str]]:
    """(call, scope) pairs: the first call of every scope, then the rest."""
    leaders = [(u.calls[0], u.scope) for u in uses if u.calls]
    rest = [(f, u.scope) for u in uses for f in u.calls[1:]]
    return leaders + rest


def _missing(f: Finding, scope: str) -> Annotation:
    message = (
        f"{endpoint_label(f)} needs FreshBooks scope {scope}, which the app is not granted: "
        f"the call will get 403 Forbidden (via {f.via})"
    )
    return Annotation("error", f"{MISSING_TITLE} {scope}", message, f.path, f.line, f.column)


def _manifest(result: CheckResult) -> list[Annotation]:
    status = result.manifest
    if status is None or not status.stale:
        return []
    if not status.exists:
        message = f"scope manifest {status.path} does not exist; run `fbscopes lock`"
        return [Annotation("error", f"{TOOL_NAME}: scope manifest missing", message)]
    changes = "; ".join(c.describe() for c in status.changes)
    message = f"out of date, run `fbscopes lock` and commit it: {changes}"
    return [Annotation("error", f"{TOOL_NAME}: stale scope manifest", message, status.path, 1)]


def _excess(result: CheckResult) -> list[Annotation]:
    level = "error" if "excess" in result.failures else "warning"
    return [
        Annotation(
            level,
            f"{TOOL_NAME}: excess scope {scope}",
            f"{scope} is granted but no FreshBooks call needs it (over-privilege)",
            *_anchor(result, scope),
        )
        for scope in result.excess
    ]


def _anchor(result: CheckResult, scope: str) -> tuple[str, int | None]:
    path = result.granted.path or ""
    return path, result.granted.line_of(scope) if path else None


def _unresolved(f: Finding, strict: bool) -> Annotation:
    message = (
        f"{endpoint_label(f)} (via {f.via}) could not be resolved: "
        f"{f.reason or 'no reason given'}. Check its scopes by hand."
    )
    level = "error" if strict else "warning"
    title = f"{TOOL_NAME}: unresolved FreshBooks call"
    return Annotation(level, title, message, f.path, f.line, f.column)


def _diagnostics(result: CheckResult) -> list[Annotation]:
    out = []
    for d in result.report.diagnostics:
        failing = d.kind == "bad-suppression" or (
            d.kind in UNANALYSED_KINDS and "parse-error" in result.failures
        )
        level = "error" if failing else "notice" if d.level is Level.INFO else "warning"
        out.append(Annotation(level, f"{TOOL_NAME}: {d.kind}", d.message, d.path, d.line))
    return out


def _render(ranked: dict[str, list[Annotation]], verdict: str) -> str:
    shown = [a for level in LEVELS for a in ranked[level][:MAX_PER_LEVEL]]
    total = sum(len(v) for v in ranked.values())
    hidden = total - len(shown)
    tail = f". {plural(total, 'annotation')}"
    tail += f", {hidden} not shown (GitHub keeps {MAX_PER_LEVEL} per level)." if hidden else "."
    return "\n".join([*(a.render() for a in shown), verdict + tail]) + "\n"


# --------------------------------------------------------------------------- GitLab


def render_check_gitlab(result: CheckResult) -> str:
    items = _policy_issues(result)
    prints = stable_fingerprints(items, lambda item: item[1])
    issues = code_quality(result.report)
    issues += [{**issue, "fingerprint": fp} for (issue, _), fp in zip(items, prints, strict=True)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _policy_issues(result: CheckResult) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    """(issue without fingerprint, line-free identity) pairs."""
    out: list[tuple[dict[str, Any], tuple[str, ...]]] = []
    check = f"{TOOL_NAME}/policy/missing-scope"
    for f, scope in _leaders_first(result.missing):
        text = f"{endpoint_label(f)} needs {scope}, which the app is not granted (403)"
        identity = (check, f.path, f.via, endpoint_label(f), scope)
        out.append((_issue(check, text, "critical", f.path, f.line), identity))
    status = result.manifest
    if status is not None and status.stale and status.exists:
        check = f"{TOOL_NAME}/policy/stale-manifest"
        text = "scope manifest out of date: " + "; ".join(c.describe() for c in status.changes)
        out.append((_issue(check, text, "major", status.path, 1), (check, status.path)))
    path = result.granted.path
    check = f"{TOOL_NAME}/policy/excess-scope"
    for scope in result.excess if path else ():
        text = f"{scope} is granted but no FreshBooks call needs it"
        line = result.granted.line_of(scope) or 1
        out.append((_issue(check, text, "minor", path or "", line), (check, scope)))
    return out


def _issue(check: str, text: str, severity: str, path: str, line: int) -> dict[str, Any]:
    return {
        "description": text,
        "check_name": check,
        "severity": severity,
        "location": {"path": path, "lines": {"begin": line}},
    }
