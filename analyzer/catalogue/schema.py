"""Validate parsed catalogue YAML (schema 1) and build a `Catalogue` from it.

Every problem raises `CatalogueError` carrying the file, the 1-based line (taken from
yamlio's `LineDict`/`LineList`) and the key path, e.g.
``catalogue/freshbooks/2026-09.yaml:14: endpoints[3].methods.GETT: unknown HTTP method``.

Schema 1, one file per version::

    schema: 1
    catalogue: freshbooks
    version: "2026-09"          # must equal the file name stem
    effective: "2026-09-02"     # optional free text
    hosts: [api.freshbooks.com]
    scopes:
      user:profile:read: {description: "...", status: exists}
    endpoints:
      - id: identity_me                    # unique
        path: /auth/api/v1/users/me        # template: literal or whole-segment {placeholder}
        methods:
          GET: [user:profile:read]         # [] = no scope needed; `unknown` = not known
        confidence: documented             # documented | inferred
        sources: [https://www.freshbooks.com/api/identity_model]
        notes: "..."                       # optional
        method_confidence: "..."           # optional
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from analyzer.catalogue.catalogue import Catalogue
from analyzer.catalogue.model import (
    CONFIDENCES,
    HTTP_METHODS,
    SCHEMA_VERSION,
    SCOPE_STATUSES,
    UNKNOWN_SCOPE,
    UNUSABLE_SCOPE_STATUSES,
    Endpoint,
    FrozenMap,
    ScopeInfo,
)
from analyzer.errors import CatalogueError

_TOP_REQUIRED = ("schema", "catalogue", "version", "hosts", "scopes", "endpoints")
_TOP_KEYS = (*_TOP_REQUIRED, "effective")
_SCOPE_KEYS = ("description", "status")
_ENDPOINT_REQUIRED = ("id", "path", "methods", "confidence", "sources")
_ENDPOINT_KEYS = (*_ENDPOINT_REQUIRED, "notes", "method_confidence")

_NAME = re.compile(r"[a-z][a-z0-9_-]*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]+)?")
_SCOPE = re.compile(r"[a-z][a-z0-9_]*(?::[a-z0-9_]+)+")
_ENDPOINT_ID = re.compile(r"[a-z][a-z0-9_]*")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
    datetime.date: "a date",
    datetime.datetime: "a timestamp",
}


def parse_catalogue(
    data: Any, *, file: str, stem: str, source: str, name: str | None = None
) -> Catalogue:
    """Validate ``data`` (parsed from ``file``, whose name stem is ``stem``) into a Catalogue.

    ``file`` is only used in messages. When ``name`` is given (built-in catalogues, named by
    their directory) the file's ``catalogue:`` value must equal it.
    """
    return _Checker(file).catalogue(data, stem, source, name)


def template_problem(path: str) -> str | None:
    """Why ``path`` is not a valid path template, or None if it is."""
    if not path.startswith("/"):
        return "path template must start with '/'"
    if "?" in path or "#" in path:
        return "path template must not contain a query string or fragment"
    if any(char.isspace() for char in path):
        return "path template must not contain whitespace"
    segments = path[1:].split("/")
    if "" in segments:
        return "path template has an empty segment ('//' or a trailing '/')"
    return _segments_problem(segments)


def template_shape(path: str) -> tuple[str, ...]:
    """The template with placeholder names erased: two paths with one shape collide."""
    return tuple("{}" if s.startswith("{") else s for s in path.split("/") if s)


def _segments_problem(segments: list[str]) -> str | None:
    seen: set[str] = set()
    for segment in segments:
        if "{" not in segment and "}" not in segment:
            continue
        match = _PLACEHOLDER.fullmatch(segment)
        if match is None:
            if segment.count("{") != segment.count("}"):
                return f"unbalanced braces in segment {segment!r}"
            return f"segment {segment!r} mixes literal text and a placeholder"
        name = match.group(1)
        if not _IDENTIFIER.fullmatch(name):
            return f"placeholder name {name!r} is not an identifier"
        if name in seen:
            return f"placeholder {{{name}}} appears twice"
        seen.add(name)
    return None


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _suggest(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _line_of(container: Any, key: Any) -> int | None:
    line_of = getattr(container, "line_of", None)
    return None if line_of is None else int(line_of(key))


def _own_line(container: Any) -> int | None:
    line = getattr(container, "line", None)
    return int(line) if line else None


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


@dataclass(slots=True)
class _Seen:
    """First occurrences, for duplicate checks: id -> line, (shape, method) -> (id, line)."""

    ids: dict[str, int | None] = field(default_factory=dict)
    routes: dict[tuple[tuple[str, ...], str], tuple[str, int | None]] = field(default_factory=dict)


class _Checker:
    """Validates one file; every `fail` names the file, the line and the key path."""

    __slots__ = ("file",)

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, message: str, line: int | None) -> NoReturn:
        text = f"{where}: {message}" if where else message
        raise CatalogueError(text, self.file, line)

    # -- generic helpers -------------------------------------------------------------

    def mapping(self, value: Any, where: str, line: int | None) -> Mapping[Any, Any]:
        if not isinstance(value, Mapping):
            self.fail(where, f"expected a mapping, got {_describe(value)}", line)
        return value

    def keys(
        self,
        node: Mapping[Any, Any],
        where: str,
        allowed: tuple[str, ...],
        required: tuple[str, ...],
    ) -> None:
        for key in node:
            if key not in allowed:
                name = str(key)
                self.fail(
                    _join(where, name), "unknown key" + _suggest(name, allowed), _line_of(node, key)
                )
        for key in required:
            if key not in node:
                self.fail(_join(where, key), "missing required key", _own_line(node))

    def string(self, node: Mapping[Any, Any], key: str, where: str) -> str:
        value = node[key]
        if not isinstance(value, str):
            hint = " (quote it)" if isinstance(value, (int, float, datetime.date)) else ""
            self.fail(
                _join(where, key),
                f"expected a string, got {_describe(value)}{hint}",
                _line_of(node, key),
            )
        if not value.strip():
            self.fail(_join(where, key), "must not be empty", _line_of(node, key))
        return value

    def optional_string(self, node: Mapping[Any, Any], key: str, where: str) -> str | None:
        return self.string(node, key, where) if key in node else None

    def listing(self, node: Mapping[Any, Any], key: str, where: str) -> list[Any]:
        value = node[key]
        if not isinstance(value, list):
            self.fail(
                _join(where, key), f"expected a list, got {_describe(value)}", _line_of(node, key)
            )
        return value

    def strings(self, node: Mapping[Any, Any], key: str, where: str) -> tuple[str, ...]:
        items = self.listing(node, key, where)
        if not items:
            self.fail(_join(where, key), "must not be empty", _line_of(node, key))
        for index, item in enumerate(items):
            item_where, line = f"{_join(where, key)}[{index}]", _line_of(items, index)
            if not isinstance(item, str):
                self.fail(item_where, f"expected a string, got {_describe(item)}", line)
            if not item.strip():
                self.fail(item_where, "must not be empty", line)
        return tuple(items)

    def pattern(
        self, node: Mapping[Any, Any], key: str, where: str, regex: re.Pattern[str], what: str
    ) -> str:
        value = self.string(node, key, where)
        if not regex.fullmatch(value):
            self.fail(_join(where, key), f"invalid {what} {value!r}", _line_of(node, key))
        return value

    def choice(
        self, node: Mapping[Any, Any], key: str, where: str, choices: tuple[str, ...]
    ) -> str:
        value = self.string(node, key, where)
        if value not in choices:
            allowed = ", ".join(choices)
            message = (
                f"invalid value {value!r}{_suggest(value, choices)}; expected one of: {allowed}"
            )
            self.fail(_join(where, key), message, _line_of(node, key))
        return value

    # -- top level ---------------------------------------------------------------------

    def catalogue(self, data: Any, stem: str, source: str, name: str | None) -> Catalogue:
        if data is None:
            self.fail("", "the catalogue file is empty", None)
        top = self.mapping(data, "(top level)", _own_line(data) or 1)
        self.schema(top)
        self.keys(top, "", _TOP_KEYS, _TOP_REQUIRED)
        scopes = self.scopes(top)
        return Catalogue(
            name=self.name(top, name),
            version=self.version(top, stem),
            source=source,
            hosts=self.hosts(top),
            scopes=scopes,
            endpoints=self.endpoints(top, scopes),
            effective=self.optional_string(top, "effective", ""),
        )

    def schema(self, top: Mapping[Any, Any]) -> None:
        if "schema" not in top:
            self.fail(
                "schema", "missing required key (is this an fbscopes catalogue?)", _own_line(top)
            )
        value, line = top["schema"], _line_of(top, "schema")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail("schema", f"expected an integer, got {_describe(value)}", line)
        if value != SCHEMA_VERSION:
            self.fail(
                "schema", f"unsupported schema version {value} (supported: {SCHEMA_VERSION})", line
            )

    def name(self, top: Mapping[Any, Any], expected: str | None) -> str:
        name = self.pattern(top, "catalogue", "", _NAME, "catalogue name")
        if expected is not None and name != expected:
            message = f"{name!r} must equal the directory name {expected!r}"
            self.fail("catalogue", message, _line_of(top, "catalogue"))
        return name

    def version(self, top: Mapping[Any, Any], stem: str) -> str:
        version = self.pattern(top, "version", "", _VERSION, "version")
        if version != stem:
            message = f"{version!r} must equal the file name stem {stem!r}"
            self.fail("version", message, _line_of(top, "version"))
        return version

    def hosts(self, top: Mapping[Any, Any]) -> frozenset[str]:
        hosts = self.strings(top, "hosts", "")
        items = top["hosts"]
        for index, host in enumerate(hosts):
            if not _HOST.fullmatch(host):
                message = (
                    f"invalid host {host!r} (write a bare lower-case host, e.g. api.freshbooks.com)"
                )
                self.fail(f"hosts[{index}]", message, _line_of(items, index))
        return frozenset(hosts)

    # -- scopes ------------------------------------------------------------------------

    def scopes(self, top: Mapping[Any, Any]) -> Mapping[str, ScopeInfo]:
        node = self.mapping(top["scopes"], "scopes", _line_of(top, "scopes"))
        result: dict[str, ScopeInfo] = {}
        for name, value in node.items():
            where = f"scopes.{name}"
            if not isinstance(name, str) or not _SCOPE.fullmatch(name):
                self.fail(where, f"invalid scope name {name!r}", _line_of(node, name))
            entry = self.mapping(value, where, _line_of(node, name))
            self.keys(entry, where, _SCOPE_KEYS, _SCOPE_KEYS)
            description = self.string(entry, "description", where)
            status = self.choice(entry, "status", where, SCOPE_STATUSES)
            result[name] = ScopeInfo(name, description, status)
        return FrozenMap(result)

    # -- endpoints ---------------------------------------------------------------------

    def endpoints(
        self, top: Mapping[Any, Any], scopes: Mapping[str, ScopeInfo]
    ) -> tuple[Endpoint, ...]:
        items = self.listing(top, "endpoints", "")
        seen = _Seen()
        result = []
        for index, item in enumerate(items):
            where = f"endpoints[{index}]"
            node = self.mapping(item, where, _line_of(items, index))
            result.append(self.endpoint(node, where, scopes, seen))
        return tuple(result)

    def endpoint(
        self, node: Mapping[Any, Any], where: str, scopes: Mapping[str, ScopeInfo], seen: _Seen
    ) -> Endpoint:
        self.keys(node, where, _ENDPOINT_KEYS, _ENDPOINT_REQUIRED)
        endpoint_id = self.endpoint_id(node, where, seen)
        path = self.template(node, where)
        methods = self.methods(node, where, scopes)
        self.routes(node, where, endpoint_id, path, seen)
        return Endpoint(
            id=endpoint_id,
            path=path,
            methods=methods,
            confidence=self.choice(node, "confidence", where, CONFIDENCES),
            sources=self.strings(node, "sources", where),
            notes=self.optional_string(node, "notes", where),
            method_confidence=self.optional_string(node, "method_confidence", where),
        )

    def endpoint_id(self, node: Mapping[Any, Any], where: str, seen: _Seen) -> str:
        endpoint_id = self.pattern(node, "id", where, _ENDPOINT_ID, "endpoint id")
        line = _line_of(node, "id")
        if endpoint_id in seen.ids:
            first = seen.ids[endpoint_id]
            self.fail(
                f"{where}.id", f"duplicate id {endpoint_id!r} (first used at line {first})", line
            )
        seen.ids[endpoint_id] = line
        return endpoint_id

    def template(self, node: Mapping[Any, Any], where: str) -> str:
        path = self.string(node, "path", where)
        problem = template_problem(path)
        if problem is not None:
            self.fail(f"{where}.path", f"{problem}: {path!r}", _line_of(node, "path"))
        return path

    def routes(
        self, node: Mapping[Any, Any], where: str, endpoint_id: str, path: str, seen: _Seen
    ) -> None:
        methods = node["methods"]
        for method in methods:
            key = (template_shape(path), method)
            line = _line_of(methods, method)
            if key in seen.routes:
                other, first = seen.routes[key]
                message = f"duplicate endpoint {method} {path} (also {other!r}, line {first})"
                self.fail(f"{where}.methods.{method}", message, line)
            seen.routes[key] = (endpoint_id, line)

    def methods(
        self, node: Mapping[Any, Any], where: str, scopes: Mapping[str, ScopeInfo]
    ) -> Mapping[str, tuple[str, ...] | None]:
        where = f"{where}.methods"
        methods = self.mapping(node["methods"], where, _line_of(node, "methods"))
        if not methods:
            self.fail(where, "must name at least one HTTP method", _line_of(node, "methods"))
        result: dict[str, tuple[str, ...] | None] = {}
        for method in methods:
            self.method_name(method, f"{where}.{method}", _line_of(methods, method))
            result[method] = self.method_scopes(methods, method, f"{where}.{method}", scopes)
        return FrozenMap(result)

    def method_name(self, method: Any, where: str, line: int | None) -> None:
        if method in HTTP_METHODS:
            return
        text = str(method)
        if text.upper() in HTTP_METHODS:
            self.fail(where, f"HTTP methods must be upper-case (write {text.upper()!r})", line)
        self.fail(where, "unknown HTTP method" + _suggest(text.upper(), HTTP_METHODS), line)

    def method_scopes(
        self, methods: Mapping[Any, Any], method: str, where: str, scopes: Mapping[str, ScopeInfo]
    ) -> tuple[str, ...] | None:
        value = methods[method]
        if value == UNKNOWN_SCOPE:
            return None
        if not isinstance(value, list):
            message = f"expected a list of scopes or {UNKNOWN_SCOPE!r}, got {_describe(value)}"
            self.fail(where, message, _line_of(methods, method))
        for index, scope in enumerate(value):
            self.scope_use(
                scope, value[:index], f"{where}[{index}]", _line_of(value, index), scopes
            )
        return tuple(value)

    def scope_use(
        self,
        scope: Any,
        before: list[Any],
        where: str,
        line: int | None,
        scopes: Mapping[str, ScopeInfo],
    ) -> None:
        if not isinstance(scope, str):
            self.fail(where, f"expected a scope name, got {_describe(scope)}", line)
        if scope not in scopes:
            self.fail(where, f"undeclared scope {scope!r}" + _suggest(scope, list(scopes)), line)
        if scopes[scope].status in UNUSABLE_SCOPE_STATUSES:
            status = scopes[scope].status
            self.fail(where, f"scope {scope!r} has status {status} and cannot be required", line)
        if scope in before:
            self.fail(where, f"scope {scope!r} is listed twice", line)
