"""`# fbscopes: ignore[...] -- reason`: parsing, matching, hygiene, and what check counts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from analyzer.api import analyze
from analyzer.models import Finding, Report, Status, Suppression
from analyzer.suppressions import parse_directive
from tests.policy import facts
from tests.policy.helpers import invoke, line_of, pyproject, write_files

SCHEMA = Path("/work/shared/reference/sarif-schema-2.1.0.json")


def scan(tmp_path: Path, code: str) -> Report:
    write_files(tmp_path, {"app.py": "import requests\n\n\n" + code})
    return analyze([tmp_path])


def diagnostics(report: Report) -> list[tuple[int | None, str]]:
    return [(d.line, d.kind) for d in report.diagnostics]


@pytest.mark.parametrize(
    ("comment", "parsed"),
    [
        ("# fbscopes: ignore -- why", ((), "why")),
        (
            "# fbscopes: ignore[user:reports:read] -- staff only",
            (("user:reports:read",), "staff only"),
        ),
        ("#fbscopes:ignore[a:b:c, d:e:f]--r", (("a:b:c", "d:e:f"), "r")),
        ("# fbscopes: ignore[user:reports:read]", (("user:reports:read",), None)),
        ("# fbscopes: ignore --   ", ((), None)),
        ("# just a comment", None),
        ("# fbscopes: ignore user:reports:read", None),
    ],
)
def test_parse_directive(comment: str, parsed: object) -> None:
    assert parse_directive(comment) == parsed


def test_suppression_above_and_on_the_call(tmp_path: Path) -> None:
    code = (
        "def a():\n"
        "    # fbscopes: ignore[user:reports:read] -- finance runs it with a staff token\n"
        + facts.call(facts.REPORT)
        + "\n\ndef b():\n"
        + facts.call(facts.CLIENTS_LIST).rstrip("\n")
        + "  # fbscopes: ignore -- read-only admin page, granted elsewhere\n"
        + "\n\ndef c():\n"
        + facts.call(facts.TAXES_LIST)
    )
    report = scan(tmp_path, code)
    suppressed = {f.endpoint: f.suppression for f in report.findings}
    assert suppressed[facts.REPORT.path] is not None
    assert suppressed[facts.REPORT.path].reason == "finance runs it with a staff token"  # type: ignore[union-attr]
    assert suppressed[facts.CLIENTS_LIST.path] is not None
    assert suppressed[facts.TAXES_LIST.path] is None
    assert report.diagnostics == ()


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# fbscopes: ignore[user:reports:read]", "needs a reason"),
        ("# fbscopes: ignore[user:reports:read] because", "malformed suppression"),
        ("# fbscopes: ignore[] -- why", "empty scope list"),
        ("# fbscopes: ignore[reports] -- why", "is not a scope name"),
    ],
)
def test_bad_suppressions_are_errors_and_suppress_nothing(
    tmp_path: Path, comment: str, message: str
) -> None:
    report = scan(tmp_path, f"def a():\n    {comment}\n" + facts.call(facts.REPORT))
    assert [f.suppression for f in report.findings] == [None]
    (diag,) = report.diagnostics
    assert (diag.line, diag.kind, diag.level.value) == (5, "bad-suppression", "error")
    assert message in diag.message


def test_unused_suppressions_are_reported(tmp_path: Path) -> None:
    code = (
        "# fbscopes: ignore -- nothing below\nX = 1\n\n\ndef a():\n"
        "    # fbscopes: ignore[user:clients:read] -- wrong scope for this call\n"
        + facts.call(facts.REPORT)
    )
    report = scan(tmp_path, code)
    assert [f.suppression for f in report.findings] == [None]
    kinds = diagnostics(report)
    assert kinds == [(4, "unused-suppression"), (9, "unused-suppression")]
    assert "needs user:reports:read" in report.diagnostics[1].message


def test_two_suppressions_for_one_call_leave_one_unused(tmp_path: Path) -> None:
    code = (
        "def a():\n    # fbscopes: ignore -- first\n"
        + facts.call(facts.REPORT).rstrip("\n")
        + "  # fbscopes: ignore -- second\n"
    )
    report = scan(tmp_path, code)
    assert report.findings[0].suppression is not None
    assert diagnostics(report) == [(6, "unused-suppression")]


def finding(scopes: tuple[str, ...], ignored: tuple[str, ...] | None) -> Finding:
    sup = None if ignored is None else Suppression("a.py", 1, ignored, "why")
    return Finding(
        "a.py", 2, 5, Status.RESOLVED, "GET", None, "/x", "x", scopes, "t", suppression=sup
    )


def test_counted_scopes_ignores_only_the_named_scopes() -> None:
    both = facts.CHART_OF_ACCOUNTS.scopes  # documented: reports:read and account:read
    assert finding(both, None).counted_scopes == both
    assert finding(both, ()).counted_scopes == ()
    assert finding(both, ("user:reports:read",)).counted_scopes == ("user:account:read",)


def project_with_suppressions(tmp_path: Path) -> Path:
    code = (
        "import requests\n\n\ndef report():\n"
        "    # fbscopes: ignore[user:reports:read] -- staff token\n"
        + facts.call(facts.CHART_OF_ACCOUNTS)
        + "\n\ndef clients():\n"
        + facts.call(facts.CLIENTS_LIST)
    )
    files = {"pyproject.toml": pyproject(["user:clients:read"]), "app.py": code}
    return write_files(tmp_path, files)


def test_check_counts_only_unsuppressed_scopes(tmp_path: Path) -> None:
    project = project_with_suppressions(tmp_path)
    result = invoke(["check", "-f", "json"], project)
    data = json.loads(result.stdout)
    # The chart-of-accounts report needs reports:read and account:read; only the first is
    # ignored, so account:read is still required, and missing.
    assert data["required_scopes"] == ["user:account:read", "user:clients:read"]
    assert [m["scope"] for m in data["missing"]] == ["user:account:read"]
    assert result.exit_code == 1


def test_suppressed_calls_in_json_and_sarif(tmp_path: Path) -> None:
    project = project_with_suppressions(tmp_path)
    invoke(["scan", "-o", "json:scan.json", "-o", "sarif:scan.sarif"], project)
    calls = json.loads((project / "scan.json").read_text())["calls"]
    line = line_of((project / "app.py").read_text(), "ignore[")
    suppressed = [c["suppressed"] for c in calls if c["suppressed"]]
    assert suppressed == [{"scopes": ["user:reports:read"], "reason": "staff token", "line": line}]
    sarif = json.loads((project / "scan.sarif").read_text())
    marks = [r.get("suppressions") for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert marks and all(m == [{"kind": "inSource", "justification": "staff token"}] for m in marks)
    validate_sarif(sarif)


def test_a_bad_suppression_fails_check(tmp_path: Path) -> None:
    code = "import requests\n\n\ndef a():\n" + facts.call(facts.CLIENTS_LIST).rstrip("\n")
    files = {
        "pyproject.toml": pyproject(["user:clients:read"]),
        "app.py": code + "  # fbscopes: ignore\n",
    }
    result = invoke(["check"], write_files(tmp_path, files))
    assert result.exit_code == 1
    assert "invalid suppression comment" in result.stdout.splitlines()[0]
    assert "app.py:5  error  bad-suppression: a suppression needs a reason" in result.stdout


def validate_sarif(log: dict[str, Any]) -> None:
    if not SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(log)
