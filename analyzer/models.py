"""Frozen data that flows between the pipeline stages and into every formatter.

Nothing here imports libcst: reports and summaries must stay small and picklable.
Lines are 1-based; columns are 1-based (converted once where positions are read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """How much of a call the analyser could work out."""

    RESOLVED = "resolved"  # method, endpoint and scopes are known
    PARTIAL = "partial"  # endpoint matched, but part of the URL (host, id, query) is a hole
    UNRESOLVED = "unresolved"  # endpoint or scope unknown: reported, never guessed


class Level(StrEnum):
    """Severity of a diagnostic."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One hop from the reported call site down to the HTTP layer."""

    path: str
    line: int
    column: int
    note: str


@dataclass(frozen=True, slots=True)
class Suppression:
    """A `# fbscopes: ignore[...] -- reason` comment that applies to a call."""

    path: str
    line: int
    scopes: tuple[str, ...]  # empty means every scope of the call
    reason: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One FreshBooks call site.

    `endpoint` is the catalogue's path template (no host, no query). `scopes` is empty for
    unresolved calls and for calls that need no scope (the OAuth token endpoint).
    """

    path: str
    line: int
    column: int
    status: Status
    method: str | None
    url: str | None
    endpoint: str | None
    endpoint_id: str | None
    scopes: tuple[str, ...]
    via: str
    trace: tuple[TraceStep, ...] = ()
    reason: str | None = None
    confidence: str | None = None  # the catalogue entry's: documented | inferred
    sources: tuple[str, ...] = ()  # the catalogue entry's source URLs (FreshBooks docs first)
    suppression: Suppression | None = None

    @property
    def counts(self) -> bool:
        """Whether this finding's scopes count toward the required set."""
        return self.status is not Status.UNRESOLVED and self.suppression is None

    @property
    def counted_scopes(self) -> tuple[str, ...]:
        """The scopes that count toward the required set.

        Unresolved calls count nothing; a bare suppression removes every scope; one naming
        scopes removes only those (`ignore[user:reports:read]` on a call that also needs
        `user:account:read` still requires `user:account:read`).
        """
        if self.status is Status.UNRESOLVED:
            return ()
        if self.suppression is None:
            return self.scopes
        if not self.suppression.scopes:
            return ()
        return tuple(s for s in self.scopes if s not in self.suppression.scopes)

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        return (
            self.path,
            self.line,
            self.column,
            self.method or "",
            self.endpoint or "",
            self.via,
        )


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """Something about a scanned file (or the run) that the user should know.

    Kinds: parse-error, decode-error, read-error, too-large, special-file, symlink,
    classic-api, resolution-limit, unused-suppression, bad-suppression, ...
    """

    path: str
    line: int | None
    kind: str
    message: str
    level: Level = Level.ERROR

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.path, self.line or 0, self.kind, self.message)


@dataclass(frozen=True, slots=True)
class RequestedScopes:
    """Scopes the code asks for at consent (`get_auth_request_url(scopes=...)`, ...)."""

    path: str
    line: int
    column: int
    scopes: tuple[str, ...]
    via: str


@dataclass(frozen=True, slots=True)
class CatalogueRef:
    """Which scope catalogue produced a report."""

    name: str
    version: str
    source: str  # "builtin" or the file path the user gave


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one scan found. Formatters render it; they never compute anything new."""

    tool_version: str
    catalogue: CatalogueRef
    findings: tuple[Finding, ...]
    diagnostics: tuple[Diagnostic, ...]
    requested: tuple[RequestedScopes, ...] = ()
    scope_descriptions: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def required_scopes(self) -> tuple[str, ...]:
        """Sorted union of the scopes of every counting finding."""
        found = {scope for f in self.findings for scope in f.counted_scopes}
        return tuple(sorted(found))

    @property
    def requested_scopes(self) -> tuple[str, ...]:
        return tuple(sorted({s for r in self.requested for s in r.scopes}))

    @property
    def unresolved(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.UNRESOLVED)

    def calls_for(self, scope: str) -> tuple[Finding, ...]:
        """Counting findings that need `scope`, in report order."""
        return tuple(f for f in self.findings if scope in f.counted_scopes)
