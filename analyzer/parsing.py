"""Parse source text with libcst and summarise it (pass 1 for one file).

A file that libcst cannot parse is a `parse-error` diagnostic, never an exception. The result
is picklable, so files can be summarised in worker processes and cached.

Generated or hostile files can nest deeply (`((((...))))`, `a + b + ... + z` with thousands of
terms, `x[0][0]...`). libcst's native parser recurses on the C stack, so such input can crash
the interpreter outright, and its running time grows with the square of the nesting depth.
Two guards keep a scan safe:

* `nesting_problem` measures the nesting of the text first, with a regular-expression scan
  that never recurses. More than `MAX_BRACKETS` nested brackets is a `parse-error` (CPython
  itself refuses more than 200: "too many nested parentheses"); an expression nested deeper
  than `MAX_NESTING`, or a file whose deep nesting would cost more than `NESTING_BUDGET` to
  parse, is `too-complex`. Such files are not given to libcst at all.
* Everything that is parsed runs on a helper thread with a large stack (`STACK_BYTES`), so the
  native parser and the recursive conversion have room, and a `RecursionError`, a
  `MemoryError` or any other exception from libcst or the summariser becomes a diagnostic.
"""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

import libcst as cst

from analyzer import ir
from analyzer.models import Diagnostic, Level
from analyzer.summarize import directive_comments, summarize

T = TypeVar("T")

# libcst and our converter recurse over the tree, and so do pickling a summary (worker results,
# the cache) and evaluating it, in whichever process holds it. The limit is raised when this
# module is loaded, not on the first parse, so that a process whose files were all parsed by
# worker processes (`--jobs`) handles the same summaries the same way.
_RECURSION_LIMIT = 20_000
if sys.getrecursionlimit() < _RECURSION_LIMIT:
    sys.setrecursionlimit(_RECURSION_LIMIT)
# Stack of the parsing thread: room for `_RECURSION_LIMIT` Python frames and for the native
# parser at `MAX_NESTING` (it needs a few KiB per level). Only the pages touched are used.
STACK_BYTES = 512 * 1024 * 1024

MAX_BRACKETS = 200
MAX_NESTING = 1_000
# Parse time grows with the square of the depth; `NESTING_BUDGET` bounds the sum, over the
# tokens of a file, of how far each one sits below `_SHALLOW` (a few seconds of parsing).
NESTING_BUDGET = 5_000_000
_SHALLOW = 50
# Weights of one level of nesting: a bracket (a display, call or subscript) costs libcst far
# more than a link of an operator chain.
_BRACKET_WEIGHT = 4

_TOKEN = re.compile(
    r"""
    (?P<string>(?P<prefix>[rRbBuUfF]{0,2})
        (?:'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
        |\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
        |'(?:[^'\\\r\n]|\\.|\\\r\n)*'
        |"(?:[^"\\\r\n]|\\.|\\\r\n)*"))
    |(?P<comment>\#[^\r\n]*)
    |(?P<continuation>\\(?:\r\n|\r|\n))
    |(?P<newline>\r\n|\r|\n)
    |(?P<open>[(\[{])
    |(?P<close>[)\]}])
    |(?P<separator>[,;])
    |(?P<name>[^\W\d]\w*)
    |(?P<number>\.?\d(?:[\w.]|(?<=[eE])[-+])*)
    |(?P<operator>\*\*|//|<<|>>|<=|>=|==|!=|->|:=|[-+*/%@&|^~<>.])
    """,
    re.VERBOSE | re.DOTALL,
)
# Binding strength of the operators and keywords that nest expressions, loosest first. In
# `a * b + c * d + ...` every `+` deepens the tree by one level, while each `*` only deepens
# its own term: an operator closes the runs of the operators that bind tighter than it.
_PRECEDENCE_LEVELS: tuple[tuple[str, ...], ...] = (
    ("lambda", "yield", ":=", "->"),
    ("if", "for", "async"),
    ("or",),
    ("and",),
    ("not",),
    ("in", "is", "<", ">", "<=", ">=", "==", "!="),
    ("|",),
    ("^",),
    ("&",),
    ("<<", ">>"),
    ("+", "-"),
    ("*", "/", "//", "%", "@"),
    ("~",),  # and unary `+`, `-`, and `*`/`**` unpacking
    ("**",),
    ("await",),
    (".",),  # and calls, subscripts, adjacent string literals
)
_PRECEDENCE = {word: level for level, words in enumerate(_PRECEDENCE_LEVELS) for word in words}
_UNARY = _PRECEDENCE["~"]
_PREFIX = frozenset({"+", "-", "*", "**"})  # unary (or unpacking) when no operand precedes
_PRIMARY = _PRECEDENCE["."]
_LEVELS = _PRIMARY + 1
_ATOM_KEYWORDS = frozenset({"True", "False", "None"})
_STATEMENT_KEYWORDS = (
    "as assert break class continue def del elif else except finally from global import"
    " nonlocal pass raise return try while with"
)
_KEYWORDS = frozenset(_STATEMENT_KEYWORDS.split()) | {w for w in _PRECEDENCE if w.isalpha()}
_FSTRING_BRACKETS = re.compile(r"[(\[{]|[)\]}]")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    summary: ir.ModuleSummary | None
    diagnostic: Diagnostic | None


