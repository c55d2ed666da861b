"""The guards in `analyzer.parsing`: the nesting pre-check, the large-stack thread, and the
conversion of any parser or summariser failure into a diagnostic.

Background: libcst's native parser recurses on the C stack (a few thousand nested brackets
crash the interpreter with SIGSEGV) and its time grows with the square of the nesting depth
(a 20,000-term concatenation takes minutes). CPython itself refuses more than 200 nested
brackets ("too many nested parentheses").
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

import analyzer.parsing as parsing
from analyzer.models import Level
from analyzer.parsing import (
    MAX_BRACKETS,
    nesting_problem,
    parse_and_summarize,
    run_with_large_stack,
)

URL_LINE = 'URL = "https://api.freshbooks.com/auth/api/v1/users/me"\n'


def kind(text: str) -> str | None:
    problem = nesting_problem(text, "x.py")
    return None if problem is None else problem.kind


def elif_chain(count: int) -> str:
    return "if n == 0:\n    pass\n" + "".join(
        f"elif n == {i}:\n    pass\n" for i in range(1, count)
    )


# --------------------------------------------------------------------------- nesting_problem


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x = 1\n",
        "x = " + "[" * MAX_BRACKETS + "]" * MAX_BRACKETS + "\n",
        "x = " + "(" * 150 + "1" + ")" * 150 + "\n",
        "x = " + " + ".join(f"a{i}" for i in range(900)) + "\n",
        "x = " + " + ".join(f"3*p**7*q{i}" for i in range(200)) + "\n",
        "x = " + "not " * 900 + "y\n",
        "x = [" + ", ".join(str(i) for i in range(20_000)) + "]\n",
        "x = (" + " ".join(f'"s{i}"' for i in range(900)) + ")\n",
        elif_chain(900),
        "s = '" + "(" * 5000 + "'\n# " + "[" * 5000 + "\n",
        's = """\n' + "{" * 5000 + '\n"""\n',
        "s = f'{x}' + '" + ")" * 5000 + "(" * 5000 + "'\n",
        "for a in b:\n"
        + "".join("    " * i + "if x:\n" for i in range(1, 60))
        + "    " * 60
        + "pass\n",
    ],
    ids=[
        "empty",
        "simple",
        "200-brackets",
        "150-parens",
        "900-term-sum",
        "long-polynomial",
        "900-nots",
        "20000-item-list",
        "900-adjacent-strings",
        "900-elifs",
        "brackets-in-strings",
        "brackets-in-docstring",
        "brackets-in-fstring-text",
        "60-indents",
    ],
)
def test_ordinary_and_deep_but_legal_code_passes(text: str) -> None:
    assert nesting_problem(text, "x.py") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = " + "[" * (MAX_BRACKETS + 1) + "]" * (MAX_BRACKETS + 1), "parse-error"),
        ("x = " + "(" * 5000 + "1" + ")" * 5000, "parse-error"),
        ("x = f'{" + "(" * 300 + "1" + ")" * 300 + "}'", "parse-error"),
        ("x = " + " + ".join(f'"a{i}"' for i in range(20_000)), "too-complex"),
        ("x = " + " ** ".join("2" for _ in range(1500)), "too-complex"),
        ("x = " + "-" * 1500 + "1", "too-complex"),
        ("x = " + "lambda: " * 1500 + "1", "too-complex"),
        ("x = " + " if c else ".join(str(i) for i in range(1500)), "too-complex"),
        ("x = y" + ".a" * 1500, "too-complex"),
        ("x = f" + "()" * 1500, "too-complex"),
        ("x = y" + "[0]" * 1500, "too-complex"),
        ("x = " + " and ".join("a" for _ in range(1500)), "too-complex"),
        ("x = (" + " ".join(f'"s{i}"' for i in range(1500)) + ")", "too-complex"),
        (elif_chain(1500), "too-complex"),
    ],
    ids=[
        "201-brackets",
        "5000-parens",
        "fstring-brackets",
        "20000-term-concat",
        "power-tower",
        "unary-chain",
        "lambda-chain",
        "ternary-chain",
        "attribute-chain",
        "call-chain",
        "subscript-chain",
        "and-chain",
        "adjacent-strings",
        "1500-elifs",
    ],
)
def test_pathological_nesting_is_refused(text: str, expected: str) -> None:
    assert kind(text) == expected


def test_the_time_budget_refuses_many_deep_statements() -> None:
    """Each statement is legal, but together they would take minutes to parse."""
    statement = "x = y" + "[0]" * 800 + "\n"
    assert kind(statement) is None
    problem = nesting_problem(statement * 40, "x.py")
    assert problem is not None and problem.kind == "too-complex" and problem.line is None
    assert "too long" in problem.message


def test_diagnostics_name_the_line_and_are_warnings_or_errors() -> None:
    text = "a = 1\n\n\nx = " + " + ".join(f"a{i}" for i in range(2000)) + "\n"
    problem = nesting_problem(text, "pkg/mod.py")
    assert problem is not None
    assert (problem.path, problem.line, problem.kind, problem.level) == (
        "pkg/mod.py",
        4,
        "too-complex",
        Level.WARNING,
    )
    brackets = nesting_problem("\n" + "(" * 300, "b.py")
    assert brackets is not None
    assert (brackets.line, brackets.kind, brackets.level) == (2, "parse-error", Level.ERROR)
    assert "too many nested parentheses" in brackets.message


def test_the_check_is_linear_and_quick() -> None:
    """2 MB (the default size limit) of dense code is checked in well under a second or two."""
    text = ("value = compute(alpha[1], beta.gamma(2), {'k': [3, 4]}) + 'text(' # note)\n") * 28_000
    started = time.perf_counter()
    assert nesting_problem(text, "big.py") is None
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    "text", ["'''" * 1000, '"' * 100_000, "\\" * 100_000, "(" * 100 + "'" * 10_000]
)
def test_hostile_quote_soup_is_checked_quickly(text: str) -> None:
    started = time.perf_counter()
    nesting_problem(text, "q.py")
    assert time.perf_counter() - started < 5.0


def test_stdlib_sources_pass_the_check() -> None:
    """No false positives on real code: the standard library's top-level modules."""
    stdlib = Path(threading.__file__).parent
    flagged = [
        path.name
        for path in sorted(stdlib.glob("*.py"))
        if nesting_problem(path.read_text(encoding="utf-8", errors="replace"), path.name)
    ]
    assert flagged == []


