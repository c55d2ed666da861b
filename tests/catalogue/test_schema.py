"""Catalogue validation: each broken file gives its own message, key path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.catalogue import load_catalogue
from analyzer.errors import CatalogueError

# Line numbers are written next to each line; the cases below rely on them.
VALID = """\
schema: 1
catalogue: freshbooks
version: "2030-01"
hosts: [api.freshbooks.com]
scopes:
  user:clients:read: {description: Read clients., status: exists}
  user:clients:write: {description: Write clients., status: exists}
  user:reports:write: {description: Does not exist., status: nonexistent}
endpoints:
  - id: clients_collection
    path: /accounting/account/{account_id}/users/clients
    methods:
      GET: [user:clients:read]
      POST: [user:clients:write]
    confidence: documented
    sources: [https://www.freshbooks.com/api/clients]
"""

SECOND = """\
  - id: clients_again
    path: /accounting/account/{aid}/users/clients
    methods:
      GET: [user:clients:read]
    confidence: inferred
    sources: [test]
"""

# (old text, new text, expected line, expected message after "file:line: ")
CASES = [
    # schema key
    ("schema: 1\n", "", 1, "schema: missing required key (is this an fbscopes catalogue?)"),
    ("schema: 1", "schema: 2", 1, "schema: unsupported schema version 2 (supported: 1)"),
    ("schema: 1", "schema: '1'", 1, "schema: expected an integer, got a string"),
    ("schema: 1", "schema: true", 1, "schema: expected an integer, got a boolean"),
    # top level
    (
        'version: "2030-01"',
        'version: "2030-02"',
        3,
        "version: '2030-02' must equal the file name stem '2030-01'",
    ),
    ('version: "2030-01"\n', "", 1, "version: missing required key"),
    ("endpoints:", "endpoint:", 9, "endpoint: unknown key (did you mean 'endpoints'?)"),
    ("catalogue: freshbooks", "catalogue: Fresh Books", 2, "catalogue: invalid catalogue name"),
    (
        "hosts: [api.freshbooks.com]",
        "hosts: ['https://api.freshbooks.com']",
        4,
        "hosts[0]: invalid host 'https://api.freshbooks.com'",
    ),
    ("hosts: [api.freshbooks.com]", "hosts: []", 4, "hosts: must not be empty"),
    (
        "hosts: [api.freshbooks.com]",
        "hosts: [api.freshbooks.com]\neffective: 2030-01-02",
        5,
        "effective: expected a string, got a date (quote it)",
    ),
    # scopes
    (
        "status: exists}",
        "status: exist}",
        6,
        "scopes.user:clients:read.status: invalid value 'exist' (did you mean 'exists'?);"
        " expected one of: exists, exists-undocumented, legacy, disputed-probably-nonexistent,"
        " nonexistent",
    ),
    (
        "{description: Read clients., status: exists}",
        "{description: Read clients., status: exists, since: x}",
        6,
        "scopes.user:clients:read.since: unknown key",
    ),
    (
        "{description: Read clients., status: exists}",
        "{status: exists}",
        6,
        "scopes.user:clients:read.description: missing required key",
    ),
    (
        "  user:clients:read: {",
        "  User Clients: {",
        6,
        "scopes.User Clients: invalid scope name 'User Clients'",
    ),
    ("scopes:\n", "x: 1\nscopes:\n", 5, "x: unknown key"),
    # endpoint keys and values
    (
        "confidence: documented",
        "confidense: documented",
        15,
        "endpoints[0].confidense: unknown key (did you mean 'confidence'?)",
    ),
    ("    confidence: documented\n", "", 10, "endpoints[0].confidence: missing required key"),
    (
        "confidence: documented",
        "confidence: guessed",
        15,
        "endpoints[0].confidence: invalid value 'guessed'; expected one of: documented, inferred",
    ),
    (
        "sources: [https://www.freshbooks.com/api/clients]",
        "sources: https://www.freshbooks.com/api/clients",
        16,
        "endpoints[0].sources: expected a list, got a string",
    ),
    (
        "sources: [https://www.freshbooks.com/api/clients]",
        "sources: []",
        16,
        "endpoints[0].sources: must not be empty",
    ),
    (
        "sources: [https://www.freshbooks.com/api/clients]",
        "sources:\n      - a\n      - 3",
        18,
        "endpoints[0].sources[1]: expected a string, got an integer",
    ),
    (
        "    sources:",
        "    notes: [a]\n    sources:",
        16,
        "endpoints[0].notes: expected a string, got a list",
    ),
    (
        "id: clients_collection",
        "id: Clients-Collection",
        10,
        "endpoints[0].id: invalid endpoint id",
    ),
    # methods
    (
        "GET: [user:clients:read]",
        "GETT: [user:clients:read]",
        13,
        "endpoints[0].methods.GETT: unknown HTTP method (did you mean 'GET'?)",
    ),
    (
        "GET: [user:clients:read]",
        "get: [user:clients:read]",
        13,
        "endpoints[0].methods.get: HTTP methods must be upper-case (write 'GET')",
    ),
    (
        "GET: [user:clients:read]",
        "GET: [user:clients:reed]",
        13,
        "endpoints[0].methods.GET[0]: undeclared scope 'user:clients:reed'"
        " (did you mean 'user:clients:read'?)",
    ),
    (
        "GET: [user:clients:read]",
        "GET: [user:reports:write]",
        13,
        "endpoints[0].methods.GET[0]: scope 'user:reports:write' has status nonexistent"
        " and cannot be required",
    ),
    (
        "GET: [user:clients:read]",
        "GET: [user:clients:read, user:clients:read]",
        13,
        "endpoints[0].methods.GET[1]: scope 'user:clients:read' is listed twice",
    ),
    (
        "GET: [user:clients:read]",
        "GET: read",
        13,
        "endpoints[0].methods.GET: expected a list of scopes or 'unknown', got a string",
    ),
    (
        "GET: [user:clients:read]",
        "GET: [3]",
        13,
        "endpoints[0].methods.GET[0]: expected a scope name, got an integer",
    ),
    (
        "    methods:\n      GET: [user:clients:read]\n      POST: [user:clients:write]\n",
        "    methods: {}\n",
        12,
        "endpoints[0].methods: must name at least one HTTP method",
    ),
    # duplicates
    (
        "sources: [https://www.freshbooks.com/api/clients]\n",
        "sources: [https://www.freshbooks.com/api/clients]\n"
        + SECOND.replace("clients_again", "clients_collection"),
        17,
        "endpoints[1].id: duplicate id 'clients_collection' (first used at line 10)",
    ),
    (
        "sources: [https://www.freshbooks.com/api/clients]\n",
        "sources: [https://www.freshbooks.com/api/clients]\n" + SECOND,
        20,
        "endpoints[1].methods.GET: duplicate endpoint GET /accounting/account/{aid}/users/clients"
        " (also 'clients_collection', line 13)",
    ),
    # YAML-level problems (reported by yamlio, converted to file:line)
    (
        "POST: [user:clients:write]",
        "GET: [user:clients:write]",
        14,
        "duplicate key 'GET'",
    ),
    ("hosts: [api.freshbooks.com]", "hosts: [api.freshbooks.com", 5, "invalid YAML"),
    (
        "confidence: documented",
        "confidence: !!python/object/apply:os.system [echo hi]",
        15,
        "unsupported YAML tag or value",
    ),
]

TEMPLATE_CASES = [
    ("accounting/account/{account_id}", "path template must start with '/'"),
    ("https://api.freshbooks.com/a", "path template must start with '/'"),
    ("/a/{id", "unbalanced braces in segment '{id'"),
    ("/a/id}", "unbalanced braces in segment 'id}'"),
    ("/a/{1x}", "placeholder name '1x' is not an identifier"),
    ("/a/{}", "placeholder name '' is not an identifier"),
    ("/a/{a}{b}", "segment '{a}{b}' mixes literal text and a placeholder"),
    ("/a/x{id}", "segment 'x{id}' mixes literal text and a placeholder"),
    ("/a//b", "path template has an empty segment ('//' or a trailing '/')"),
    ("/a/b/", "path template has an empty segment ('//' or a trailing '/')"),
    ("/", "path template has an empty segment ('//' or a trailing '/')"),
    ("/a/b?page=1", "path template must not contain a query string or fragment"),
    ("/a/{id}/b/{id}", "placeholder {id} appears twice"),
]


def _write(tmp_path: Path, text: str, stem: str = "2030-01") -> Path:
    path = tmp_path / f"{stem}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> CatalogueError:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(str(path))
    return info.value


def test_valid_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, VALID)
    catalogue = load_catalogue(str(path))
    assert (catalogue.name, catalogue.version, catalogue.source) == (
        "freshbooks",
        "2030-01",
        str(path),
    )
    assert catalogue.hosts == frozenset({"api.freshbooks.com"})
    assert catalogue.scopes["user:reports:write"].status == "nonexistent"
    assert not catalogue.scopes["user:reports:write"].requestable
    (endpoint,) = catalogue.endpoints
    assert dict(endpoint.methods) == {
        "GET": ("user:clients:read",),
        "POST": ("user:clients:write",),
    }
    assert endpoint.sources == ("https://www.freshbooks.com/api/clients",)
    assert (endpoint.notes, endpoint.method_confidence) == (None, None)


def test_unknown_and_empty_scope_lists(tmp_path: Path) -> None:
    text = VALID.replace("GET: [user:clients:read]", "GET: unknown").replace(
        "POST: [user:clients:write]", "POST: []"
    )
    catalogue = load_catalogue(str(_write(tmp_path, text)))
    assert dict(catalogue.endpoints[0].methods) == {"GET": None, "POST": ()}


def test_cases_replace_something() -> None:
    for old, _, _, _ in CASES:
        assert old in VALID or old in SECOND, old


@pytest.mark.parametrize(("old", "new", "line", "message"), CASES)
def test_broken_file(tmp_path: Path, old: str, new: str, line: int, message: str) -> None:
    path = _write(tmp_path, VALID.replace(old, new, 1))
    error = _error(path)
    assert error.path == str(path)
    assert error.line == line
    assert error.message.startswith(message), error.message
    assert str(error).startswith(f"{path}:{line}: {message}")


@pytest.mark.parametrize(("template", "problem"), TEMPLATE_CASES)
def test_malformed_path_template(tmp_path: Path, template: str, problem: str) -> None:
    old = "path: /accounting/account/{account_id}/users/clients"
    path = _write(tmp_path, VALID.replace(old, f"path: '{template}'"))
    error = _error(path)
    assert error.line == 11
    assert error.message == f"endpoints[0].path: {problem}: {template!r}"


def test_empty_file(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "# nothing here\n"))
    assert (error.line, error.message) == (None, "the catalogue file is empty")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "- schema\n- 1\n"))
    assert (error.line, error.message) == (1, "(top level): expected a mapping, got a list")


def test_future_schema_is_reported_before_unknown_keys(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, VALID.replace("schema: 1", "schema: 2\nnew_key: 1")))
    assert error.message.startswith("schema: unsupported schema version 2")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    error = _error(path)
    assert (error.path, error.line, error.message) == (str(path), None, "catalogue file not found")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "2030-01.yaml"
    path.write_bytes(b"schema: 1\ncatalogue: \xff\n")
    assert _error(path).message == "catalogue file is not valid UTF-8"
