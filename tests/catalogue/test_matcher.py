"""Path matching against the built-in catalogue.

Expected templates and scopes are copied from the research reference
(../shared/reference/freshbooks-endpoints.yaml and freshbooks-api.md section 4/5).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from analyzer.catalogue import Catalogue, available_versions, load_catalogue, normalize_path

CLIENTS = "/accounting/account/{account_id}/users/clients"
CLIENT = "/accounting/account/{account_id}/users/clients/{id}"
INVOICE = "/accounting/account/{account_id}/invoices/invoices/{id}"
REPORT = "/accounting/account/{account_id}/reports/accounting/{report_name}"
BIZ_REPORT = "/accounting/businesses/{business_uuid}/reports/{report_name}"
CHART = "/accounting/businesses/{business_uuid}/reports/chart_of_accounts"
TIME_ENTRY = "/timetracking/business/{business_id}/time_entries/{id}"
TIME_SEARCH = "/timetracking/business/{business_id}/time_entries/search"
CALLBACKS = "/events/account/{account_id}/events/callbacks"

MATCHES = [
    # (method, input path, expected template, expected scopes)
    ("GET", "/accounting/account/{aid}/users/clients", CLIENTS, ("user:clients:read",)),
    ("GET", "/accounting/account/xZ9kQ/users/clients", CLIENTS, ("user:clients:read",)),
    ("POST", "/accounting/account/{account_id}/users/clients", CLIENTS, ("user:clients:write",)),
    ("PUT", "/accounting/account/{aid}/users/clients/{client_id}", CLIENT, ("user:clients:write",)),
    ("get", "/auth/api/v1/users/me", "/auth/api/v1/users/me", ("user:profile:read",)),
    ("DELETE", "/accounting/account/a1/invoices/invoices/42", INVOICE, ("user:invoices:write",)),
    # a partly-unknown segment still only matches a placeholder
    (
        "GET",
        "/accounting/account/{aid}/invoices/invoices/inv-{n}",
        INVOICE,
        ("user:invoices:read",),
    ),
    # reports: a literal report name fills {report_name}
    (
        "GET",
        "/accounting/account/{aid}/reports/accounting/profitloss",
        REPORT,
        ("user:reports:read",),
    ),
    ("GET", "/accounting/account/{aid}/reports/accounting/{name}", REPORT, ("user:reports:read",)),
    # chart_of_accounts (more literal segments) beats {report_name}
    (
        "GET",
        "/accounting/businesses/{uuid}/reports/chart_of_accounts",
        CHART,
        ("user:reports:read", "user:account:read"),
    ),
    (
        "GET",
        "/accounting/businesses/{uuid}/reports/general_ledger",
        BIZ_REPORT,
        ("user:reports:read", "user:account:read"),
    ),
    # a hole never matches the literal chart_of_accounts
    (
        "GET",
        "/accounting/businesses/{uuid}/reports/{which}",
        BIZ_REPORT,
        ("user:reports:read", "user:account:read"),
    ),
    # projects: singular and plural single-project paths both exist
    (
        "POST",
        "/projects/business/{bid}/project",
        "/projects/business/{business_id}/project",
        ("user:projects:write",),
    ),
    (
        "GET",
        "/projects/business/{bid}/project/{pid}",
        "/projects/business/{business_id}/project/{id}",
        ("user:projects:read",),
    ),
    (
        "DELETE",
        "/projects/business/77/projects/12",
        "/projects/business/{business_id}/projects/{id}",
        ("user:projects:write",),
    ),
    (
        "GET",
        "/projects/business/77/projects",
        "/projects/business/{business_id}/projects",
        ("user:projects:read",),
    ),
    # time entries: /search beats /{id}; a hole only matches /{id}
    (
        "GET",
        "/timetracking/business/{bid}/time_entries/search",
        TIME_SEARCH,
        ("user:time_entries:read",),
    ),
    (
        "GET",
        "/timetracking/business/{bid}/time_entries/{entry}",
        TIME_ENTRY,
        ("user:time_entries:read",),
    ),
    (
        "GET",
        "/timetracking/business/{bid}/time_entries/search{x}",
        TIME_ENTRY,
        ("user:time_entries:read",),
    ),
    (
        "DELETE",
        "/timetracking/business/1/time_entries/99",
        TIME_ENTRY,
        ("user:time_entries:write",),
    ),
    # no OAuth scope at all
    ("POST", "/auth/oauth/token", "/auth/oauth/token", ()),
    ("POST", "/auth/oauth/revoke", "/auth/oauth/revoke", ()),
    # query string, fragment, trailing and duplicate slashes are ignored
    (
        "GET",
        "/accounting/account/{aid}/users/clients?page=2&per_page=100",
        CLIENTS,
        ("user:clients:read",),
    ),
    ("GET", "/accounting/account/{aid}/users/clients/", CLIENTS, ("user:clients:read",)),
    ("GET", "//accounting//account/{aid}/users/clients/#top", CLIENTS, ("user:clients:read",)),
    (
        "GET",
        "/accounting/account/{aid}/invoices/invoices/{id}/share_link?share_method=share_link",
        "/accounting/account/{account_id}/invoices/invoices/{id}/share_link",
        ("user:invoices:read",),
    ),
    # misc families
    (
        "POST",
        "/uploads/account/{aid}/images",
        "/uploads/account/{account_id}/images",
        ("user:uploads:write",),
    ),
    ("GET", "/uploads/images/{jwt}", "/uploads/images/{jwt}", ("user:uploads:read",)),
    (
        "PUT",
        "/comments/business/{bid}/project/{pid}/service/{sid}/rate",
        "/comments/business/{business_id}/project/{project_id}/service/{id}/rate",
        ("user:billable_items:write", "user:projects:write"),
    ),
    (
        "GET",
        "/payments/account/{aid}/invoice/{iid}/payment_options",
        "/payments/account/{account_id}/invoice/{id}/payment_options",
        ("user:online_payments:read",),
    ),
    (
        "GET",
        "/accounting/account/{aid}/links/reports/{token}/invoice_details.csv",
        "/accounting/account/{account_id}/links/reports/{download_token}/invoice_details.csv",
        ("user:reports:read",),
    ),
    (
        "GET",
        "/auth/api/v1/businesses/{bid}/team_members",
        "/auth/api/v1/businesses/{business_id}/team_members",
        ("user:teams:read",),
    ),
    (
        "GET",
        "/accounting/ledger_accounts/sub_types/5",
        "/accounting/ledger_accounts/sub_types/{id}",
        ("user:account:read",),
    ),
]

UNKNOWN_SCOPE = [
    ("GET", "/events/account/{aid}/events/callbacks", CALLBACKS),
    ("POST", "/events/account/{aid}/events/callbacks", CALLBACKS),
    ("PUT", "/events/account/{aid}/events/callbacks/{cid}", CALLBACKS + "/{id}"),
    ("DELETE", "/events/account/abc/events/callbacks/12", CALLBACKS + "/{id}"),
]

NO_MATCH = [
    (
        "GET",
        "/accounting/account/{aid}/widgets",
        "no catalogue entry for /accounting/account/{aid}/widgets",
    ),
    ("GET", "/auth/oauth/token", "GET is not a known method of /auth/oauth/token (known: POST)"),
    (
        "PATCH",
        "/accounting/account/{aid}/users/clients/{id}",
        f"PATCH is not a known method of {CLIENT} (known: GET, PUT)",
    ),
    # the most specific entry decides, even when it lacks the method
    (
        "PUT",
        "/timetracking/business/1/time_entries/search",
        f"PUT is not a known method of {TIME_SEARCH} (known: GET)",
    ),
    # a hole never matches a literal segment (/auth/api/v1/users/me, .../business, ...)
    ("GET", "/auth/api/v1/users/{who}", "no catalogue entry for /auth/api/v1/users/{who}"),
    # entries on other hosts are not in the catalogue
    ("GET", "/oauth/authorize", "no catalogue entry for /oauth/authorize"),
    ("POST", "/gateway/fbpay/tokenize", "no catalogue entry for /gateway/fbpay/tokenize"),
    (
        "POST",
        "/gateway/stripe/payment-method",
        "no catalogue entry for /gateway/stripe/payment-method",
    ),
    ("GET", "", "no catalogue entry for /"),
]


@pytest.fixture(scope="module")
def newest() -> Catalogue:
    return load_catalogue()


@pytest.mark.parametrize(("method", "path", "template", "scopes"), MATCHES)
def test_match(
    newest: Catalogue, method: str, path: str, template: str, scopes: tuple[str, ...]
) -> None:
    result = newest.match(method, path)
    assert result.endpoint is not None, result.reason
    assert (result.endpoint.path, result.scopes, result.reason) == (template, scopes, None)


@pytest.mark.parametrize(("method", "path", "template"), UNKNOWN_SCOPE)
def test_webhook_callbacks_have_unknown_scope(
    newest: Catalogue, method: str, path: str, template: str
) -> None:
    result = newest.match(method, path)
    assert result.endpoint is not None
    assert result.endpoint.path == template
    assert result.scopes is None
    assert result.endpoint.methods[method] is None
    assert result.reason is not None and "does not know which scope" in result.reason


@pytest.mark.parametrize(("method", "path", "reason"), NO_MATCH)
def test_no_match(newest: Catalogue, method: str, path: str, reason: str) -> None:
    result = newest.match(method, path)
    assert (result.endpoint, result.scopes, result.reason) == (None, None, reason)
    assert not result.matched


@pytest.mark.parametrize("version", available_versions())
def test_other_hosts_never_match_in_any_version(version: str) -> None:
    catalogue = load_catalogue(version)
    for method, path in [("GET", "/oauth/authorize"), ("POST", "/gateway/fbpay/tokenize")]:
        assert catalogue.match(method, path).endpoint is None
    assert not any("://" in e.path or "<" in e.path for e in catalogue.endpoints)


def test_older_version_lacks_newer_families() -> None:
    old = load_catalogue("2021-10")
    result = old.match("GET", "/accounting/businesses/{uuid}/reports/chart_of_accounts")
    assert result.endpoint is None
    assert (
        result.reason
        == "no catalogue entry for /accounting/businesses/{uuid}/reports/chart_of_accounts"
    )


def test_endpoints_for_path_lists_every_template_most_specific_first(newest: Catalogue) -> None:
    found = newest.endpoints_for_path("/timetracking/business/1/time_entries/search?x=1")
    assert [e.path for e in found] == [TIME_SEARCH, TIME_ENTRY]
    assert (
        newest.endpoints_for_path("/timetracking/business/1/time_entries/{x}")[0].path == TIME_ENTRY
    )
    assert newest.endpoints_for_path("/nothing/here") == ()


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("/a/b", "/a/b"),
        ("/a/b/", "/a/b"),
        ("a//b///c/", "/a/b/c"),
        ("/a/b?x=1/2#f", "/a/b"),
        ("/a/{id}#frag", "/a/{id}"),
        ("", "/"),
        ("/", "/"),
        ("?q", "/"),
    ],
)
def test_normalize_path(raw: str, normalized: str) -> None:
    assert normalize_path(raw) == normalized


AMBIGUOUS = """\
schema: 1
catalogue: test
version: "2030-01"
hosts: [api.example.com]
scopes:
  user:a:read: {description: A., status: exists}
