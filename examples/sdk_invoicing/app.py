"""Month-end run: connect to FreshBooks, bill the retainer, tidy drafts and duplicates.

Usage: python app.py --customer ops@client.example --hours 12 --rate 150 --duplicate-expense 5531
"""

from __future__ import annotations

import argparse
import logging
import sys
from decimal import Decimal

from freshbooks import Client

import billing
from fb_client import consent_url, exchange_code, make_client


def connect() -> tuple[Client, str]:
    """Run the OAuth consent flow and return an authorised client and its account id."""
    oauth = make_client()
    print("Open this page and approve the app:")
    print(consent_url(oauth))
    code = input("Paste the code from the redirect URL: ").strip()
    client = make_client(exchange_code(oauth, code))
    identity = client.current_user()
    business = identity.business_memberships[0].business
    print(f"Signed in as {identity.full_name} for {business.name}")
    return client, business.account_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customer", required=True, help="customer e-mail address")
    parser.add_argument("--hours", required=True, type=Decimal)
    parser.add_argument("--rate", required=True, type=Decimal)
    parser.add_argument("--duplicate-expense", type=int, action="append", default=[])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    client, account_id = connect()
    customers = billing.customer_ids_by_email(client, account_id)
    customer_id = customers.get(args.customer.lower())
    if customer_id is None:
        print(f"no FreshBooks client with e-mail {args.customer}", file=sys.stderr)
        return 1

    new_invoice = billing.bill_retainer(client, account_id, customer_id, args.hours, args.rate)
    for invoice in billing.iter_invoices(client, account_id):
        if invoice.v3_status == "draft" and invoice.id != new_invoice:
            billing.discard_invoice(client, account_id, invoice.id)
    voided = sum(billing.void_expense(client, account_id, e) for e in args.duplicate_expense)
    print(f"invoice {new_invoice} created; {voided} duplicate expense(s) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
