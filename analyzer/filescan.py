"""Stage 1 for one file: read, decode, prefilter, and parse (libcst) only when it can matter.

`scan_file` is a pure function of its arguments and returns picklable data, so it runs in
worker processes and its results are cached. Files that cannot matter are still checked for
syntax (with the standard library's parser, which is cheap) so that a broken file is never
skipped silently.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import re
import warnings
from dataclasses import dataclass

from analyzer import ir
from analyzer.discovery import SourceFile
from analyzer.models import Diagnostic
from analyzer.parsing import parse_and_summarize
from analyzer.prefilter import imported_modules
from analyzer.source import SourceText, read_source


@dataclass(frozen=True, slots=True)
class FileResult:
    """What stage 1 learned about one file."""

    rel: str
    module: str
    digest: str  # sha256 of the decoded text ("" when the file could not be read)
    relevant: bool  # mentions FreshBooks (host, API path, SDK)
    imports: tuple[str, ...]
    summary: ir.ModuleSummary | None
    diagnostics: tuple[Diagnostic, ...]


def digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def scan_file(
    file: SourceFile, max_bytes: int, trigger: str, force_full: bool = False
) -> FileResult:
    """Read and classify `file`; summarise it with libcst when relevant (or forced)."""
    source = read_source(file, max_bytes=max_bytes)
    if not isinstance(source, SourceText):
        return FileResult(file.rel, file.module, "", False, (), None, (source,))
    return classify_text(file, source.text, trigger, force_full)


def classify_text(
    file: SourceFile, text: str, trigger: str, force_full: bool = False
) -> FileResult:
    is_package = file.rel.endswith("__init__.py")
    relevant = is_relevant(text, trigger)
    imports = imported_modules(text, file.module, is_package)
    digest = digest_text(text)
    if relevant or force_full:
        parsed = parse_and_summarize(text, file.rel, file.module)
        diagnostics = (parsed.diagnostic,) if parsed.diagnostic else ()
        return FileResult(
            file.rel, file.module, digest, relevant, imports, parsed.summary, diagnostics
        )
    problem = syntax_problem(text, file.rel)
    return FileResult(
        file.rel, file.module, digest, False, imports, None, (problem,) if problem else ()
    )


def is_relevant(text: str, trigger: str) -> bool:
    """Whether `text` mentions one of the trigger tokens (`a|b|c`, matched case-insensitively).

    Plain substring tests on the lower-cased text: far faster than a regex alternation.
    """
    lowered = text.lower()
    return any(token in lowered for token in _tokens(trigger))


@functools.cache
def _tokens(trigger: str) -> tuple[str, ...]:
    return tuple(re.sub(r"\\(.)", r"\1", t).lower() for t in trigger.split("|"))


def syntax_problem(text: str, rel: str) -> Diagnostic | None:
    """A `parse-error` if the standard library cannot parse `text` (nothing is compiled or run)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text, filename=rel)
    except SyntaxError as error:
        return Diagnostic(rel, error.lineno, "parse-error", f"not valid Python 3: {error.msg}")
    except (RecursionError, MemoryError, ValueError) as error:
        return Diagnostic(rel, None, "parse-error", f"cannot parse: {type(error).__name__}")
    return None
