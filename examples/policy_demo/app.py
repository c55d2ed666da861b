"""Entry point: python app.py orders.json (FRESHBOOKS_TOKEN in the environment)."""

from __future__ import annotations

import json
import os
import sys

from invoice_sync import api, sync


def main(path: str) -> int:
    s = api.session(os.environ["FRESHBOOKS_TOKEN"])
    account = api.account_id(s)
    clients = sync.clients_by_email(s, account)
    billed = sync.billed_order_ids(s, account)
    with open(path, encoding="utf-8") as handle:
        orders = json.load(handle)
    for order in orders:
        client_id = clients.get(order["email"].lower())
        if client_id is not None and order["id"] not in billed:
            sync.create_invoice(s, account, client_id, order)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
