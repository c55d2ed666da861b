"""`fbscopes diff`: how the scopes and calls of the working tree differ from a git ref.

Both sides are scanned with the same settings. Scopes compare as sets (suppressions applied);
calls compare as multisets of (file, `METHOD /endpoint`, counted scopes), so moving a call
within a file is no change. Adding a scope matters most: FreshBooks makes every existing user
authorise the app again, so the result carries that warning whenever `added` is not empty.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from analyzer.models import Finding, Report
from analyzer.policy.check import ScopeUse, scope_uses
from analyzer.report.base import endpoint_label, ordered_findings, unresolved_calls

DIFF_FAIL_ON = ("added",)
REAUTH_WARNING = (
    "Adding a scope makes every existing user authorise the app again: FreshBooks asks for "
    "consent the next time they connect, and tokens issued before then lack the new scope "
    "(calls needing it get 403 until the user re-authorises). Tick the scope in the FreshBooks "
    "developer portal and plan the rollout."
)
REMOVED_NOTE = (
    "Removed scopes can be unticked in the developer portal; tokens already issued keep them "
    "until the user authorises the app again."
)


@dataclass(frozen=True, slots=True)
class ScopeDiff:
    """Scopes and calls at `base_ref` against the working tree."""

    base_ref: str
    base_commit: str
    base: Report
    head: Report
    added: tuple[ScopeUse, ...]  # with the working tree's calls
    removed: tuple[ScopeUse, ...]  # with the base's calls
    unchanged: tuple[str, ...]
    new_calls: tuple[Finding, ...]  # new calls to scopes required before too
    removed_calls: tuple[Finding, ...]  # gone calls to scopes still required
    new_unresolved: tuple[Finding, ...]
    failures: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def compare_reports(
    base: Report, head: Report, base_ref: str, base_commit: str, fail_on: tuple[str, ...] = ()
) -> ScopeDiff:
    """The difference between two scans. `fail_on` may hold `added`."""
    base_uses = {u.scope: u for u in scope_uses(base)}
    head_uses = {u.scope: u for u in scope_uses(head)}
    added = tuple(u for s, u in head_uses.items() if s not in base_uses)
    removed = tuple(u for s, u in base_uses.items() if s not in head_uses)
    unchanged = tuple(s for s in head_uses if s in base_uses)
    failures = ("added",) if "added" in fail_on and added else ()
    new_calls = _unmatched(_scoped(head), _scoped(base), _call_key)
    gone_calls = _unmatched(_scoped(base), _scoped(head), _call_key)
    return ScopeDiff(
        base_ref,
        base_commit,
        base,
        head,
        added,
        removed,
        unchanged,
        _not_only(new_calls, {u.scope for u in added}),
        _not_only(gone_calls, {u.scope for u in removed}),
        _unmatched(unresolved_calls(head), unresolved_calls(base), _unresolved_key),
        failures,
    )


def _not_only(calls: tuple[Finding, ...], shown: set[str]) -> tuple[Finding, ...]:
    """Calls that need at least one scope outside `shown` (the rest are listed per scope)."""
    return tuple(f for f in calls if not set(f.counted_scopes) <= shown)


def _scoped(report: Report) -> list[Finding]:
    return [f for f in ordered_findings(report) if f.counted_scopes]


def _call_key(f: Finding) -> tuple[object, ...]:
    return (f.path, endpoint_label(f), f.counted_scopes)


def _unresolved_key(f: Finding) -> tuple[object, ...]:
    return (f.path, f.via, endpoint_label(f))


def _unmatched(
    findings: Sequence[Finding],
    others: Sequence[Finding],
    key: Callable[[Finding], tuple[object, ...]],
) -> tuple[Finding, ...]:
    """`findings` left over after pairing each with an equal-keyed one of `others`."""
    remaining = Counter(key(f) for f in others)
    out: list[Finding] = []
    for f in findings:
        if remaining[key(f)] > 0:
            remaining[key(f)] -= 1
        else:
            out.append(f)
    return tuple(out)
