"""The scopes an app is granted, where they were declared, and whether they are real.

Sources, first found wins: `--granted` on the command line, `[tool.fbscopes] scopes = [...]`
in the config file, the scopes of the scope manifest (`freshbooks-scopes.yaml`), which is
what `fbscopes lock` wrote and a developer ticked in the FreshBooks developer portal.

`validate_granted` checks every name against the catalogue: an unknown or misspelt name, or a
scope FreshBooks does not have (status `nonexistent` / `disputed-probably-nonexistent`), is a
`ConfigError` (exit 2) pointing at the declaration and suggesting the closest real scope.
`admin:all:legacy` and undocumented scopes are valid but come with an explanation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer.catalogue import Catalogue
from analyzer.config import Config, suggest_scope, validate_scope
from analyzer.errors import ConfigError
from analyzer.policy.manifest import MANIFEST_NAME, Manifest

LEGACY_SCOPE = "admin:all:legacy"
# FreshBooks adds user:profile:read to every new app (https://www.freshbooks.com/api/scopes).
IMPLICIT_SCOPES = frozenset({"user:profile:read"})
COMMAND_LINE = "--granted"


@dataclass(frozen=True, slots=True)
class Granted:
    """Declared scopes (sorted, unique) and where: `path` is None for the command line."""

    scopes: tuple[str, ...]
    source: str
    path: str | None = None
    lines: Mapping[str, int] = field(default_factory=dict, hash=False, compare=False)

    def line_of(self, scope: str) -> int | None:
        return self.lines.get(scope)

    def covers(self, scope: str) -> bool:
        """Whether a token of this app carries `scope` (legacy grants everything)."""
        return scope in self.scopes or scope in IMPLICIT_SCOPES or LEGACY_SCOPE in self.scopes


@dataclass(frozen=True, slots=True)
class ScopeNote:
    """An explanation attached to a granted scope (legacy, undocumented)."""

    scope: str
    kind: str  # "legacy" | "undocumented"
    message: str


def granted_from_cli(values: Sequence[str]) -> Granted | None:
    """`--granted a,b --granted c` -> Granted, or None when the flag was not given."""
    if not values:
        return None
    names = [n for value in values for n in value.replace(",", " ").split()]
    for name in names:
        try:
            validate_scope(name)
        except ValueError as error:
            raise ConfigError(f"--granted: {error}", "command line") from None
    return Granted(tuple(sorted(set(names))), COMMAND_LINE)


def granted_from_config(config: Config) -> Granted | None:
    """The config file's `scopes`, with the line of each name, or None when not declared."""
    if config.scopes is None:
        return None
    path = config.source
    lines = _scope_lines(Path(path), config.scopes) if path else {}
    return Granted(tuple(sorted(set(config.scopes))), path or "config", path, lines)


def granted_from_manifest(manifest: Manifest) -> Granted:
    """The manifest's scopes, as ticked in the developer portal after `fbscopes lock`."""
    path = manifest.path or MANIFEST_NAME
    return Granted(tuple(sorted(manifest.scope_names)), path, path, manifest.lines)


def _scope_lines(path: Path, scopes: Iterable[str]) -> dict[str, int]:
    """The first line of `path` that quotes each scope (tomllib reports no positions)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for scope in scopes:
            if scope not in found and (f'"{scope}"' in line or f"'{scope}'" in line):
                found[scope] = number
    return found


def validate_granted(granted: Granted, catalogue: Catalogue) -> None:
    """Raise one `ConfigError` listing every granted name that is not a real scope."""
    problems = [p for p in (_problem(s, catalogue) for s in granted.scopes) if p is not None]
    if problems:
        raise ConfigError("\n".join(_locate(granted, scope, text) for scope, text in problems))


def scope_notes(
    granted: Granted, catalogue: Catalogue, required: Sequence[str]
) -> tuple[ScopeNote, ...]:
    """Explanations for granted scopes that are valid but special (legacy, undocumented)."""
    notes = (_note(s, catalogue, required) for s in granted.scopes if s in catalogue.scopes)
    return tuple(n for n in notes if n is not None)


def _problem(scope: str, catalogue: Catalogue) -> tuple[str, str] | None:
    info = catalogue.scopes.get(scope)
    where = f"catalogue {catalogue.name} {catalogue.version}"
    if info is None:
        usable = [s for s, i in catalogue.scopes.items() if i.requestable]
        close = suggest_scope(scope, usable)
        hint = f" (did you mean {close!r}?)" if close else ""
        return scope, f"unknown scope {scope!r}{hint}; it is not in {where}"
    if not info.requestable:
        return scope, f"scope {scope!r} does not exist ({info.status}): {info.description}"
    return None


def _locate(granted: Granted, scope: str, text: str) -> str:
    """`file:line: key: text`, naming the key as the user wrote it."""
    if granted.path is None:
        return f"command line: --granted: {text}"
    line = granted.line_of(scope)
    where = granted.path if line is None else f"{granted.path}:{line}"
    key = "tool.fbscopes.scopes" if granted.path.endswith("pyproject.toml") else "scopes"
    return f"{where}: {key}: {text}"


def _note(scope: str, catalogue: Catalogue, required: Sequence[str]) -> ScopeNote | None:
    info = catalogue.scopes[scope]
    if info.status == "legacy":
        return ScopeNote(scope, "legacy", legacy_message(scope, required))
    if info.status == "exists-undocumented":
        return ScopeNote(scope, "undocumented", f"{scope} is undocumented: {info.description}")
    return None


def legacy_message(scope: str, required: Sequence[str]) -> str:
    """Why `admin:all:legacy` is granted and which granular scopes replace it."""
    replacement = ", ".join(required) or "no scope at all (the code makes no scoped call)"
    return (
        f"{scope} is the blanket scope of FreshBooks apps created before October 2021, when "
        "granular user:<object>:<read|write> scopes arrived. It grants every API, so no call "
        "is refused, but it is far more than the code needs. The granular replacement this "
        f"code needs: {replacement}. After switching, every existing user must authorise the "
        "app again."
    )
