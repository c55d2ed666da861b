"""Table tests for pass 2's value resolution: one module, one expression, one expected URL.

Unknown values become named holes (`{account_id}`), never guesses.
"""

from __future__ import annotations

import textwrap

import pytest

from analyzer.interpret import Interpreter
from analyzer.parsing import parse_and_summarize
from analyzer.project import Project
from analyzer.rules import load_rules
from analyzer.strings import describe

PRELUDE = """
import os
from urllib.parse import urljoin
BASE = "https://api.freshbooks.com"
PATH = "/accounting/account/{account_id}/users/clients"
class K:
    ROOT = BASE + "/accounting"
"""


def resolve(expression: str, setup: str = "") -> str:
    source = PRELUDE + textwrap.dedent(setup) + f"\nURL = {expression}\n"
    parsed = parse_and_summarize(source, "mod.py", "mod")
    assert parsed.summary is not None
    interpreter = Interpreter(Project.build([parsed.summary]), load_rules())
    return describe(interpreter.module_env("mod")["URL"])


@pytest.mark.parametrize(
    ("expression", "setup", "expected"),
    [
        ('"https://api.freshbooks.com/x"', "", "https://api.freshbooks.com/x"),
        ('BASE + "/auth/api/v1/users/me"', "", "https://api.freshbooks.com/auth/api/v1/users/me"),
        (
            'f"{BASE}/accounting/account/{acct}/items"',
            "",
            "https://api.freshbooks.com/accounting/account/{acct}/items",
        ),
        ('"{}/x/{}".format(BASE, 7)', "", "https://api.freshbooks.com/x/7"),
        (
            '(BASE + PATH).format(account_id="A1")',
            "",
            "https://api.freshbooks.com/accounting/account/A1/users/clients",
        ),
        ("PATH.format(**ids)", "", "/accounting/account/{account_id}/users/clients"),
        ('"%s/a/%s" % (BASE, aid)', "", "https://api.freshbooks.com/a/{aid}"),
        ('"%(b)s/a/%(n)d" % {"b": BASE, "n": 3}', "", "https://api.freshbooks.com/a/3"),
        ('"%%s-%s" % "x"', "", "%s-x"),
        ('"/".join([BASE, "accounting", aid])', "", "https://api.freshbooks.com/accounting/{aid}"),
        ('"/".join((BASE.rstrip("/"), "a"))', "", "https://api.freshbooks.com/a"),
        (
            'urljoin(BASE + "/accounting/", "items")',
            "",
            "https://api.freshbooks.com/accounting/items",
        ),
        ('urljoin(BASE + "/accounting/x", "/auth/me")', "", "https://api.freshbooks.com/auth/me"),
        ('os.environ.get("FB", "https://api.freshbooks.com")', "", "https://api.freshbooks.com"),
        ('os.getenv("FB", default="https://h.example")', "", "https://h.example"),
        ('os.environ.get("FB") or BASE', "", "https://api.freshbooks.com"),
        ('os.environ["FB"] + "/x"', "", "{FB}/x"),
        ('K.ROOT + "/y"', "", "https://api.freshbooks.com/accounting/y"),
        ("A", "A = 'p'\nA = A + '/q'\n", "p/q"),
        ('"a" if flag else "b"', "", "a | b"),
        ("str(42)", "", "42"),
        ("BASE.upper()", "", "HTTPS://API.FRESHBOOKS.COM"),
        ("LOCAL", "def f():\n    return 1\nLOCAL = f\n", "<unknown>"),
    ],
)
def test_resolution(expression: str, setup: str, expected: str) -> None:
    assert resolve(expression, setup) == expected


def test_self_referential_constant_is_a_hole_not_a_loop() -> None:
    assert resolve("LOOP", "LOOP = LOOP + '/x'\n") == "{LOOP}/x"


def test_cross_module_import_and_cycle() -> None:
    a = parse_and_summarize("from b import B\nA = B + '/a'\n", "a.py", "a").summary
    b = parse_and_summarize(
        "from a import A\nB = 'https://api.freshbooks.com'\n", "b.py", "b"
    ).summary
    assert a is not None and b is not None
    interpreter = Interpreter(Project.build([a, b]), load_rules())
    assert describe(interpreter.module_env("a")["A"]) == "https://api.freshbooks.com/a"
