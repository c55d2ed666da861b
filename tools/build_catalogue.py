"""Generate the built-in FreshBooks scope catalogues from the research reference.

Reads ``freshbooks-endpoints.yaml`` (default ``../shared/reference/freshbooks-endpoints.yaml``
relative to the repository root) and writes ``catalogue/freshbooks/<version>.yaml`` for
every catalogue version the reference's ``versions:`` timeline supports. The generated files
are checked in; ``--check`` fails when they differ from what this script would write, and
``tests/catalogue/test_catalogue_files.py`` does the same check when the reference exists.

How the reference becomes catalogue versions:

* A catalogue version is the month of one of the timeline entries in ``_VERSION_ENTRIES``.
* Every endpoint family and scope belongs to one timeline entry (``_FAMILIES``,
  ``_SCOPE_ENTRIES``; default ``scopes-v1``). It first appears in the earliest catalogue
  version whose month is on or after that entry's ``effective`` lower bound, and stays in
  every later version.
* Entries on another host, and entries whose path was not captured, are not API endpoints
  on api.freshbooks.com: they are left out and listed in each file's header.
* A scope list ``[]`` (no OAuth scope) stays ``[]``; a list of ``<free text>`` placeholders
  (webhooks) becomes ``unknown`` and the free text moves into ``notes``.

Usage: ``.venv/bin/python tools/build_catalogue.py [REFERENCE] [--out DIR] [--check]``
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from analyzer.catalogue.schema import parse_catalogue  # noqa: E402
from analyzer.yamlio import load_yaml, parse_yaml  # noqa: E402

DEFAULT_REFERENCE = REPO_ROOT / "../shared/reference/freshbooks-endpoints.yaml"
DEFAULT_OUT = REPO_ROOT / "catalogue" / "freshbooks"
CATALOGUE_NAME = "freshbooks"
API_HOST = "api.freshbooks.com"

# Timeline entries that open a new catalogue version; the version is the entry's month.
_VERSION_ENTRIES = ("scopes-v1", "uploads", "ledger-business-uuid", "portal-2026-09")

# Endpoint families that are not part of scopes-v1: (timeline entry, path prefixes, text).
_FAMILIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("uploads", ("/uploads/",), "uploads endpoints (/uploads/...)"),
    ("online-payments", ("/payments/",), "online payments (/payments/account/{account_id}/...)"),
    (
        "team-members",
        ("/auth/api/v1/businesses/{business_id}/team_members",),
        "team members (/auth/api/v1/businesses/{business_id}/team_members...)",
    ),
    (
        "ledger-business-uuid",
        ("/accounting/businesses/{business_uuid}/", "/accounting/ledger_accounts/"),
        "business_uuid ledger family (/accounting/businesses/{business_uuid}/...,"
        " /accounting/ledger_accounts/...)",
    ),
)
_BASE_ENTRY = "scopes-v1"

# Scopes that are not part of scopes-v1, by object: object -> timeline entry.
_SCOPE_ENTRIES = {
    "uploads": "uploads",
    "account": "ledger-business-uuid",
    "riskhub": "portal-2026-09",
}
_STATUSES = (
    "exists",
    "exists-undocumented",
    "legacy",
    "disputed-probably-nonexistent",
    "nonexistent",
)

_MONTH = re.compile(r"\b(\d{4}-\d{2})\b")

_HEADER_RULES = """\
#
# Placement decisions:
#   Online payments (/payments/account/{account_id}/...): the timeline dates them >=2021-12
#     (freshbooks-sdk 1.0.0), after scopes-v1 (2021-10), so they first appear in 2022-07.
#     The user:online_payments:* scopes are scopes-page objects and are declared from 2021-10
#     (the documented /accounting/.../systems/gateways endpoints use them).
#   Bills, bill vendors and bill payments follow bills-beta (>=2021-08): in 2021-10.
#   Team members (>=2023-01) and the business_uuid ledger family (>=2023-09, with
#     user:account:*) first appear in 2023-09; 2026-09 adds only the portal's riskhub scopes.
#
# Conventions (see analyzer/catalogue/schema.py for the format):
#   confidence: documented = a FreshBooks page (or an official mirror/staging copy) names the
#     resource's scopes; the per-method split (GET -> :read, POST/PUT/DELETE -> :write) is the
#     naming convention, recorded in method_confidence. inferred = the path comes from an SDK,
#     Postman or a third party and the scopes are GUESSES from naming or third-party reports.
#   A method mapped to [] needs no OAuth scope (client credentials, e.g. the token endpoint).
#   A method mapped to `unknown` has a scope nobody could pin down (webhook callbacks depend
#     on the event); the analyser reports such calls as unresolved. The reference's free text
#     is kept in notes.
#   Scopes with status nonexistent / disputed-probably-nonexistent are declared so a policy
#     check can explain why requesting them fails; no endpoint requires them.
#   The portal's mcp:* family is not declared: its exact scope strings were never recorded.
#   Dates after 2021-10 are lower bounds (SDK releases, example data). Each family sits in the
#     first version on or after its timeline date. Entries with no dated evidence (mostly
#     Postman-only, inferred) sit in 2021-10: that placement is not evidence of their age.
"""


@dataclass(frozen=True, slots=True)
class Reference:
    """The parsed reference file plus what is derived from its timeline."""

    data: Mapping[str, Any]
    digest: str
    months: Mapping[str, str]  # timeline entry id -> first YYYY-MM of its `effective`

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted(self.months[entry] for entry in _VERSION_ENTRIES))

    def version_of(self, entry: str) -> str:
        """The first catalogue version on or after timeline entry ``entry``."""
        month = self.months[entry]
        return next(v for v in self.versions if v >= month)

    def timeline(self, entry: str) -> Mapping[str, Any]:
        return next(t for t in self.data["versions"] if t["id"] == entry)


@dataclass(frozen=True, slots=True)
class Placed:
    """A converted endpoint or scope and the first catalogue version that carries it."""

    since: str
    key: str
    body: dict[str, Any]


class _Flow(list[Any]):
    """A list written in flow style (``[a, b]``)."""


class _Quoted(str):
    """A string written double-quoted (versions, so they never read as numbers or dates)."""

    __slots__ = ()


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents block sequences under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_quoted(dumper: yaml.SafeDumper, data: _Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_Quoted, _represent_quoted)


# -- reading the reference -------------------------------------------------------------


def load_reference(path: Path) -> Reference:
    """Read the reference safely and derive each timeline entry's month."""
    text = path.read_bytes()
    data = load_yaml(path)
    months = {}
    for entry in data["versions"]:
        effective = str(entry["effective"])
        match = _MONTH.search(effective)
        if match and not effective.startswith(".."):  # "..2021-09" is an upper bound
            months[entry["id"]] = match.group(1)
    return Reference(data, hashlib.sha256(text).hexdigest()[:16], months)


