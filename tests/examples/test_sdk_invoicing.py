"""The SDK example app: its required scopes come from the FreshBooks facts in its README."""

from __future__ import annotations

import re
from pathlib import Path

from analyzer.api import analyze
from analyzer.models import Status

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sdk_invoicing"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")

# freshbooks-endpoints.yaml: identity_me, clients_collection, invoices_collection (GET, POST),
# invoices_item (DELETE), expenses_item (PUT soft delete); the token endpoint needs no scope.
REQUIRED = {
    "user:profile:read",
    "user:clients:read",
    "user:invoices:read",
    "user:invoices:write",
    "user:expenses:write",
}
CALLS = {
    ("app.py", "GET", "/auth/api/v1/users/me"),
    ("billing.py", "GET", "/accounting/account/{}/users/clients"),
    ("billing.py", "POST", "/accounting/account/{}/invoices/invoices"),
    ("billing.py", "GET", "/accounting/account/{}/invoices/invoices"),
    ("billing.py", "DELETE", "/accounting/account/{}/invoices/invoices/{}"),
    ("billing.py", "PUT", "/accounting/account/{}/expenses/expenses/{}"),
    ("fb_client.py", "POST", "/auth/oauth/token"),
}


def test_required_scopes_match_the_facts() -> None:
    report = analyze([EXAMPLE])
    assert set(report.required_scopes) == REQUIRED
    found = {
        (f.path, f.method, _PLACEHOLDER.sub("{}", f.endpoint or ""))
        for f in report.findings
        if f.status is not Status.UNRESOLVED
    }
    assert found == CALLS
    assert not report.diagnostics


def test_requested_scopes_are_reported_but_not_required() -> None:
    report = analyze([EXAMPLE])
    requested = set(report.requested_scopes)
    assert requested - REQUIRED == {"user:payments:read"}  # the deliberate over-privilege
    assert "user:payments:read" not in report.required_scopes
    assert all(r.path == "fb_client.py" for r in report.requested)
