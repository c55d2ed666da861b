"""Issue 4.4: the scan only reads. It never imports, executes or evaluates the scanned code,
never touches the network, never changes the scanned tree, and never prints an absolute path
of the machine that the user did not pass.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import importlib
import os
import runpy
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_socket

from analyzer.report import get_formatter
from tests.robustness.guard import guarded
from tests.robustness.helpers import (
    GOOD_SOURCE,
    ME_URL,
    env_for,
    good_call,
    json_calls,
    report_calls,
    run_analyze,
    run_cli,
    scan_json,
    write_tree,
)

MARKERS = "MARKERS"  # directory (outside the tree) where hostile code would leave files


def hostile_tree(root: Path, markers: Path) -> Path:
    """Files that write a marker when imported, run, collected or installed."""

    def writer(name: str) -> str:
        target = markers / name
        return (
            "import os, pathlib, subprocess\n"
            f"pathlib.Path({str(target)!r}).write_text('ran')\n"
            f"os.system('touch {target}.sh')\n"
        )

    files = {
        "app/evil.py": (
            writer("import-evil")
            + f'import requests\nrequests.get("{ME_URL}")\n'
            + 'if __name__ == "__main__":\n'
            + f"    open({str(markers / 'main-evil')!r}, 'w').close()\n"
        ),
        "app/__init__.py": writer("import-package"),
        "app/__main__.py": writer("run-package"),
        "sitecustomize.py": writer("sitecustomize"),
        "usercustomize.py": writer("usercustomize"),
        "conftest.py": writer("conftest"),
        "setup.py": writer("setup") + "from setuptools import setup\nsetup(name='evil')\n",
        "noxfile.py": writer("noxfile"),
        "evil.pth": f"import os; os.system('touch {markers / 'pth'}')\n",
        "bin/tool": "#!/usr/bin/env python3\n" + writer("shebang-script"),
        "good.py": GOOD_SOURCE,
    }
    write_tree(root, files)
    (root / "bin/tool").chmod(0o755)
    return root


def assert_no_markers(markers: Path) -> None:
    assert sorted(p.name for p in markers.iterdir()) == []


def snapshot(root: Path) -> dict[str, tuple[int, int, int, str]]:
    """Every path below `root`: (mode, size, mtime_ns, sha256 of the content)."""
    state: dict[str, tuple[int, int, int, str]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        state[path.relative_to(root).as_posix()] = (
            info.st_mode,
            info.st_size,
            info.st_mtime_ns,
            digest,
        )
    return state


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    markers = tmp_path / MARKERS
    markers.mkdir()
    return hostile_tree(tmp_path / "repo", markers), markers


# --------------------------------------------------------------------------- never executes


def test_cli_run_inside_the_scanned_tree_executes_nothing(
    hostile: tuple[Path, Path], cache_dir: Path
) -> None:
    """`python -m analyzer scan .` from the tree's root, as CI runs it."""
    root, markers = hostile
    before = snapshot(root)
    run, report = scan_json(".", cwd=root, cache_dir=cache_dir, guard_roots=[root, markers])
    assert run.guard_events == []
    assert_no_markers(markers)
    assert snapshot(root) == before
    assert good_call("good.py") in json_calls(report)
    assert good_call("app/evil.py") in json_calls(report)


