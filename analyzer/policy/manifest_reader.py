"""Reading a scope manifest: the safe, line-aware YAML loader plus validation.

Every problem is a `ConfigError(message, file, line)`: unknown keys (with a suggestion), an
unsupported `version`, malformed scope names, endpoints that are not `METHOD /path`.
"""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.config import display_path, suggest, validate_scope
from analyzer.errors import ConfigError
from analyzer.policy.manifest import MANIFEST_VERSION, Manifest, ManifestScope
from analyzer.yamlio import LineDict, LineList, YamlError, load_yaml

_TOP_KEYS = ("version", "catalogue", "scopes", "unresolved")
_SCOPE_KEYS = ("description", "endpoints")
_ENDPOINT = re.compile(r"[A-Z]+ \S+")


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest file. Raises `ConfigError(message, file, line)`."""
    shown = display_path(path)
    try:
        data = load_yaml(path)
    except YamlError as error:
        raise ConfigError(error.message, shown, error.line) from None
    except UnicodeDecodeError:
        raise ConfigError("manifest is not valid UTF-8", shown) from None
    except OSError as error:
        raise ConfigError(f"cannot read manifest: {error.strerror or error}", shown) from None
    return _Reader(shown).manifest(data)


class _Reader:
    """Validates the parsed YAML, raising `ConfigError` at the first problem."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def fail(self, message: str, line: int | None) -> ConfigError:
        return ConfigError(message, self.shown, line)

    def manifest(self, data: object) -> Manifest:
        if not isinstance(data, LineDict):
            raise self.fail("a scope manifest must be a mapping (run `fbscopes lock`)", 1)
        self.known_keys(data, _TOP_KEYS, "")
        self.version(data)
        catalogue = self.string(data, "catalogue", "catalogue", required=True)
        scopes, lines = self.scopes(data)
        unresolved = self.strings(data.get("unresolved"), "unresolved", data.line_of("unresolved"))
        return Manifest(catalogue, scopes, unresolved, self.shown, lines)

    def known_keys(self, data: LineDict, allowed: tuple[str, ...], where: str) -> None:
        for key in data:
            if key not in allowed:
                close = suggest(str(key), allowed)
                hint = f" (did you mean {close!r}?)" if close else ""
                raise self.fail(f"{where}{key}: unknown key{hint}", data.line_of(key))

    def version(self, data: LineDict) -> None:
        if "version" not in data:
            raise self.fail("missing key 'version'", data.line)
        if data["version"] != MANIFEST_VERSION:
            message = f"version: unsupported manifest version {data['version']!r}; expected 1"
            raise self.fail(message, data.line_of("version"))

    def string(self, data: LineDict, key: str, where: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            problem = "missing key" if key not in data else "expected a non-empty string"
            raise self.fail(f"{where}: {problem}", data.line_of(key))
        return value

    def strings(self, value: object, where: str, line: int) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, LineList):
            raise self.fail(f"{where}: expected a list of strings", line)
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}[{index}]: expected a string", value.line_of(index))
        return tuple(value)

    def scopes(self, data: LineDict) -> tuple[tuple[ManifestScope, ...], dict[str, int]]:
        table = data.get("scopes")
        if table is None:
            return (), {}
        if not isinstance(table, LineDict):
            raise self.fail("scopes: expected a mapping of scope names", data.line_of("scopes"))
        out = [self.scope(str(name), table[name], table.line_of(name)) for name in table]
        lines = {str(name): table.line_of(name) for name in table}
        return tuple(sorted(out, key=lambda s: s.name)), lines

    def scope(self, name: str, body: object, line: int) -> ManifestScope:
        try:
            validate_scope(name)
        except ValueError as error:
            raise self.fail(f"scopes: {error}", line) from None
        if body is None:
            return ManifestScope(name, "", {})
        if not isinstance(body, LineDict):
            raise self.fail(f"scopes.{name}: expected a mapping", line)
        self.known_keys(body, _SCOPE_KEYS, f"scopes.{name}.")
        description = self.string(body, "description", f"scopes.{name}.description")
        return ManifestScope(name, description, self.endpoints(name, body))

    def endpoints(self, scope: str, body: LineDict) -> dict[str, tuple[str, ...]]:
        table = body.get("endpoints")
        where = f"scopes.{scope}.endpoints"
        if table is None:
            return {}
        if not isinstance(table, LineDict):
            raise self.fail(f"{where}: expected a mapping", body.line_of("endpoints"))
        out: dict[str, tuple[str, ...]] = {}
        for key in table:
            if not isinstance(key, str) or not _ENDPOINT.fullmatch(key):
                message = f"{where}: {key!r} is not 'METHOD /path'"
                raise self.fail(message, table.line_of(key))
            out[key] = self.strings(table[key], f"{where}.{key}", table.line_of(key))
        return out
