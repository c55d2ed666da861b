"""Find and load scope catalogues: the built-in versions or a file the user names.

Built-in catalogues live in ``resources.catalogue_dir()/<name>/<version>.yaml``; versions
sort oldest to newest by name (they are ``YYYY-MM``), and the newest is the default.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from analyzer.catalogue.catalogue import Catalogue
from analyzer.catalogue.schema import parse_catalogue
from analyzer.errors import CatalogueError
from analyzer.resources import catalogue_dir
from analyzer.yamlio import YamlError, load_yaml

DEFAULT_CATALOGUE = "freshbooks"
BUILTIN_SOURCE = "builtin"
_SUFFIXES = (".yaml", ".yml")


def available_versions(name: str = DEFAULT_CATALOGUE) -> tuple[str, ...]:
    """The built-in versions of catalogue ``name``, sorted oldest to newest."""
    directory = catalogue_dir() / name
    if not directory.is_dir():
        return ()
    return tuple(sorted(p.stem for p in directory.iterdir() if p.suffix == ".yaml"))


def load_catalogue(spec: str | None = None) -> Catalogue:
    """Load a catalogue.

    ``spec`` is None (the newest built-in version), a built-in version (``"2023-09"`` or
    ``"freshbooks@2023-09"``) or the path of a catalogue file. Raises `CatalogueError`
    for unknown versions (listing the available ones) and for invalid files.
    """
    if spec is None:
        return _load_builtin(DEFAULT_CATALOGUE, _newest(DEFAULT_CATALOGUE))
    if _looks_like_path(spec):
        return load_catalogue_file(Path(spec))
    name, _, version = spec.rpartition("@")
    name = name or DEFAULT_CATALOGUE
    if version in available_versions(name):
        return _load_builtin(name, version)
    if Path(spec).is_file():
        return load_catalogue_file(Path(spec))
    raise CatalogueError(_unknown_message(name, version))


def load_catalogue_file(path: Path) -> Catalogue:
    """Load and validate a user-supplied catalogue file (``source`` is the path as given)."""
    if not path.is_file():
        raise CatalogueError("catalogue file not found", str(path))
    return _load(path, display=str(path), source=str(path), name=None)


@functools.cache
def _load_builtin(name: str, version: str) -> Catalogue:
    path = catalogue_dir() / name / f"{version}.yaml"
    display = path.relative_to(catalogue_dir().parent).as_posix()
    return _load(path, display=display, source=BUILTIN_SOURCE, name=name)


def _load(path: Path, *, display: str, source: str, name: str | None) -> Catalogue:
    try:
        data = load_yaml(path)
    except YamlError as error:
        raise CatalogueError(error.message, display, error.line) from None
    except UnicodeDecodeError:
        raise CatalogueError("catalogue file is not valid UTF-8", display) from None
    except OSError as error:
        raise CatalogueError(f"cannot read catalogue: {error.strerror}", display) from None
    return parse_catalogue(data, file=display, stem=path.stem, source=source, name=name)


def _newest(name: str) -> str:
    versions = available_versions(name)
    if not versions:
        raise CatalogueError(f"no built-in {name} catalogue found in {catalogue_dir() / name}")
    return versions[-1]


def _looks_like_path(spec: str) -> bool:
    separators = [s for s in (os.sep, os.altsep, "/") if s]
    return any(s in spec for s in separators) or spec.lower().endswith(_SUFFIXES)


def _unknown_message(name: str, version: str) -> str:
    root = catalogue_dir()
    names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    if name not in names:
        return f"unknown catalogue {name!r} (available: {', '.join(names) or 'none'})"
    available = ", ".join(available_versions(name))
    return f"unknown {name} catalogue version {version!r} (available: {available})"
