"""Where the invoicing tool gets its FreshBooks SDK client and its access token."""

from __future__ import annotations

import os

from freshbooks import Client

REDIRECT_URI = "https://invoicing.example.com/oauth/freshbooks/callback"


def make_client(access_token: str | None = None) -> Client:
    """Build an SDK client. Without a token it can only run the OAuth consent flow."""
    return Client(
        client_id=os.environ["FRESHBOOKS_CLIENT_ID"],
        client_secret=os.environ.get("FRESHBOOKS_CLIENT_SECRET"),
        redirect_uri=REDIRECT_URI,
        access_token=access_token,
        user_agent="sdk-invoicing/0.3 (+https://invoicing.example.com)",
    )


def consent_url(client: Client) -> str:
    """The page where the bookkeeper approves the app. Building it sends no request."""
    return client.get_auth_request_url(
        scopes=[
            "user:profile:read",
            "user:clients:read",
            "user:invoices:read",
            "user:invoices:write",
            "user:expenses:write",
            "user:payments:read",  # left over from the dropped payment-reminder feature
        ]
    )


def exchange_code(client: Client, code: str) -> str:
    """Trade the one-time authorization code for an access token."""
    token = client.get_access_token(code)
    return token.access_token
