"""Parse source text with libcst and summarise it (pass 1 for one file).

A file that libcst cannot parse is a `parse-error` diagnostic, never an exception. The result
is picklable, so files can be summarised in worker processes and cached.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import libcst as cst

from analyzer import ir
from analyzer.models import Diagnostic, Level
from analyzer.summarize import directive_comments, summarize

# libcst and our converter recurse over the tree; generated code can nest deeply.
_RECURSION_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class ParsedFile:
    summary: ir.ModuleSummary | None
    diagnostic: Diagnostic | None


def parse_and_summarize(text: str, rel: str, module: str) -> ParsedFile:
    """Summarise `text` (the file at display path `rel`, dotted name `module`)."""
    if sys.getrecursionlimit() < _RECURSION_LIMIT:
        sys.setrecursionlimit(_RECURSION_LIMIT)
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = f"not valid Python 3: {error.message}"
        return ParsedFile(None, Diagnostic(rel, error.raw_line, "parse-error", message))
    except RecursionError:
        return ParsedFile(None, Diagnostic(rel, None, "parse-error", "nesting too deep to parse"))
    is_package = rel.endswith("__init__.py")
    try:
        summary = summarize(tree, module, rel, is_package)
    except RecursionError:
        message = "expression nesting too deep to analyse; calls in this file are not reported"
        return ParsedFile(None, Diagnostic(rel, None, "too-complex", message, Level.WARNING))
    comments, code_lines = directive_comments(text)
    summary = ir.ModuleSummary(
        summary.module, summary.path, summary.is_package, summary.body, summary.functions,
        summary.classes, comments, code_lines,
    )
    return ParsedFile(summary, None)
