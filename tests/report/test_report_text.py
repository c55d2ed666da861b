"""The default human report."""

from __future__ import annotations

import types

from analyzer.models import Report
from analyzer.report.text import TextFormatter


def render(report: Report, color: bool = False) -> str:
    return TextFormatter(color=color).format(report)


def test_header_names_the_catalogue(full_report: Report) -> None:
    first = render(full_report).splitlines()[0]
    assert "catalogue freshbooks 2026-09" in first and "fbscopes 0.1.0" in first


def test_scopes_come_before_call_sites(full_report: Report) -> None:
    out = render(full_report)
    scope_line = out.index("  user:clients:read    Read clients (customers) and their contacts.")
    assert scope_line < out.index("app.py:12:5")
    assert out.index("Required scopes (2):") < out.index("Call sites by scope:")


def test_call_sites_grouped_under_their_scope(full_report: Report) -> None:
    out = render(full_report)
    block = out[out.index("Call sites by scope:") : out.index("Calls needing no scope")]
    lines = block.splitlines()
    clients = lines.index("  user:clients:read (2)")
    assert lines[clients + 1] == (
        "    app.py:12:5  GET /accounting/account/{account_id}/users/clients  [requests.get]"
    )
    assert lines[clients + 2].startswith("    app.py:57:13  GET ")
    assert "(partial: host comes from settings.FRESHBOOKS_BASE)" in block


def test_section_order(full_report: Report) -> None:
    out = render(full_report)
    order = [
        "Required scopes",
        "Requested vs required",
        "Call sites by scope",
        "Calls needing no scope (1)",
        "Unresolved calls (1)",
        "Suppressed calls (1)",
        "Diagnostics (2)",
        "Summary:",
    ]
    positions = [out.index(heading) for heading in order]
    assert positions == sorted(positions)


def test_no_scope_and_unresolved_calls(full_report: Report) -> None:
    out = render(full_report)
    assert "  auth.py:30:9  POST /auth/oauth/token  [requests.post]" in out
    assert "reason: scope depends on the webhook event registered at run time" in out


def test_requested_versus_required(full_report: Report) -> None:
    out = render(full_report)
    assert "requested but not required (over-privilege): user:estimates:read" in out
    assert "required but not requested (will 403): user:invoices:write" in out


def test_no_requested_section_without_requests(fb: types.ModuleType) -> None:
    out = render(fb.make_report(findings=(fb.clients_get(),)))
    assert "Requested" not in out


def test_requests_matching_requirements(fb: types.ModuleType) -> None:
    req = fb.RequestedScopes("auth.py", 5, 1, ("user:clients:read",), "get_auth_request_url")
    out = render(fb.make_report(findings=(fb.clients_get(),), requested=(req,)))
    assert "the requested scopes match the required scopes" in out


def test_suppression_shown_with_reason(full_report: Report) -> None:
    out = render(full_report)
    assert "ignored user:reports:read at line 7: internal admin tool only" in out


def test_multiline_diagnostic_is_indented(full_report: Report) -> None:
    lines = render(full_report).splitlines()
    at = next(i for i, line in enumerate(lines) if "parse-error" in line)
    assert lines[at] == "  broken.py:3  error  parse-error: Syntax Error @ 3:9."
    assert lines[at + 1].startswith("      ")


def test_summary_is_one_line_at_the_end(full_report: Report) -> None:
    last = render(full_report).splitlines()[-1]
    assert last == (
        "Summary: 6 calls (4 resolved, 1 partial, 1 unresolved, 1 suppressed), "
        "2 required scopes, 2 diagnostics."
    )


def test_no_colour_by_default(full_report: Report) -> None:
    assert "\x1b[" not in render(full_report)


def test_colour_when_asked(full_report: Report) -> None:
    out = render(full_report, color=True)
    assert "\x1b[1m" in out and "\x1b[0m" in out
    assert "\x1b[31merror\x1b[0m" in out


def test_control_characters_are_neutralised(fb: types.ModuleType) -> None:
    evil = fb.clients_get(path="evil\x1b[2J.py")
    out = render(fb.make_report(findings=(evil,)))
    assert "\x1b" not in out and "evil\\x1b[2J.py:12:5" in out


def test_empty_report(empty_report: Report) -> None:
    out = render(empty_report)
    assert "No FreshBooks API calls found." in out
    assert out.splitlines()[-1].startswith("Summary: 0 calls")


def test_custom_catalogue_source_shown(fb: types.ModuleType) -> None:
    cat = fb.CatalogueRef("freshbooks", "2026-09-local", "catalogue/local.yaml")
    report = fb.dataclasses.replace(fb.make_report(), catalogue=cat)
    assert "(from catalogue/local.yaml)" in render(report).splitlines()[0]
