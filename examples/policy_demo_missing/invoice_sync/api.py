"""A thin FreshBooks REST session: the bearer token and the API root."""

from __future__ import annotations

import requests

API_ROOT = "https://api.freshbooks.com"


def session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    s.headers["Api-Version"] = "alpha"
    return s


def account_id(s: requests.Session) -> str:
    """The accounting id of the first business the token can see."""
    me = s.get(f"{API_ROOT}/auth/api/v1/users/me").json()["response"]
    return me["business_memberships"][0]["business"]["account_id"]
