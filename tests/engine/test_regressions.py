"""Regressions found in review, each a small project with expectations from the FreshBooks facts.

Facts used (freshbooks-endpoints.yaml): GET /accounting/account/{account_id}/users/clients
needs user:clients:read; GET .../invoices/invoices needs user:invoices:read; GET
/auth/api/v1/users/me needs user:profile:read.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from analyzer.api import Settings, analyze
from analyzer.models import Report, Status

BASE = 'BASE = "https://api.freshbooks.com"\n'


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _scan(root: Path, **settings: object) -> Report:
    return analyze([root], Settings(use_cache=False, **settings))  # type: ignore[arg-type]


def test_a_deep_chain_elsewhere_does_not_poison_a_shallow_call(tmp_path: Path) -> None:
    chain = "".join(f"def d{i}():\n    return d{i + 1}()\n" for i in range(1, 10))
    root = _tree(
        tmp_path,
        {
            "m.py": "import requests\n"
            + BASE
            + """
def w(path):
    return requests.get(BASE + path)
def x(path):
    return w(path)
def b_main():
    return x("/accounting/account/1/users/clients")
""",
            "deep.py": "from m import x\n"
            + "def a_deep():\n    return d1()\n"
            + chain
            + 'def d10():\n    return x("/accounting/account/1/users/clients")\n',
        },
    )
    assert _scan(root).required_scopes == ("user:clients:read",)


def test_multi_line_parenthesised_import_keeps_the_importer(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/fb.py": "import requests\n"
            + 'BASE = "https://api.freshbooks.com/accounting/account/1"\n'
            + "def call(r):\n    return requests.get(f'{BASE}/{r}/{r}')\n",
            "pkg/main.py": "from pkg import (\n    fb,\n)\n\ndef run():\n    fb.call('invoices')\n",
        },
    )
    assert _scan(root).required_scopes == ("user:invoices:read",)


def test_reading_an_attribute_set_outside_init_adds_no_unresolved_call(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "m.py": "import requests\n"
            + BASE
            + """
class Api:
    def __init__(self):
        self.session = requests.Session()
    def connect(self):
        self.me = self._get("/auth/api/v1/users/me")
    def _get(self, path):
        return self.session.get(BASE + path)
    def clients(self):
        print(self.me)
        return self._get("/accounting/account/1/users/clients")
""",
        },
    )
    report = _scan(root)
    assert report.required_scopes == ("user:clients:read", "user:profile:read")
    assert not report.unresolved


def test_star_args_make_the_call_unresolved_not_invisible(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {"m.py": "import requests\n" + BASE + "def f(parts):\n    return requests.get(*parts)\n"},
    )
    (call,) = _scan(root).unresolved
    assert (call.path, call.line) == ("m.py", 4)


def test_an_uncatalogued_alternative_stays_unresolved(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "m.py": "import requests\n"
            + BASE
            + """
NEW = "/accounting/account/1/new_thing/new_things"
def f(flag):
    url = BASE + ("/accounting/account/1/users/clients" if flag else NEW)
    return requests.get(url)
""",
        },
    )
    report = _scan(root)
    assert report.required_scopes == ("user:clients:read",)
    (call,) = report.unresolved
    assert call.method == "GET" and call.url is not None and "new_thing" in call.url


def test_a_named_suppression_does_not_hide_an_unresolved_call(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "m.py": "import os\nimport requests\n"
            + BASE
            + "# fbscopes: ignore[user:reports:read] -- reports run elsewhere\n"
            + 'requests.get(os.environ["FB_URL"])\n',
        },
    )
    report = _scan(root)
    assert [f.suppression for f in report.unresolved] == [None]


def test_editing_a_user_catalogue_invalidates_the_cache(tmp_path: Path) -> None:
    from analyzer.resources import catalogue_dir

    root = _tree(
        tmp_path / "app",
        {"m.py": "import requests\n" + BASE + 'requests.get(BASE + "/auth/api/v1/users/me")\n'},
    )
    mine = tmp_path / "cat" / "2026-09.yaml"
    mine.parent.mkdir()
    mine.write_text((catalogue_dir() / "freshbooks" / "2026-09.yaml").read_text())
    cache = tmp_path / "cache"
    first = analyze([root], Settings(catalogue=str(mine), cache_dir=cache))
    assert first.required_scopes == ("user:profile:read",)
    text = mine.read_text()
    marker = "    path: /auth/api/v1/users/me\n    methods:\n      GET: ['user:profile:read']"
    assert marker in text
    mine.write_text(text.replace(marker, marker.replace("user:profile:read", "user:clients:read")))
    second = analyze([root], Settings(catalogue=str(mine), cache_dir=cache))
    assert second.required_scopes == ("user:clients:read",)


def test_editing_a_symlink_target_invalidates_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    real = tmp_path / "real.py"
    real.write_text("import requests\n" + BASE + 'requests.get(BASE + "/auth/api/v1/users/me")\n')
    (root / "api.py").symlink_to(real)
    cache = tmp_path / "cache"
    settings = Settings(follow_symlinks=True, cache_dir=cache, root=tmp_path)
    assert analyze([root], settings).required_scopes == ("user:profile:read",)
    real.write_text(
        "import requests\n" + BASE + 'requests.get(BASE + "/accounting/account/1/users/clients")\n'
    )
    os.utime(root / "api.py", follow_symlinks=False, ns=(1, 1))
    assert analyze([root], settings).required_scopes == ("user:clients:read",)


def test_unresolved_calls_are_not_counted(tmp_path: Path) -> None:
    root = _tree(
        tmp_path, {"m.py": "import requests\n" + BASE + "def f(p):\n    requests.get(p)\n"}
    )
    report = _scan(root)
    assert report.required_scopes == ()
    assert all(f.status is Status.UNRESOLVED for f in report.findings)


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analyzer.cli import app

    result = CliRunner().invoke(
        app, ["check", "--granted", "user:profile:read", str(tmp_path / "nope")]
    )
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


def test_fail_on_parse_error_covers_files_that_were_not_analysed(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from analyzer.cli import app

    root = _tree(tmp_path, {"big.py": "import requests\n" + BASE + "X = 1\n" * 400_000})
    args = ["scan", str(root), "--no-cache", "--fail-on", "parse-error", "--max-file-size", "1MB"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.stdout
