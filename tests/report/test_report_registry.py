"""Properties every formatter shares: registry, determinism, empty reports, relative paths."""

from __future__ import annotations

import types

import pytest

from analyzer.models import Report
from analyzer.report import (
    DEFAULT_FORMAT,
    FORMAT_NAMES,
    FORMATTERS,
    Formatter,
    TextFormatter,
    get_formatter,
)

ALL = sorted(FORMATTERS)


def test_registry_names() -> None:
    assert set(FORMAT_NAMES) == {"text", "json", "sarif", "markdown", "github", "gitlab"}
    assert FORMAT_NAMES[0] == DEFAULT_FORMAT == "text"
    for name, formatter in FORMATTERS.items():
        assert formatter.name == name


def test_get_formatter_is_forgiving_about_case() -> None:
    assert get_formatter(" JSON ") is FORMATTERS["json"]


def test_get_formatter_rejects_unknown_names_with_the_valid_ones() -> None:
    with pytest.raises(ValueError) as err:
        get_formatter("xml")
    for name in FORMAT_NAMES:
        assert name in str(err.value)


def test_get_formatter_colour_only_for_text() -> None:
    coloured = get_formatter("text", color=True)
    assert isinstance(coloured, TextFormatter) and coloured.color
    assert get_formatter("json", color=True) is FORMATTERS["json"]


@pytest.mark.parametrize("name", ALL)
def test_formatters_match_the_protocol(name: str, fb: types.ModuleType) -> None:
    formatter: Formatter = FORMATTERS[name]
    assert isinstance(formatter.format(Report("0", fb.CATALOGUE, (), ())), str)


@pytest.mark.parametrize("name", ALL)
def test_empty_report(name: str, empty_report: Report) -> None:
    out = FORMATTERS[name].format(empty_report)
    assert out.endswith("\n") and out.strip()


@pytest.mark.parametrize("name", ALL)
def test_same_output_twice(name: str, full_report: Report) -> None:
    formatter = FORMATTERS[name]
    assert formatter.format(full_report) == formatter.format(full_report)


@pytest.mark.parametrize("name", ALL)
def test_output_ignores_input_order(name: str, full_report: Report, fb: types.ModuleType) -> None:
    formatter = FORMATTERS[name]
    assert formatter.format(fb.reversed_report(full_report)) == formatter.format(full_report)


@pytest.mark.parametrize("name", ALL)
def test_no_absolute_paths(name: str, full_report: Report) -> None:
    out = FORMATTERS[name].format(full_report)
    for marker in ("/work/", "/tmp/", "/home/", "file://", "C:\\"):
        assert marker not in out


@pytest.mark.parametrize("name", ALL)
def test_output_does_not_depend_on_the_environment(
    name: str, full_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = FORMATTERS[name].format(full_report)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "/nonexistent/summary.md")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    assert FORMATTERS[name].format(full_report) == before
