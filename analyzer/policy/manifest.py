"""The scope manifest (`freshbooks-scopes.yaml`): a reviewed lockfile of the scopes the code needs.

`fbscopes lock` writes it; `fbscopes check` compares it with the code and fails when it is
stale. For each scope it records the endpoints (`METHOD /template`) behind it and the files
calling each endpoint. Staleness compares (scope, endpoint, file) triples only: the line after
each file name is informational, so moving code never makes the manifest stale. File paths are
relative to the manifest's directory, so the result does not depend on where fbscopes runs.

The file is written deterministically (sorted, fixed header); `manifest_reader` reads it with
the safe, line-aware loader and reports every problem as a `ConfigError` with `file:line`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analyzer.config import Config
from analyzer.models import Report, Status
from analyzer.report.base import endpoint_label, ordered_findings

MANIFEST_NAME = "freshbooks-scopes.yaml"
MANIFEST_VERSION = 1

HEADER = """\
# FreshBooks OAuth scopes this app needs. Written by `fbscopes lock`; do not edit by hand.
#
# Tick exactly these scopes for the app in the FreshBooks developer portal. Review changes to
# this file like a lockfile: adding a scope makes every existing user authorise the app again.
# `fbscopes check` fails when the code and this file disagree on a scope, an endpoint or a
# file calling it. Line numbers after file names are informational only.
"""
_UNRESOLVED_NOTE = "# Calls whose endpoint or scope could not be worked out: check them by hand.\n"
_SITE = re.compile(r"(?P<path>.+?)(?::(?P<line>\d+))?")

Triple = tuple[str, str, str]  # (scope, "METHOD /endpoint", file)


@dataclass(frozen=True, slots=True)
class ManifestScope:
    """One scope: what it grants and, per endpoint, the `file:line` call sites."""

    name: str
    description: str
    endpoints: Mapping[str, tuple[str, ...]] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Manifest:
    """A manifest, built from a report or read from a file (`path` and `lines` then set)."""

    catalogue: str
    scopes: tuple[ManifestScope, ...]
    unresolved: tuple[str, ...] = ()
    path: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False)

    @property
    def scope_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.scopes)

    def triples(self) -> frozenset[Triple]:
        """What staleness compares: (scope, endpoint, file), lines dropped."""
        out: set[Triple] = set()
        for scope in self.scopes:
            out.add((scope.name, "", ""))
            for endpoint, sites in scope.endpoints.items():
                out.add((scope.name, endpoint, ""))
                out.update((scope.name, endpoint, site_path(s)) for s in sites)
        return frozenset(out)


def site_path(site: str) -> str:
    """`app.py:12` -> `app.py` (a site without a line is returned unchanged)."""
    match = _SITE.fullmatch(site)
    return match.group("path") if match else site


# --------------------------------------------------------------------------- building


def build_manifest(report: Report, relocate: Callable[[str], str]) -> Manifest:
    """The manifest the code needs now. `relocate` maps a report path to a manifest path."""
    sites: dict[str, dict[str, set[tuple[str, int]]]] = {}
    for f in ordered_findings(report):
        for scope in f.counted_scopes:
            by_endpoint = sites.setdefault(scope, {})
            by_endpoint.setdefault(endpoint_label(f), set()).add((relocate(f.path), f.line))
    scopes = tuple(
        ManifestScope(
            scope,
            report.scope_descriptions.get(scope, "").strip(),
            {ep: _format_sites(s) for ep, s in sorted(sites[scope].items())},
        )
        for scope in sorted(sites)
    )
    unresolved = tuple(
        f"{relocate(f.path)}:{f.line} {f.via}"
        for f in ordered_findings(report)
        if f.status is Status.UNRESOLVED and f.suppression is None
    )
    catalogue = f"{report.catalogue.name}@{report.catalogue.version}"
    return Manifest(catalogue, scopes, unresolved)


def _format_sites(sites: Iterable[tuple[str, int]]) -> tuple[str, ...]:
    return tuple(f"{path}:{line}" for path, line in sorted(sites))


def render_manifest(manifest: Manifest) -> str:
    """The file text: header comment, then version, catalogue, scopes, unresolved calls."""
    head = {"version": MANIFEST_VERSION, "catalogue": manifest.catalogue}
    scopes = {
        s.name: {
            "description": s.description,
            "endpoints": {k: list(v) for k, v in s.endpoints.items()},
        }
        for s in manifest.scopes
    }
    parts = [HEADER, _dump(head), _dump({"scopes": scopes or {}})]
    if manifest.unresolved:
        parts += [_UNRESOLVED_NOTE, _dump({"unresolved": list(manifest.unresolved)})]
    return "".join(parts)


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.safe_dump(
        dict(data), sort_keys=False, default_flow_style=False, allow_unicode=True, width=88
    )


# --------------------------------------------------------------------------- locating


def locate_manifest(config: Config, scan_root: Path, flag: Path | None) -> tuple[Path, bool]:
    """The manifest path and whether it was asked for (`--manifest` or the `manifest` key).

    The default is `freshbooks-scopes.yaml` beside the config file, else in the scan root.
    """
    if flag is not None:
        return flag, True
    if config.manifest is not None:
        return Path(config.manifest), True
    base = Path(config.source).parent if config.source else scan_root
    return base / MANIFEST_NAME, False


def manifest_for(report: Report, scan_root: Path, manifest_path: Path) -> Manifest:
    """The manifest `report` needs, with paths relative to the manifest's directory."""
    root, base = scan_root.resolve(), manifest_path.parent.resolve()

    def relocate(path: str) -> str:
        return Path(os.path.relpath(root / path, base)).as_posix()

    return build_manifest(report, relocate)


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True, slots=True)
class ManifestChange:
    """One line of a stale manifest's difference: `+` the code needs it, `-` it no longer does."""

    sign: str
    scope: str
    endpoint: str = ""
    path: str = ""

    def describe(self) -> str:
        if not self.endpoint:
            verb = "new scope" if self.sign == "+" else "scope no longer needed"
            return f"{self.sign} {self.scope} ({verb})"
        if not self.path:
            return f"{self.sign} {self.scope}: {self.endpoint}"
        return f"{self.sign} {self.scope}: {self.endpoint} called from {self.path}"


