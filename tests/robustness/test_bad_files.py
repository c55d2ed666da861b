"""Issue 4.1: odd files never crash or hang a scan, and never hide a neighbour's call.

One tree holds every kind of bad file next to `good.py` (a real call: GET
/auth/api/v1/users/me, `user:profile:read`). It is scanned once through the real command
line (a subprocess with a timeout, sockets disabled, under the audit guard) and once with
`analyze()` in this process; each test then checks one promise against both results:
exit 0, valid JSON, no traceback, the good calls present, the right diagnostic per bad file,
no network, nothing written, special files and out-of-root targets never opened.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from analyzer.models import Report
from tests.robustness.guard import guarded
from tests.robustness.helpers import (
    GOOD_LINE,
    GOOD_SOURCE,
    ME_URL,
    env_for,
    good_call,
    json_calls,
    json_diagnostics,
    report_calls,
    report_diagnostics,
    run_analyze,
    run_cli,
    scan_json,
    write_tree,
)

T = TypeVar("T")

CALL = f'requests.get("{ME_URL}")\n'
RELEVANT = f"import requests\n{CALL}"  # makes a file worth parsing in full (it mentions the API)
SECRET_CALL = 'import requests\nrequests.get("https://api.freshbooks.com/accounting/account/ab12/users/clients")\n'
BIG_BYTES = 50 * 1024 * 1024


def _concat(terms: int) -> str:
    return "X = " + " + ".join(f'"p{i}"' for i in range(terms)) + "\n"


def _elifs(count: int) -> str:
    body = "if n == 0:\n    pass\n" + "".join(
        f"elif n == {i}:\n    pass\n" for i in range(1, count)
    )
    return "def pick(n):\n" + "".join(f"    {line}\n" for line in body.splitlines())


def _deep_but_allowed() -> str:
    """A URL built by a 400-term concatenation: deep, but within the limits, so analysed."""
    pieces = ['"https://api.freshbooks.com"', *['""'] * 398, '"/auth/api/v1/users/me"']
    return "import requests\n\nURL = " + " + ".join(pieces) + "\nrequests.get(URL)\n"


# name -> content; every file that should yield a call holds GOOD_SOURCE (or a variant).
FILES: dict[str, str | bytes] = {
    "good.py": GOOD_SOURCE,
    "syntax_error.py": "import requests\ndef broken(:\n    " + CALL,
    "python2.py": f'import requests\nprint "fetching"\n{CALL}',
    "python2_no_api.py": 'print "hello"\nexec "x = 1"\n',
    "invalid_utf8.py": b'import requests\nNAME = "\xff\xfe"\n' + CALL.encode(),
    "bom.py": codecs.BOM_UTF8 + GOOD_SOURCE.encode(),
    "cookie_unknown.py": ("# -*- coding: klingon -*-\n" + RELEVANT).encode(),
    "cookie_wrong.py": b"# -*- coding: ascii -*-\nNAME = 'caf\xc3\xa9'\n" + RELEVANT.encode(),
    "cookie_latin1.py": b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n\n" + GOOD_SOURCE.encode(),
    "nul_bytes.py": RELEVANT.encode() + b"\x00\x00\n",
    "empty.py": b"",
    "deep_brackets.py": "X = " + "[" * 5000 + "]" * 5000 + "\n" + RELEVANT,
    "deep_brackets_no_api.py": "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "deep_calls.py": "X = " + "f(" * 3000 + "1" + ")" * 3000 + "\n" + RELEVANT,
    "long_concat.py": _concat(20_000) + RELEVANT,
    "long_concat_no_api.py": _concat(20_000),
    "deep_elif.py": _elifs(20_000) + RELEVANT,
    "deep_but_allowed.py": _deep_but_allowed(),
    "with space.py": GOOD_SOURCE,
    "ünïcødé.py": GOOD_SOURCE,
    os.fsdecode(b"caf\xe9.py"): GOOD_SOURCE,
    "new\nline.py": GOOD_SOURCE,
    "pkg/__init__.py": "",
    "pkg/inner.py": GOOD_SOURCE,
    "fifo_ignore/inner.py": GOOD_SOURCE,  # its .gitignore is a FIFO
    "big_ignore/.gitignore": "# " + "x" * 1_100_000 + "\ninner.py\n",  # over 1 MB: not honoured
    "big_ignore/inner.py": GOOD_SOURCE,
}

# Display path -> the one diagnostic kind it must get (and nothing else).
EXPECTED_KINDS: dict[str, str] = {
    "syntax_error.py": "parse-error",
    "python2.py": "parse-error",
    "python2_no_api.py": "parse-error",
    "invalid_utf8.py": "decode-error",
    "cookie_unknown.py": "decode-error",
    "cookie_wrong.py": "decode-error",
    "nul_bytes.py": "binary-file",
    "generated_big.py": "too-large",
    "deep_brackets.py": "parse-error",
    "deep_brackets_no_api.py": "parse-error",
    "deep_calls.py": "parse-error",
    "long_concat.py": "too-complex",
    "deep_elif.py": "too-complex",
    "pipe.py": "special-file",
    "loop": "symlink",
    "self_loop.py": "symlink",
    "outside_dir": "symlink",
    "outside_file.py": "symlink",
    "big_ignore/.gitignore": "too-large",
}
OPTIONAL_KINDS: dict[str, str] = {"device.py": "special-file", "socket.py": "special-file"}
# A file that mentions no API may only be syntax-checked: deep nesting there may go unnoticed.
MAY_BE_QUIET: dict[str, set[str]] = {"long_concat_no_api.py": {"too-complex"}}
CLEAN = ("good.py", "bom.py", "cookie_latin1.py", "empty.py", "deep_but_allowed.py")
GOOD_PATHS = (
    "good.py",
    "bom.py",
    "cookie_latin1.py",
    "deep_but_allowed.py",
    "with space.py",
    "ünïcødé.py",
    "caf\\xe9.py",
    "new\\x0aline.py",
    "pkg/inner.py",
    "fifo_ignore/inner.py",
    "big_ignore/inner.py",
)


@dataclass
class BadTree:
    root: Path
    outside: Path
    specials: list[Path]  # FIFOs, devices, sockets: must never be opened
    optional: set[str]  # display paths of the special files this machine could create


def _make_special_files(root: Path) -> tuple[list[Path], set[str]]:
    specials: list[Path] = []
    made: set[str] = set()
    os.mkfifo(root / "pipe.py")
    os.mkfifo(root / "pipe_no_suffix")
    os.mkfifo(root / "fifo_ignore" / ".gitignore")
    specials += [root / "pipe.py", root / "pipe_no_suffix", root / "fifo_ignore" / ".gitignore"]
    try:
        os.mknod(root / "device.py", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # like /dev/null
    except (OSError, AttributeError):
        pass
    else:
        specials.append(root / "device.py")
        made.add("device.py")
    if len(str(root / "socket.py")) < 100:  # AF_UNIX path limit
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(root / "socket.py"))
        specials.append(root / "socket.py")
        made.add("socket.py")
    return specials, made


@pytest.fixture(scope="module")
def bad_tree(tmp_path_factory: pytest.TempPathFactory) -> BadTree:
    base = tmp_path_factory.mktemp("bad")
    root = write_tree(base / "repo", FILES)
    outside = write_tree(base / "outside", {"secret.py": SECRET_CALL})
    with (root / "generated_big.py").open("wb") as handle:
        line = b"VALUE_0000 = 'generated data ..........................................'\n"
        handle.write(b"import requests\n" + CALL.encode())
        handle.write(line * (BIG_BYTES // len(line) + 1))
    specials, made = _make_special_files(root)
    os.symlink(".", root / "loop")
    os.symlink("self_loop.py", root / "self_loop.py")
    os.symlink(outside, root / "outside_dir")
    os.symlink(outside / "secret.py", root / "outside_file.py")
    return BadTree(root, outside, specials, made)


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run `work` in a daemon thread; fail instead of hanging when it takes too long."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s"
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture(scope="module")
def cli_result(bad_tree: BadTree, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    cache = tmp_path_factory.mktemp("cache")
    run, report = scan_json(
        "repo",
        cwd=bad_tree.root.parent,
        cache_dir=cache,
        guard_roots=[bad_tree.root, bad_tree.outside],
        never_open=[*bad_tree.specials, bad_tree.outside / "secret.py"],
    )
    assert run.guard_events == [], run.guard_events
    return report


@pytest.fixture(scope="module")
def api_result(bad_tree: BadTree) -> Report:
    never = [*bad_tree.specials, bad_tree.outside / "secret.py"]
    with guarded([bad_tree.root, bad_tree.outside], never) as guard:
        report = within(120, lambda: run_analyze([bad_tree.root]))
    assert guard.events == []
    return report


def _expected(tree: BadTree) -> dict[str, str]:
    expected = dict(EXPECTED_KINDS)
    expected.update({k: v for k, v in OPTIONAL_KINDS.items() if k in tree.optional})
    return expected


# --------------------------------------------------------------------------- the CLI


def test_cli_finds_every_good_call(cli_result: dict[str, Any]) -> None:
    calls = json_calls(cli_result)
    for path in GOOD_PATHS:
        assert good_call(path) in calls, path
    assert "user:profile:read" in cli_result["required_scopes"]


def test_cli_reports_each_bad_file_with_its_kind(
    cli_result: dict[str, Any], bad_tree: BadTree
) -> None:
    kinds = json_diagnostics(cli_result)
    for path, kind in _expected(bad_tree).items():
        assert kinds.get(path) == {kind}, (path, kinds.get(path))
    for path, allowed in MAY_BE_QUIET.items():
        assert kinds.get(path, set()) <= allowed
    for path in CLEAN:
        assert path not in kinds


def test_cli_reports_no_call_from_a_bad_file(cli_result: dict[str, Any]) -> None:
    """A file that could not be read or parsed contributes no call (and no guessed scope)."""
    paths = {c["path"] for c in cli_result["calls"]}
    assert paths == set(GOOD_PATHS)


def test_cli_never_follows_symlinks_out_of_the_root(cli_result: dict[str, Any]) -> None:
    assert all("clients" not in (c["endpoint"] or "") for c in cli_result["calls"])
    assert "user:clients:read" not in cli_result["required_scopes"]


def test_cli_bom_file_keeps_its_line_numbers(cli_result: dict[str, Any]) -> None:
    lines = {c["line"] for c in cli_result["calls"] if c["path"] == "bom.py"}
    assert lines == {GOOD_LINE}


def test_plain_python_dash_m_gives_the_same_report(
    cli_result: dict[str, Any], bad_tree: BadTree, cache_dir: Path
) -> None:
    """`python -m analyzer scan DIR --format json`, with nothing of the test harness in the
    process, prints exactly what the guarded run printed."""
    run = run_cli(
        ["scan", "repo", "--format", "json"],
        cwd=bad_tree.root.parent,
        cache_dir=cache_dir,
        plain=True,
    )
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert run.json() == cli_result


# --------------------------------------------------------------------------- analyze()


def test_analyze_finds_every_good_call(api_result: Report) -> None:
    calls = report_calls(api_result)
    for path in GOOD_PATHS:
        assert good_call(path) in calls, path


def test_analyze_reports_each_bad_file_with_its_kind(api_result: Report, bad_tree: BadTree) -> None:
    kinds = report_diagnostics(api_result)
    for path, kind in _expected(bad_tree).items():
        assert kinds.get(path) == {kind}, (path, kinds.get(path))
    for path, allowed in MAY_BE_QUIET.items():
        assert kinds.get(path, set()) <= allowed
    assert {f.path for f in api_result.findings} == set(GOOD_PATHS)


def test_cli_and_analyze_agree(cli_result: dict[str, Any], api_result: Report) -> None:
    assert sorted(json_calls(cli_result)) == sorted(report_calls(api_result))
    assert json_diagnostics(cli_result) == report_diagnostics(api_result)


# --------------------------------------------------------------------------- options


def test_follow_symlinks_still_stays_inside_and_terminates(
    bad_tree: BadTree, cache_dir: Path
) -> None:
    run, report = scan_json(
        "repo",
        cwd=bad_tree.root.parent,
        cache_dir=cache_dir,
        extra=["--follow-symlinks"],
        guard_roots=[bad_tree.root, bad_tree.outside],
        never_open=[*bad_tree.specials, bad_tree.outside / "secret.py"],
    )
    assert run.guard_events == []
    kinds = json_diagnostics(report)
    for path in ("loop", "self_loop.py", "outside_dir", "outside_file.py"):
        assert kinds.get(path) == {"symlink"}
    assert {c["path"] for c in report["calls"]} == set(GOOD_PATHS)


def _big_docstring_module() -> str:
    text = "lorem ipsum dolor sit amet " * 3 + "\n"
    return f'import requests\n\nDOC = """\n{text * 40_000}"""\n\nrequests.get("{ME_URL}")\n'


def test_max_file_size_flag_and_default(tmp_path: Path, cache_dir: Path) -> None:
    """The 2 MB default skips a 3 MB file (`too-large`); `--max-file-size 4MB` reads it."""
    write_tree(tmp_path / "repo", {"big.py": _big_docstring_module(), "good.py": GOOD_SOURCE})
    _, skipped = scan_json("repo", cwd=tmp_path, cache_dir=cache_dir)
    assert json_diagnostics(skipped) == {"big.py": {"too-large"}}
    assert [c["path"] for c in skipped["calls"]] == ["good.py"]
    _, read = scan_json("repo", cwd=tmp_path, cache_dir=cache_dir, extra=["--max-file-size", "4MB"])
    assert json_diagnostics(read) == {}
    assert sorted(c["path"] for c in read["calls"]) == ["big.py", "good.py"]


def test_max_file_size_from_config(tmp_path: Path, cache_dir: Path) -> None:
    config = '[tool.fbscopes]\nmax-file-size = "100"\n'
    small = "import requests\n" + CALL  # under 100 bytes
    padded = GOOD_SOURCE + "# " + "x" * 200 + "\n"
    write_tree(tmp_path / "repo", {"pyproject.toml": config, "small.py": small, "big.py": padded})
    _, report = scan_json("repo", cwd=tmp_path, cache_dir=cache_dir)
    assert json_diagnostics(report) == {"big.py": {"too-large"}}
    assert [c["path"] for c in report["calls"]] == ["small.py"]


def test_max_file_size_setting(tmp_path: Path) -> None:
    write_tree(tmp_path, {"big.py": GOOD_SOURCE + "#" * 500 + "\n", "small.py": RELEVANT})
    report = run_analyze([tmp_path], max_file_size=200)
    assert report_diagnostics(report) == {"big.py": {"too-large"}}
    assert [f.path for f in report.findings] == ["small.py"]


# --------------------------------------------------------------------------- unreadable


def test_unreadable_file_with_analyze(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"good.py": GOOD_SOURCE, "secret.py": GOOD_SOURCE})
    locked = tmp_path / "secret.py"
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root ignores permissions: refuse the open instead
        real_open = os.open

        def refusing_open(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
            if os.fspath(path).endswith("secret.py"):
                raise PermissionError(13, "Permission denied", os.fspath(path))
            return real_open(path, flags, mode, **kw)

        monkeypatch.setattr(os, "open", refusing_open)
    try:
        report = run_analyze([tmp_path])
    finally:
        locked.chmod(0o644)
    assert report_diagnostics(report) == {"secret.py": {"read-error"}}
    assert report_calls(report) == [good_call("good.py")]


@pytest.fixture
def world_readable_dir() -> Iterator[Path]:
    """A scratch directory another user can enter (pytest's own tmp dirs are private)."""
    base = Path(tempfile.mkdtemp(prefix="fbscopes-robust-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for path in base.rglob("*"):
            if not path.is_symlink():
                path.chmod(0o777 if path.is_dir() else 0o666)
        shutil.rmtree(base, ignore_errors=True)


def _as_nobody_prefix() -> list[str]:
    """`setpriv` to drop root (so that chmod 000 means something), or skip."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import analyzer.cli"],
        env=env_for(Path(tempfile.gettempdir())),
        capture_output=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip("the checkout or the interpreter is not readable by an unprivileged user")
    return prefix


def test_unreadable_file_with_the_cli(world_readable_dir: Path) -> None:
    root = write_tree(
        world_readable_dir / "repo", {"good.py": GOOD_SOURCE, "secret.py": GOOD_SOURCE}
    )
    for path in (root, root / "good.py"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    cache = world_readable_dir / "cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    (root / "secret.py").chmod(0)
    prefix = _as_nobody_prefix() if os.geteuid() == 0 else []
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "analyzer", "scan", "repo", "--format", "json"],
        cwd=world_readable_dir,
        env=env_for(cache),
        capture_output=True,
        timeout=60,
        check=False,
    )
    stderr = done.stderr.decode()
    assert done.returncode == 0 and "Traceback" not in stderr, stderr
    report = json.loads(done.stdout)
    assert json_diagnostics(report) == {"secret.py": {"read-error"}}
    assert json_calls(report) == [good_call("good.py")]


# --------------------------------------------------------------------------- directories


def test_unlistable_directory_is_a_diagnostic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"good.py": GOOD_SOURCE, "locked/inner.py": GOOD_SOURCE})
    real_scandir = os.scandir

    def refusing_scandir(path: Any) -> Any:
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    report = run_analyze([tmp_path])
    assert report_diagnostics(report) == {"locked": {"read-error"}}
    assert report_calls(report) == [good_call("good.py")]


def test_very_deep_directories(tmp_path: Path) -> None:
    """300 nested directories: walked without recursion, the file at the bottom found."""
    deep = "/".join(["d"] * 300)
    write_tree(tmp_path, {"good.py": GOOD_SOURCE, f"{deep}/bottom.py": GOOD_SOURCE})
    report = within(60, lambda: run_analyze([tmp_path]))
    assert sorted(report_calls(report)) == [good_call(f"{deep}/bottom.py"), good_call("good.py")]
