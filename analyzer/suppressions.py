"""`# fbscopes: ignore[scope, ...] -- reason` comments, on or just above a call.

Grammar: `# fbscopes: ignore -- reason` ignores every scope of the call on the same line (a
trailing comment) or on the next line holding code (a comment on its own line);
`# fbscopes: ignore[user:reports:read, ...] -- reason` ignores only the scopes named.

* A directive without a reason, with an empty or malformed scope list, or one that does not
  parse at all (`# fbscopes: ignore user:reports:read`) is a `bad-suppression` error and
  suppresses nothing: a typo never silences more than was meant.
* A well-formed directive that matches no call (or none of the call's scopes) is reported as
  `unused-suppression` (a warning), naming what the call on that line needs when there is one.
* Suppressed findings stay in the report, carrying their `Suppression`. Which of their scopes
  still count is `Finding.counted_scopes`: naming some scopes ignores only those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from analyzer import ir
from analyzer.config import validate_scope
from analyzer.models import Diagnostic, Finding, Level, Suppression

_DIRECTIVE = re.compile(
    r"#\s*fbscopes:\s*ignore(?:\[(?P<scopes>[^\]]*)\])?\s*(?:--\s*(?P<reason>.*\S)?)?\s*$"
)
_MENTION = re.compile(r"#\s*fbscopes:\s*ignore\b")
USAGE = "# fbscopes: ignore[user:<object>:<read|write>] -- reason"


def parse_directive(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """(scopes, reason) for an ignore directive; None if the comment is not one.

    `scopes` is empty for a bare `ignore` (every scope); `reason` is None when missing.
    """
    match = _DIRECTIVE.search(text)
    if match is None:
        return None
    scopes = tuple(s.strip() for s in (match.group("scopes") or "").split(",") if s.strip())
    return scopes, match.group("reason")


@dataclass(slots=True)
class _Pending:
    """A parsed, valid suppression waiting for a call on `target`."""

    suppression: Suppression
    target: int
    used: bool = False


@dataclass(slots=True)
class _Collected:
    by_target: dict[tuple[str, int], list[_Pending]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def apply_suppressions(
    findings: Sequence[Finding], summaries: Sequence[ir.ModuleSummary]
) -> tuple[list[Finding], list[Diagnostic]]:
    """Attach each valid suppression to the call it covers; report bad and unused ones."""
    collected = _Collected()
    for summary in summaries:
        for comment in summary.comments:
            _collect(summary, comment, collected)
    out = [_suppress(finding, collected.by_target) for finding in findings]
    diagnostics = collected.diagnostics
    for (path, target), pending in sorted(collected.by_target.items()):
        here = [f for f in findings if f.path == path and f.line == target]
        diagnostics.extend(_unused(p, here) for p in pending if not p.used)
    return out, diagnostics


def _collect(summary: ir.ModuleSummary, comment: ir.Comment, collected: _Collected) -> None:
    problem, suppression = _read(summary.path, comment)
    if problem is not None:
        bad = Diagnostic(summary.path, comment.line, "bad-suppression", problem)
        collected.diagnostics.append(bad)
    if suppression is None:
        return
    target = _target_line(comment, summary.code_lines)
    pending = _Pending(suppression, target)
    collected.by_target.setdefault((summary.path, target), []).append(pending)


def _read(path: str, comment: ir.Comment) -> tuple[str | None, Suppression | None]:
    """(problem, suppression): at most one of them is set; both None for other comments."""
    parsed = parse_directive(comment.text)
    if parsed is None:
        if _MENTION.search(comment.text):
            return f"malformed suppression; write {USAGE}", None
        return None, None
    scopes, reason = parsed
    if not reason:
        return f"a suppression needs a reason: {USAGE}", None
    if "[" in comment.text.split("--", 1)[0] and not scopes:
        return "empty scope list; name the scopes, or drop the brackets to ignore all", None
    for scope in scopes:
        try:
            validate_scope(scope)
        except ValueError as error:
            return f"{error}; write {USAGE}", None
    return None, Suppression(path, comment.line, scopes, reason)


def _target_line(comment: ir.Comment, code_lines: Sequence[int]) -> int:
    if not comment.own_line:
        return comment.line
    return next((line for line in code_lines if line > comment.line), comment.line)


def _suppress(finding: Finding, by_target: dict[tuple[str, int], list[_Pending]]) -> Finding:
    for pending in by_target.get((finding.path, finding.line), ()):
        if _applies(pending.suppression, finding):
            pending.used = True
            return replace(finding, suppression=pending.suppression)
    return finding


def _applies(suppression: Suppression, finding: Finding) -> bool:
    """A bare `ignore` covers any call; one naming scopes only calls that need one of them
    (so it never hides an unresolved call)."""
    if not suppression.scopes:
        return True
    return bool(set(suppression.scopes) & set(finding.scopes))


def _unused(pending: _Pending, calls_here: Sequence[Finding]) -> Diagnostic:
    sup = pending.suppression
    needs = sorted({s for f in calls_here for s in f.scopes})
    if calls_here and needs:
        named = ", ".join(sup.scopes)
        message = (
            f"this fbscopes suppression ignores {named}, but the call on line "
            f"{pending.target} needs {', '.join(needs)}"
        )
    else:
        message = "this fbscopes suppression matches no FreshBooks call"
    return Diagnostic(sup.path, sup.line, "unused-suppression", message, Level.WARNING)
