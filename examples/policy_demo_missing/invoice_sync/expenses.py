"""New in this branch: record the shop's card fees as FreshBooks expenses."""

from __future__ import annotations

import requests

from invoice_sync.api import API_ROOT


def record_card_fee(s: requests.Session, account: str, amount: str, date: str) -> int:
    url = f"{API_ROOT}/accounting/account/{account}/expenses/expenses"
    body = {"expense": {"amount": {"amount": amount}, "date": date, "vendor": "Card processor"}}
    return s.post(url, json=body).json()["response"]["result"]["expense"]["id"]
