"""The PR-comment / step-summary Markdown."""

from __future__ import annotations

import re
import types

from analyzer.models import Report
from analyzer.report.markdown import MarkdownFormatter


def render(report: Report) -> str:
    return MarkdownFormatter().format(report)


def test_title_and_table(full_report: Report) -> None:
    out = render(full_report)
    assert out.startswith("## fbscopes: 2 FreshBooks OAuth scopes required\n")
    assert "| Scope | Description | Calls |" in out
    assert "| `user:clients:read` | Read clients (customers) and their contacts. | 2 |" in out
    assert "| `user:invoices:write` | Create, update and delete invoices. | 1 |" in out


def test_call_sites_are_link_ready(full_report: Report) -> None:
    out = render(full_report)
    assert (
        "- `app.py#L12` `GET /accounting/account/{account_id}/users/clients` via `requests.get`"
    ) in out
    assert out.index("**`user:clients:read`**") < out.index("`app.py#L12`")


def test_problem_sections(full_report: Report) -> None:
    out = render(full_report)
    assert "### Unresolved calls (1)" in out
    assert "`hooks.py#L40`" in out
    assert "### Diagnostics (2)" in out
    assert "- `broken.py#L3` **error** `parse-error`: Syntax Error @ 3:9." in out
    assert "  ```\n    x = (\n" in out
    assert "### Suppressed calls (1)" in out and "internal admin tool only" in out


def test_requested_versus_required(full_report: Report) -> None:
    out = render(full_report)
    assert "**Requested but not required (over-privilege):** `user:estimates:read`" in out
    assert "**Required but not requested (will 403):** `user:invoices:write`" in out


def test_footer_names_the_catalogue(full_report: Report) -> None:
    last = render(full_report).rstrip("\n").splitlines()[-1]
    assert "catalogue freshbooks 2026-09" in last and last.startswith("<sub>")


def test_untrusted_text_is_escaped(fb: types.ModuleType) -> None:
    call = fb.dataclasses.replace(
        fb.webhook_unresolved(), reason="<img src=x onerror=alert(1)> [link](http://x) a|b"
    )
    out = render(fb.make_report(findings=(call,)))
    assert re.search(r"(?<!\\)<img", out) is None
    assert "\\<img" in out and "\\[link\\]" in out and "a\\|b" in out


def test_backticks_in_code_spans(fb: types.ModuleType) -> None:
    call = fb.clients_get(via="getattr(client, `x`)")
    assert "``getattr(client, `x`)``" in render(fb.make_report(findings=(call,)))


def test_empty_report(empty_report: Report) -> None:
    out = render(empty_report)
    assert out.startswith("## fbscopes: no FreshBooks API calls found")
    assert "|" not in out
