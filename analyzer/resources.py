"""Where the built-in `rules/` and `catalogue/` data live.

In a wheel they are copied into `analyzer/_data/` (see pyproject's force-include); in a
source checkout they sit beside the package at the repository root.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / name


def rules_dir() -> Path:
    """Directory holding the built-in detection rules."""
    return _data_dir("rules")


def catalogue_dir() -> Path:
    """Directory holding the built-in scope catalogues (`<api>/<version>.yaml`)."""
    return _data_dir("catalogue")
