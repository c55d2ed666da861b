"""The formatter contract and the helpers every formatter shares.

A formatter is a pure function of a `Report`: same report in, same string out, whatever order
the findings arrived in. Nothing here reads the clock, the environment or the file system.

Shared vocabulary:

* a *scope finding* is a counting finding (`Finding.counts`) with at least one scope;
* a *no-scope call* is a counting finding with no scope (the OAuth token endpoint);
* an *unresolved call* is a finding with `Status.UNRESOLVED` that is not suppressed;
* a *suppressed call* is any finding carrying a `Suppression`.

Those four groups partition `report.findings`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from analyzer.models import Diagnostic, Finding, Report, RequestedScopes, Status

T = TypeVar("T")

TOOL_NAME = "fbscopes"
SCOPES_DOC_URL = "https://www.freshbooks.com/api/scopes"
FRESHBOOKS_DOCS_PREFIX = "https://www.freshbooks.com"

RULE_UNRESOLVED = "unresolved-call"
RULE_NO_SCOPE = "no-scope-call"
DECODE_KINDS = frozenset({"parse-error", "decode-error"})
# Every diagnostic kind meaning "this file was not (fully) analysed": `--fail-on parse-error`.
UNANALYSED_KINDS = DECODE_KINDS | {
    "too-large",
    "read-error",
    "binary-file",
    "too-complex",
    "special-file",
    "internal-error",
    "not-found",
}


class Formatter(Protocol):
    """Renders a whole report as one string (a complete document, ending in a newline)."""

    name: str

    def format(self, report: Report) -> str:
        """Render `report`. Must be deterministic and must not touch the outside world."""
        ...


# --- ordering -------------------------------------------------------------------------------


def finding_key(f: Finding) -> tuple[object, ...]:
    """`Finding.sort_key()` extended with tie-breakers so the order is total."""
    sup = f.suppression
    sup_key = ("", 0, (), "") if sup is None else (sup.path, sup.line, sup.scopes, sup.reason)
    return (
        *f.sort_key(),
        f.status.value,
        f.scopes,
        f.url or "",
        f.endpoint_id or "",
        f.reason or "",
        f.confidence or "",
        f.sources,
        tuple((s.path, s.line, s.column, s.note) for s in f.trace),
        sup is not None,
        sup_key,
    )


def ordered_findings(report: Report) -> tuple[Finding, ...]:
    """Every finding, sorted by `finding_key`."""
    return tuple(sorted(report.findings, key=finding_key))


def ordered_diagnostics(report: Report) -> tuple[Diagnostic, ...]:
    """Every diagnostic, sorted by `Diagnostic.sort_key()` then level."""
    return tuple(sorted(report.diagnostics, key=lambda d: (*d.sort_key(), d.level.value)))


def ordered_requested(report: Report) -> tuple[RequestedScopes, ...]:
    """Every consent-time scope request, sorted by position."""
    return tuple(
        sorted(report.requested, key=lambda r: (r.path, r.line, r.column, r.via, r.scopes))
    )


# --- grouping -------------------------------------------------------------------------------


def scope_findings(report: Report) -> tuple[Finding, ...]:
    """Counting findings that need at least one scope, sorted."""
    return tuple(f for f in ordered_findings(report) if f.counts and f.scopes)


def no_scope_calls(report: Report) -> tuple[Finding, ...]:
    """Counting findings that need no scope (e.g. `POST /auth/oauth/token`), sorted."""
    return tuple(f for f in ordered_findings(report) if f.counts and not f.scopes)


def unresolved_calls(report: Report) -> tuple[Finding, ...]:
    """Unresolved findings that are not suppressed, sorted."""
    return tuple(
        f
        for f in ordered_findings(report)
        if f.status is Status.UNRESOLVED and f.suppression is None
    )


def suppressed_calls(report: Report) -> tuple[Finding, ...]:
    """Findings silenced by an `# fbscopes: ignore` comment, sorted."""
    return tuple(f for f in ordered_findings(report) if f.suppression is not None)


def calls_by_scope(report: Report) -> dict[str, tuple[Finding, ...]]:
    """Each required scope (sorted) mapped to the sorted call sites needing it."""
    found = scope_findings(report)
    return {s: tuple(f for f in found if s in f.scopes) for s in report.required_scopes}


def over_privileged(report: Report) -> tuple[str, ...]:
    """Scopes requested at consent that no counting call needs (sorted)."""
    return tuple(sorted(set(report.requested_scopes) - set(report.required_scopes)))


def missing_scopes(report: Report) -> tuple[str, ...]:
    """Scopes some call needs that the code never requests (sorted): these calls will 403."""
    return tuple(sorted(set(report.required_scopes) - set(report.requested_scopes)))


def summary_counts(report: Report) -> dict[str, int]:
    """Counts for the summary line/object.

    `resolved`, `partial` and `unresolved` count findings by status (suppressed ones included);
    `suppressed` counts findings carrying a suppression, whatever their status.
    """
    by_status = Counter(f.status for f in report.findings)
    return {
        "calls": len(report.findings),
        "resolved": by_status[Status.RESOLVED],
        "partial": by_status[Status.PARTIAL],
        "unresolved": by_status[Status.UNRESOLVED],
        "suppressed": sum(1 for f in report.findings if f.suppression is not None),
        "diagnostics": len(report.diagnostics),
    }


# --- labels ---------------------------------------------------------------------------------


def endpoint_label(f: Finding) -> str:
    """`METHOD /endpoint`, falling back to the URL text and `?` for unknown parts."""
    method = f.method or "?"
    target = f.endpoint or f.url or "?"
    return f"{method} {target}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 call`, `2 calls`."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def help_uri_for_scope(report: Report, scope: str) -> str:
    """The first FreshBooks docs URL among the sources of the calls needing `scope`.

    Falls back to the FreshBooks scopes page. Sources may carry trailing notes after the URL.
    """
    for f in ordered_findings(report):
        if scope not in f.scopes:
            continue
        for source in f.sources:
            url = next(iter(source.split()), "")
            if url.startswith(FRESHBOOKS_DOCS_PREFIX + "/"):
                return url
    return SCOPES_DOC_URL


def scope_description(report: Report, scope: str) -> str:
    """The catalogue's description of `scope`, or an empty string."""
    return report.scope_descriptions.get(scope, "").strip()


# --- fingerprints ---------------------------------------------------------------------------


def finding_identity(f: Finding, rule_id: str) -> tuple[str, ...]:
    """What identifies a call across edits: no line, no column.

    The URL text only takes part when there is no endpoint (unresolved calls).
    """
    url = (f.url or "") if f.endpoint is None else ""
    return (rule_id, f.path, f.via, f.method or "", f.endpoint or "", " ".join(f.scopes), url)


def digest(parts: Iterable[str]) -> str:
    """sha256 hex of the parts, joined unambiguously."""
    data = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def stable_fingerprints(items: Sequence[T], identity: Callable[[T], tuple[str, ...]]) -> list[str]:
    """A fingerprint per item that survives line moves and is unique within `items`.

    `items` must already be in position order. Items with the same identity (say, two identical
    calls in one file) are told apart by their occurrence index among that identity.
    """
    seen: Counter[tuple[str, ...]] = Counter()
    prints: list[str] = []
    for item in items:
        key = identity(item)
        prints.append(digest((*key, str(seen[key]))))
        seen[key] += 1
    return prints