def parse_and_summarize(text: str, rel: str, module: str) -> ParsedFile:
    """Summarise `text` (the file at display path `rel`, dotted name `module`).

    Never raises for anything in `text`: problems are returned as the diagnostic.
    """
    problem = nesting_problem(text, rel)
    if problem is not None:
        return ParsedFile(None, problem)
    if sys.getrecursionlimit() < _RECURSION_LIMIT:  # lowered by someone since the import
        sys.setrecursionlimit(_RECURSION_LIMIT)
    return run_with_large_stack(lambda: _parse_and_summarize(text, rel, module))


def _parse_and_summarize(text: str, rel: str, module: str) -> ParsedFile:
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = f"not valid Python 3: {error.message}"
        return ParsedFile(None, Diagnostic(rel, error.raw_line, "parse-error", message))
    except BaseException as error:  # libcst failing on input it should have refused cleanly
        return ParsedFile(None, _failure(rel, "parse", error))
    try:
        summary = summarize(tree, module, rel, rel.endswith("__init__.py"))
        comments, code_lines = directive_comments(text)
    except BaseException as error:
        return ParsedFile(None, _failure(rel, "analyse", error))
    summary = ir.ModuleSummary(
        summary.module,
        summary.path,
        summary.is_package,
        summary.body,
        summary.functions,
        summary.classes,
        comments,
        code_lines,
    )
    return ParsedFile(summary, None)


def _failure(rel: str, stage: str, error: BaseException) -> Diagnostic:
    """The diagnostic for an exception raised while parsing (`stage` "parse") or summarising.

    Running out of stack or memory is `too-complex` (WARNING); anything else is a bug in libcst
    or in the summariser, reported as `internal-error` so that one file never stops the scan.
    Interrupts and exits are re-raised.
    """
    if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
        raise error  # KeyboardInterrupt, SystemExit (pyo3's PanicException is a BaseException)
    if _out_of_room(error):
        message = f"nesting too deep to {stage}; calls in this file are not reported"
        return Diagnostic(rel, None, "too-complex", message, Level.WARNING)
    detail = f"{type(error).__name__}: {error}".strip().rstrip(":")[:200]
    message = f"cannot {stage} this file ({detail}); calls in this file are not reported"
    return Diagnostic(rel, None, "internal-error", message)


def _out_of_room(error: BaseException) -> bool:
    """Whether `error` is, or was raised while handling, a RecursionError or MemoryError."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, (RecursionError, MemoryError)):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def run_with_large_stack(work: Callable[[], T]) -> T:
    """`work()`, run on the parse thread, whose stack is `STACK_BYTES` (inline if none can be had).

    One daemon thread per process serves every call (starting a thread with a large stack
    costs about as much as parsing a small file); calls from several threads queue up.
    Exceptions raised by `work` are re-raised in the caller.
    """
    worker = _parse_worker()
    if worker is None or threading.current_thread() is worker.thread:
        return work()
    job = _Job(work)
    worker.jobs.put(job)
    job.done.wait()
    if job.failure is not None:
        raise job.failure
    return cast(T, job.outcome)


class _Job:
    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work
        self.outcome: object = None
        self.failure: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.outcome = self.work()
        except BaseException as error:  # handed to the caller, whatever it is
            self.failure = error
        finally:
            self.done.set()


@dataclass(slots=True)
class _Worker:
    pid: int
    thread: threading.Thread
    jobs: queue.SimpleQueue[_Job]


_WORKER: list[_Worker] = []
_WORKER_LOCK = threading.Lock()


def _parse_worker() -> _Worker | None:
    """This process's parse thread, started on first use (again in a forked child)."""
    with _WORKER_LOCK:
        if _WORKER and _WORKER[0].pid == os.getpid() and _WORKER[0].thread.is_alive():
            return _WORKER[0]
        jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        thread = threading.Thread(target=_serve, args=(jobs,), name="fbscopes-parse", daemon=True)
        try:
            previous = threading.stack_size(STACK_BYTES)
        except (ValueError, RuntimeError):  # a platform without settable thread stacks
            return None
        try:
            thread.start()
        except RuntimeError:  # no thread can be started (resource limits)
            return None
        finally:
            threading.stack_size(previous)
        _WORKER[:] = [_Worker(os.getpid(), thread, jobs)]
        return _WORKER[0]


def _serve(jobs: queue.SimpleQueue[_Job]) -> None:
    while True:
        jobs.get().run()


def _forget_worker_after_fork() -> None:
    """A forked child has no parse thread, and the lock may have been held at the fork."""
    global _WORKER_LOCK
    _WORKER_LOCK = threading.Lock()
    _WORKER.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_worker_after_fork)


