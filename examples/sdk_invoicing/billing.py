"""Month-end invoicing operations, written against the official FreshBooks SDK."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from freshbooks import Client, FreshBooksError, PaginateBuilder

log = logging.getLogger(__name__)


def customer_ids_by_email(client: Client, account_id: str) -> dict[str, int]:
    """Map each customer's e-mail address to its FreshBooks client id (first 100 customers)."""
    customers = client.clients.list(account_id, builders=[PaginateBuilder(1, 100)])
    return {customer.email.lower(): customer.id for customer in customers if customer.email}


def bill_retainer(
    client: Client, account_id: str, customer_id: int, hours: Decimal, rate: Decimal
) -> int:
    """Create this month's retainer invoice for one customer and return its id."""
    today = date.today()
    invoice = client.invoices.create(
        account_id,
        {
            "customerid": customer_id,
            "create_date": today.isoformat(),
            "lines": [
                {
                    "type": 0,
                    "name": f"Retainer {today:%B %Y}",
                    "qty": str(hours),
                    "unit_cost": {"amount": str(rate), "code": "USD"},
                }
            ],
        },
    )
    log.info("created invoice %s for customer %s", invoice.invoice_number, customer_id)
    return invoice.id


def iter_invoices(client: Client, account_id: str, per_page: int = 50) -> Iterator[Any]:
    """Every invoice in the account, one page at a time."""
    invoices = client.invoices
    page = 1
    while True:
        result = invoices.list(account_id, builders=[PaginateBuilder(page, per_page)])
        yield from result
        if result.pages.page >= result.pages.pages:
            return
        page += 1


def discard_invoice(client: Client, account_id: str, invoice_id: int) -> None:
    """Remove a draft invoice for good (the SDK sends an HTTP DELETE)."""
    client.invoices.delete(account_id, invoice_id)


def void_expense(client: Client, account_id: str, expense_id: int) -> bool:
    """Delete a duplicated expense (the SDK sends a PUT with vis_state=1)."""
    try:
        client.expenses.delete(account_id, expense_id)
    except FreshBooksError as exc:
        log.warning("expense %s not deleted: %s", expense_id, exc)
        return False
    return True
