"""GitHub-flavoured Markdown for `check` and `diff`: PR comments and `$GITHUB_STEP_SUMMARY`.

`check` gives a verdict title and a table of every required, missing and excess scope;
`diff` gives a scope delta table against the base ref with the re-authorisation warning when a
scope is added. Text from scanned code is escaped; identifiers go in code spans.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzer.models import Diagnostic, Finding
from analyzer.policy.check import CheckResult, ScopeUse
from analyzer.policy.diff import REAUTH_WARNING, REMOVED_NOTE, ScopeDiff
from analyzer.policy.text import check_verdict, grant_hint, suppression_note
from analyzer.report.base import TOOL_NAME, endpoint_label, ordered_diagnostics, suppressed_calls
from analyzer.report.markdown import _code as code
from analyzer.report.markdown import _text as text


def render_check_markdown(result: CheckResult) -> str:
    icon = ":white_check_mark:" if result.ok else ":x:"
    blocks = [
        f"## {icon} {text(check_verdict(result))}",
        _check_table(result),
        *_missing(result),
        *[f"> [!NOTE]\n> {text(n.message)}" for n in result.notes],
        *_calls_section("Unresolved calls", result.unresolved, "Their scopes are unknown."),
        *_suppressed(suppressed_calls(result.report)),
        *_manifest(result),
        *_diagnostics(ordered_diagnostics(result.report)),
        _footer(result.report.tool_version, f"granted scopes from {result.granted.source}"),
    ]
    return "\n\n".join(b for b in blocks if b) + "\n"


def _check_table(result: CheckResult) -> str:
    missing = {u.scope for u in result.missing}
    rows = ["| Scope | Status | Calls | Description |", "|---|---|---:|---|"]
    for use in result.required:
        status = "**missing** (403)" if use.scope in missing else "granted"
        rows.append(_row(code(use.scope), status, str(len(use.calls)), _desc(use.description)))
    rows += [_row(code(s), "excess (not needed)", "0", "-") for s in result.excess]
    return "\n".join(rows) if len(rows) > 2 else "No scoped FreshBooks calls found."


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _desc(description: str) -> str:
    return text(description) or "-"


def _missing(result: CheckResult) -> list[str]:
    if not result.missing:
        return []
    return [
        "### Missing scopes",
        *_use_blocks(result.missing),
        f"To fix: {text(grant_hint(result))}.",
    ]


def _use_blocks(uses: Sequence[ScopeUse]) -> list[str]:
    blocks: list[str] = []
    for use in uses:
        blocks.append(f"**{code(use.scope)}**")
        blocks.append("\n".join(_call_item(f) for f in use.calls))
    return blocks


def _call_item(f: Finding) -> str:
    return f"- {code(f'{f.path}#L{f.line}')} {code(endpoint_label(f))} via {code(f.via)}"


def _calls_section(title: str, calls: Sequence[Finding], intro: str = "") -> list[str]:
    if not calls:
        return []
    items = "\n".join(_call_item(f) for f in calls)
    return [f"### {title} ({len(calls)})", *([intro] if intro else []), items]


def _suppressed(calls: Sequence[Finding]) -> list[str]:
    if not calls:
        return []
    items = "\n".join(f"{_call_item(f)}: {text(suppression_note(f))}" for f in calls)
    return [f"### Suppressed calls ({len(calls)})", items]


def _manifest(result: CheckResult) -> list[str]:
    status = result.manifest
    if status is None or not status.stale:
        return []
    title = f"### Scope manifest {code(status.path)} is out of date"
    if not status.exists:
        return [title, "It does not exist yet: run `fbscopes lock` and commit it."]
    body = "\n".join(" ".join(c.describe().split()) for c in status.changes)
    fence = "````" if "```" in body else "```"
    return [title, f"{fence}diff\n{body}\n{fence}", "Run `fbscopes lock` and commit the result."]


def _diagnostics(diags: Sequence[Diagnostic]) -> list[str]:
    if not diags:
        return []
    items = []
    for d in diags:
        where = d.path if d.line is None else f"{d.path}#L{d.line}"
        items.append(f"- {code(where)} **{d.level.value}** {code(d.kind)}: {text(d.message)}")
    return [f"### Diagnostics ({len(diags)})", "\n".join(items)]


def _footer(version: str, detail: str) -> str:
    return f"---\n<sub>{TOOL_NAME} {text(version)} · {text(detail)}</sub>"


# --------------------------------------------------------------------------- diff


def render_diff_markdown(diff: ScopeDiff) -> str:
    blocks = [
        f"## {_diff_title(diff)}",
        _delta_table(diff),
        f"> [!WARNING]\n> {text(REAUTH_WARNING)}" if diff.added else "",
        *(["### Added scopes", *_use_blocks(diff.added)] if diff.added else []),
        *(
            ["### Removed scopes", *_use_blocks(diff.removed), text(REMOVED_NOTE)]
            if diff.removed
            else []
        ),
        *_calls_section("New calls (scopes already required)", diff.new_calls),
        *_calls_section("Removed calls (scopes still required)", diff.removed_calls),
        *_calls_section("New unresolved calls", diff.new_unresolved, "Check their scopes by hand."),
        _footer(diff.head.tool_version, f"base {diff.base_ref} ({diff.base_commit[:12]})"),
    ]
    return "\n\n".join(b for b in blocks if b) + "\n"


def _diff_title(diff: ScopeDiff) -> str:
    if not diff.changed:
        return f"{TOOL_NAME}: no FreshBooks scope change against {code(diff.base_ref)}"
    delta = f"+{len(diff.added)} / -{len(diff.removed)}"
    return f"{TOOL_NAME}: FreshBooks scopes changed ({delta}) against {code(diff.base_ref)}"


def _delta_table(diff: ScopeDiff) -> str:
    unchanged = ", ".join(code(s) for s in diff.unchanged) or "none"
    if not diff.changed:
        return f"Scopes unchanged: {unchanged}."
    rows = ["| Change | Scope | Calls | Description |", "|---|---|---:|---|"]
    for label, uses in (("**added**", diff.added), ("removed", diff.removed)):
        rows += [_row(label, code(u.scope), str(len(u.calls)), _desc(u.description)) for u in uses]
    return "\n".join(rows) + f"\n\nUnchanged: {unchanged}."
