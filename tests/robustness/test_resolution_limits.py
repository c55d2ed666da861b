"""Issue 4.2: code that would make resolution explode finishes quickly, `unresolved` if need be.

Each case is scanned through the command line (killed after `CLI_TIMEOUT` seconds) and must
finish within `FAST` seconds, interpreter start-up included, with the plain call next to it
still found. The engine's bounds (docs/safety.md): 10 inlined frames, 40,000 steps per root,
12 alternatives per value, 24 loop items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.robustness.helpers import (
    CLI_TIMEOUT,
    GOOD_SOURCE,
    ME_URL,
    good_call,
    json_calls,
    json_diagnostics,
    scan_json,
    write_tree,
)

FAST = 5.0
API = "https://api.freshbooks.com"
CLIENTS = f"{API}/accounting/account/ab12/users/clients"


def scan_case(
    tmp_path: Path, cache_dir: Path, files: dict[str, str], timeout: float = CLI_TIMEOUT
) -> dict[str, Any]:
    write_tree(tmp_path / "repo", {"good.py": GOOD_SOURCE, **files})
    run, report = scan_json(
        "repo", cwd=tmp_path, cache_dir=cache_dir, timeout=timeout, guard_roots=[tmp_path / "repo"]
    )
    assert run.seconds < FAST, f"took {run.seconds:.1f}s"
    assert run.guard_events == []
    assert good_call("good.py") in json_calls(report)
    return report


def calls_in(report: dict[str, Any], path: str) -> list[dict[str, Any]]:
    return [c for c in report["calls"] if c["path"] == path]


def test_import_cycles(tmp_path: Path, cache_dir: Path) -> None:
    files = {
        "pkg/__init__.py": "from pkg.a import *\n",
        "pkg/a.py": (
            "import requests\nfrom pkg.b import HOST\nfrom pkg import *\n\n"
            'ROOT = HOST + "/auth"\n\n\n'
            'def me():\n    return requests.get(ROOT + "/api/v1/users/me")\n'
        ),
        "pkg/b.py": (
            f'from pkg.a import ROOT\nfrom pkg.c import *\nHOST = "{API}"\nOTHER = ROOT + "/x"\n'
        ),
        "pkg/c.py": "from pkg.b import *\nfrom pkg.c import *\nimport pkg.c\n",
        "selfish.py": "import selfish\nfrom selfish import X\nX = X + '/x'\n",
    }
    report = scan_case(tmp_path, cache_dir, files)
    assert good_call("pkg/a.py") in json_calls(report)


def test_self_referential_constants(tmp_path: Path, cache_dir: Path) -> None:
    source = (
        "import requests\n\n"
        'A = A + "/x"\n'
        f'B = "{API}"\n'
        'B = B + "/auth/api/v1/users/me"\n\n\n'
        "class Api:\n"
        '    URL = URL + "/y"\n\n\n'
        "def fetch():\n"
        "    global C\n"
        '    C = C + "/z"\n'
        "    requests.get(C)\n"
        "    requests.get(Api.URL)\n\n\n"
        "requests.get(A)\n"
        "requests.get(B)\n"
    )
    report = scan_case(tmp_path, cache_dir, {"consts.py": source})
    found = calls_in(report, "consts.py")
    assert good_call("consts.py") in json_calls(report)  # B is fully known
    assert all(c["status"] in ("resolved", "unresolved") for c in found)
    assert all(c["scopes"] == [] for c in found if c["status"] == "unresolved")


def test_mutually_recursive_wrappers(tmp_path: Path, cache_dir: Path) -> None:
    source = (
        "import requests\n\n\n"
        "def ping(path, n):\n"
        "    if n:\n"
        '        return pong(path + "/x", n - 1)\n'
        f'    return requests.get("{API}" + path)\n\n\n'
        "def pong(path, n):\n"
        "    return ping(path, n)\n\n\n"
        "def forever(path):\n"
        '    return forever(path + "/a") or forever(path + "/b")\n\n\n'
        "def main():\n"
        '    ping("/auth/api/v1/users/me", 3)\n'
        '    forever("/auth")\n'
    )
    report = scan_case(tmp_path, cache_dir, {"wrappers.py": source})
    assert good_call("wrappers.py") in json_calls(report)


def test_exponential_choices_are_cut(tmp_path: Path, cache_dir: Path) -> None:
    """40 two-way branches would be 2**40 URLs: more than 12 alternatives is `unresolved`."""
    lines = ["import random", "import requests", f'u = "{API}"']
    lines += ['u = u + ("/a" if random.random() else "/b")'] * 40
    lines += ["requests.get(u)"]
    report = scan_case(tmp_path, cache_dir, {"branches.py": "\n".join(lines) + "\n"})
    [call] = calls_in(report, "branches.py")
    assert (call["status"], call["scopes"]) == ("unresolved", [])


def test_exponential_string_doubling(tmp_path: Path, cache_dir: Path) -> None:
    lines = ["import requests", f's = "{API}/"'] + ["s = s + s"] * 40 + ["requests.get(s)"]
    report = scan_case(
        tmp_path, cache_dir, {"doubling.py": "\n".join(lines) + "\n"}, timeout=FAST + 1
    )
    [call] = calls_in(report, "doubling.py")
    assert call["status"] == "unresolved"
    assert len(report["calls"][0]["reason"] or "") < 10_000


def _wrapper_chain(length: int) -> str:
    lines = ["import requests", ""]
    for i in range(length):
        lines += [f"def f{i}(p):", f"    return f{i + 1}(f'{{p}}/s{i}')", ""]
    lines += [f"def f{length}(p):", f"    return requests.get(f'{API}{{p}}')", ""]
    lines += ["f0('/auth/api/v1/users/me')", f'requests.get("{ME_URL}")']
    return "\n".join(lines) + "\n"


def test_long_wrapper_chain_finishes(tmp_path: Path, cache_dir: Path) -> None:
    """200 functions, each calling the next with a longer f-string: bounded by 10 frames."""
    report = scan_case(tmp_path, cache_dir, {"chain.py": _wrapper_chain(200)})
    assert good_call("chain.py") in json_calls(report)


def test_request_beyond_the_depth_limit_is_still_reported(tmp_path: Path, cache_dir: Path) -> None:
    source = _wrapper_chain(12)
    report = scan_case(tmp_path, cache_dir, {"chain.py": source})
    request_line = source.splitlines().index(f"    return requests.get(f'{API}{{p}}')") + 1
    lines = {c["line"] for c in calls_in(report, "chain.py")}
    assert request_line in lines or any(
        step["line"] == request_line for c in calls_in(report, "chain.py") for step in c["trace"]
    ), "the request in f12 is missing from the report"


def test_step_budget_gives_a_resolution_limit_diagnostic(tmp_path: Path, cache_dir: Path) -> None:
    """24**3 loop iterations exceed the 40,000 steps of one root: a `resolution-limit`."""
    letters = ", ".join(f'"{c}"' for c in "abcdefghijklmnopqrstuvwx")
    source = (
        f"import requests\n\nL = [{letters}]\n\n\n"
        "def heavy():\n"
        '    out = ""\n'
        "    for a in L:\n"
        "        for b in L:\n"
        "            for c in L:\n"
        "                out = a + b + c\n"
        f'    requests.get("{ME_URL}")\n'
        "    return out\n"
    )
    report = scan_case(tmp_path, cache_dir, {"heavy.py": source})
    # Calls after the point where the budget ran out may be missing: the diagnostic says so.
    assert json_diagnostics(report).get("heavy.py") == {"resolution-limit"}


def test_more_than_twelve_alternatives_is_unresolved(tmp_path: Path, cache_dir: Path) -> None:
    routes = "".join(
        f'    "k{i}": "/accounting/account/ab12/users/clients/{i}",\n' for i in range(13)
    )
    source = (
        f"import sys\nimport requests\n\nROUTES = {{\n{routes}}}\n"
        f'requests.get("{API}" + ROUTES[sys.argv[1]])\n'
    )
    report = scan_case(tmp_path, cache_dir, {"routes.py": source})
    [call] = calls_in(report, "routes.py")
    assert (call["status"], call["scopes"]) == ("unresolved", [])


@pytest.mark.parametrize(("items", "status"), [(24, "resolved"), (25, "unresolved")])
def test_loops_are_unrolled_up_to_24_items(
    tmp_path: Path, cache_dir: Path, items: int, status: str
) -> None:
    paths = "".join(f'    "/accounting/account/ab12/users/clients/{i}",\n' for i in range(items))
    source = (
        f'import requests\n\nPATHS = [\n{paths}]\nfor p in PATHS:\n    requests.get("{API}" + p)\n'
    )
    report = scan_case(tmp_path, cache_dir, {"loop.py": source})
    statuses = {c["status"] for c in calls_in(report, "loop.py")}
    assert statuses == {status}
    if status == "resolved":
        assert {tuple(c["scopes"]) for c in calls_in(report, "loop.py")} == {("user:clients:read",)}


def test_deep_but_legal_nesting_is_analysed(tmp_path: Path, cache_dir: Path) -> None:
    """900 nested `not`/unary operators and a 900-term concatenation: parsed, not refused."""
    pieces = " + ".join([f'"{API}"', *['""'] * 898, '"/auth/api/v1/users/me"'])
    source = (
        "import requests\n\n"
        f"FLAG = {'not ' * 900}True\n"
        f"NUMBER = {'-' * 900}1\n"
        f"URL = {pieces}\n"
        "requests.get(URL)\n"
    )
    report = scan_case(tmp_path, cache_dir, {"deep.py": source})
    assert good_call("deep.py") in json_calls(report)
    assert "deep.py" not in json_diagnostics(report)
