"""Inline expectations in fixture files (semgrep style), read with `tokenize`.

A comment applies to the next line that holds code:

    # expect: user:clients:read                 a resolved (or partial) call needing these scopes
    # expect: POST /auth/oauth/token (no-scope) method/endpoint may be given; (no-scope) = []
    # expect-unresolved                         an unresolved call is reported here
    # todo-expect: user:invoices:write          a known gap: must NOT be reported yet
    # ok: why                                   documentation only (nothing may be reported)

Several `expect` comments above one line mean several calls on that line (dispatch tables).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

_DIRECTIVE = re.compile(r"#\s*(expect-unresolved|todo-expect|expect|ok)\b:?\s*(.*)$")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@dataclass
class Expected:
    scopes: set[str] = field(default_factory=set)
    calls: list[tuple[str | None, str | None, tuple[str, ...] | None]] = field(default_factory=list)
    unresolved: bool = False
    todo: list[tuple[str, ...]] = field(default_factory=list)


def _parse_call(text: str) -> tuple[str | None, str | None, tuple[str, ...] | None]:
    method = endpoint = None
    scopes: list[str] = []
    no_scope = False
    for token in text.split():
        if token in _METHODS:
            method = token
        elif token.startswith("/"):
            endpoint = token
        elif token == "(no-scope)":
            no_scope = True
        else:
            scopes.extend(s for s in token.split(",") if s)
    return method, endpoint, (() if no_scope else tuple(scopes) or None)


def read_expectations(path: Path) -> dict[int, Expected]:
    """Map each annotated code line of `path` to what must be reported there."""
    pending: list[tuple[str, str]] = []
    result: dict[int, Expected] = {}
    source = path.read_text(encoding="utf-8")
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
    last_line = 0
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            match = _DIRECTIVE.search(tok.string)
            if match:
                pending.append((match.group(1), match.group(2).strip()))
            continue
        if tok.type in skip or tok.start[0] == last_line:
            continue
        last_line = tok.start[0]
        if pending:
            result[tok.start[0]] = _merge(pending)
            pending = []
    return result


def _merge(directives: list[tuple[str, str]]) -> Expected:
    expected = Expected()
    for kind, text in directives:
        if kind == "expect":
            call = _parse_call(text)
            expected.calls.append(call)
            expected.scopes.update(call[2] or ())
        elif kind == "expect-unresolved":
            expected.unresolved = True
        elif kind == "todo-expect":
            expected.todo.append(_parse_call(text)[2] or ())
    return expected