def skip_reason(entry: Mapping[str, Any]) -> str | None:
    """Why a reference entry is not an api.freshbooks.com endpoint, or None if it is."""
    path = str(entry["path"])
    if entry.get("path_known") is False:
        return "its exact path was not captured (path_known: false)"
    if "://" in path:
        host = path.split("://", 1)[1].split("/", 1)[0]
        if host != API_HOST:
            return f"it is on {host}, not {API_HOST}"
    return None


def family_of(path: str) -> str:
    """The timeline entry an endpoint path belongs to."""
    for entry, prefixes, _ in _FAMILIES:
        if path.startswith(prefixes):
            return entry
    return _BASE_ENTRY


def scope_entry(name: str) -> str:
    """The timeline entry a scope belongs to (`user:<object>:<action>`)."""
    parts = name.split(":")
    return _SCOPE_ENTRIES.get(parts[1], _BASE_ENTRY) if len(parts) == 3 else _BASE_ENTRY


# -- converting ---------------------------------------------------------------------------


def convert_scopes(ref: Reference) -> list[Placed]:
    """Every declarable scope, in reference order. Wildcard families are skipped."""
    placed = []
    for scope in ref.data["scopes"]:
        name = str(scope["scope"])
        if "*" in name:
            continue
        if scope["status"] not in _STATUSES:
            raise ValueError(f"scope {name}: unexpected status {scope['status']!r}")
        body = {
            "description": " ".join(str(scope["description"]).split()),
            "status": scope["status"],
        }
        placed.append(Placed(ref.version_of(scope_entry(name)), name, body))
    return placed


