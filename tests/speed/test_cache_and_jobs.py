"""Prefilter, lazy summaries, the cache and parallel parsing never change a finding."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import analyzer.filescan as filescan
from analyzer.api import Settings, analyze
from analyzer.report import get_formatter

WRAPPER = '''\
import requests


class Transport:
    """No FreshBooks string anywhere in this file: callers supply every URL."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.session = requests.Session()

    def send(self, method: str, path: str):
        return self.session.request(method, self.root + path)
'''
CALLER = """\
from transport import Transport

t = Transport("https://api.freshbooks.com")


def clients(account_id):
    return t.send("GET", f"/accounting/account/{account_id}/users/clients")
"""


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "transport.py").write_text(WRAPPER, encoding="utf-8")
    (root / "jobs.py").write_text(CALLER, encoding="utf-8")
    for index in range(60):  # enough unrelated files to use the process pool
        (root / f"util_{index:02}.py").write_text(f"VALUE = {index}\n", encoding="utf-8")
    return root


def _json(root: Path, **settings: object) -> str:
    return get_formatter("json").format(analyze([root], Settings(**settings)))  # type: ignore[arg-type]


def test_a_wrapper_in_a_file_without_freshbooks_strings_is_followed(tmp_path: Path) -> None:
    report = analyze([_project(tmp_path)], Settings(use_cache=False))
    (call,) = [f for f in report.findings if f.status.value == "resolved"]
    # GET /accounting/account/{account_id}/users/clients needs user:clients:read (Clients page).
    assert (call.path, call.line, call.method) == ("jobs.py", 7, "GET")
    assert call.endpoint == "/accounting/account/{account_id}/users/clients"
    assert report.required_scopes == ("user:clients:read",)
    assert [step.path for step in call.trace] == ["jobs.py", "transport.py"]


def test_jobs_do_not_change_the_output(tmp_path: Path) -> None:
    root = _project(tmp_path)
    assert _json(root, jobs=1, use_cache=False) == _json(root, jobs=2, use_cache=False)


def test_warm_rescan_parses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, cache = _project(tmp_path), tmp_path / "cache"
    cold = _json(root, jobs=1, cache_dir=cache)
    calls: list[str] = []
    original = filescan.parse_and_summarize
    monkeypatch.setattr(
        filescan, "parse_and_summarize", lambda *a: calls.append(a[1]) or original(*a)
    )
    monkeypatch.setattr(filescan, "syntax_problem", lambda *a: calls.append(a[1]))
    assert _json(root, jobs=1, cache_dir=cache) == cold
    assert calls == []


def test_a_changed_file_is_rescanned(tmp_path: Path) -> None:
    root, cache = _project(tmp_path), tmp_path / "cache"
    _json(root, jobs=1, cache_dir=cache)
    jobs = root / "jobs.py"
    jobs.write_text(CALLER.replace("users/clients", "invoices/invoices"), encoding="utf-8")
    os.utime(jobs, ns=(1, 1))  # even with an old mtime, the size differs
    report = analyze([root], Settings(jobs=1, cache_dir=cache))
    assert report.required_scopes == ("user:invoices:read",)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_a_read_only_cache_directory_is_harmless(tmp_path: Path) -> None:
    root, cache = _project(tmp_path), tmp_path / "cache"
    cache.mkdir()
    cache.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert _json(root, jobs=1, cache_dir=cache) == _json(root, jobs=1, use_cache=False)
    finally:
        cache.chmod(stat.S_IRWXU)


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path) -> None:
    root, cache = _project(tmp_path), tmp_path / "cache"
    expected = _json(root, jobs=1, cache_dir=cache)
    for stored in cache.rglob("*.pickle"):
        stored.write_bytes(b"not a pickle")
    assert _json(root, jobs=1, cache_dir=cache) == expected


def test_a_touched_but_unchanged_file_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _project(tmp_path), tmp_path / "cache"
    expected = _json(root, jobs=1, cache_dir=cache)
    os.utime(root / "jobs.py", ns=(10**18, 10**18))  # new stat, same content hash
    calls: list[str] = []
    monkeypatch.setattr(filescan, "parse_and_summarize", lambda *a: calls.append(a[1]))
    assert _json(root, jobs=1, cache_dir=cache) == expected
    assert calls == []
