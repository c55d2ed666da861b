"""Classify one URL alternative: which host it goes to and which path (with holes) it asks for."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from analyzer import strings
from analyzer.values import Hole, Str, Unknown, Value, is_param

FRESHBOOKS = "freshbooks"
FOREIGN = "foreign"
CLASSIC = "classic"
UNKNOWN = "unknown"
NO_HOST = "none"


@dataclass(frozen=True, slots=True)
class UrlInfo:
    host_kind: str  # freshbooks | foreign | classic | unknown | none
    path: str | None  # path with `{label}` holes, without query or fragment
    param: bool  # depends on a parameter of the root being analysed
    display: str  # human form of the whole URL


def analyse(url: Value, base: Value | None, join: str, hosts: Collection[str]) -> UrlInfo:
    """Classify a single URL alternative (`url`, `base` are not `Choice`s)."""
    if not isinstance(url, Str):
        return UrlInfo(UNKNOWN, None, is_param(url), "<unknown>")
    text, holes = strings.to_text(url)
    if _has_scheme(text):
        return _absolute(url, hosts)
    if text and _is_hole(text[0]):
        return _leading_hole(url, holes)
    if base is None:
        return UrlInfo(NO_HOST, None, False, strings.describe(url))
    if not isinstance(base, Str):
        path = _path_only(url) if text.startswith("/") else None
        return UrlInfo(
            UNKNOWN, path, is_param(base) or is_param(url), "{base_url}" + strings.describe(url)
        )
    combined = strings.urljoin(base, url) if join == "urljoin" else _append(base, url)
    if isinstance(combined, Str):
        return (
            _absolute(combined, hosts)
            if _has_scheme(strings.to_text(combined)[0])
            else _leading_hole(combined, strings.to_text(combined)[1])
        )
    return UrlInfo(UNKNOWN, None, is_param(combined), "<unknown>")


def _append(base: Str, url: Str) -> Value:
    """httpx semantics: a relative URL is appended to the base URL's path."""
    left = strings.map_text(base, lambda t: t.rstrip("/"))
    right = strings.map_text(url, lambda t: t if t.startswith("/") else "/" + t)
    if not isinstance(left, Str) or not isinstance(right, Str):
        return Unknown("join")
    return Str((*left.parts, *right.parts))


def _has_scheme(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _is_hole(char: str) -> bool:
    return 0xE000 <= ord(char) < 0xF8FF


def _absolute(url: Str, hosts: Collection[str]) -> UrlInfo:
    text, holes = strings.to_text(url)
    rest = text.split("://", 1)[1]
    host, slash, path = rest.partition("/")
    host = host.split("@")[-1].split(":")[0].lower()
    path_value = strings.from_text(slash + path, holes)
    display = strings.describe(url)
    param = is_param(url)
    if any(_is_hole(c) for c in host):
        known = host[: min(i for i, c in enumerate(host) if _is_hole(c))]
        if known in hosts:  # `BASE + path`: the hole is the path, not part of the host
            return UrlInfo(FRESHBOOKS, None, param, display)
        suffix = host[max(i for i, c in enumerate(host) if _is_hole(c)) + 1 :]
        if suffix.endswith(".freshbooks.com") and "xml-in" in path:
            return UrlInfo(CLASSIC, None, param, display)
        if "." in suffix.strip(".") and not any(h.endswith(suffix) for h in hosts):
            return UrlInfo(FOREIGN, _path_only(path_value), param, display)  # {tenant}.example.org
        return UrlInfo(UNKNOWN, _path_only(path_value), param, display)
    if host.endswith(".freshbooks.com") and "/api/2.1/xml-in" in "/" + path:
        return UrlInfo(CLASSIC, None, param, display)
    kind = FRESHBOOKS if host in hosts else FOREIGN
    return UrlInfo(kind, _path_only(path_value), param, display)


def _leading_hole(url: Str, holes: list[Hole]) -> UrlInfo:
    """`{base}/accounting/...`: the host is unknown, the path may still be known."""
    first = url.parts[0]
    rest = Str(url.parts[1:])
    rest_text, _ = strings.to_text(rest)
    path = _path_only(rest) if rest_text.startswith("/") else None
    param = isinstance(first, Hole) and first.param
    return UrlInfo(UNKNOWN, path, param or is_param(url), strings.describe(url))


def _path_only(path: Str) -> str | None:
    """Path text with `{label}` holes, query and fragment removed; None if it has no shape."""
    rendered = strings.describe(path)
    for marker in ("?", "#"):
        rendered = rendered.split(marker, 1)[0]
    if not rendered.startswith("/"):
        rendered = "/" + rendered
    return rendered
