"""Issue 4.6: the same tree gives byte-identical output, whatever the run, the hash seed, the
order in which files were created or listed, the cache, or the number of worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from analyzer.report import get_formatter
from tests.robustness.helpers import (
    GOOD_SOURCE,
    ME_URL,
    cli_supports,
    run_analyze,
    run_cli,
)

API = "https://api.freshbooks.com"


def tree_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "good.py": GOOD_SOURCE,
        "zeta/__init__.py": "",
        "zeta/paths.py": 'CLIENTS = "/accounting/account/{account_id}/users/clients"\n',
        "zeta/api.py": (
            "import requests\nfrom zeta.paths import CLIENTS\n\n\n"
            "def clients(account_id):\n"
            f'    return requests.get("{API}" + CLIENTS.format(account_id=account_id))\n'
        ),
        "alpha/use.py": "from zeta.api import clients\n\nclients('ab12')\n",
        "Alpha/Upper.py": GOOD_SOURCE,
        "ünï/cødé.py": GOOD_SOURCE,
        "broken.py": 'print "python 2"\n' + f'URL = "{ME_URL}"\n',
        "latin.py": b"NAME = '\xe9'\n" + f'URL = "{ME_URL}"\n'.encode(),
        "dynamic.py": f"import requests, sys\nrequests.get('{API}' + sys.argv[1])\n",
        "loop.py": (
            "import requests\n"
            "for kind in ('clients', 'invoices'):\n"
            f"    requests.get(f'{API}/accounting/account/ab12/users/{{kind}}')\n"
        ),
    }
    pieces = " + ".join([f'"{API}"', *['""'] * 898, '"/auth/api/v1/users/me"'])
    bits = " | ".join(["FLAG"] * 900)  # nests 900 deep in the summary: pickled by the cache
    files["deep.py"] = (
        f"import requests\n\nFLAG = {'not ' * 900}True\nBITS = {bits}\n"
        f"URL = {pieces}\nrequests.get(URL)\n"
    )
    for i in range(52):  # enough files for the parallel path of stage 1 (>= 48)
        files[f"many/m{i:02d}.py"] = (
            GOOD_SOURCE if i % 2 else f"import requests\nrequests.post('{API}/auth/oauth/token')\n"
        )
    return files


def build(root: Path, files: dict[str, str | bytes], reverse: bool) -> Path:
    """Create `files` under `root`, in sorted or reverse-sorted order (files and directories)."""
    for rel in sorted(files, reverse=reverse):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        content = files[rel]
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


@pytest.fixture
def two_trees(tmp_path: Path) -> tuple[Path, Path]:
    files = tree_files()
    one = build(tmp_path / "one" / "proj", files, reverse=False)
    two = build(tmp_path / "two" / "proj", files, reverse=True)
    return one, two


def scan(root: Path, cache: Path, fmt: str = "json", *extra: str, **env: str) -> str:
    run = run_cli(
        ["scan", "proj", "--format", fmt, *extra], cwd=root.parent, cache_dir=cache, env=env
    )
    assert run.returncode == 0, run.stderr
    assert run.guard_events == []
    return run.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_same_bytes_across_runs_trees_and_hash_seeds(
    two_trees: tuple[Path, Path], tmp_path: Path, fmt: str
) -> None:
    one, two = two_trees
    outputs = {
        scan(one, tmp_path / "cache-a", fmt, PYTHONHASHSEED="1"),
        scan(one, tmp_path / "cache-b", fmt, PYTHONHASHSEED="2"),
        scan(two, tmp_path / "cache-c", fmt, PYTHONHASHSEED="3"),
        scan(one, tmp_path / "cache-a", fmt, PYTHONHASHSEED="4"),  # warm cache
    }
    assert len(outputs) == 1
    assert "many/m51.py" in outputs.pop()


class _ReversedScandir:
    """`os.scandir` whose entries come in reverse name order."""

    real = os.scandir

    def __init__(self, path: object) -> None:
        with self.real(path) as iterator:  # type: ignore[call-overload]
            self.entries = sorted(iterator, key=lambda entry: entry.name, reverse=True)

    def __enter__(self) -> Iterator[os.DirEntry[str]]:
        return iter(self.entries)

    def __exit__(self, *args: object) -> None:
        return None

    def __iter__(self) -> Iterator[os.DirEntry[str]]:
        return iter(self.entries)

    def close(self) -> None:
        return None


def test_listing_order_does_not_matter(
    two_trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, _ = two_trees
    monkeypatch.chdir(one.parent)
    formatter = get_formatter("json")
    plain = formatter.format(run_analyze([Path("proj")]))
    monkeypatch.setattr(os, "scandir", _ReversedScandir)
    reversed_listing = formatter.format(run_analyze([Path("proj")]))
    assert plain == reversed_listing


def test_argument_order_does_not_matter(two_trees: tuple[Path, Path], tmp_path: Path) -> None:
    one, _ = two_trees
    forward = run_cli(
        ["scan", "proj/zeta", "proj/alpha", "proj/good.py", "--format", "json"],
        cwd=one.parent,
        cache_dir=tmp_path / "c1",
    )
    backward = run_cli(
        ["scan", "proj/good.py", "proj/alpha", "proj/zeta", "--format", "json"],
        cwd=one.parent,
        cache_dir=tmp_path / "c2",
    )
    assert forward.returncode == backward.returncode == 0
    assert forward.stdout == backward.stdout


@cache
def _has_jobs() -> bool:
    return cli_supports("--jobs")


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_same_bytes_for_any_number_of_jobs(
    two_trees: tuple[Path, Path], tmp_path: Path, jobs: int
) -> None:
    if not _has_jobs():
        pytest.skip("`fbscopes scan --help` lists no --jobs option: no parallel scanning yet")
    one, _ = two_trees
    serial = scan(one, tmp_path / "serial", "json", "--jobs", "1")
    parallel = scan(one, tmp_path / f"jobs{jobs}", "json", "--jobs", str(jobs))
    assert parallel == serial


def test_deep_summaries_from_worker_processes(tmp_path: Path) -> None:
    """Every file parsed in a worker: the parent still handles (pickles) the deep summary."""
    if not _has_jobs():
        pytest.skip("`fbscopes scan --help` lists no --jobs option: no parallel scanning yet")
    files = {f"m{i:02d}.py": GOOD_SOURCE for i in range(60)}
    files["deep.py"] = GOOD_SOURCE + "BITS = " + " | ".join(["FLAG"] * 900) + "\n"
    build(tmp_path / "proj", files, reverse=False)
    serial = scan(tmp_path / "proj", tmp_path / "serial", "json", "--jobs", "1")
    parallel = scan(tmp_path / "proj", tmp_path / "parallel", "json", "--jobs", "2")
    assert parallel == serial
