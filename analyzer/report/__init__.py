"""Output formats: each one a pure function from a `Report` to a string.

    >>> from analyzer.report import get_formatter
    >>> get_formatter("json").name
    'json'

`FORMATTERS` maps each `--format` name to a ready formatter; `FORMAT_NAMES` lists the names in
the order to show them (default first). `get_formatter` raises `ValueError` naming the valid
choices for an unknown name.
"""

from __future__ import annotations

from analyzer.report.base import Formatter
from analyzer.report.github import GithubFormatter, write_step_summary
from analyzer.report.gitlab import GitlabFormatter
from analyzer.report.json_format import JsonFormatter
from analyzer.report.markdown import MarkdownFormatter
from analyzer.report.sarif import SarifFormatter
from analyzer.report.text import TextFormatter

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATTERS",
    "FORMAT_NAMES",
    "Formatter",
    "GithubFormatter",
    "GitlabFormatter",
    "JsonFormatter",
    "MarkdownFormatter",
    "SarifFormatter",
    "TextFormatter",
    "get_formatter",
    "write_step_summary",
]

DEFAULT_FORMAT = "text"

FORMATTERS: dict[str, Formatter] = {
    f.name: f
    for f in (
        TextFormatter(),
        JsonFormatter(),
        SarifFormatter(),
        MarkdownFormatter(),
        GithubFormatter(),
        GitlabFormatter(),
    )
}

FORMAT_NAMES: tuple[str, ...] = tuple(FORMATTERS)


def get_formatter(name: str, *, color: bool = False) -> Formatter:
    """The formatter called `name` (case-insensitive, surrounding spaces ignored).

    `color` only affects `text`. Raises `ValueError` listing the valid names otherwise.
    """
    key = name.strip().lower()
    if key not in FORMATTERS:
        valid = ", ".join(FORMAT_NAMES)
        raise ValueError(f"unknown output format {name!r}; choose one of: {valid}")
    if key == "text" and color:
        return TextFormatter(color=True)
    return FORMATTERS[key]