def test_plain_module_entry_point_executes_nothing(
    hostile: tuple[Path, Path], cache_dir: Path
) -> None:
    """The same through a bare `python -m analyzer` (no test bootstrap in the process)."""
    root, markers = hostile
    run = run_cli(["scan", ".", "--format", "json"], cwd=root, cache_dir=cache_dir, plain=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert_no_markers(markers)
    assert good_call("app/evil.py") in json_calls(run.json())


def test_console_script_executes_nothing(hostile: tuple[Path, Path], cache_dir: Path) -> None:
    root, markers = hostile
    script = Path(sys.executable).parent / "fbscopes"
    if not script.exists():
        pytest.skip("no fbscopes console script next to this interpreter")
    done = subprocess.run(
        [str(script), "scan", ".", "--format", "json"],
        cwd=root,
        env=env_for(cache_dir),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert_no_markers(markers)


def test_module_entry_point_ignores_modules_that_shadow_its_dependencies(
    tmp_path: Path, cache_dir: Path
) -> None:
    markers = tmp_path / MARKERS
    markers.mkdir()
    files = {
        f"{name}.py": f"open({str(markers / name)!r}, 'w').close()\n"
        for name in ("typer", "yaml", "libcst", "pathspec", "click")
    }
    root = write_tree(tmp_path / "repo", {**files, "good.py": GOOD_SOURCE})
    run = run_cli(["scan", ".", "--format", "json"], cwd=root, cache_dir=cache_dir, plain=True)
    assert_no_markers(markers)
    assert run.returncode == 0


def _refuse(name: str) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"the scan called {name}")

    return refuse


def test_analyze_needs_no_exec_eval_compile_or_import(
    hostile: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With every way to run code refused, `analyze()` still finds the calls.

    `compile` may still build an *AST* (`ast.parse`, flag PyCF_ONLY_AST): that only parses.
    """
    root, markers = hostile
    real_compile = builtins.compile

    def ast_only(
        source: Any, filename: Any, mode: str, flags: int = 0, *args: Any, **kw: Any
    ) -> Any:
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError(f"the scan compiled {filename!r} to bytecode")
        return real_compile(source, filename, mode, flags, *args, **kw)

    modules_before = set(sys.modules)
    monkeypatch.setattr(builtins, "exec", _refuse("exec"))
    monkeypatch.setattr(builtins, "eval", _refuse("eval"))
    monkeypatch.setattr(builtins, "compile", ast_only)
    monkeypatch.setattr(importlib, "import_module", _refuse("importlib.import_module"))
    monkeypatch.setattr(runpy, "run_path", _refuse("runpy.run_path"))
    monkeypatch.setattr(runpy, "run_module", _refuse("runpy.run_module"))
    with guarded([root, markers]) as guard:
        report = run_analyze([root])
    monkeypatch.undo()
    assert guard.events == []
    assert_no_markers(markers)
    assert good_call("app/evil.py") in report_calls(report)
    new_modules = [sys.modules[name] for name in set(sys.modules) - modules_before]
    from_tree = [m for m in new_modules if str(root) in str(getattr(m, "__file__", "") or "")]
    assert from_tree == []


# --------------------------------------------------------------------------- network


@pytest.mark.filterwarnings("ignore:A test tried to use socket.socket")
def test_analyze_with_sockets_disabled(socket_disabled: None, hostile: tuple[Path, Path]) -> None:
    root, markers = hostile
    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket()
    with guarded([root, markers]) as guard:
        report = run_analyze([root])
    assert [e for e in guard.events if e.startswith("network")] == []
    assert good_call("good.py") in report_calls(report)


def test_cli_makes_no_connection(hostile: tuple[Path, Path], cache_dir: Path) -> None:
    """The bootstrap disables sockets in the child and reports any socket event at all."""
    root, markers = hostile
    run, _ = scan_json(".", cwd=root, cache_dir=cache_dir, guard_roots=[root, markers])
    assert run.guard_events == []


# --------------------------------------------------------------------------- read only


def test_analyze_leaves_the_tree_untouched(hostile: tuple[Path, Path]) -> None:
    root, markers = hostile
    before = snapshot(root)
    with guarded([root, markers]) as guard:
        run_analyze([root])
        run_analyze([root], use_cache=True) if _has_cache() else None
    assert guard.events == []
    assert snapshot(root) == before


def _has_cache() -> bool:
    from analyzer.api import Settings

    return "use_cache" in Settings.__dataclass_fields__


# --------------------------------------------------------------------------- no absolute paths


def leaky_tree(root: Path, outside: Path) -> Path:
    write_tree(outside, {"secret.py": GOOD_SOURCE})
    write_tree(
        root,
        {
            "sub/app.py": GOOD_SOURCE,
            "broken.py": 'print "python 2"\n',
            "latin.py": b'import requests\nNAME = "caf\xe9"\nrequests.get("'
            + ME_URL.encode()
            + b'")\n',
            "nul.py": b"x = 1\x00\n",
            "big.py": "#" * 3_000_000 + "\n",
        },
    )
    os.symlink(outside, root / "outside")
    os.symlink(outside / "secret.py", root / "outside.py")
    os.symlink("missing.py", root / "dangling.py")
    os.mkfifo(root / "pipe.py")
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif"])
@pytest.mark.parametrize("target", ["proj", "./proj/", "proj/sub/app.py"])
def test_cli_output_has_no_absolute_path(
    tmp_path: Path, cache_dir: Path, fmt: str, target: str
) -> None:
    leaky_tree(tmp_path / "proj", tmp_path / "elsewhere")
    run = run_cli(["scan", target, "--format", fmt], cwd=tmp_path, cache_dir=cache_dir)
    assert run.returncode == 0, run.stderr
    _assert_no_machine_paths(run.stdout, tmp_path, cache_dir)
    _assert_no_machine_paths(run.stderr, tmp_path, cache_dir)
    assert "app.py" in run.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "markdown", "github", "gitlab"])
def test_formatters_print_no_absolute_path(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    leaky_tree(tmp_path / "proj", tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    report = run_analyze([Path("proj")])
    assert report.diagnostics and report.findings
    _assert_no_machine_paths(get_formatter(fmt).format(report), tmp_path, cache_dir)


def _assert_no_machine_paths(text: str, tmp_path: Path, cache_dir: Path) -> None:
    for path in {tmp_path, tmp_path.resolve(), cache_dir, Path.home(), Path(sys.prefix)}:
        assert str(path) not in text, f"{path} leaked"
    assert str(Path(__file__).resolve().parents[2]) not in text