endpoints:
  - id: left
    path: /a/{x}/c
    methods: {GET: [user:a:read], POST: [user:a:read]}
    confidence: inferred
    sources: [test]
  - id: right
    path: /a/b/{y}
    methods: {GET: [user:a:read]}
    confidence: inferred
    sources: [test]
  - id: right_put
    path: /a/b/{z}
    methods: {PUT: [user:a:read]}
    confidence: inferred
    sources: [test]
"""


@pytest.fixture
def ambiguous(tmp_path: Path) -> Catalogue:
    path = tmp_path / "2030-01.yaml"
    path.write_text(AMBIGUOUS, encoding="utf-8")
    return load_catalogue(str(path))


def test_tie_between_equally_specific_entries_is_ambiguous(ambiguous: Catalogue) -> None:
    result = ambiguous.match("GET", "/a/b/c")
    assert (result.endpoint, result.scopes, result.reason) == (None, None, "ambiguous: left, right")


def test_method_breaks_a_tie(ambiguous: Catalogue) -> None:
    post = ambiguous.match("POST", "/a/b/c").endpoint
    put = ambiguous.match("PUT", "/a/b/c").endpoint
    assert (post and post.id, put and put.id) == ("left", "right_put")


def test_tie_without_the_method_is_ambiguous(ambiguous: Catalogue) -> None:
    result = ambiguous.match("DELETE", "/a/b/c")
    assert result.reason == "ambiguous: left, right, right_put (none has DELETE)"


def test_holes_resolve_the_tie(ambiguous: Catalogue) -> None:
    left = ambiguous.match("GET", "/a/{any}/c").endpoint
    right = ambiguous.match("GET", "/a/b/{any}").endpoint
    assert (left and left.id, right and right.id) == ("left", "right")


def test_same_path_split_over_two_entries(ambiguous: Catalogue) -> None:
    found = ambiguous.endpoints_for_path("/a/b/{q}")
    assert [e.id for e in found] == ["right", "right_put"]


def test_catalogue_pickles(newest: Catalogue) -> None:
    copy = pickle.loads(pickle.dumps(newest))
    assert copy.endpoints == newest.endpoints
    assert dict(copy.scopes) == dict(newest.scopes)
    assert copy.match("GET", "/auth/api/v1/users/me").scopes == ("user:profile:read",)
