"""Every fixture under tests/fixtures is scanned and checked against its inline expectations.

A single `.py` file directly under an area folder is scanned on its own; every directory under
`tests/fixtures/projects/` is scanned as one project. A reported call on a line without an
expectation fails, so every false positive shows up; a `todo-expect` that starts passing fails
too, asking to be promoted.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.catalogue import load_catalogue
from analyzer.models import Finding, Report, Status
from tests.annotations import Expected, read_expectations

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _units() -> list[Path]:
    singles = sorted(p for p in FIXTURES.glob("*/*.py") if p.parent.name != "projects")
    projects = sorted(p for p in (FIXTURES / "projects").iterdir() if p.is_dir())
    return singles + projects


@functools.cache
def _report(unit: Path) -> Report:
    return analyze([unit])


def _files(unit: Path) -> list[Path]:
    return [unit] if unit.is_file() else sorted(unit.rglob("*.py"))


def _rel(unit: Path, file: Path) -> str:
    return file.name if unit.is_file() else file.relative_to(unit).as_posix()


@pytest.mark.parametrize("unit", _units(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_expectations(unit: Path) -> None:
    report = _report(unit)
    declared = set(load_catalogue().scopes)
    problems: list[str] = []
    for file in _files(unit):
        expected = read_expectations(file)
        for line, exp in expected.items():
            unknown = (exp.scopes | {s for t in exp.todo for s in t}) - declared
            assert not unknown, f"{file.name}:{line}: annotation names undeclared scopes {unknown}"
        problems.extend(_compare(_rel(unit, file), expected, report))
    assert not problems, "\n".join(problems)


def _compare(rel: str, expected: dict[int, Expected], report: Report) -> list[str]:
    found = [f for f in report.findings if f.path == rel]
    resolved = {f.line for f in found if f.status is not Status.UNRESOLVED}
    unresolved = {f.line for f in found if f.status is Status.UNRESOLVED}
    want_calls = {line for line, e in expected.items() if e.calls}
    want_unresolved = {line for line, e in expected.items() if e.unresolved}
    problems = [f"{rel}:{n}: unexpected call reported" for n in sorted(resolved - want_calls)]
    problems += [f"{rel}:{n}: expected call not reported" for n in sorted(want_calls - resolved)]
    problems += [
        f"{rel}:{n}: unexpected unresolved call" for n in sorted(unresolved - want_unresolved)
    ]
    problems += [
        f"{rel}:{n}: expected unresolved call missing" for n in sorted(want_unresolved - unresolved)
    ]
    for line in sorted(want_calls & resolved):
        here = [f for f in found if f.line == line and f.status is not Status.UNRESOLVED]
        problems += _compare_line(rel, line, expected[line], here)
    for line, exp in expected.items():
        got = {s for f in found if f.line == line for s in f.scopes}
        for todo in exp.todo:
            if todo and set(todo) <= got:
                problems.append(
                    f"{rel}:{line}: todo-expect {todo} now passes: promote it to expect"
                )
    return problems


def _compare_line(rel: str, line: int, exp: Expected, here: list[Finding]) -> list[str]:
    problems: list[str] = []
    got_scopes = {s for f in here for s in f.scopes}
    if all(call[2] is not None for call in exp.calls) and got_scopes != exp.scopes:
        problems.append(
            f"{rel}:{line}: scopes {sorted(got_scopes)} != expected {sorted(exp.scopes)}"
        )
    pairs = {(f.method, f.endpoint) for f in here}
    for method, endpoint, _ in exp.calls:
        if method and endpoint and (method, endpoint) not in pairs:
            problems.append(f"{rel}:{line}: {method} {endpoint} not among {sorted(pairs)}")
    if all(m and e for m, e, _ in exp.calls) and len(pairs) != len(exp.calls):
        problems.append(f"{rel}:{line}: {len(pairs)} calls reported, {len(exp.calls)} expected")
    return problems
