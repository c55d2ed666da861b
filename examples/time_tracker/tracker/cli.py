"""Command line for the time tracker.

    tracker status [--days N]
    tracker log HOURS --project TITLE [--service NAME] [--client NAME] [--note TEXT]

The access token comes from FRESHBOOKS_ACCESS_TOKEN (any OAuth app of yours will do;
see README.md for the scopes it needs).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tracker.api import APIError, Membership, TrackerAPI, memberships


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracker", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--business", help="business name or id, if you belong to more than one"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    status = commands.add_parser("status", help="who you are and what you logged lately")
    status.add_argument("--days", type=int, default=7, help="how far back to look (default 7)")

    log = commands.add_parser("log", help="log HOURS of work against a project")
    log.add_argument("hours", type=float, help="hours worked, e.g. 1.5")
    log.add_argument("--project", required=True, help="project title or id")
    log.add_argument("--service", help="service name or id (what kind of work)")
    log.add_argument("--client", help="client name or id (default: the project's client)")
    log.add_argument("--note", default="", help="what you did")
    log.add_argument("--on", type=date.fromisoformat, help="day worked, YYYY-MM-DD (default today)")
    log.add_argument("--dry-run", action="store_true", help="show the entry, do not send it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    token = os.environ.get("FRESHBOOKS_ACCESS_TOKEN")
    if not token:
        print("tracker: set FRESHBOOKS_ACCESS_TOKEN first", file=sys.stderr)
        return 2
    api = TrackerAPI(token)
    try:
        identity = api.whoami()
        business = pick_business(memberships(identity), args.business)
        if args.command == "status":
            return show_status(api, identity, business, args.days)
        return log_hours(api, identity, business, args)
    except (APIError, LookupError) as exc:
        print(f"tracker: {exc}", file=sys.stderr)
        return 1


def pick_business(choices: list[Membership], wanted: str | None) -> Membership:
    if not choices:
        raise LookupError("this login belongs to no FreshBooks business")
    if wanted is None:
        if len(choices) > 1:
            names = ", ".join(b.name for b in choices)
            raise LookupError(f"you belong to several businesses ({names}); pass --business")
        return choices[0]
    for business in choices:
        if wanted in (business.name, str(business.business_id)):
            return business
    raise LookupError(f"no business called {wanted!r}")


# status -------------------------------------------------------------------


def show_status(api: TrackerAPI, identity: dict[str, Any], business: Membership, days: int) -> int:
    end = datetime.now(UTC)
    start = datetime.combine(end.date() - timedelta(days=days - 1), time.min, tzinfo=UTC)
    entries = api.time_entries(business.business_id, identity["identity_id"], start, end)
    titles = {p["id"]: p["title"] for p in api.projects(business.business_id)}
    clients = {c["id"]: client_name(c) for c in api.clients(business.account_id)}

    print(f"{identity['first_name']} {identity['last_name']} @ {business.name}")
    print(f"Logged since {start:%a %d %b}: {hours(sum(e['duration'] for e in entries))}")
    per_project: dict[tuple[Any, Any], int] = defaultdict(int)
    for entry in entries:
        per_project[entry.get("project_id"), entry.get("client_id")] += entry["duration"]
    for (project_id, client_id), seconds in sorted(per_project.items(), key=lambda kv: -kv[1]):
        project = titles.get(project_id, "(no project)")
        client = clients.get(client_id, "")
        print(f"  {hours(seconds):>8}  {project}" + (f"  [{client}]" if client else ""))
    return 0


# log ------------------------------------------------------------------------


def log_hours(
    api: TrackerAPI, identity: dict[str, Any], business: Membership, args: argparse.Namespace
) -> int:
    if not 0 < args.hours <= 24:
        raise LookupError(f"{args.hours} is not a number of hours in a day")
    project = find(api.projects(business.business_id), args.project, "title", "project")

    client_id = project.get("client_id")
    if args.client:
        client_id = find_client(api.clients(business.account_id), args.client)["id"]

    service_id = None
    if args.service:
        service_id = find(api.services(business.business_id), args.service, "name", "service")["id"]

    day = args.on or date.today()
    entry = {
        "is_logged": True,
        "duration": round(args.hours * 3600),
        "note": args.note,
        "started_at": datetime.combine(day, time(9), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "identity_id": identity["identity_id"],
        "project_id": project["id"],
        "client_id": client_id,
        "service_id": service_id,
    }
    if args.dry_run:
        print(f"would log: {entry}")
        return 0
    saved = api.log_time(business.business_id, entry)
    print(f"logged {hours(saved['duration'])} on {project['title']} (entry {saved['id']})")
    return 0


def find(rows: list[dict[str, Any]], wanted: str, field: str, kind: str) -> dict[str, Any]:
    """The row whose id or `field` is `wanted` (case-insensitive)."""
    for row in rows:
        if str(row.get("id")) == wanted or str(row.get(field, "")).lower() == wanted.lower():
            return row
    raise LookupError(f"no {kind} called {wanted!r}")


def find_client(rows: list[dict[str, Any]], wanted: str) -> dict[str, Any]:
    for row in rows:
        if wanted in (str(row.get("id")), str(row.get("organization")), client_name(row)):
            return row
    raise LookupError(f"no client called {wanted!r}")


def client_name(client: dict[str, Any]) -> str:
    return client.get("organization") or f"{client.get('fname', '')} {client.get('lname', '')}".strip()


def hours(seconds: int) -> str:
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
