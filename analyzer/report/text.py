"""The default, human-readable report: scopes first, then where each one comes from.

Sample::

    fbscopes 0.1.0 - catalogue freshbooks 2026-09

    Required scopes (1):
      user:clients:read  Read clients (customers) and their contacts.

    Call sites by scope:
      user:clients:read (1)
        app.py:12:5  GET /accounting/account/{account_id}/users/clients  [requests.get]

    Calls needing no scope (1):
      auth.py:30:9  POST /auth/oauth/token  [requests.post]

    Summary: 2 calls (2 resolved, 0 partial, 0 unresolved, 0 suppressed), 1 required scope,
    0 diagnostics.

(The summary is one line.) When the code requests scopes at consent, a "Requested vs required"
section lists over-privilege and scopes that will 403. Colour is off unless `color=True`; the
output is otherwise byte-for-byte deterministic. Control characters coming from scanned code
(paths, messages) are shown escaped so they cannot drive the terminal.
"""

from __future__ import annotations

from analyzer.models import Diagnostic, Finding, Level, Report, Status
from analyzer.report.base import (
    TOOL_NAME,
    calls_by_scope,
    endpoint_label,
    missing_scopes,
    no_scope_calls,
    ordered_diagnostics,
    over_privileged,
    plural,
    scope_description,
    summary_counts,
    suppressed_calls,
    unresolved_calls,
)

_BOLD, _CYAN, _YELLOW, _RED, _DIM = "1", "36", "33", "31", "2"
_LEVEL_COLOUR = {Level.ERROR: _RED, Level.WARNING: _YELLOW, Level.INFO: _DIM}


class TextFormatter:
    """`--format text`. `color=True` adds ANSI styling (headings, scopes, severities)."""

    name: str = "text"

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def format(self, report: Report) -> str:
        sections = [
            [self._header(report)],
            self._required(report),
            self._requested(report),
            self._by_scope(report),
            self._no_scope(report),
            self._unresolved(report),
            self._suppressed(report),
            self._diagnostics(report),
            [_summary(report)],
        ]
        if not report.findings:
            sections.insert(1, ["No FreshBooks API calls found."])
        return "\n\n".join("\n".join(s) for s in sections if s) + "\n"

    # --- sections ---------------------------------------------------------------------------

    def _header(self, report: Report) -> str:
        cat = report.catalogue
        text = f"{TOOL_NAME} {report.tool_version} - catalogue {cat.name} {cat.version}"
        if cat.source != "builtin":
            text += f" (from {cat.source})"
        return self._style(_clean(text), _BOLD)

    def _required(self, report: Report) -> list[str]:
        scopes = report.required_scopes
        if not scopes:
            return [] if not report.findings else [self._heading("Required scopes: none")]
        width = max(len(s) for s in scopes)
        lines = [self._heading(f"Required scopes ({len(scopes)}):")]
        for scope in scopes:
            desc = _clean(scope_description(report, scope))
            padded = self._style(scope.ljust(width), _CYAN)
            lines.append(f"  {padded}  {desc}".rstrip())
        return lines

    def _requested(self, report: Report) -> list[str]:
        if not report.requested:
            return []
        over, missing = over_privileged(report), missing_scopes(report)
        lines = [self._heading("Requested vs required:")]
        if not over and not missing:
            lines.append("  the requested scopes match the required scopes")
        if over:
            lines.append("  requested but not required (over-privilege): " + ", ".join(over))
        if missing:
            warn = "  required but not requested (will 403): " + ", ".join(missing)
            lines.append(self._style(warn, _YELLOW))
        return lines

    def _by_scope(self, report: Report) -> list[str]:
        groups = calls_by_scope(report)
        if not groups:
            return []
        lines = [self._heading("Call sites by scope:")]
        for scope, calls in groups.items():
            lines.append(f"  {self._style(scope, _CYAN)} ({len(calls)})")
            lines.extend(f"    {self._call(f)}" for f in calls)
        return lines

    def _no_scope(self, report: Report) -> list[str]:
        calls = no_scope_calls(report)
        if not calls:
            return []
        lines = [self._heading(f"Calls needing no scope ({len(calls)}):")]
        return lines + [f"  {self._call(f)}" for f in calls]

    def _unresolved(self, report: Report) -> list[str]:
        calls = unresolved_calls(report)
        if not calls:
            return []
        lines = [self._heading(f"Unresolved calls ({len(calls)}):")]
        for f in calls:
            lines.append(f"  {self._call(f)}")
            lines.append(_indent(f"reason: {f.reason or 'not given'}", "      "))
        return lines

    def _suppressed(self, report: Report) -> list[str]:
        calls = suppressed_calls(report)
        if not calls:
            return []
        lines = [self._heading(f"Suppressed calls ({len(calls)}):")]
        for f in calls:
            sup = f.suppression
            if sup is None:
                continue
            what = ", ".join(sup.scopes) or "all scopes"
            lines.append(f"  {self._call(f)}")
            lines.append(_indent(f"ignored {what} at line {sup.line}: {sup.reason}", "      "))
        return lines

    def _diagnostics(self, report: Report) -> list[str]:
        diags = ordered_diagnostics(report)
        if not diags:
            return []
        lines = [self._heading(f"Diagnostics ({len(diags)}):")]
        return lines + [self._diagnostic(d) for d in diags]

    # --- pieces -----------------------------------------------------------------------------

    def _call(self, f: Finding) -> str:
        where = _clean(f"{f.path}:{f.line}:{f.column}")
        text = f"{where}  {_clean(endpoint_label(f))}  {self._style(_clean(f'[{f.via}]'), _DIM)}"
        if f.status is Status.PARTIAL:
            text += "  (partial" + (f": {_clean(f.reason)})" if f.reason else ")")
        return text

    def _diagnostic(self, d: Diagnostic) -> str:
        where = d.path if d.line is None else f"{d.path}:{d.line}"
        level = self._style(d.level.value, _LEVEL_COLOUR[d.level])
        head = f"  {_clean(where or '(run)')}  {level}  {_clean(d.kind)}: "
        return head + _indent(d.message, "    ").lstrip()

    def _heading(self, text: str) -> str:
        return self._style(text, _BOLD)

    def _style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text


def _summary(report: Report) -> str:
    c = summary_counts(report)
    return (
        f"Summary: {plural(c['calls'], 'call')} ({c['resolved']} resolved, {c['partial']} partial, "
        f"{c['unresolved']} unresolved, {c['suppressed']} suppressed), "
        f"{plural(len(report.required_scopes), 'required scope')}, "
        f"{plural(c['diagnostics'], 'diagnostic')}."
    )


def _clean(text: str) -> str:
    """One line of untrusted text, with control characters shown as escapes."""
    return "".join(ch if ch.isprintable() or ch == " " else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    return ch.encode("unicode_escape").decode("ascii")


def _indent(text: str, prefix: str) -> str:
    """Untrusted, possibly multi-line text, each line cleaned and indented by `prefix`."""
    lines = text.splitlines() or [""]
    return "\n".join(f"{prefix}{_clean(line)}".rstrip() for line in lines)
