"""GitHub Actions workflow commands, the 10-per-level cap, and the step summary."""

from __future__ import annotations

import types
from pathlib import Path

from analyzer.models import Diagnostic, Level, Report
from analyzer.report.github import (
    MAX_PER_LEVEL,
    GithubFormatter,
    escape_data,
    escape_property,
    write_step_summary,
)
from analyzer.report.markdown import MarkdownFormatter


def render(report: Report) -> list[str]:
    return GithubFormatter().format(report).splitlines()


def commands(lines: list[str], level: str) -> list[str]:
    return [line for line in lines if line.startswith(f"::{level} ")]


def test_annotations_for_each_kind(full_report: Report) -> None:
    lines = render(full_report)
    assert commands(lines, "error") == [
        "::error file=broken.py,line=3,title=fbscopes%3A parse-error::"
        "Syntax Error @ 3:9.%0A  x = (%0A        ^"
    ]
    warnings = commands(lines, "warning")
    assert warnings[0].startswith(
        "::warning file=hooks.py,line=40,col=5,title=fbscopes%3A unresolved FreshBooks call::"
    )
    assert warnings[1].startswith("::warning file=vendor/legacy.py,title=fbscopes%3A classic-api::")
    notices = commands(lines, "notice")
    assert notices[0].startswith(
        "::notice file=app.py,line=12,col=5,title=fbscopes%3A user%3Aclients%3Aread::"
        "GET /accounting/account/{account_id}/users/clients needs FreshBooks scope"
    )
    assert len(notices) == 3  # suppressed and no-scope calls are not annotated


def test_summary_line_is_plain_and_last(full_report: Report) -> None:
    last = render(full_report)[-1]
    assert not last.startswith("::")
    assert last == (
        "fbscopes: 2 required scopes: user:clients:read, user:invoices:write. "
        "6 annotations, all shown. Catalogue freshbooks 2026-09."
    )


def _crowded(fb: types.ModuleType) -> Report:
    clients = tuple(fb.clients_get(path=f"a{i:02}.py") for i in range(15))
    hooks = tuple(fb.webhook_unresolved(path=f"h{i:02}.py") for i in range(12))
    invoices = fb.invoices_partial(path="z_last.py")
    broken = tuple(fb.parse_error(path=f"b{i:02}.py") for i in range(11))
    report: Report = fb.make_report(findings=(*clients, *hooks, invoices), diagnostics=broken)
    return report


def test_at_most_ten_per_level(fb: types.ModuleType) -> None:
    lines = render(_crowded(fb))
    for level in ("error", "warning", "notice"):
        assert len(commands(lines, level)) == MAX_PER_LEVEL
    assert lines[-1] == (
        "fbscopes: 2 required scopes: user:clients:read, user:invoices:write. "
        "39 annotations, 9 not shown (GitHub keeps 10 per level per step); "
        "see the SARIF or text report for all. Catalogue freshbooks 2026-09."
    )


def test_first_site_of_every_scope_survives_the_cap(fb: types.ModuleType) -> None:
    notices = commands(render(_crowded(fb)), "notice")
    assert notices[0].startswith("::notice file=a00.py,")
    assert notices[1].startswith("::notice file=z_last.py,")


def test_diagnostic_levels(fb: types.ModuleType) -> None:
    diags = (
        Diagnostic("x.py", 1, "decode-error", "not UTF-8"),
        Diagnostic("big.py", None, "too-large", "skipped: 3 MB"),
        Diagnostic("y.py", 4, "unused-suppression", "nothing to ignore", Level.INFO),
    )
    lines = render(fb.make_report(diagnostics=diags))
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == ["::error", "::warning", "::notice"]


def test_escaping() -> None:
    assert escape_data("100%\r\ndone: a,b") == "100%25%0D%0Adone: a,b"
    assert escape_property("fbscopes: a,b%\n") == "fbscopes%3A a%2Cb%25%0A"


def test_paths_with_commas_and_colons_are_escaped(fb: types.ModuleType) -> None:
    report = fb.make_report(findings=(fb.clients_get(path="odd,name:1.py"),))
    assert render(report)[0].startswith("::notice file=odd%2Cname%3A1.py,line=12,")


def test_empty_report(empty_report: Report) -> None:
    assert render(empty_report) == [
        "fbscopes: 0 required scopes. 0 annotations, all shown. Catalogue freshbooks 2026-09."
    ]


def test_step_summary_appends_markdown(full_report: Report, tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    assert write_step_summary(full_report, {"GITHUB_STEP_SUMMARY": str(target)})
    expected = "earlier step\n" + MarkdownFormatter().format(full_report)
    assert target.read_text(encoding="utf-8") == expected


def test_step_summary_without_the_variable(full_report: Report, tmp_path: Path) -> None:
    assert not write_step_summary(full_report, {})
    assert not write_step_summary(full_report, {"GITHUB_STEP_SUMMARY": ""})
    assert list(tmp_path.iterdir()) == []