@dataclass(frozen=True, slots=True)
class ManifestStatus:
    """How a manifest file compares with the code."""

    path: str
    exists: bool
    changes: tuple[ManifestChange, ...] = ()
    locked_catalogue: str | None = None
    current_catalogue: str = ""

    @property
    def stale(self) -> bool:
        return not self.exists or bool(self.changes)


def compare_manifests(locked: Manifest, current: Manifest) -> tuple[ManifestChange, ...]:
    """The changes that turn `locked` into `current`, sorted by scope then sign."""
    old, new = locked.triples(), current.triples()
    changes = [ManifestChange("+", *t) for t in new - old]
    changes += [ManifestChange("-", *t) for t in old - new]
    return tuple(
        sorted(_prune(changes), key=lambda c: (c.scope, c.sign != "+", c.endpoint, c.path))
    )


def _prune(changes: list[ManifestChange]) -> list[ManifestChange]:
    """Drop endpoint rows whose file rows say the same thing in more detail."""
    detailed = {(c.sign, c.scope, c.endpoint) for c in changes if c.path}
    return [
        c
        for c in changes
        if c.path or not c.endpoint or (c.sign, c.scope, c.endpoint) not in detailed
    ]


def manifest_status(path: Path, locked: Manifest | None, current: Manifest) -> ManifestStatus:
    """How the manifest at `path` (`locked`, None when absent) compares with `current`."""
    shown = locked.path if locked is not None and locked.path else str(path)
    if locked is None:
        return ManifestStatus(shown, False, current_catalogue=current.catalogue)
    changes = compare_manifests(locked, current)
    return ManifestStatus(shown, True, changes, locked.catalogue, current.catalogue)
