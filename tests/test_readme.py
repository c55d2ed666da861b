"""The README's promises stay true: its two commands, and the example output it shows."""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.api import Settings, analyze
from analyzer.report import get_formatter

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _sh_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", README, re.DOTALL)]


def test_quick_start_has_the_two_commands() -> None:
    scan, tests = _sh_blocks()[:2]
    assert "fbscopes scan examples/time_tracker" in scan
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command() -> None:
    test_command = _sh_blocks()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_shows_the_real_output_of_the_example() -> None:
    shown = re.search(r"```text\n(fbscopes .*?)```", README, re.DOTALL)
    assert shown is not None
    report = analyze([ROOT / "examples" / "time_tracker"], Settings(use_cache=False))
    assert get_formatter("text").format(report).strip() == shown.group(1).strip()
