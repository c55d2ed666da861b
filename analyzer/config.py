"""Settings from `[tool.fbscopes]` in pyproject.toml, or from a file given with `--config`.

Discovery walks up from the scan root and takes the first `pyproject.toml` that has a
`[tool.fbscopes]` table (a pyproject without one is skipped); the walk ends after checking a
directory that contains `.git`. An explicit `--config` file wins: a `pyproject.toml` is read
through its `[tool.fbscopes]` table, any other file (`fbscopes.toml`) holds the same keys at
its top level.

Keys are kebab-case. Every problem is a `ConfigError` carrying the file and the 1-based line of
the offending key; tomllib reports no positions, so `_KeyLines` scans the text for them.
Relative paths in the file (`catalogue`, `manifest`, `cache-dir`) are resolved against the
config file's directory and returned relative to the current directory when possible.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from analyzer.errors import ConfigError

FAIL_ON_CHOICES = ("missing", "excess", "unresolved", "parse-error", "stale", "added")
FORMAT_CHOICES = ("text", "json", "sarif", "markdown", "github", "gitlab")

PYPROJECT = "pyproject.toml"
TABLE_PATH = ("tool", "fbscopes")
_TABLE_NAME = ".".join(TABLE_PATH)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class Config:
    """Validated settings. `None` (or `()`) means "not set": callers apply their defaults."""

    source: str | None = None  # display path of the config file; None for defaults
    scopes: tuple[str, ...] | None = None  # granted scopes of the app; None = not declared
    catalogue: str | None = None  # "2026-09", "freshbooks@2026-09" or a file path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extra_hosts: tuple[str, ...] = ()  # bare, lower-cased host names treated as FreshBooks
    fail_on: tuple[str, ...] = ()  # subset of FAIL_ON_CHOICES
    format: str | None = None  # one of FORMAT_CHOICES
    max_file_size: int | None = None  # bytes, > 0
    manifest: str | None = None  # scope manifest path
    follow_symlinks: bool = False
    jobs: int | None = None  # >= 1
    cache_dir: str | None = None

    def merged(self, **overrides: object) -> Config:
        """A copy where every override that is not None replaces the field.

        Sequences replace the configured tuple (they never extend it) and are stored as
        tuples. An unknown field name raises `TypeError`. Values are not re-validated: use
        `parse_size`, `normalize_host` and `validate_scope` on raw command-line text first.
        """
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in _FIELD_NAMES:
                raise TypeError(f"Config has no field {name!r}")
            if value is not None:
                changes[name] = tuple(value) if isinstance(value, list) else value
        return replace(self, **changes)


_FIELD_NAMES = frozenset(f.name for f in fields(Config))


# --------------------------------------------------------------------------- public helpers


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest of `choices` to `word` (difflib), or None when nothing is close enough."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggest_scope(name: str, known: Iterable[str]) -> str | None:
    """The known scope closest to `name` (case-insensitive, cutoff 0.75), or None.

    `suggest_scope("user:client:read", catalogue_scopes)` -> `"user:clients:read"`.
    """
    by_lower: dict[str, str] = {}
    for scope in known:
        by_lower.setdefault(scope.lower(), scope)
    match = suggest(name.strip().lower(), by_lower, cutoff=0.75)
    return None if match is None else by_lower[match]


_SCOPE = re.compile(r"[^\s:]+:[^\s:]+:[^\s:]+")


def validate_scope(name: str) -> str:
    """Check a scope's syntax only (`a:b:c`, e.g. `user:clients:read`, `admin:all:legacy`).

    Returns the name unchanged; raises `ValueError` with a message otherwise. Whether the
    scope exists is for the catalogue to decide.
    """
    if not name.strip():
        raise ValueError("empty scope name")
    if any(char.isspace() for char in name):
        raise ValueError(f"scope {name!r} contains whitespace (write one scope per list item)")
    if not _SCOPE.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a scope name; expected 'user:<object>:<read|write>',"
            " 'admin:all:legacy' or another 'a:b:c' token"
        )
    return name


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*")
_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
}


def parse_size(text: str) -> int:
    """Bytes from `"123"`, `"500kB"`, `"2MB"`, `"1.5GB"` (decimal) or `"1MiB"` (binary).

    Units are case-insensitive. Raises `ValueError` unless the result is a whole number of
    bytes greater than zero.
    """
    match = _SIZE.fullmatch(text)
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _SIZE_UNITS:
        raise ValueError(
            f"invalid size {text!r}; expected a number of bytes or a string like"
            " '500kB', '2MB' or '1MiB'"
        )
    size = Fraction(match.group(1)) * _SIZE_UNITS[unit]
    if size.denominator != 1:
        raise ValueError(f"size {text!r} is not a whole number of bytes")
    if size <= 0:
        raise ValueError(f"size {text!r} must be greater than zero")
    return int(size)


_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def normalize_host(text: str) -> str:
    """A bare host name, lower-cased and without a trailing dot (`api.staging.example.com`).

    Raises `ValueError` for URLs (scheme, path, port, credentials) and malformed names; the
    message suggests the bare host when one can be recovered.
    """
    host = text.strip().lower().rstrip(".")
    if not host:
        raise ValueError("empty host name")
    if re.search(r"[/:@?#\s]", host):
        bare = _host_from_url(host)
        hint = f" (did you mean {bare!r}?)" if bare else ""
        raise ValueError(f"{text!r} is not a bare host name{hint}")
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"{text!r} is not a valid host name")
    return host


def _host_from_url(text: str) -> str | None:
    rest = text.split("://", 1)[-1]
    rest = re.split(r"[/?#\s]", rest, maxsplit=1)[0]
    rest = rest.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    labels = rest.split(".")
    if rest and all(_HOST_LABEL.fullmatch(label) for label in labels):
        return rest
    return None


def display_path(path: Path) -> str:
    """`path` relative to the current directory when it lies below it, else absolute."""
    resolved = path.expanduser().resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


# --------------------------------------------------------------------------- value parsers

Parser = Callable[[object, Path], object]


def _type_name(value: object) -> str:
    if isinstance(value, dict):
        return "table"
    return type(value).__name__


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_type_name(value)}")
    if not value.strip():
        raise ValueError("expected a non-empty string")
    return value


def _strings(value: object) -> tuple[str, ...]:
    """A list of non-empty strings, duplicates dropped, order kept."""
    if not isinstance(value, list):
        raise ValueError(f"expected a list of strings, got {_type_name(value)}")
    for index, item in enumerate(value, start=1):
        if not isinstance(item, str):
            raise ValueError(f"expected a list of strings, got {_type_name(item)} (item {index})")
        if not item.strip():
            raise ValueError(f"expected a list of strings, got an empty string (item {index})")
    return tuple(dict.fromkeys(value))


def _choice(value: str, choices: tuple[str, ...]) -> str:
    if value in choices:
        return value
    close = suggest(value, choices)
    hint = f" (did you mean {close!r}?)" if close else ""
    raise ValueError(f"unknown value {value!r}{hint}; expected one of: {', '.join(choices)}")


def _parse_scopes(value: object, base_dir: Path) -> tuple[str, ...]:
    return tuple(validate_scope(scope) for scope in _strings(value))


def _parse_patterns(value: object, base_dir: Path) -> tuple[str, ...]:
    return _strings(value)


def _parse_hosts(value: object, base_dir: Path) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize_host(host) for host in _strings(value)))


def _parse_fail_on(value: object, base_dir: Path) -> tuple[str, ...]:
    return tuple(_choice(item, FAIL_ON_CHOICES) for item in _strings(value))


def _parse_format(value: object, base_dir: Path) -> str:
    return _choice(_string(value), FORMAT_CHOICES)


def _parse_bool(value: object, base_dir: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_type_name(value)}")
    return value


def _parse_jobs(value: object, base_dir: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {_type_name(value)}")
    if value < 1:
        raise ValueError(f"expected an integer >= 1, got {value}")
    return value


def _parse_max_size(value: object, base_dir: Path) -> int:
    if isinstance(value, str):
        return parse_size(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"expected an integer or a size string like '2MB', got {_type_name(value)}"
        )
    if value <= 0:
        raise ValueError(f"expected a size greater than zero, got {value}")
    return value


def _parse_path(value: object, base_dir: Path) -> str:
    path = Path(_string(value)).expanduser()
    return display_path(path if path.is_absolute() else base_dir / path)


_CATALOGUE_REF = re.compile(r"(?:[A-Za-z][A-Za-z0-9_-]*@)?[A-Za-z0-9][A-Za-z0-9._-]*")


def _parse_catalogue(value: object, base_dir: Path) -> str:
    """A catalogue reference (`2026-09`, `freshbooks@2026-09`) stays as written; anything
    with a path separator or a `.yaml`/`.yml`/`.json` suffix is a file path."""
    text = _string(value).strip()
    is_file = text.lower().endswith((".yaml", ".yml", ".json"))
    if _CATALOGUE_REF.fullmatch(text) and not is_file:
        return text
    return _parse_path(text, base_dir)


_KEYS: dict[str, tuple[str, Parser]] = {
    "scopes": ("scopes", _parse_scopes),
    "catalogue": ("catalogue", _parse_catalogue),
    "include": ("include", _parse_patterns),
    "exclude": ("exclude", _parse_patterns),
    "extra-hosts": ("extra_hosts", _parse_hosts),
    "fail-on": ("fail_on", _parse_fail_on),
    "format": ("format", _parse_format),
    "max-file-size": ("max_file_size", _parse_max_size),
    "manifest": ("manifest", _parse_path),
    "follow-symlinks": ("follow_symlinks", _parse_bool),
    "jobs": ("jobs", _parse_jobs),
    "cache-dir": ("cache_dir", _parse_path),
}
CONFIG_KEYS = tuple(_KEYS)


def _key_name(prefix: str, key: str) -> str:
    shown = key if _BARE_KEY.fullmatch(key) else json.dumps(key)
    return f"{prefix}.{shown}" if prefix else shown


def _unknown_key_message(key: str, prefix: str) -> str:
    if key == "tool" and not prefix:
        return "unknown key (a standalone config file holds the keys at its top level)"
    kebab = key.replace("_", "-").lower()
    close = kebab if kebab in _KEYS else suggest(key, _KEYS)
    return "unknown key" + (f" (did you mean {close!r}?)" if close else "")


def parse_config_table(
    table: Mapping[str, object],
    *,
    source: str,
    lines: Mapping[str, int],
    table_line: int | None = None,
    prefix: str = _TABLE_NAME,
    base_dir: Path | None = None,
) -> Config:
    """Validate one `[tool.fbscopes]` table (or a standalone file's top level).

    `lines` maps each key to its 1-based line; a key missing from it falls back to
    `table_line`. `prefix` names the table in messages (`""` for a standalone file) and
    relative paths are resolved against `base_dir` (default: the directory of `source`).
    Raises `ConfigError(message, source, line)` for the first problem in the table.
    """
    base = Path(source).parent if base_dir is None else base_dir
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        line = lines.get(key, table_line)
        spec = _KEYS.get(key)
        if spec is None:
            raise ConfigError(
                f"{_key_name(prefix, key)}: {_unknown_key_message(key, prefix)}", source, line
            )
        field_name, parser = spec
        try:
            values[field_name] = parser(value, base)
        except ValueError as error:
            raise ConfigError(f"{_key_name(prefix, key)}: {error}", source, line) from None
    return Config(**values)


# --------------------------------------------------------------------------- line scanner


class _KeyLines:
    """Find the line of every key statement and table header in a TOML text.

    Only lines that *start* a statement are looked at: the scanner tracks open brackets and
    multi-line strings so that array items and string contents are never taken for keys.
    The text must already have been accepted by tomllib.
    """

    def __init__(self, text: str) -> None:
        self.paths: list[tuple[tuple[str, ...], int]] = []  # (full key path, line)
        self._depth = 0
        self._string: str | None = None  # open multi-line string delimiter
        self._current: tuple[str, ...] = ()  # path of the table being filled
        for number, line in enumerate(text.splitlines(), start=1):
            try:
                self._line(line, number)
            except (IndexError, ValueError, tomllib.TOMLDecodeError):
                continue

    def _line(self, line: str, number: int) -> None:
        if self._depth > 0 or self._string is not None:
            self._scan_value(line, 0)
            return
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        if stripped.startswith("["):
            start = 2 if stripped.startswith("[[") else 1
            keys, _ = _read_key(stripped, start)
            self._current = keys
            self.paths.append((keys, number))
            return
        keys, end = _read_key(line, 0)
        self.paths.append((self._current + keys, number))
        equals = line.index("=", end)
        self._scan_value(line, equals + 1)

    def _scan_value(self, line: str, pos: int) -> None:
        """Update bracket depth and multi-line string state over `line[pos:]`."""
        while pos < len(line):
            if self._string is not None:
                pos = self._close_multiline(line, pos)
                continue
            char = line[pos]
            if char == "#":
                return
            if line.startswith(('"""', "'''"), pos):
                self._string = line[pos : pos + 3]
                pos += 3
            elif char in "\"'":
                pos = _skip_string(line, pos) + 1
            else:
                self._depth += (char in "[{") - (char in "]}")
                pos += 1

    def _close_multiline(self, line: str, pos: int) -> int:
        delimiter = self._string or ""
        while pos < len(line):
            if delimiter == '"""' and line[pos] == "\\":
                pos += 2
            elif line.startswith(delimiter, pos):
                pos += 3
                while line.startswith(delimiter[0], pos):  # up to two quotes may precede
                    pos += 1
                self._string = None
                return pos
            else:
                pos += 1
        return pos

    def locate(self, table: tuple[str, ...]) -> tuple[int | None, dict[str, int]]:
        """The line of `table` itself and the first line of each of its direct keys."""
        table_line: int | None = None
        first_inside: int | None = None
        keys: dict[str, int] = {}
        for path, number in self.paths:
            if path == table and table_line is None:
                table_line = number
            elif len(path) > len(table) and path[: len(table)] == table:
                keys.setdefault(path[len(table)], number)
                first_inside = number if first_inside is None else first_inside
        return (table_line if table_line is not None else first_inside), keys


def _skip_string(line: str, pos: int) -> int:
    """Index of the closing quote of the one-line string opening at `pos`."""
    quote = line[pos]
    pos += 1
    while pos < len(line) and line[pos] != quote:
        pos += 2 if quote == '"' and line[pos] == "\\" else 1
    return pos


def _read_key(text: str, pos: int) -> tuple[tuple[str, ...], int]:
    """Parse a (dotted, possibly quoted) key at `pos`; return its parts and the end index."""
    parts: list[str] = []
    while True:
        while text[pos] in " \t":
            pos += 1
        if text[pos] in "\"'":
            end = _skip_string(text, pos)
            parts.append(tomllib.loads(f"k = {text[pos : end + 1]}")["k"])
            pos = end + 1
        else:
            match = _BARE_KEY.match(text, pos)
            if match is None:
                raise ValueError("not a key")
            parts.append(match.group())
            pos = match.end()
        while pos < len(text) and text[pos] in " \t":
            pos += 1
        if pos >= len(text) or text[pos] != ".":
            return tuple(parts), pos
        pos += 1


# --------------------------------------------------------------------------- files


def _read_toml(path: Path, shown: str) -> tuple[str, dict[str, Any]]:
    """Text and parsed document of a TOML file, or a `ConfigError` with the failing line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise ConfigError(f"cannot read config file: {error.strerror or error}", shown) from None
    except UnicodeDecodeError:
        raise ConfigError("config file is not valid UTF-8", shown) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _toml_error_position(str(error), text)
        raise ConfigError(f"invalid TOML: {message}", shown, line) from None


def _toml_error_position(message: str, text: str) -> tuple[str, int | None]:
    match = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, re.DOTALL)
    if match:
        return f"{match.group(1)} (column {match.group(3)})", int(match.group(2))
    match = re.fullmatch(r"(.*) \(at end of document\)", message, re.DOTALL)
    if match:
        return f"{match.group(1)} (at end of file)", max(1, text.rstrip("\n").count("\n") + 1)
    return message, None


def _has_table(document: Mapping[str, Any]) -> bool:
    tool = document.get("tool")
    return isinstance(tool, dict) and "fbscopes" in tool


def _pyproject_with_table(path: Path) -> tuple[str, dict[str, Any]] | None:
    """The parsed pyproject if it has a `[tool.fbscopes]` table, else None.

    A file that never mentions `fbscopes` is skipped without parsing, so an unrelated broken
    pyproject above the project does not stop the scan.
    """
    try:
        if b"fbscopes" not in path.read_bytes():
            return None
    except OSError:
        return None
    text, document = _read_toml(path, display_path(path))
    return (text, document) if _has_table(document) else None


def _discover(start: Path) -> tuple[Path, str, dict[str, Any]] | None:
    base = start.expanduser().resolve()
    if base.is_file():
        base = base.parent
    for directory in (base, *base.parents):
        candidate = directory / PYPROJECT
        if candidate.is_file():
            found = _pyproject_with_table(candidate)
            if found is not None:
                return candidate, *found
        if (directory / ".git").exists():
            return None
    return None


def find_config_file(start: Path) -> Path | None:
    """The nearest `pyproject.toml` with a `[tool.fbscopes]` table at or above `start`.

    Pyprojects without the table are skipped; the walk stops after the first directory
    that contains `.git`. Raises `ConfigError` if a candidate mentioning fbscopes is broken.
    """
    found = _discover(start)
    return None if found is None else found[0]


def _config_from(path: Path, text: str, document: dict[str, Any]) -> Config:
    shown = display_path(path)
    scanner = _KeyLines(text)
    if path.name != PYPROJECT:
        table_line, lines = scanner.locate(())
        return parse_config_table(
            document,
            source=shown,
            lines=lines,
            table_line=table_line,
            prefix="",
            base_dir=path.resolve().parent,
        )
    table_line, lines = scanner.locate(TABLE_PATH)
    if not _has_table(document):
        raise ConfigError(f"no [{_TABLE_NAME}] table in this file", shown)
    table = document["tool"]["fbscopes"]
    if not isinstance(table, dict):
        message = f"{_TABLE_NAME}: expected a table, got {_type_name(table)}"
        raise ConfigError(message, shown, table_line)
    return parse_config_table(
        table, source=shown, lines=lines, table_line=table_line, base_dir=path.resolve().parent
    )


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """Configuration for a scan rooted at `start`.

    `explicit` (`--config`) wins over discovery: a file named `pyproject.toml` must have a
    `[tool.fbscopes]` table, any other file holds the keys at its top level. With no file
    found, `Config()` is returned. Raises `ConfigError` for any problem.
    """
    if explicit is not None:
        path = explicit.expanduser()
        shown = display_path(path)
        if path.is_dir():
            raise ConfigError("config path is a directory, expected a TOML file", shown)
        if not path.is_file():
            raise ConfigError("config file not found", shown)
        text, document = _read_toml(path, shown)
        return _config_from(path, text, document)
    found = _discover(start)
    return Config() if found is None else _config_from(*found)
