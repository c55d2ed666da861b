"""The FreshBooks calls the time tracker makes, over one `requests.Session`.

Every request goes through `TrackerAPI._send`, which adds the host, the bearer
token and the error handling. The public methods each own one endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests

API_ROOT = "https://api.freshbooks.com"
TIMEOUT = 20  # seconds
PAGE_SIZE = 100

# Listing and creating time entries share one path.
TIME_ENTRIES = "/timetracking/business/{}/time_entries"


class APIError(RuntimeError):
    """FreshBooks answered with a 4xx or 5xx status."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"FreshBooks answered {status}: {detail}")
        self.status = status


@dataclass(frozen=True)
class Membership:
    """One business the signed-in user belongs to, with the two ids the API wants."""

    business_id: int
    account_id: str
    name: str


class TrackerAPI:
    """A thin client for the endpoints the tracker needs, and nothing else."""

    def __init__(self, access_token: str, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {access_token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            }
        )

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        response = self.session.request(
            method, API_ROOT + path, params=params, json=body, timeout=TIMEOUT
        )
        if response.status_code >= 400:
            raise APIError(response.status_code, _error_text(response))
        return response.json()

    # Identity -------------------------------------------------------------

    def whoami(self) -> dict[str, Any]:
        """The signed-in user: name, identity id and business memberships."""
        return self._send("GET", "/auth/api/v1/users/me")["response"]

    # Lookups ---------------------------------------------------------------

    def projects(self, business_id: int) -> list[dict[str, Any]]:
        data = self._send(
            "GET",
            f"/projects/business/{business_id}/projects",
            params={"per_page": PAGE_SIZE, "active": "true"},
        )
        return data.get("projects", [])

    def clients(self, account_id: str) -> list[dict[str, Any]]:
        data = self._send(
            "GET",
            f"/accounting/account/{account_id}/users/clients",
            params={"per_page": PAGE_SIZE},
        )
        return data["response"]["result"]["clients"]

    def services(self, business_id: int) -> list[dict[str, Any]]:
        data = self._send("GET", f"/comments/business/{business_id}/services")
        services = data.get("services") or []
        # Some responses key services by id rather than listing them.
        return list(services.values()) if isinstance(services, dict) else services

    # Time entries ----------------------------------------------------------

    def time_entries(
        self, business_id: int, identity_id: int, start: datetime, end: datetime
    ) -> list[dict[str, Any]]:
        """Every time entry the user logged between `start` and `end` (UTC)."""
        entries: list[dict[str, Any]] = []
        page = 1
        while True:
            data = self._send(
                "GET",
                TIME_ENTRIES.format(business_id),
                params={
                    "identity_id": identity_id,
                    "started_from": _stamp(start),
                    "started_to": _stamp(end),
                    "page": page,
                    "per_page": PAGE_SIZE,
                },
            )
            entries.extend(data.get("time_entries", []))
            if page >= data.get("meta", {}).get("pages", 1):
                return entries
            page += 1

    def log_time(self, business_id: int, entry: dict[str, Any]) -> dict[str, Any]:
        """Create one logged time entry and return it as FreshBooks stored it."""
        data = self._send("POST", TIME_ENTRIES.format(business_id), body={"time_entry": entry})
        return data["time_entry"]


def memberships(identity: dict[str, Any]) -> list[Membership]:
    """The businesses in a `whoami()` answer that have both ids."""
    found = []
    for membership in identity.get("business_memberships", []):
        business = membership.get("business") or {}
        if business.get("id") and business.get("account_id"):
            found.append(Membership(business["id"], business["account_id"], business["name"]))
    return found


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _error_text(response: requests.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return response.text[:200]
    errors = payload.get("response", {}).get("errors") or payload.get("errors") or []
    if isinstance(errors, list) and errors:
        return "; ".join(
            str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
        )
    return str(payload.get("message") or payload)[:200]
