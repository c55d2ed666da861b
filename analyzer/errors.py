"""Errors in developer input (config, rules, catalogue). Each carries a file and a line.

Problems in *scanned* code are never exceptions: they become `Diagnostic`s in the report.
The CLI maps every `AnalyzerError` to exit code 2.
"""

from __future__ import annotations


class AnalyzerError(Exception):
    """A problem the user must fix before the analyser can run."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        """`file:line: message`, dropping the parts that are unknown."""
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class ConfigError(AnalyzerError):
    """Bad `[tool.fbscopes]` table, config file or command-line combination."""


class RuleError(AnalyzerError):
    """A detection rule file under `rules/` is malformed."""


class CatalogueError(AnalyzerError):
    """A scope catalogue is malformed or cannot be found."""
