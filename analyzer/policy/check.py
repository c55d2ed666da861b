"""`fbscopes check`: required scopes against granted scopes, as a pure function of a report.

Failures (each makes `check` exit 1):

* `missing`: a call needs a scope the app is not granted; it will get 403 Forbidden. Always on.
* `stale`: the scope manifest disagrees with the code, or is configured but absent. Always on
  when a manifest exists or is configured.
* `bad-suppression`: an `# fbscopes: ignore` comment without a reason or malformed. Always on.
* `excess` (granted but unused, over-privilege), `unresolved` (calls whose scope is unknown)
  and `parse-error` (files that could not be read or parsed): only when listed in `fail-on`.

Scopes count per call through `Finding.counted_scopes`: a suppressed call's ignored scopes
are not required. `user:profile:read` is granted to every app, and `admin:all:legacy` covers
everything, so neither leaves a scope missing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from analyzer.catalogue import Catalogue
from analyzer.models import Finding, Report
from analyzer.policy.granted import IMPLICIT_SCOPES, LEGACY_SCOPE, Granted, ScopeNote, scope_notes
from analyzer.policy.manifest import ManifestStatus
from analyzer.report.base import UNANALYSED_KINDS, ordered_findings, unresolved_calls

ALWAYS_FAIL = ("missing", "stale", "bad-suppression")
OPTIONAL_FAIL = ("excess", "unresolved", "parse-error")


@dataclass(frozen=True, slots=True)
class ScopeUse:
    """A scope and the calls that need it (sorted)."""

    scope: str
    description: str
    calls: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Everything `check` decided; the renderers only format it."""

    report: Report
    granted: Granted
    required: tuple[ScopeUse, ...]
    missing: tuple[ScopeUse, ...]
    excess: tuple[str, ...]
    notes: tuple[ScopeNote, ...]
    unresolved: tuple[Finding, ...]
    manifest: ManifestStatus | None
    failures: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def required_scopes(self) -> tuple[str, ...]:
        return tuple(use.scope for use in self.required)


def scope_uses(report: Report) -> tuple[ScopeUse, ...]:
    """Each scope the code needs (sorted) with the calls needing it, suppressions applied."""
    calls: dict[str, list[Finding]] = {}
    for f in ordered_findings(report):
        for scope in f.counted_scopes:
            calls.setdefault(scope, []).append(f)
    return tuple(
        ScopeUse(s, report.scope_descriptions.get(s, "").strip(), tuple(calls[s]))
        for s in sorted(calls)
    )


def evaluate(
    report: Report,
    granted: Granted,
    catalogue: Catalogue,
    manifest: ManifestStatus | None,
    fail_on: Collection[str],
) -> CheckResult:
    """Compare what `report` needs with `granted` and decide which failures apply."""
    required = scope_uses(report)
    names = [use.scope for use in required]
    missing = tuple(use for use in required if not granted.covers(use.scope))
    excess = excess_scopes(granted, names)
    unresolved = unresolved_calls(report)
    found = {
        "missing": bool(missing),
        "stale": manifest is not None and manifest.stale,
        "bad-suppression": any(d.kind == "bad-suppression" for d in report.diagnostics),
        "excess": bool(excess),
        "unresolved": bool(unresolved),
        "parse-error": any(d.kind in UNANALYSED_KINDS for d in report.diagnostics),
    }
    wanted = (*ALWAYS_FAIL, *(k for k in OPTIONAL_FAIL if k in fail_on))
    failures = tuple(k for k in wanted if found[k])
    notes = scope_notes(granted, catalogue, names)
    return CheckResult(
        report, granted, required, missing, excess, notes, unresolved, manifest, failures
    )


def excess_scopes(granted: Granted, required: Sequence[str]) -> tuple[str, ...]:
    """Granted scopes no call needs; `admin:all:legacy` is always more than needed."""
    needed = set(required) | IMPLICIT_SCOPES
    return tuple(s for s in granted.scopes if s == LEGACY_SCOPE or s not in needed)
