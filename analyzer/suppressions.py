"""`# fbscopes: ignore[scope, ...] -- reason` comments, on or just above a call.

A suppression without a reason is an error diagnostic (and suppresses nothing); one that
matches no call is reported as unused. Suppressed findings stay in the report, marked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from analyzer import ir
from analyzer.models import Diagnostic, Finding, Level, Suppression

_DIRECTIVE = re.compile(
    r"#\s*fbscopes:\s*ignore(?:\[(?P<scopes>[^\]]*)\])?\s*(?:--\s*(?P<reason>.*\S))?\s*$"
)


def parse_directive(text: str) -> tuple[tuple[str, ...], str | None] | None:
    """(scopes, reason) for an ignore directive; None if the comment is not one."""
    match = _DIRECTIVE.search(text)
    if match is None:
        return None
    scopes = tuple(s.strip() for s in (match.group("scopes") or "").split(",") if s.strip())
    return scopes, match.group("reason")


def _target_line(comment: ir.Comment, code_lines: Sequence[int]) -> int:
    if not comment.own_line:
        return comment.line
    return next((line for line in code_lines if line > comment.line), comment.line)


def apply_suppressions(
    findings: Sequence[Finding], summaries: Sequence[ir.ModuleSummary]
) -> tuple[list[Finding], list[Diagnostic]]:
    by_line: dict[tuple[str, int], Suppression] = {}
    diagnostics: list[Diagnostic] = []
    for summary in summaries:
        for comment in summary.comments:
            parsed = parse_directive(comment.text)
            if parsed is None:
                continue
            scopes, reason = parsed
            if not reason:
                diagnostics.append(
                    Diagnostic(summary.path, comment.line, "bad-suppression",
                               "a suppression needs a reason: # fbscopes: ignore[scope] -- why")
                )
                continue
            line = _target_line(comment, summary.code_lines)
            by_line[(summary.path, line)] = Suppression(summary.path, comment.line, scopes, reason)
    used: set[tuple[str, int]] = set()
    out: list[Finding] = []
    for finding in findings:
        suppression = by_line.get((finding.path, finding.line))
        if suppression is not None and _applies(suppression, finding):
            used.add((finding.path, finding.line))
            finding = replace(finding, suppression=suppression)
        out.append(finding)
    for key, suppression in by_line.items():
        if key not in used:
            diagnostics.append(
                Diagnostic(suppression.path, suppression.line, "unused-suppression",
                           "this fbscopes suppression matches no FreshBooks call", Level.WARNING)
            )
    return out, diagnostics


def _applies(suppression: Suppression, finding: Finding) -> bool:
    if not suppression.scopes:
        return True
    return bool(set(suppression.scopes) & set(finding.scopes)) or not finding.scopes