# --------------------------------------------------------------------------- parse_and_summarize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n" + URL_LINE, "parse-error"),
        ("x = " + " + ".join(f'"a{i}"' for i in range(20_000)) + "\n" + URL_LINE, "too-complex"),
        (elif_chain(20_000) + URL_LINE, "too-complex"),
    ],
    ids=["brackets", "concatenation", "elifs"],
)
def test_parse_and_summarize_refuses_without_crashing(text: str, expected: str) -> None:
    result = parse_and_summarize(text, "deep.py", "deep")
    assert result.summary is None
    assert result.diagnostic is not None and result.diagnostic.kind == expected


def test_deep_code_past_the_check_still_becomes_a_diagnostic(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the pre-check, running out of stack is caught (the parser's large stack keeps
    the interpreter alive; the RecursionError surfaces as a `too-complex` diagnostic)."""
    monkeypatch.setattr(parsing, "nesting_problem", lambda text, rel: None)
    result = parse_and_summarize(elif_chain(10_000) + URL_LINE, "deep.py", "deep")
    assert result.summary is None
    assert result.diagnostic is not None and result.diagnostic.kind == "too-complex"


def test_a_summariser_bug_is_an_internal_error_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> object:
        raise KeyError("boom")

    monkeypatch.setattr(parsing, "summarize", broken)
    result = parse_and_summarize("x = 1\n", "ok.py", "ok")
    assert result.summary is None
    assert result.diagnostic is not None
    assert (result.diagnostic.kind, result.diagnostic.level) == ("internal-error", Level.ERROR)
    assert "KeyError" in result.diagnostic.message


def test_a_parser_bug_is_an_internal_error_diagnostic(monkeypatch: pytest.MonkeyPatch) -> None:
    class PanicException(BaseException):  # what pyo3 raises when the native parser panics
        pass

    def panic(text: str) -> object:
        raise PanicException("native parser panicked")

    monkeypatch.setattr(parsing.cst, "parse_module", panic)
    result = parse_and_summarize("x = 1\n", "ok.py", "ok")
    assert result.diagnostic is not None and result.diagnostic.kind == "internal-error"


def test_interrupts_are_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(parsing, "summarize", interrupted)
    with pytest.raises(KeyboardInterrupt):
        parse_and_summarize("x = 1\n", "ok.py", "ok")


def test_errors_caused_by_recursion_are_too_complex(monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst re-raises a RecursionError as a KeyError while unwinding its position tracking."""

    def unwinding(*args: object) -> object:
        try:
            raise RecursionError("maximum recursion depth exceeded")
        except RecursionError:
            raise KeyError("node") from None

    monkeypatch.setattr(parsing, "summarize", unwinding)
    result = parse_and_summarize("x = 1\n", "ok.py", "ok")
    assert result.diagnostic is not None and result.diagnostic.kind == "too-complex"


# --------------------------------------------------------------------------- run_with_large_stack


def test_large_stack_returns_and_raises() -> None:
    assert run_with_large_stack(lambda: threading.current_thread().name) == "fbscopes-parse"
    with pytest.raises(ZeroDivisionError):
        run_with_large_stack(lambda: 1 // 0)


def test_large_stack_allows_deep_recursion() -> None:
    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + depth(n - 1)

    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, 20_000))
    try:
        assert run_with_large_stack(lambda: depth(15_000)) == 15_000
    finally:
        sys.setrecursionlimit(previous)


def test_large_stack_falls_back_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(size: int = 0) -> int:
        raise ValueError("size not valid")

    monkeypatch.setattr(parsing, "_WORKER", [])  # as in a process that has not parsed yet
    monkeypatch.setattr(threading, "stack_size", refuse)
    here = threading.current_thread().name
    assert run_with_large_stack(lambda: threading.current_thread().name) == here


def test_large_stack_restores_the_default_stack_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "_WORKER", [])
    before = threading.stack_size()
    run_with_large_stack(lambda: None)
    assert threading.stack_size() == before


def test_large_stack_serves_many_threads_and_nested_calls() -> None:
    results: dict[int, int] = {}

    def caller(n: int) -> None:
        results[n] = run_with_large_stack(lambda: run_with_large_stack(lambda: n * n))

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == {n: n * n for n in range(8)}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_large_stack_works_in_a_forked_child() -> None:
    """Worker processes are forked from a parent whose parse thread does not survive the fork."""
    run_with_large_stack(lambda: None)  # the parent has its parse thread
    pid = os.fork()
    if pid == 0:  # the child: report through the exit code only
        code = 1
        try:
            result = parse_and_summarize(URL_LINE, "child.py", "child")
            code = 0 if result.summary is not None else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 60
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung waiting for a parse thread")
        time.sleep(0.05)
    assert os.waitstatus_to_exitcode(status) == 0
