"""Scopes an app asks for at consent are reported as requested, never as required."""

from __future__ import annotations

from pathlib import Path

from analyzer.api import analyze

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_oauth2session_scope_constant_is_requested() -> None:
    report = analyze([FIXTURES / "http" / "oauth2_session.py"])
    assert report.requested_scopes == ("user:invoices:read", "user:profile:read")
    (site,) = report.requested
    assert (site.path, site.line) == ("oauth2_session.py", 8)
    # fetch_token needs no scope; the invoices GET needs user:invoices:read only.
    assert report.required_scopes == ("user:invoices:read",)


def test_sdk_get_auth_request_url_scopes_are_requested() -> None:
    report = analyze([FIXTURES / "sdk" / "receivers.py"])
    assert report.requested_scopes == ("user:profile:read",)
    assert "user:profile:read" in report.required_scopes  # required because of current_user()
