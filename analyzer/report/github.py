"""GitHub Actions workflow commands: inline annotations on the changed files.

Sample::

    ::error file=broken.py,line=3,title=fbscopes%3A parse-error::invalid syntax
    ::warning file=hooks.py,line=40,col=5,title=fbscopes%3A unresolved call::POST ? (via ...
    ::notice file=app.py,line=12,col=5,title=fbscopes%3A user%3Aclients%3Aread::GET /acc...
    fbscopes: 1 required scope: user:clients:read. 3 annotations, all shown.

Levels: parse and decode errors are `error`; unresolved calls and other diagnostics are
`warning` (info-level diagnostics are `notice`); calls needing a scope are `notice`, one per
(call, scope). Calls needing no scope and suppressed calls are not annotated.

GitHub keeps only 10 annotations per level per step and drops the rest silently, so each level
is ranked and cut at 10: errors and warnings in report order (unresolved calls before
diagnostics), notices with the first call site of every required scope before the others. The
last line is plain text saying how many were not shown and listing the required scopes.

`write_step_summary` appends the Markdown report to `$GITHUB_STEP_SUMMARY`; the formatter itself
stays pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.models import Diagnostic, Finding, Level, Report
from analyzer.report.base import (
    DECODE_KINDS,
    TOOL_NAME,
    endpoint_label,
    ordered_diagnostics,
    plural,
    scope_findings,
    unresolved_calls,
)
from analyzer.report.markdown import MarkdownFormatter

MAX_PER_LEVEL = 10
LEVELS = ("error", "warning", "notice")
STEP_SUMMARY_VAR = "GITHUB_STEP_SUMMARY"


@dataclass(frozen=True, slots=True)
class Annotation:
    """One `::level file=...,line=...,col=...,title=...::message` command."""

    level: str
    title: str
    message: str
    file: str = ""
    line: int | None = None
    col: int | None = None

    def render(self) -> str:
        props = [("file", self.file)] if self.file else []
        if self.line is not None and self.line >= 1:
            props.append(("line", str(self.line)))
            if self.col is not None and self.col >= 1:
                props.append(("col", str(self.col)))
        props.append(("title", self.title))
        joined = ",".join(f"{k}={escape_property(v)}" for k, v in props)
        return f"::{self.level} {joined}::{escape_data(self.message)}"


class GithubFormatter:
    """`--format github`: at most 10 annotations per level, then a plain summary line."""

    name: str = "github"

    def format(self, report: Report) -> str:
        ranked = ranked_annotations(report)
        shown = [a for level in LEVELS for a in ranked[level][:MAX_PER_LEVEL]]
        total = sum(len(v) for v in ranked.values())
        lines = [a.render() for a in shown]
        lines.append(_summary_line(report, total, total - len(shown)))
        return "\n".join(lines) + "\n"


def ranked_annotations(report: Report) -> dict[str, list[Annotation]]:
    """Every annotation the report deserves, per level, ranked (before the cap)."""
    ranked: dict[str, list[Annotation]] = {
        "error": [],
        "warning": [_unresolved(f) for f in unresolved_calls(report)],
        "notice": _scope_notices(report),
    }
    for d in ordered_diagnostics(report):
        annotation = _diagnostic(d)
        ranked[annotation.level].append(annotation)
    return ranked


def write_step_summary(report: Report, environ: Mapping[str, str]) -> bool:
    """Append the Markdown report to the file named by `$GITHUB_STEP_SUMMARY`.

    Pass `os.environ`. Returns whether anything was written (False when the variable is unset
    or empty, as outside GitHub Actions).
    """
    target = environ.get(STEP_SUMMARY_VAR, "")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(MarkdownFormatter().format(report))
    return True


def escape_data(text: str) -> str:
    """Escape a command's message: `%`, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as messages, plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _scope_notices(report: Report) -> list[Annotation]:
    """One notice per (call, scope): each scope's first call site first, in scope order."""
    pairs = [(f, s) for f in scope_findings(report) for s in f.scopes]
    first: dict[str, int] = {}
    for index, (_, scope) in enumerate(pairs):
        first.setdefault(scope, index)
    leaders = [first[scope] for scope in sorted(first)]
    chosen = set(leaders)
    order = leaders + [i for i in range(len(pairs)) if i not in chosen]
    return [_notice(*pairs[i]) for i in order]


def _notice(f: Finding, scope: str) -> Annotation:
    message = f"{endpoint_label(f)} needs FreshBooks scope {scope} (via {f.via})"
    return Annotation("notice", f"{TOOL_NAME}: {scope}", message, f.path, f.line, f.column)


def _unresolved(f: Finding) -> Annotation:
    message = (
        f"{endpoint_label(f)} (via {f.via}) could not be resolved: "
        f"{f.reason or 'no reason given'}. Its scopes are not counted; check it by hand."
    )
    title = f"{TOOL_NAME}: unresolved FreshBooks call"
    return Annotation("warning", title, message, f.path, f.line, f.column)


def _diagnostic(d: Diagnostic) -> Annotation:
    if d.kind in DECODE_KINDS:
        level = "error"
    elif d.level is Level.INFO:
        level = "notice"
    else:
        level = "warning"
    return Annotation(level, f"{TOOL_NAME}: {d.kind}", d.message, d.path, d.line)


def _summary_line(report: Report, total: int, hidden: int) -> str:
    scopes = report.required_scopes
    head = f"{TOOL_NAME}: {plural(len(scopes), 'required scope')}"
    head += f": {', '.join(scopes)}." if scopes else "."
    if hidden:
        tail = (
            f" {plural(total, 'annotation')}, {hidden} not shown (GitHub keeps "
            f"{MAX_PER_LEVEL} per level per step); see the SARIF or text report for all."
        )
    else:
        tail = f" {plural(total, 'annotation')}, all shown."
    catalogue = f" Catalogue {report.catalogue.name} {report.catalogue.version}."
    return head + tail + catalogue
