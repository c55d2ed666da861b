"""Plain-text renderings of `check` and `diff` results, for terminals and pre-commit.

The first line is the verdict. Every failing item names the scope and the `file:line:col` of
each call behind it, so a refused commit says exactly what to grant or change. Text that comes
from scanned code is shown with control characters escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analyzer.models import Diagnostic, Finding, Status
from analyzer.policy.check import CheckResult, ScopeUse
from analyzer.policy.diff import REAUTH_WARNING, REMOVED_NOTE, ScopeDiff
from analyzer.policy.granted import COMMAND_LINE
from analyzer.policy.manifest import ManifestStatus
from analyzer.report.base import (
    TOOL_NAME,
    endpoint_label,
    ordered_diagnostics,
    plural,
    suppressed_calls,
)
from analyzer.report.text import _clean as clean


def render_check_text(result: CheckResult) -> str:
    """The whole `check` result; sections with nothing to say are left out."""
    sections = [
        [check_verdict(result), _granted_line(result)],
        _missing(result),
        _excess(result),
        [f"Note: {clean(n.message)}" for n in result.notes],
        _unresolved(result.unresolved),
        _suppressed(suppressed_calls(result.report)),
        _manifest(result.manifest),
        _diagnostics(ordered_diagnostics(result.report)),
        [_required_line(result)],
    ]
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"


def check_verdict(result: CheckResult) -> str:
    """`fbscopes check: OK ...` or `fbscopes check: FAILED (...)`, one line."""
    if result.ok:
        return (
            f"{TOOL_NAME} check: OK ({plural(len(result.required), 'required scope')}, all granted)"
        )
    return f"{TOOL_NAME} check: FAILED ({', '.join(_failure_phrases(result))})"


def _failure_phrases(result: CheckResult) -> Iterable[str]:
    counts = {
        "missing": plural(len(result.missing), "missing scope"),
        "stale": "scope manifest out of date",
        "bad-suppression": "invalid suppression comment",
        "excess": plural(len(result.excess), "excess scope"),
        "unresolved": plural(len(result.unresolved), "unresolved call"),
        "parse-error": "files that could not be parsed",
    }
    return (counts[f] for f in result.failures)


def _granted_line(result: CheckResult) -> str:
    granted = result.granted
    cat = result.report.catalogue
    scopes = ", ".join(granted.scopes) or "none"
    return f"Granted scopes (from {granted.source}): {scopes}. Catalogue {cat.name} {cat.version}."


def _missing(result: CheckResult) -> list[str]:
    if not result.missing:
        return []
    lines = [f"Missing scopes ({len(result.missing)}): these calls will get 403 Forbidden"]
    lines += _uses(result.missing)
    lines.append(f"  To fix: {grant_hint(result)}")
    return lines


def grant_hint(result: CheckResult) -> str:
    """How to grant the missing scopes, given where the granted scopes were declared."""
    names = ", ".join(u.scope for u in result.missing)
    them = "it" if len(result.missing) == 1 else "them"
    portal = f"and tick {them} for the app in the FreshBooks developer portal"
    source = result.granted.source
    if source == COMMAND_LINE:
        return f"pass --granted {names} {portal}"
    if result.manifest is not None and source == result.manifest.path:
        return f"run `fbscopes lock`, review {source} {portal}"
    return f"add {names} to `scopes` in {source} {portal}"


def _uses(uses: Sequence[ScopeUse]) -> list[str]:
    width = max(len(u.scope) for u in uses)
    lines: list[str] = []
    for use in uses:
        lines.append(f"  {use.scope.ljust(width)}  {clean(use.description)}".rstrip())
        lines += [f"    {call_line(f)}" for f in use.calls]
    return lines


def call_line(f: Finding) -> str:
    """`app.py:12:5  GET /accounting/...  [requests.get]`."""
    text = f"{f.path}:{f.line}:{f.column}  {endpoint_label(f)}  [{f.via}]"
    if f.status is Status.PARTIAL:
        text += "  (partial)"
    return clean(text)


def _excess(result: CheckResult) -> list[str]:
    if not result.excess:
        return []
    lines = [f"Excess scopes ({len(result.excess)}): granted, but no call needs them"]
    for scope in result.excess:
        line = result.granted.line_of(scope)
        where = f"  ({result.granted.path}:{line})" if line and result.granted.path else ""
        lines.append(f"  {scope}{where}")
    return lines


def _unresolved(calls: Sequence[Finding], title: str = "Unresolved calls") -> list[str]:
    if not calls:
        return []
    lines = [f"{title} ({len(calls)}): their scopes are unknown; check them by hand"]
    for f in calls:
        lines += [f"  {call_line(f)}", f"      reason: {clean(f.reason or 'not given')}"]
    return lines


def _suppressed(calls: Sequence[Finding]) -> list[str]:
    if not calls:
        return []
    lines = [f"Suppressed calls ({len(calls)}): their ignored scopes are not required"]
    for f in calls:
        lines += [f"  {call_line(f)}", f"      {suppression_note(f)}"]
    return lines


def suppression_note(f: Finding) -> str:
    """`ignores user:reports:read (line 12): reason`."""
    sup = f.suppression
    if sup is None:
        return ""
    what = ", ".join(sup.scopes) or "all scopes"
    return clean(f"ignores {what} (line {sup.line}): {sup.reason}")


def _manifest(status: ManifestStatus | None) -> list[str]:
    if status is None or not status.stale:
        return [] if status is None else [f"Scope manifest {status.path} is up to date."]
    if not status.exists:
        return [f"Scope manifest {status.path} does not exist: run `fbscopes lock` to write it."]
    lines = [f"Scope manifest {status.path} is out of date; run `fbscopes lock` and commit it:"]
    lines += [f"  {clean(c.describe())}" for c in status.changes]
    return lines


def _diagnostics(diags: Sequence[Diagnostic]) -> list[str]:
    if not diags:
        return []
    lines = [f"Diagnostics ({len(diags)}):"]
    for d in diags:
        where = d.path if d.line is None else f"{d.path}:{d.line}"
        message = " ".join(d.message.split())
        lines.append(clean(f"  {where or '(run)'}  {d.level.value}  {d.kind}: {message}"))
    return lines


def _required_line(result: CheckResult) -> str:
    scopes = ", ".join(result.required_scopes) or "none"
    return f"Required scopes ({len(result.required)}): {scopes}"


# --------------------------------------------------------------------------- diff


def render_diff_text(diff: ScopeDiff) -> str:
    """The scope delta between the base ref and the working tree."""
    sections = [
        [diff_verdict(diff)],
        _scope_block("Added scopes", "+", diff.added),
        [f"Warning: {REAUTH_WARNING}"] if diff.added else [],
        _scope_block("Removed scopes", "-", diff.removed),
        [REMOVED_NOTE] if diff.removed else [],
        _calls_block("New calls (scopes already required)", diff.new_calls),
        _calls_block("Removed calls (scopes still required)", diff.removed_calls),
        _unresolved(diff.new_unresolved, "New unresolved calls"),
        [f"Unchanged scopes ({len(diff.unchanged)}): {', '.join(diff.unchanged) or 'none'}"],
    ]
    return "\n\n".join("\n".join(s) for s in sections if s) + "\n"


def diff_verdict(diff: ScopeDiff) -> str:
    """One line: what changed against which commit."""
    base = f"{diff.base_ref} ({diff.base_commit[:12]})"
    if not diff.changed:
        return f"{TOOL_NAME} diff against {base}: no scope change"
    change = f"{len(diff.added)} added, {len(diff.removed)} removed"
    return f"{TOOL_NAME} diff against {base}: scopes changed ({change})"


def _scope_block(title: str, sign: str, uses: Sequence[ScopeUse]) -> list[str]:
    if not uses:
        return []
    lines = [f"{title} ({len(uses)}):"]
    for use in uses:
        lines.append(f"  {sign} {use.scope}  {clean(use.description)}".rstrip())
        lines += [f"      {call_line(f)}" for f in use.calls]
    return lines


def _calls_block(title: str, calls: Sequence[Finding]) -> list[str]:
    if not calls:
        return []
    lines = [f"{title} ({len(calls)}):"]
    return lines + [f"  {call_line(f)}  needs {', '.join(f.scopes)}" for f in calls]
