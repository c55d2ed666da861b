"""Match request paths against catalogue path templates.

Templates are compiled once into a segment trie: literal segments are dict keys, and every
``{placeholder}`` segment of a template shares one wildcard child. A lookup walks the trie,
so its cost depends on the path's length, not on the size of the catalogue.

Input paths may contain holes (``{name}``: a value unknown at analysis time). A segment
that is wholly or partly a hole matches only a placeholder, never a literal, so
``/time_entries/{x}`` matches ``/time_entries/{id}`` but not ``/time_entries/search``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from analyzer.catalogue.model import Endpoint, MatchResult

_SLASHES = re.compile(r"/{2,}")


def normalize_path(path: str) -> str:
    """Drop query and fragment, collapse ``//`` and drop a trailing slash.

    The result always starts with ``/``; an empty path becomes ``/``.
    """
    path = path.split("#", 1)[0].split("?", 1)[0]
    path = _SLASHES.sub("/", "/" + path).rstrip("/")
    return path or "/"


def split_path(path: str) -> tuple[str, ...]:
    """The segments of a normalized path (``/`` has none)."""
    return tuple(segment for segment in path.split("/") if segment)


def is_hole(segment: str) -> bool:
    """Whether an input segment is wholly or partly an unknown value (``{...}``)."""
    return "{" in segment or "}" in segment


def is_placeholder(segment: str) -> bool:
    """Whether a template segment is a ``{placeholder}`` (validated by the schema)."""
    return segment.startswith("{") and segment.endswith("}")


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    wildcard: _Node | None = None
    endpoints: list[Endpoint] = field(default_factory=list)
    order: int = 0  # catalogue position of the first entry ending here

    def child(self, segment: str) -> _Node:
        if is_placeholder(segment):
            if self.wildcard is None:
                self.wildcard = _Node()
            return self.wildcard
        return self.literals.setdefault(segment, _Node())


@dataclass(frozen=True, slots=True)
class _Candidate:
    """All entries sharing one template shape that matched, with its literal count."""

    literals: int
    order: int
    endpoints: tuple[Endpoint, ...]

    def sort_key(self) -> tuple[int, int]:
        """Most literal segments first, then catalogue order."""
        return (-self.literals, self.order)

    @property
    def template(self) -> str:
        return self.endpoints[0].path

    def with_method(self, method: str) -> Endpoint | None:
        return next((e for e in self.endpoints if method in e.methods), None)


class PathMatcher:
    """Compiled templates of one catalogue. Immutable after construction."""

    __slots__ = ("_root",)

    def __init__(self, endpoints: Iterable[Endpoint]) -> None:
        self._root = _Node()
        for index, endpoint in enumerate(endpoints):
            node = self._root
            for segment in split_path(endpoint.path):
                node = node.child(segment)
            if not node.endpoints:
                node.order = index
            node.endpoints.append(endpoint)

    def candidates(self, path: str) -> tuple[Endpoint, ...]:
        """Entries whose template matches ``path`` for any method, most specific first."""
        found = sorted(self._walk(split_path(normalize_path(path))), key=_Candidate.sort_key)
        return tuple(endpoint for candidate in found for endpoint in candidate.endpoints)

    def match(self, method: str, path: str) -> MatchResult:
        """Find the entry for ``method`` and ``path``; see the package docs for the rules."""
        method = method.upper()
        normalized = normalize_path(path)
        found = sorted(self._walk(split_path(normalized)), key=_Candidate.sort_key)
        if not found:
            return MatchResult(None, None, f"no catalogue entry for {normalized}")
        return _pick(method, [c for c in found if c.literals == found[0].literals])

    def _walk(self, segments: tuple[str, ...]) -> Iterator[_Candidate]:
        stack: list[tuple[_Node, int, int]] = [(self._root, 0, 0)]
        while stack:
            node, depth, literals = stack.pop()
            if depth == len(segments):
                if node.endpoints:
                    yield _Candidate(literals, node.order, tuple(node.endpoints))
                continue
            segment = segments[depth]
            if node.wildcard is not None:
                stack.append((node.wildcard, depth + 1, literals))
            if not is_hole(segment) and segment in node.literals:
                stack.append((node.literals[segment], depth + 1, literals + 1))


def _pick(method: str, best: list[_Candidate]) -> MatchResult:
    """Choose among the equally specific candidates."""
    hits = [e for e in (c.with_method(method) for c in best) if e is not None]
    if len(hits) == 1:
        return _matched(method, hits[0])
    if hits:
        return MatchResult(None, None, "ambiguous: " + ", ".join(e.id for e in hits))
    if len(best) > 1:
        ids = ", ".join(e.id for c in best for e in c.endpoints)
        return MatchResult(None, None, f"ambiguous: {ids} (none has {method})")
    known = ", ".join(sorted({m for e in best[0].endpoints for m in e.methods}))
    reason = f"{method} is not a known method of {best[0].template} (known: {known})"
    return MatchResult(None, None, reason)


def _matched(method: str, endpoint: Endpoint) -> MatchResult:
    scopes = endpoint.methods[method]
    if scopes is None:
        reason = f"the catalogue does not know which scope {method} {endpoint.path} needs"
        return MatchResult(endpoint, None, reason)
    return MatchResult(endpoint, scopes)
