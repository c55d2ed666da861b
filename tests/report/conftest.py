"""Hand-built reports from FreshBooks facts, shared by the formatter tests."""

from __future__ import annotations

import dataclasses
import sys
import types
from typing import Any

import pytest

from analyzer.models import (
    CatalogueRef,
    Diagnostic,
    Finding,
    Level,
    Report,
    RequestedScopes,
    Status,
    Suppression,
    TraceStep,
)

API = "https://api.freshbooks.com"
CLIENTS = "/accounting/account/{account_id}/users/clients"
INVOICES = "/accounting/account/{account_id}/invoices/invoices"
PROFIT_LOSS = "/accounting/account/{account_id}/reports/accounting/profitloss"
TOKEN = "/auth/oauth/token"
CALLBACKS = "/events/account/{account_id}/events/callbacks"
CATALOGUE = CatalogueRef("freshbooks", "2026-09", "builtin")

DESCRIPTIONS = {
    "user:clients:read": "Read clients (customers) and their contacts.",
    "user:invoices:write": "Create, update and delete invoices.",
}


def clients_get(path: str = "app.py", line: int = 12, column: int = 5, **kw: Any) -> Finding:
    """GET the clients list: needs user:clients:read (documented)."""
    fields: dict[str, Any] = {
        "path": path,
        "line": line,
        "column": column,
        "status": Status.RESOLVED,
        "method": "GET",
        "url": API + CLIENTS,
        "endpoint": CLIENTS,
        "endpoint_id": "clients_collection",
        "scopes": ("user:clients:read",),
        "via": "requests.get",
        "trace": (TraceStep(path, line, column, "requests.get"),),
        "confidence": "documented",
        "sources": (
            "https://dushu128.com/mirror (mirror of freshbooks.com/api/clients)",
            "https://www.freshbooks.com/api/clients",
        ),
    }
    fields.update(kw)
    return Finding(**fields)


def token_post(path: str = "auth.py", line: int = 30) -> Finding:
    """The OAuth code exchange: needs no scope."""
    return Finding(
        path=path,
        line=line,
        column=9,
        status=Status.RESOLVED,
        method="POST",
        url=API + TOKEN,
        endpoint=TOKEN,
        endpoint_id="oauth_token",
        scopes=(),
        via="requests.post",
        confidence="documented",
        sources=("https://www.freshbooks.com/developers/authentication",),
    )


def webhook_unresolved(path: str = "hooks.py", line: int = 40) -> Finding:
    """Registering a webhook: the scope depends on the event, so it stays unresolved."""
    return Finding(
        path=path,
        line=line,
        column=5,
        status=Status.UNRESOLVED,
        method="POST",
        url=API + CALLBACKS,
        endpoint=None,
        endpoint_id=None,
        scopes=(),
        via="client.callbacks.create",
        reason="scope depends on the webhook event registered at run time",
    )


def invoices_partial(path: str = "billing/sync.py", line: int = 88) -> Finding:
    """Create an invoice through a variable host: endpoint known, host a hole."""
    return Finding(
        path=path,
        line=line,
        column=9,
        status=Status.PARTIAL,
        method="POST",
        url="{base}" + INVOICES,
        endpoint=INVOICES,
        endpoint_id="invoices_collection",
        scopes=("user:invoices:write",),
        via="session.post",
        reason="host comes from settings.FRESHBOOKS_BASE",
        confidence="documented",
        sources=("https://www.freshbooks.com/api/invoices",),
    )


def suppressed_report_call(path: str = "admin/reports.py", line: int = 8) -> Finding:
    """A profit-and-loss report call silenced with a reason."""
    return Finding(
        path=path,
        line=line,
        column=5,
        status=Status.RESOLVED,
        method="GET",
        url=API + PROFIT_LOSS,
        endpoint=PROFIT_LOSS,
        endpoint_id="report_profitloss",
        scopes=("user:reports:read",),
        via="requests.get",
        suppression=Suppression(path, line - 1, ("user:reports:read",), "internal admin tool only"),
    )


def parse_error(path: str = "broken.py") -> Diagnostic:
    return Diagnostic(path, 3, "parse-error", "Syntax Error @ 3:9.\n  x = (\n        ^")


def make_report(
    findings: tuple[Finding, ...] = (),
    diagnostics: tuple[Diagnostic, ...] = (),
    requested: tuple[RequestedScopes, ...] = (),
    descriptions: dict[str, str] | None = None,
) -> Report:
    return Report(
        tool_version="0.1.0",
        catalogue=CATALOGUE,
        findings=findings,
        diagnostics=diagnostics,
        requested=requested,
        scope_descriptions=dict(DESCRIPTIONS if descriptions is None else descriptions),
    )


def full() -> Report:
    """One of everything: scoped, partial, no-scope, unresolved, suppressed, diagnostics."""
    return make_report(
        findings=(
            webhook_unresolved(),
            clients_get(),
            suppressed_report_call(),
            token_post(),
            invoices_partial(),
            clients_get(line=57, column=13, via="client.clients.list", trace=()),
        ),
        diagnostics=(
            parse_error(),
            Diagnostic(
                "vendor/legacy.py", None, "classic-api", "uses the classic XML API", Level.WARNING
            ),
        ),
        requested=(
            RequestedScopes(
                "auth.py",
                20,
                12,
                ("user:clients:read", "user:estimates:read"),
                "get_auth_request_url",
            ),
        ),
    )


def shifted(report: Report, delta: int) -> Report:
    """The same report with every finding moved `delta` lines down (as if lines were added)."""
    moved = tuple(dataclasses.replace(f, line=f.line + delta) for f in report.findings)
    return dataclasses.replace(report, findings=moved)


def reversed_report(report: Report) -> Report:
    """The same report with findings, diagnostics and requests given in reverse order."""
    return dataclasses.replace(
        report,
        findings=report.findings[::-1],
        diagnostics=report.diagnostics[::-1],
        requested=report.requested[::-1],
    )


@pytest.fixture
def full_report() -> Report:
    return full()


@pytest.fixture
def empty_report() -> Report:
    return make_report(descriptions={})


@pytest.fixture
def fb() -> types.ModuleType:
    """This module: the FreshBooks fact builders (`fb.clients_get(line=3)`, `fb.make_report`)."""
    return sys.modules[__name__]
