"""The frozen values a loaded scope catalogue is made of.

A catalogue maps endpoint path templates (no host, no query) and HTTP methods to the OAuth
scopes FreshBooks requires. Scope lists have three meanings, kept apart on purpose:

* a non-empty tuple: the scopes the call needs;
* an empty tuple: the call needs no OAuth scope (token exchange, revocation);
* ``None``: the endpoint is known but its scope is not (webhook callbacks). Callers must
  report such calls as unresolved rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")

SCHEMA_VERSION: Final = 1

HTTP_METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")

CONFIDENCES: Final = ("documented", "inferred")

# Every status a scope may carry. The last two may be declared (so a policy checker can
# explain why requesting them is wrong) but no endpoint may require them.
SCOPE_STATUSES: Final = (
    "exists",
    "exists-undocumented",
    "legacy",
    "disputed-probably-nonexistent",
    "nonexistent",
)
UNUSABLE_SCOPE_STATUSES: Final = frozenset({"disputed-probably-nonexistent", "nonexistent"})

UNKNOWN_SCOPE: Final = "unknown"  # how a catalogue file spells "scope not known"


class FrozenMap(Mapping[_K, _V]):
    """A read-only mapping that, unlike ``MappingProxyType``, can be pickled."""

    __slots__ = ("_data",)

    def __init__(self, items: Mapping[_K, _V] | Iterable[tuple[_K, _V]] = ()) -> None:
        self._data: dict[_K, _V] = dict(items)

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    """One declared OAuth scope, e.g. ``user:clients:read``."""

    name: str
    description: str
    status: str  # one of SCOPE_STATUSES

    @property
    def requestable(self) -> bool:
        """False for scopes FreshBooks is believed to reject (nonexistent or disputed)."""
        return self.status not in UNUSABLE_SCOPE_STATUSES


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One catalogue entry: a path template and the scopes each of its methods needs.

    ``methods`` maps an upper-case HTTP method to its scopes; ``None`` means the scope is
    unknown. ``confidence`` is ``documented`` (a FreshBooks page names the scopes) or
    ``inferred`` (a guess from naming conventions or third parties).
    """

    id: str
    path: str
    methods: Mapping[str, tuple[str, ...] | None] = field(hash=False)
    confidence: str
    sources: tuple[str, ...]
    notes: str | None = None
    method_confidence: str | None = None


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The outcome of looking up one (method, path) pair.

    * ``endpoint`` set, ``scopes`` a tuple: matched; the scopes are known (maybe empty).
    * ``endpoint`` set, ``scopes`` None: matched, but the catalogue does not know the scope.
    * ``endpoint`` None: no match; ``reason`` says why.
    """

    endpoint: Endpoint | None
    scopes: tuple[str, ...] | None
    reason: str | None = None

    @property
    def matched(self) -> bool:
        return self.endpoint is not None
