"""Month-end figures for the finance team, run by hand with a staff member's own token."""

from __future__ import annotations

import requests

from invoice_sync.api import API_ROOT


def profit_and_loss(s: requests.Session, account: str) -> dict:
    url = f"{API_ROOT}/accounting/account/{account}/reports/accounting/profitloss"
    # fbscopes: ignore[user:reports:read] -- finance runs this with a staff token, not the app's
    return s.get(url).json()["response"]["result"]["profitloss"]
