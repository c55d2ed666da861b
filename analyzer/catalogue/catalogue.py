"""The `Catalogue` object: validated catalogue data plus its compiled path matcher."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from analyzer.catalogue.matcher import PathMatcher
from analyzer.catalogue.model import Endpoint, MatchResult, ScopeInfo
from analyzer.models import CatalogueRef


@dataclass(frozen=True, slots=True, eq=False)
class Catalogue:
    """One version of a scope catalogue (e.g. ``freshbooks@2026-09``).

    Build it through :func:`analyzer.catalogue.load_catalogue`, which validates the file.
    ``source`` is ``"builtin"`` or the path the user gave. Equality is identity.
    """

    name: str
    version: str
    source: str
    hosts: frozenset[str]
    scopes: Mapping[str, ScopeInfo]
    endpoints: tuple[Endpoint, ...]
    effective: str | None = None
    _matcher: PathMatcher = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_matcher", PathMatcher(self.endpoints))

    @property
    def ref(self) -> CatalogueRef:
        return CatalogueRef(self.name, self.version, self.source)

    def match(self, method: str, path: str) -> MatchResult:
        """Look up a call. ``path`` has no scheme or host; it may contain ``{holes}``.

        The query string, fragment, duplicate and trailing slashes are ignored. A hole
        segment matches only a placeholder; a literal segment matches an equal literal or
        any placeholder. The template with the most literal segments wins, even if it lacks
        the method; among equally specific templates the one that has the method wins, and
        a remaining tie is reported as ambiguous. The method is compared upper-cased.
        """
        return self._matcher.match(method, path)

    def endpoints_for_path(self, path: str) -> tuple[Endpoint, ...]:
        """Entries whose template matches ``path`` for any method, most specific first."""
        return self._matcher.candidates(path)

    def endpoint(self, endpoint_id: str) -> Endpoint | None:
        """The entry with this ``id``, if any."""
        return next((e for e in self.endpoints if e.id == endpoint_id), None)
