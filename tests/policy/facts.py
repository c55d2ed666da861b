"""FreshBooks facts the policy tests rely on, copied from the reference catalogue.

Source: /work/shared/reference/freshbooks-endpoints.yaml (entries with `confidence:
documented`, except the webhook callbacks, whose scope the reference gives as unknown).
`test_facts.py` checks every constant here against that file when it is available. Tests use
these constants for expected scopes; nothing here comes from fbscopes output.
"""

from __future__ import annotations

from typing import NamedTuple


class Fact(NamedTuple):
    resource: str  # the reference entry
    method: str
    path: str
    scopes: tuple[str, ...]


ME = Fact("identity_me", "GET", "/auth/api/v1/users/me", ("user:profile:read",))
CLIENTS_LIST = Fact(
    "clients_collection", "GET", "/accounting/account/{account_id}/users/clients",
    ("user:clients:read",),
)  # fmt: skip
INVOICES_LIST = Fact(
    "invoices_collection", "GET", "/accounting/account/{account_id}/invoices/invoices",
    ("user:invoices:read",),
)  # fmt: skip
INVOICES_CREATE = Fact(
    "invoices_collection", "POST", "/accounting/account/{account_id}/invoices/invoices",
    ("user:invoices:write",),
)  # fmt: skip
EXPENSES_CREATE = Fact(
    "expenses_collection", "POST", "/accounting/account/{account_id}/expenses/expenses",
    ("user:expenses:write",),
)  # fmt: skip
TAXES_LIST = Fact(
    "taxes_collection", "GET", "/accounting/account/{account_id}/taxes/taxes",
    ("user:taxes:read",),
)  # fmt: skip
REPORT = Fact(
    "reports_accounting", "GET",
    "/accounting/account/{account_id}/reports/accounting/{report_name}", ("user:reports:read",),
)  # fmt: skip
CHART_OF_ACCOUNTS = Fact(
    "reports_business_chart_of_accounts", "GET",
    "/accounting/businesses/{business_uuid}/reports/chart_of_accounts",
    ("user:reports:read", "user:account:read"),
)  # fmt: skip
WEBHOOK_REGISTER = Fact(
    "callbacks_collection", "POST", "/events/account/{account_id}/events/callbacks", ()
)  # scope depends on the event: unknown, so the call is unresolved

DOCUMENTED = (
    ME, CLIENTS_LIST, INVOICES_LIST, INVOICES_CREATE, EXPENSES_CREATE, TAXES_LIST, REPORT,
    CHART_OF_ACCOUNTS,
)  # fmt: skip

# Scope statuses from the reference's `scopes:` list.
LEGACY = "admin:all:legacy"  # status legacy: pre-October-2021 blanket scope
DISPUTED = "user:profile:write"  # status disputed-probably-nonexistent
NONEXISTENT = "user:reports:write"  # status nonexistent
# FreshBooks adds user:profile:read to every new app (scopes page).
DEFAULT_SCOPE = "user:profile:read"

# Code snippets (requests, literal URLs) that make each call; `{API}` is the API root.
API = "https://api.freshbooks.com"


def url(fact: Fact, **ids: str) -> str:
    """The literal URL of `fact` with its placeholders filled in."""
    values = {"account_id": "abc123", "business_uuid": "b-uuid", "report_name": "profitloss"}
    values.update(ids)
    return API + fact.path.format(**values)


def call(fact: Fact, indent: str = "    ") -> str:
    """A line of Python that makes the call with requests."""
    verb = fact.method.lower()
    return f'{indent}return requests.{verb}("{url(fact)}")\n'
