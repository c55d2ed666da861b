"""Match orders to FreshBooks clients and raise an invoice for each order not yet billed."""

from __future__ import annotations

import requests

from invoice_sync.api import API_ROOT

ACCOUNTING = API_ROOT + "/accounting/account/{account_id}"


def clients_by_email(s: requests.Session, account: str) -> dict[str, int]:
    url = ACCOUNTING.format(account_id=account) + "/users/clients"
    clients = s.get(url, params={"per_page": 100}).json()["response"]["result"]["clients"]
    return {c["email"].lower(): c["id"] for c in clients}


def billed_order_ids(s: requests.Session, account: str) -> set[str]:
    url = ACCOUNTING.format(account_id=account) + "/invoices/invoices"
    invoices = s.get(url, params={"per_page": 100}).json()["response"]["result"]["invoices"]
    return {i["po_number"] for i in invoices if i.get("po_number")}


def create_invoice(s: requests.Session, account: str, client_id: int, order: dict) -> int:
    url = ACCOUNTING.format(account_id=account) + "/invoices/invoices"
    lines = [
        {"name": item["sku"], "qty": item["qty"], "unit_cost": {"amount": item["price"]}}
        for item in order["items"]
    ]
    body = {"invoice": {"customerid": client_id, "po_number": order["id"], "lines": lines}}
    return s.post(url, json=body).json()["response"]["result"]["invoice"]["id"]