def nesting_problem(text: str, rel: str) -> Diagnostic | None:
    """A diagnostic when `text` nests too deeply to be parsed safely and quickly, else None.

    The scan tokenizes with one regular expression (strings and comments are skipped, the
    brackets inside f-string replacement fields are counted) and estimates the depth of the
    syntax tree at each token: `_BRACKET_WEIGHT` per open bracket, plus, for each bracket
    level, the operator runs that are still open (see `_PRECEDENCE`), plus the `elif` clauses
    of the chains around its line (libcst nests each `elif` in the one before). The estimate
    is an upper bound of the real depth, close to it for the chains that matter.
    """
    saved: list[tuple[list[int], int]] = []  # enclosing levels: their runs and run total
    runs = [0] * _LEVELS  # open operator runs at the innermost level, by precedence
    total = 0  # sum of `runs`
    outer = 0  # sum of the run totals of the enclosing levels
    elifs: dict[int, int] = {}  # indentation -> `elif` clauses so far in the chain there
    statement = 0  # sum of `elifs`
    line_start: int | None = 0  # start of the logical line whose first token is awaited
    cost = 0
    atom = False  # the previous token ends an operand: what follows is binary or a trailer
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        extra = 0  # nesting inside this token (an f-string's replacement fields)
        if kind in ("comment", "continuation"):
            continue
        if kind in ("newline", "separator"):
            if kind == "separator" or not saved:
                runs, total = [0] * _LEVELS, 0
            if kind == "newline" and not saved:
                line_start = match.end()
            atom = False
            continue
        if line_start is not None:
            statement = _enter_line(elifs, match.start() - line_start, token)
            line_start = None
        level: int | None = None  # the precedence of the run this token extends
        if kind == "string":
            level = _PRIMARY if atom else None  # adjacent literals nest (`"a" "b" "c"`)
            if "f" in match.group("prefix").lower():
                inner = _fstring_depth(token)
                if len(saved) + inner > MAX_BRACKETS:
                    return _too_many_brackets(text, rel, match.start())
                extra = _BRACKET_WEIGHT * inner
            atom = True
        elif kind == "open":
            if atom and token != "{":
                total = _extend(runs, total, _PRIMARY)  # a call or subscript
            saved.append((runs, total))
            outer += total
            runs, total = [0] * _LEVELS, 0
            if len(saved) > MAX_BRACKETS:
                return _too_many_brackets(text, rel, match.start())
            atom = False
        elif kind == "close":
            if saved:
                runs, total = saved.pop()
                outer -= total
            atom = True
        elif kind == "name":
            if token in _PRECEDENCE:
                comparison = token == "not" and atom  # the `not` of `not in`
                level = _PRECEDENCE["in" if comparison else token]
            atom = token not in _KEYWORDS or token in _ATOM_KEYWORDS
        elif kind == "number":
            atom = True
        else:  # operator
            level = _PRECEDENCE[token] if atom or token not in _PREFIX else _UNARY
            atom = False
        if level is not None:
            total = _extend(runs, total, level)
        nesting = _BRACKET_WEIGHT * len(saved) + outer + total + extra
        if nesting + statement > _SHALLOW:
            if nesting + statement > MAX_NESTING:
                line = _line_at(text, match.start())
                message = (
                    f"code nested more than {MAX_NESTING} levels deep at line {line};"
                    " not parsed, calls in this file are not reported"
                )
                return Diagnostic(rel, line, "too-complex", message, Level.WARNING)
            cost += max(0, nesting - _SHALLOW)  # libcst's time is linear in `elif` chains
            if cost > NESTING_BUDGET:
                message = (
                    "deeply nested code would take too long to parse;"
                    " not parsed, calls in this file are not reported"
                )
                return Diagnostic(rel, None, "too-complex", message, Level.WARNING)
    return None


def _extend(runs: list[int], total: int, level: int) -> int:
    """Extend the run at `level`, closing the runs that bind tighter; return the new total."""
    for tighter in range(level + 1, _LEVELS):
        total -= runs[tighter]
        runs[tighter] = 0
    runs[level] += 1
    return total + 1


def _enter_line(elifs: dict[int, int], indent: int, first: str) -> int:
    """Update the open `elif` chains for a logical line starting with `first` at `indent`.

    A line indented deeper belongs to a clause's body; `elif`/`else` at a chain's indentation
    continue it; anything else at or left of it ends it. Returns the nesting of the line.
    """
    continues = first in ("elif", "else")
    for column in [c for c in elifs if c > indent or (c == indent and not continues)]:
        del elifs[column]
    if first == "elif":
        elifs[indent] = elifs.get(indent, 0) + 1
    return sum(elifs.values())


def _fstring_depth(literal: str) -> int:
    """The deepest bracket nesting inside an f-string literal (its replacement fields)."""
    depth = deepest = 0
    for match in _FSTRING_BRACKETS.finditer(literal):
        depth = depth + 1 if match.group() in "([{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _too_many_brackets(text: str, rel: str, offset: int) -> Diagnostic:
    line = _line_at(text, offset)
    message = f"not valid Python 3: too many nested parentheses (more than {MAX_BRACKETS})"
    return Diagnostic(rel, line, "parse-error", message)


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