def convert_methods(entry: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Methods for the catalogue, plus `METHOD: <free text>` notes for unknown scopes."""
    methods: dict[str, Any] = {}
    unknown: list[str] = []
    notes = str(entry.get("notes", "")).lower()
    for method, scopes in entry["methods"].items():
        if not scopes and "scope unknown" in notes:
            # `[]` with "scope unknown" in the notes is not "no scope": never invent one.
            methods[str(method)] = "unknown"
            unknown.append(f"{method}: the reference lists no scope and says it is unknown")
            continue
        placeholders = [s for s in scopes if str(s).startswith("<")]
        if placeholders and len(placeholders) != len(scopes):
            raise ValueError(f"{entry['resource']} {method}: mixes scopes and placeholders")
        if placeholders:
            methods[str(method)] = "unknown"
            unknown.append(f"{method}: {'; '.join(str(p) for p in placeholders)}")
        else:
            methods[str(method)] = _Flow(str(s) for s in scopes)
    return methods, unknown


def convert_endpoint(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One reference entry as a catalogue endpoint mapping (key order = file order)."""
    methods, unknown = convert_methods(entry)
    body: dict[str, Any] = {"id": str(entry["resource"]), "path": str(entry["path"])}
    body["methods"] = methods
    body["confidence"] = str(entry["confidence"])
    if "method_confidence" in entry:
        body["method_confidence"] = str(entry["method_confidence"])
    body["sources"] = [str(s) for s in entry["source"]]
    notes = [str(entry["notes"])] if "notes" in entry else []
    if unknown:
        notes.append("Scope unknown (reference placeholders): " + " | ".join(unknown) + ".")
    if notes:
        body["notes"] = " ".join(notes)
    return body


def convert_endpoints(ref: Reference) -> tuple[list[Placed], list[str]]:
    """API endpoints with their first version, and header lines for the skipped entries."""
    placed, skipped = [], []
    for entry in ref.data["endpoints"]:
        reason = skip_reason(entry)
        if reason is not None:
            methods = ", ".join(entry["methods"])
            skipped.append(f"{entry['resource']} ({methods} {entry['path']}): {reason}")
            continue
        since = ref.version_of(family_of(str(entry["path"])))
        placed.append(Placed(since, str(entry["resource"]), convert_endpoint(entry)))
    return placed, skipped


# -- rendering ----------------------------------------------------------------------------


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def _comment(lines: Sequence[str]) -> Iterator[str]:
    for line in lines:
        yield f"# {line}".rstrip() + "\n"


def header(ref: Reference, reference_name: str, version: str, skipped: Sequence[str]) -> str:
    """The generated-file header: provenance, contents of this version, conventions."""
    entries = [e for e in ref.data["versions"] if e["id"] in ref.months]
    included = [e for e in entries if ref.version_of(e["id"]) <= version]
    lines = [
        "GENERATED by tools/build_catalogue.py - do not edit by hand; regenerate with",
        "  .venv/bin/python tools/build_catalogue.py [path/to/freshbooks-endpoints.yaml]",
        f"Source: {reference_name} (sha256 {ref.digest}...), a research artefact",
        "(narrative in freshbooks-api.md). Every `inferred` entry is a guess, not verified live.",
        "",
        f"FreshBooks scope catalogue {version}. Timeline entries included (id: effective):",
        *(f"  {e['id']}: {e['effective']}" for e in included),
        *_family_lines(ref, version),
        "",
        f"Left out (not API endpoints on {API_HOST}; the matcher must never match them):",
        *(f"  {line}" for line in skipped),
    ]
    return "".join(_comment(lines)) + _HEADER_RULES


def _family_lines(ref: Reference, version: str) -> Iterator[str]:
    yield f"Endpoint families ({_BASE_ENTRY} = everything not listed; version = first carried in):"
    for entry, _, text in _FAMILIES:
        since = ref.version_of(entry)
        state = "included" if since <= version else "NOT included"
        yield f"  {text}: {state} (timeline {entry}, from {since})"


def render(ref: Reference, reference_name: str, version: str) -> str:
    """The full text of ``<version>.yaml``."""
    scopes = {p.key: p.body for p in convert_scopes(ref) if p.since <= version}
    endpoints, skipped = convert_endpoints(ref)
    top = {
        "schema": 1,
        "catalogue": CATALOGUE_NAME,
        "version": _Quoted(version),
        "effective": _Quoted(ref.timeline(_entry_opening(ref, version))["effective"]),
        "hosts": _Flow([API_HOST]),
        "scopes": scopes,
    }
    listed = [p.body for p in endpoints if p.since <= version]
    body = _dump(top) + "\n" + _dump({"endpoints": listed})
    body = body.replace("\n  - id: ", "\n\n  - id: ").replace("endpoints:\n\n", "endpoints:\n", 1)
    return header(ref, reference_name, version, skipped) + "\n" + body


def _entry_opening(ref: Reference, version: str) -> str:
    return next(e for e in _VERSION_ENTRIES if ref.months[e] == version)


def build(reference: Path) -> dict[str, str]:
    """Render every catalogue version: file name -> text. Each text is validated."""
    ref = load_reference(reference)
    files = {}
    for version in ref.versions:
        text = render(ref, reference.name, version)
        name = f"{version}.yaml"
        parse_catalogue(
            parse_yaml(text), file=name, stem=version, source="build", name="freshbooks"
        )
        files[name] = text
    return files


# -- command line -------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="fail if the files are stale")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    files = build(args.reference)
    stale = [n for n, t in files.items() if _read(args.out / n) != t]
    extra = sorted(p.name for p in args.out.glob("*.yaml") if p.name not in files)
    for name in extra:
        print(f"warning: {args.out / name} is not generated by this script", file=sys.stderr)
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).write_text(files[name], encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


if __name__ == "__main__":
    sys.exit(main())
