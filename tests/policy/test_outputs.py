"""`--format` and `--output [FORMAT:]FILE` planning."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import ConfigError
from analyzer.policy.outputs import Target, choose_format, plan_outputs

ALL = ("text", "json", "sarif", "markdown", "github", "gitlab")


def test_stdout_only() -> None:
    assert plan_outputs("text", [], ALL, "check") == (Target("text", None),)


def test_plain_file_takes_the_main_format_instead_of_stdout() -> None:
    assert plan_outputs("json", ["r.json"], ALL, "check") == (Target("json", Path("r.json")),)


def test_prefixed_files_keep_stdout() -> None:
    plan = plan_outputs("github", ["sarif:a.sarif", "JSON:b.json"], ALL, "check")
    assert plan == (
        Target("github", None),
        Target("sarif", Path("a.sarif")),
        Target("json", Path("b.json")),
    )


def test_a_drive_letter_is_not_a_format() -> None:
    assert plan_outputs("text", ["C:report.txt"], ALL, "scan") == (
        Target("text", Path("C:report.txt")),
    )


def test_dash_is_stdout() -> None:
    assert plan_outputs("text", ["json:-"], ALL, "scan") == (Target("json", None),)


@pytest.mark.parametrize(
    ("main", "specs", "supported", "message"),
    [
        ("sarif", [], ("text", "json"), "diff cannot write 'sarif'"),
        ("text", ["gitlab:x.json"], ("text", "json"), "diff cannot write 'gitlab'"),
        ("text", ["json:-", "-"], ALL, "only one report can go to stdout"),
        ("text", ["json:"], ALL, "empty file name"),
    ],
)
def test_errors(main: str, specs: list[str], supported: tuple[str, ...], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        plan_outputs(main, specs, supported, "diff")


def test_choose_format() -> None:
    assert choose_format(" JSON ", "markdown", ALL) == "json"
    assert choose_format(None, "markdown", ALL) == "markdown"
    assert choose_format(None, "sarif", ("text", "json")) == "text"
    assert choose_format(None, None, ALL) == "text"
