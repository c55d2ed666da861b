"""Every example embedded in a rule file is a test (Fixit VALID/INVALID, semgrep sibling files)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyzer.api import analyze
from analyzer.models import Status
from analyzer.rules import RuleExample, load_rules

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _examples() -> list[RuleExample]:
    return list(load_rules().examples)


def _norm(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


@pytest.mark.parametrize(
    "example", _examples(), ids=lambda e: f"{Path(e.source_file).name}:{e.line}"
)
def test_rule_example(example: RuleExample, tmp_path: Path) -> None:
    source = tmp_path / "example.py"
    source.write_text(example.code, encoding="utf-8")
    report = analyze([source])
    found = {
        (f.method, _norm(f.endpoint or ""))
        for f in report.findings
        if f.status is not Status.UNRESOLVED
    }
    if example.expect is None:
        assert not found, f"no-match example reported {found}"
    else:
        assert found == {(m, _norm(p)) for m, p in example.expect}


def test_every_rule_file_has_examples() -> None:
    rules = load_rules()
    with_examples = {Path(e.source_file).name for e in rules.examples}
    files = {Path(f).name for f in rules.files}
    assert files == with_examples
