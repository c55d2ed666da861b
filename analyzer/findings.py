"""From the events of every root to reported findings.

A call is reported at the innermost call site where its *path* is fixed: the deepest frame
of the event's stack whose own analysis (as a root) already matched the same endpoint and
method. Hosts are confirmed by any root: a FreshBooks host anywhere makes it resolved; only
unknown hosts make it partial; a foreign host with no FreshBooks one drops it. A request whose
endpoint stays unknown is unresolved at the HTTP call, unless its unknown part is a parameter
of a function that the project calls (then its callers are analysed instead).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from analyzer.catalogue import Catalogue, MatchResult
from analyzer.interpret import Event, Site
from analyzer.models import Diagnostic, Finding, Level, RequestedScopes, Status, TraceStep
from analyzer.urls import CLASSIC, FOREIGN, FRESHBOOKS, NO_HOST, UNKNOWN, UrlInfo, analyse
from analyzer.values import Str, Value, alternatives, is_param

SiteKey = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class _Alt:
    event: Event
    method: str | None
    method_param: bool
    info: UrlInfo


@dataclass(slots=True)
class _Call:
    site: Site
    method: str
    endpoint_id: str
    endpoint: str
    scopes: tuple[str, ...] | None
    confidence: str
    sources: tuple[str, ...]
    rule: str
    trace: tuple[Site, ...]
    urls: set[str] = field(default_factory=set)
    hosts: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Collector:
    catalogue: Catalogue
    hosts: Collection[str]
    called: Collection[str]
    truncated: Collection[str]
    fixed: dict[tuple[str, tuple[SiteKey, ...]], set[tuple[str, str]]] = field(default_factory=dict)
    pending: list[tuple[_Alt, MatchResult]] = field(default_factory=list)
    unresolved: dict[SiteKey, tuple[Site, str, _Alt, tuple[Site, ...]]] = field(
        default_factory=dict
    )
    classic: dict[SiteKey, Site] = field(default_factory=dict)
    requested: dict[SiteKey, RequestedScopes] = field(default_factory=dict)


def _key(site: Site) -> SiteKey:
    return (site.path, site.line, site.column)


def _alternatives(event: Event, hosts: Collection[str]) -> list[_Alt]:
    """Every method x URL x base combination (each has at most `values.MAX_CHOICES`)."""
    out: list[_Alt] = []
    for method in alternatives(event.method):
        name = method.literal.upper() if isinstance(method, Str) and method.literal else None
        for url in alternatives(event.url):
            for base in alternatives(event.base) if event.base is not None else (None,):
                info = analyse(url, base, event.join, hosts)
                out.append(_Alt(event, name, is_param(method), info))
    return out


def collect(
    roots: Iterable[tuple[str, list[Event]]],
    catalogue: Catalogue,
    hosts: Collection[str],
    called: Collection[str],
    truncated: Collection[str] = (),
) -> _Collector:
    collector = _Collector(catalogue, hosts, called, truncated)
    for _root, events in roots:
        for event in events:
            if event.kind == "requested":
                _requested(collector, event)
                continue
            _observe_event(collector, _alternatives(event, hosts))
    return collector


def _observe_event(collector: _Collector, alts: list[_Alt]) -> None:
    """Record matched alternatives; unmatched ones only when no alternative matched.

    Method and URL alternatives are combined without knowing which branch each came from
    (`PUT` + item URL, `POST` + collection URL): a combination that matches nothing is taken
    to be an infeasible pairing when its URL matched with another method. Any other
    unmatched combination (an uncatalogued URL among the alternatives) stays unresolved.
    """
    unmatched: list[tuple[_Alt, MatchResult | None]] = []
    matched_paths: set[str | None] = set()
    for alt in alts:
        if not _may_be_freshbooks(collector, alt):
            continue
        match = _match(collector, alt)
        if match is not None and match.endpoint is not None:
            _record_match(collector, alt, match)
            matched_paths.add(alt.info.path)
        elif alt.info.host_kind != FOREIGN:
            unmatched.append((alt, match))
    for alt, match in unmatched:
        if alt.info.path not in matched_paths:
            _record_unresolved(collector, alt, match)


def _may_be_freshbooks(collector: _Collector, alt: _Alt) -> bool:
    """False for relative URLs without a base and for the Classic API (noted on the way)."""
    if alt.info.host_kind == NO_HOST:
        return False
    if alt.info.host_kind == CLASSIC:
        site = alt.event.stack[-1]
        collector.classic.setdefault(_key(site), site)
        return False
    return True


def _match(collector: _Collector, alt: _Alt) -> MatchResult | None:
    if alt.method and alt.info.path:
        return collector.catalogue.match(alt.method, alt.info.path)
    return None


def _record_match(collector: _Collector, alt: _Alt, match: MatchResult) -> None:
    """Remember that this root fixes this endpoint (for attribution) and keep the candidate."""
    assert match.endpoint is not None
    stack = alt.event.stack
    suffix_key = (stack[0].func, tuple(_key(s) for s in stack))
    collector.fixed.setdefault(suffix_key, set()).add((alt.method or "", match.endpoint.id))
    collector.pending.append((alt, match))


def _record_unresolved(collector: _Collector, alt: _Alt, match: MatchResult | None) -> None:
    info, stack = alt.info, alt.event.stack
    depends = info.param or alt.method_param
    cut = stack[0].func in collector.truncated
    if depends and stack[0].func in collector.called and not cut:
        return
    reason = _unresolved_reason(alt, match.reason if match is not None else None)
    if depends and cut:
        reason += " (some callers were beyond the resolution depth limit)"
    site = stack[-1]
    collector.unresolved.setdefault(_key(site), (site, reason, alt, stack))


def _unresolved_reason(alt: _Alt, match_reason: str | None) -> str:
    if alt.method is None:
        return "the HTTP method is only known at run time"
    if alt.info.path is None:
        return f"the URL is only known at run time ({alt.info.display})"
    return match_reason or f"no catalogue entry for {alt.method} {alt.info.path}"


def _requested(collector: _Collector, event: Event) -> None:
    scopes: list[str] = []
    for option in alternatives(event.url):
        scopes.extend(_scope_strings(option))
    if not scopes:
        return
    site = event.stack[-1]
    collector.requested[_key(site)] = RequestedScopes(
        site.path, site.line, site.column, tuple(sorted(set(scopes))), event.rule
    )


def _scope_strings(value: Value) -> list[str]:
    from analyzer.values import Seq

    if isinstance(value, Str) and value.literal:
        return value.literal.replace(",", " ").split()
    if isinstance(value, Seq):
        return [s for item in value.items for s in _scope_strings(item)]
    return []


def _attribute(collector: _Collector, alt: _Alt, endpoint_id: str) -> int:
    stack = alt.event.stack
    for index in range(len(stack) - 1, -1, -1):
        key = (stack[index].func, tuple(_key(s) for s in stack[index:]))
        if (alt.method or "", endpoint_id) in collector.fixed.get(key, set()):
            return index
    return 0


def build(collector: _Collector) -> tuple[list[Finding], list[Diagnostic]]:
    calls: dict[tuple[SiteKey, str, str], _Call] = {}
    for alt, match in collector.pending:
        assert alt.method is not None
        endpoint = match.endpoint
        assert endpoint is not None
        index = _attribute(collector, alt, endpoint.id)
        site = alt.event.stack[index]
        key = (_key(site), alt.method, endpoint.id)
        call = calls.get(key)
        if call is None:
            call = _Call(
                site,
                alt.method,
                endpoint.id,
                endpoint.path,
                match.scopes,
                endpoint.confidence,
                tuple(endpoint.sources),
                alt.event.rule,
                alt.event.stack[index:],
            )
            calls[key] = call
        call.hosts.add(alt.info.host_kind)
        call.urls.add(alt.info.display)
    findings = [f for call in calls.values() if (f := _finding(call)) is not None]
    findings.extend(_unresolved_findings(collector))
    return findings, _classic_notes(collector)


def _finding(call: _Call) -> Finding | None:
    if FRESHBOOKS in call.hosts:
        status = Status.RESOLVED
    elif FOREIGN in call.hosts or UNKNOWN not in call.hosts:
        return None
    else:
        status = Status.PARTIAL
    reason = None
    if call.scopes is None:
        status, reason = (
            Status.UNRESOLVED,
            "FreshBooks does not document which scope this endpoint needs",
        )
    elif status is Status.PARTIAL:
        reason = "the host could not be evaluated; the path matches a FreshBooks endpoint"
    return Finding(
        path=call.site.path,
        line=call.site.line,
        column=call.site.column,
        status=status,
        method=call.method,
        url=sorted(call.urls)[0],
        endpoint=call.endpoint,
        endpoint_id=call.endpoint_id,
        scopes=tuple(sorted(call.scopes or ())),
        via=call.rule,
        trace=_trace(call.trace),
        reason=reason,
        confidence=call.confidence,
        sources=call.sources,
    )


def _trace(stack: tuple[Site, ...]) -> tuple[TraceStep, ...]:
    return tuple(TraceStep(s.path, s.line, s.column, s.text) for s in stack)


def _unresolved_findings(collector: _Collector) -> list[Finding]:
    out: list[Finding] = []
    for site, reason, alt, stack in collector.unresolved.values():
        out.append(
            Finding(
                path=site.path,
                line=site.line,
                column=site.column,
                status=Status.UNRESOLVED,
                method=alt.method,
                url=alt.info.display if alt.info.display != "<unknown>" else None,
                endpoint=None,
                endpoint_id=None,
                scopes=(),
                via=alt.event.rule,
                trace=_trace(stack),
                reason=reason,
            )
        )
    return out


def _classic_notes(collector: _Collector) -> list[Diagnostic]:
    return [
        Diagnostic(
            site.path,
            site.line,
            "classic-api",
            "request to the retired FreshBooks Classic XML API (api/2.1/xml-in): it uses no OAuth "
            "scopes and is not counted",
            Level.INFO,
        )
        for site in collector.classic.values()
    ]


def requested_scopes(collector: _Collector) -> list[RequestedScopes]:
    return list(collector.requested.values())


__all__ = ["build", "collect", "requested_scopes"]
