"""A pull-request comment (or `$GITHUB_STEP_SUMMARY`) body in GitHub-flavoured Markdown.

Sample::

    ## fbscopes: 1 FreshBooks OAuth scope required

    | Scope | Description | Calls |
    |---|---|---:|
    | `user:clients:read` | Read clients (customers) and their contacts. | 1 |

    ### Call sites

    **`user:clients:read`**

    - `app.py#L12` `GET /accounting/account/{account_id}/users/clients` via `requests.get`

    ---
    <sub>fbscopes 0.1.0 · catalogue freshbooks 2026-09 · 1 call · 0 unresolved ·
    0 diagnostics</sub>

(The footer is one line.) Free text from scanned code (reasons, messages) is escaped so it
cannot inject Markdown or HTML; identifiers go in code spans.
"""

from __future__ import annotations

import re

from analyzer.models import Diagnostic, Finding, Report, Status
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

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


class MarkdownFormatter:
    """`--format markdown`: title, scope table, call sites, problems, catalogue footer."""

    name: str = "markdown"

    def format(self, report: Report) -> str:
        blocks = [
            _title(report),
            *_scope_table(report),
            *_requested(report),
            *_call_sites(report),
            *_simple_section("Calls needing no scope", no_scope_calls(report)),
            *_unresolved(report),
            *_suppressed(report),
            *_diagnostics(report),
            _footer(report),
        ]
        return "\n\n".join(blocks) + "\n"


def _title(report: Report) -> str:
    if not report.findings:
        return f"## {TOOL_NAME}: no FreshBooks API calls found"
    count = plural(len(report.required_scopes), "FreshBooks OAuth scope")
    return f"## {TOOL_NAME}: {count} required"


def _scope_table(report: Report) -> list[str]:
    groups = calls_by_scope(report)
    if not groups:
        return []
    rows = ["| Scope | Description | Calls |", "|---|---|---:|"]
    for scope, calls in groups.items():
        desc = _text(scope_description(report, scope)) or "-"
        cell = _code(scope).replace("|", "\\|")
        rows.append(f"| {cell} | {desc} | {len(calls)} |")
    return ["\n".join(rows)]


def _requested(report: Report) -> list[str]:
    if not report.requested:
        return []
    over, missing = over_privileged(report), missing_scopes(report)
    lines: list[str] = []
    if over:
        lines.append("- **Requested but not required (over-privilege):** " + _codes(over))
    if missing:
        lines.append("- **Required but not requested (will 403):** " + _codes(missing))
    if not lines:
        lines.append("- The requested scopes match the required scopes.")
    return ["### Requested vs required", "\n".join(lines)]


def _call_sites(report: Report) -> list[str]:
    groups = calls_by_scope(report)
    if not groups:
        return []
    blocks = ["### Call sites"]
    for scope, calls in groups.items():
        blocks.append(f"**{_code(scope)}**")
        blocks.append("\n".join(_call_item(f) for f in calls))
    return blocks


def _simple_section(title: str, calls: tuple[Finding, ...]) -> list[str]:
    if not calls:
        return []
    return [f"### {title} ({len(calls)})", "\n".join(_call_item(f) for f in calls)]


def _unresolved(report: Report) -> list[str]:
    calls = unresolved_calls(report)
    if not calls:
        return []
    items = [f"{_call_item(f)}: {_text(f.reason or 'no reason given')}" for f in calls]
    intro = "Their scopes are unknown and not counted above; check them by hand."
    return [f"### Unresolved calls ({len(calls)})", intro, "\n".join(items)]


def _suppressed(report: Report) -> list[str]:
    lines = []
    for f in suppressed_calls(report):
        sup = f.suppression
        if sup is None:
            continue
        what = _codes(sup.scopes) if sup.scopes else "all scopes"
        lines.append(f"{_call_item(f)}: ignores {what}: {_text(sup.reason)}")
    if not lines:
        return []
    return [f"### Suppressed calls ({len(lines)})", "\n".join(lines)]


def _diagnostics(report: Report) -> list[str]:
    diags = ordered_diagnostics(report)
    if not diags:
        return []
    return [f"### Diagnostics ({len(diags)})", "\n".join(_diagnostic_item(d) for d in diags)]


def _footer(report: Report) -> str:
    cat = report.catalogue
    counts = summary_counts(report)
    facts = [
        f"{TOOL_NAME} {_text(report.tool_version)}",
        f"catalogue {_text(cat.name)} {_text(cat.version)}",
        plural(counts["calls"], "call"),
        f"{counts['unresolved']} unresolved",
        plural(counts["diagnostics"], "diagnostic"),
    ]
    return "---\n<sub>" + " · ".join(facts) + "</sub>"


def _call_item(f: Finding) -> str:
    text = f"- {_code(f'{f.path}#L{f.line}')} {_code(endpoint_label(f))} via {_code(f.via)}"
    if f.status is Status.PARTIAL:
        text += " (partial)"
    return text


def _diagnostic_item(d: Diagnostic) -> str:
    where = d.path if d.line is None else f"{d.path}#L{d.line}"
    head = f"- {_code(where)} " if d.path else "- "
    first, *rest = d.message.strip().splitlines() or [""]
    item = f"{head}**{d.level.value}** {_code(d.kind)}: {_text(first)}"
    if any(line.strip() for line in rest):
        item += "\n\n" + _code_block(rest)
    return item


def _code_block(lines: list[str]) -> str:
    """A fenced block, indented to sit inside a list item, that no content can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    body = [fence, *(line.rstrip() for line in lines), fence]
    return "\n".join(f"  {line}" if line else "" for line in body)


def _codes(items: tuple[str, ...]) -> str:
    return ", ".join(_code(s) for s in items)


def _code(text: str) -> str:
    """An inline code span that survives backticks inside `text`."""
    flat = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def _text(text: str) -> str:
    """Untrusted prose on one line, with Markdown and HTML metacharacters escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))
