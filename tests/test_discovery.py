"""Tests for `analyzer.discovery`: what is scanned, what is skipped, and hostile trees.

Expected values follow the documented rules (gitignore semantics, PEP-style shebangs, the skip
list), never the output of the code under test.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from analyzer import discovery
from analyzer.discovery import (
    SKIP_DIRS,
    Discovery,
    SourceFile,
    discover,
    display_path,
    is_python_shebang,
    module_name,
    scan_root,
)
from analyzer.errors import ConfigError
from analyzer.models import Diagnostic, Level

T = TypeVar("T")

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (POSIX relative path -> content) below `root`; return `root`."""
    for rel, content in files.items():
        path = root.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def rels(result: Discovery) -> list[str]:
    return [f.rel for f in result.files]


def kinds(result: Discovery) -> list[tuple[str, str, Level]]:
    return [(d.path, d.kind, d.level) for d in result.diagnostics]


def within_seconds(func: Callable[[], T], seconds: float = 10.0) -> T:
    """Run `func` in a daemon thread; fail (instead of hanging) when it does not finish."""
    outcome: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(func())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds}s (blocked or looping)"
    if errors:
        raise errors[0]
    return outcome[0]


# --------------------------------------------------------------------------- scan_root


def test_scan_root_of_one_directory_is_that_directory(tmp_path: Path) -> None:
    assert scan_root([tmp_path]) == tmp_path


def test_scan_root_of_one_file_is_its_parent(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/mod.py": ""})
    assert scan_root([tmp_path / "pkg" / "mod.py"]) == tmp_path / "pkg"


def test_scan_root_of_several_paths_is_their_common_parent(tmp_path: Path) -> None:
    make(tmp_path, {"src/a/x.py": "", "src/b/y.py": "", "tests/t.py": ""})
    root = scan_root([tmp_path / "src" / "a", tmp_path / "src" / "b" / "y.py"])
    assert root == (tmp_path / "src").resolve()
    assert scan_root([tmp_path / "src", tmp_path / "tests"]) == tmp_path.resolve()


# --------------------------------------------------------------------------- which files


def test_only_py_and_pyw_files_are_python_by_name(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": "", "b.pyw": "", "c.pyi": "", "d.txt": "", "e.pyc": "", "f.py.bak": ""})
    assert rels(discover([tmp_path])) == ["a.py", "b.pyw"]


def test_files_are_sorted_by_rel_with_modules(tmp_path: Path) -> None:
    make(tmp_path, {"z.py": "", "pkg/__init__.py": "", "pkg/sub/mod.py": "", "a.py": ""})
    result = discover([tmp_path])
    assert [(f.rel, f.module) for f in result.files] == [
        ("a.py", "a"),
        ("pkg/__init__.py", "pkg"),
        ("pkg/sub/mod.py", "pkg.sub.mod"),
        ("z.py", "z"),
    ]
    assert result.root == tmp_path
    assert result.files[1].path == tmp_path / "pkg" / "__init__.py"


@pytest.mark.parametrize("skipped", [*sorted(SKIP_DIRS), "demo.egg-info"])
def test_tool_and_cache_directories_are_skipped(tmp_path: Path, skipped: str) -> None:
    make(tmp_path, {f"{skipped}/mod.py": "", f"pkg/{skipped}/deep.py": "", "keep.py": ""})
    assert rels(discover([tmp_path])) == ["keep.py"]


def test_a_virtualenv_is_skipped_whatever_its_name(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "env/pyvenv.cfg": "home = /usr/bin\n",
            "env/lib/python3.11/site.py": "",
            "env/bin/activate.py": "",
            "environment/config.py": "",  # no pyvenv.cfg: an ordinary directory
        },
    )
    assert rels(discover([tmp_path])) == ["environment/config.py"]


def test_similar_names_are_not_skipped(tmp_path: Path) -> None:
    make(tmp_path, {"builds/a.py": "", "venvs.py": "", "distutils_x/b.py": "", "git/c.py": ""})
    assert rels(discover([tmp_path])) == ["builds/a.py", "distutils_x/b.py", "git/c.py", "venvs.py"]


# --------------------------------------------------------------------------- shebangs


@pytest.mark.parametrize(
    "line",
    [
        b"#!/usr/bin/env python3",
        b"#!/usr/bin/python",
        b"#!/usr/bin/env -S python3 -u",
        b"#!/usr/local/bin/python3.11",
        b"#! /usr/bin/env python",
        b"#!/usr/bin/env PYTHONUNBUFFERED=1 python3",
        b"#!/usr/bin/env -i python3",
        b"#!/usr/bin/env -Spython3 -u",
        b"#!/opt/pypy/bin/pypy3",
        b"#!/usr/bin/python2.7\r",
    ],
)
def test_python_shebangs(line: bytes) -> None:
    assert is_python_shebang(line + b"\nprint('hi')\n")


@pytest.mark.parametrize(
    "head",
    [
        b"#!/bin/bash\necho python\n",
        b"#!/usr/bin/env bash\n",
        b'#!/bin/sh\nexec python3 "$0"\n',
        b"#!/usr/bin/env\n",
        b"#!\n",
        b"# python3\n",
        b"import os\n#!/usr/bin/python\n",
        b"#!/usr/bin/pythonista\n",
        b"#!/usr/bin/python3-config\n",
        b"",
        b"\xef\xbb\xbf#!/usr/bin/python\n",  # a BOM before #! is no shebang for the kernel
    ],
)
def test_not_python_shebangs(head: bytes) -> None:
    assert not is_python_shebang(head)


def test_files_without_suffix_are_python_when_their_shebang_says_so(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "bin/tool": "#!/usr/bin/env python3\nprint(1)\n",
            "bin/deploy": "#!/usr/bin/env -S python3 -u\n",
            "bin/run.sh": "#!/usr/bin/env python3\n",  # has a suffix: not probed
            "bin/setup": "#!/bin/bash\necho hi\n",
            "bin/data": b"\x00\x01\x02",
            "bin/empty": "",
            "Makefile": "all:\n\tpython x.py\n",
        },
    )
    result = discover([tmp_path])
    assert [(f.rel, f.module) for f in result.files] == [
        ("bin/deploy", "bin.deploy"),
        ("bin/tool", "bin.tool"),
    ]
    assert result.diagnostics == ()


# --------------------------------------------------------------------------- .gitignore


def test_root_gitignore_is_honoured(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".gitignore": "# generated\n*_gen.py\n/top_only.py\nsecret/\n\n!keep_gen.py\n",
            "a_gen.py": "",
            "keep_gen.py": "",
            "top_only.py": "",
            "pkg/top_only.py": "",  # anchored pattern: only the root-level file is ignored
            "pkg/b_gen.py": "",
            "secret/x.py": "",
            "main.py": "",
        },
    )
    assert rels(discover([tmp_path])) == ["keep_gen.py", "main.py", "pkg/top_only.py"]


def test_nested_gitignore_is_relative_to_its_directory(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".gitignore": "*.local.py\n",
            "pkg/.gitignore": "/anchored.py\nsettings.py\n!keep.local.py\ndeep/\n",
            "pkg/anchored.py": "",
            "pkg/sub/anchored.py": "",  # `/anchored.py` is anchored to pkg/
            "pkg/settings.py": "",
            "pkg/sub/settings.py": "",  # unanchored: ignored at any depth below pkg/
            "pkg/keep.local.py": "",  # the deeper file re-includes it
            "pkg/x.local.py": "",
            "pkg/deep/mod.py": "",
            "other/settings.py": "",  # pkg/.gitignore does not reach sibling directories
            "other/anchored.py": "",
            "other/deep/mod.py": "",
            "other/y.local.py": "",
        },
    )
    assert rels(discover([tmp_path])) == [
        "other/anchored.py",
        "other/deep/mod.py",
        "other/settings.py",
        "pkg/keep.local.py",
        "pkg/sub/anchored.py",
    ]


def test_a_file_in_an_ignored_directory_cannot_be_re_included(tmp_path: Path) -> None:
    make(tmp_path, {".gitignore": "gen/\n!gen/keep.py\n", "gen/keep.py": "", "ok.py": ""})
    assert rels(discover([tmp_path])) == ["ok.py"]


def test_gitignore_of_the_root_applies_below_named_subdirectories(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            ".gitignore": "*_pb2.py\n",
            "src/.gitignore": "vendored/\n",
            "src/app/api_pb2.py": "",
            "src/app/main.py": "",
            "src/app/vendored/lib.py": "",
            "tests/test_api_pb2.py": "",
            "tests/test_main.py": "",
        },
    )
    result = discover([tmp_path / "src" / "app", tmp_path / "tests"])
    assert result.root == tmp_path.resolve()
    assert rels(result) == ["src/app/main.py", "tests/test_main.py"]


def test_gitignore_that_is_a_fifo_or_a_symlink_is_not_read(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo") or not hasattr(os, "symlink"):
        pytest.skip("needs os.mkfifo and symlinks")
    make(tmp_path, {"a/x.py": "", "b/y.py": "", "rules.txt": "*.py\n"})
    os.mkfifo(tmp_path / "a" / ".gitignore")
    (tmp_path / "b" / ".gitignore").symlink_to(tmp_path / "rules.txt")
    result = within_seconds(lambda: discover([tmp_path]))
    assert rels(result) == ["a/x.py", "b/y.py"]


def test_invalid_gitignore_lines_are_skipped_like_git_does(tmp_path: Path) -> None:
    make(tmp_path, {".gitignore": "!\nfoo\\\n*_gen.py\n", "a_gen.py": "", "b.py": ""})
    assert rels(discover([tmp_path])) == ["b.py"]


# --------------------------------------------------------------------------- exclude / include


def test_exclude_patterns_are_gitignore_style_relative_to_the_root(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "src/app.py": "",
            "src/api_pb2.py": "",
            "src/tests/helper.py": "",
            "tests/test_app.py": "",
            "legacy/a.py": "",
            "legacy/old/b.py": "",
        },
    )
    result = discover([tmp_path], exclude=["tests/", "*_pb2.py", "legacy/**"])
    assert rels(result) == ["src/app.py"]


def test_anchored_exclude(tmp_path: Path) -> None:
    make(tmp_path, {"tests/a.py": "", "src/tests/b.py": ""})
    assert rels(discover([tmp_path], exclude=["/tests/"])) == ["src/tests/b.py"]


def test_include_keeps_only_matching_files(tmp_path: Path) -> None:
    make(tmp_path, {"src/pkg/a.py": "", "src/b.py": "", "scripts/c.py": "", "setup.py": ""})
    result = discover([tmp_path], include=["src/**/*.py"])
    assert rels(result) == ["src/b.py", "src/pkg/a.py"]


def test_exclude_wins_over_include(tmp_path: Path) -> None:
    make(tmp_path, {"src/a.py": "", "src/gen/b.py": ""})
    result = discover([tmp_path], include=["src/"], exclude=["gen/"])
    assert rels(result) == ["src/a.py"]


def test_an_invalid_pattern_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"invalid --exclude pattern '!'"):
        discover([tmp_path], exclude=["ok/", "!"])
    with pytest.raises(ConfigError, match=r"invalid --include pattern 'a\\\\'"):
        discover([tmp_path], include=["a\\"])


# --------------------------------------------------------------------------- explicit paths


def test_explicit_files_are_scanned_whatever_their_name_or_gitignore(tmp_path: Path) -> None:
    make(
        tmp_path,
        {".gitignore": "ignored.py\n", "ignored.py": "", "script": "echo hi\n", "notes.txt": ""},
    )
    paths = [tmp_path / "ignored.py", tmp_path / "script", tmp_path / "notes.txt"]
    result = discover(paths)
    assert rels(result) == ["ignored.py", "notes.txt", "script"]
    assert [f.module for f in result.files] == ["ignored", "notes.txt", "script"]
    assert result.files[0].path == tmp_path / "ignored.py"


def test_explicit_files_matching_exclude_are_dropped(tmp_path: Path) -> None:
    make(tmp_path, {"tests/test_a.py": "", "api_pb2.py": "", "main.py": ""})
    paths = [tmp_path / "tests" / "test_a.py", tmp_path / "api_pb2.py", tmp_path / "main.py"]
    result = discover(paths, exclude=["tests/", "*_pb2.py"], root=tmp_path)
    assert rels(result) == ["main.py"]


def test_explicit_file_is_not_reported_twice(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": "", "b.py": ""})
    result = discover([tmp_path, tmp_path / "a.py", tmp_path])
    assert rels(result) == ["a.py", "b.py"]


def test_an_explicit_skip_directory_is_walked(tmp_path: Path) -> None:
    make(tmp_path, {"build/gen.py": "", "build/.venv/x.py": ""})
    result = discover([tmp_path / "build"], root=tmp_path)
    assert rels(result) == ["build/gen.py"]


def test_relative_arguments_give_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, {"proj/pkg/mod.py": "", "proj/top.py": ""})
    monkeypatch.chdir(tmp_path)
    result = discover([Path("proj")])
    assert result.root == Path("proj")
    assert [(f.path, f.rel) for f in result.files] == [
        (Path("proj/pkg/mod.py"), "pkg/mod.py"),
        (Path("proj/top.py"), "top.py"),
    ]


def test_a_file_outside_the_root_keeps_the_path_as_given(tmp_path: Path) -> None:
    make(tmp_path, {"proj/a.py": "", "elsewhere/lib/tool.py": ""})
    outside = tmp_path / "elsewhere" / "lib" / "tool.py"
    result = discover([tmp_path / "proj", outside], root=tmp_path / "proj")
    # "/..." sorts before "a.py"
    assert [(f.rel, f.module) for f in result.files] == [
        (outside.as_posix(), "tool"),
        ("a.py", "a"),
    ]


def test_a_directory_outside_the_root_is_walked_with_its_own_rules(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "proj/a.py": "",
            "vendor/lib/.gitignore": "gen/\n",
            "vendor/lib/pkg/__init__.py": "",
            "vendor/lib/pkg/m.py": "",
            "vendor/lib/gen/x.py": "",
        },
    )
    outside = tmp_path / "vendor" / "lib"
    result = discover([tmp_path / "proj", outside], root=tmp_path / "proj")
    assert [(f.rel, f.module) for f in result.files] == [
        (f"{outside.as_posix()}/pkg/__init__.py", "pkg"),
        (f"{outside.as_posix()}/pkg/m.py", "pkg.m"),
        ("a.py", "a"),
    ]


def test_no_paths_scan_nothing() -> None:
    assert discover([]) == Discovery(Path("."), (), ())


def test_missing_path_is_a_not_found_error_not_an_exception(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": ""})
    result = discover([tmp_path / "a.py", tmp_path / "nope.py", tmp_path / "gone" / "x.py"])
    assert rels(result) == ["a.py"]
    assert kinds(result) == [
        ((tmp_path / "gone" / "x.py").as_posix(), "not-found", Level.ERROR),
        ((tmp_path / "nope.py").as_posix(), "not-found", Level.ERROR),
    ]


def test_missing_relative_path_is_reported_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = discover([Path("src/missing.py")], root=Path("."))
    assert result.files == ()
    assert result.diagnostics == (
        Diagnostic("src/missing.py", None, "not-found", "no such file or directory", Level.ERROR),
    )


# --------------------------------------------------------------------------- determinism


def test_order_does_not_depend_on_creation_or_listing_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["b.py", "a.py", "pkg/z.py", "pkg/c.py", "Zed.py", "_x.py", "pkg/sub/m.py"]
    one = make(tmp_path / "one", dict.fromkeys(names, ""))
    two = make(tmp_path / "two", dict.fromkeys(reversed(names), ""))
    expected = ["Zed.py", "_x.py", "a.py", "b.py", "pkg/c.py", "pkg/sub/m.py", "pkg/z.py"]
    assert rels(discover([one])) == expected
    real_scandir = os.scandir

    class Reversed:
        def __init__(self, path: Path) -> None:
            with real_scandir(path) as iterator:
                self.entries = sorted(iterator, key=lambda e: e.name, reverse=True)

        def __enter__(self) -> Iterator[os.DirEntry[str]]:
            return iter(self.entries)

        def __exit__(self, *args: object) -> None:
            return None

    monkeypatch.setattr(os, "scandir", Reversed)
    assert rels(discover([two])) == expected


# --------------------------------------------------------------------------- symlinks


@needs_symlinks
def test_symlink_loop_is_not_followed_by_default(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/mod.py": ""})
    (tmp_path / "pkg" / "loop").symlink_to("..", target_is_directory=True)
    result = within_seconds(lambda: discover([tmp_path]))
    assert rels(result) == ["pkg/mod.py"]
    assert result.diagnostics == (
        Diagnostic(
            "pkg/loop", None, "symlink", "not followed: symlink to the scan root", Level.INFO
        ),
    )


@needs_symlinks
def test_symlink_loop_does_not_hang_when_following(tmp_path: Path) -> None:
    make(tmp_path, {"pkg/mod.py": "", "pkg/sub/deep.py": ""})
    (tmp_path / "pkg" / "loop").symlink_to("..", target_is_directory=True)
    (tmp_path / "pkg" / "sub" / "up").symlink_to("..", target_is_directory=True)
    result = within_seconds(lambda: discover([tmp_path], follow_symlinks=True))
    assert rels(result) == ["pkg/mod.py", "pkg/sub/deep.py"]
    assert [(d.path, d.kind, d.level) for d in result.diagnostics] == [
        ("pkg/loop", "symlink", Level.INFO),
        ("pkg/sub/up", "symlink", Level.INFO),
    ]
    assert all("already scanned" in d.message for d in result.diagnostics)


@needs_symlinks
def test_mutual_symlinks_do_not_hang(tmp_path: Path) -> None:
    make(tmp_path, {"a/x.py": "", "b/y.py": ""})
    (tmp_path / "a" / "to_b").symlink_to(tmp_path / "b", target_is_directory=True)
    (tmp_path / "b" / "to_a").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "self.py").symlink_to(tmp_path / "self.py")  # a loop on itself
    result = within_seconds(lambda: discover([tmp_path], follow_symlinks=True))
    assert rels(result) == ["a/x.py", "b/y.py"]
    assert ("self.py", "symlink", Level.INFO) in kinds(result)


@needs_symlinks
def test_symlink_pointing_outside_the_root_is_never_followed(tmp_path: Path) -> None:
    make(tmp_path, {"outside/secret.py": "", "outside/lib/x.py": "", "proj/main.py": ""})
    proj = tmp_path / "proj"
    (proj / "linked.py").symlink_to(tmp_path / "outside" / "secret.py")
    (proj / "lib").symlink_to(tmp_path / "outside" / "lib", target_is_directory=True)
    for follow in (False, True):
        result = discover([proj], follow_symlinks=follow)
        assert rels(result) == ["main.py"]
        assert kinds(result) == [
            ("lib", "symlink", Level.INFO),
            ("linked.py", "symlink", Level.INFO),
        ]
        for diagnostic in result.diagnostics:
            assert diagnostic.message == "not followed: symlink points outside the scan root"
            assert str(tmp_path) not in diagnostic.message


@needs_symlinks
def test_symlinks_inside_the_root_are_reported_relative_to_it(tmp_path: Path) -> None:
    make(tmp_path, {"real/mod.py": "", "real/other.py": ""})
    (tmp_path / "alias").symlink_to("real", target_is_directory=True)
    (tmp_path / "link.py").symlink_to("real/other.py")
    (tmp_path / "notes.md").symlink_to("real/mod.py")  # not a Python name: no diagnostic
    result = discover([tmp_path])
    assert rels(result) == ["real/mod.py", "real/other.py"]
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("alias", "not followed: symlink to real"),
        ("link.py", "not followed: symlink to real/other.py"),
    ]


@needs_symlinks
def test_following_prefers_real_paths_and_reads_unreached_targets(tmp_path: Path) -> None:
    make(tmp_path, {"a_real/mod.py": "", "hidden/gen.py": "", ".gitignore": "hidden/\n"})
    (tmp_path / "a_alias").symlink_to("a_real", target_is_directory=True)  # sorts first
    (tmp_path / "view").symlink_to("hidden", target_is_directory=True)
    (tmp_path / "dup.py").symlink_to("a_real/mod.py")
    result = discover([tmp_path], follow_symlinks=True)
    assert rels(result) == ["a_real/mod.py", "view/gen.py"]
    assert kinds(result) == [
        ("a_alias", "symlink", Level.INFO),
        ("dup.py", "symlink", Level.INFO),
    ]
    assert result.diagnostics[0].message == (
        "not followed: symlink to a_real, a directory already scanned"
    )


@needs_symlinks
def test_broken_symlink_with_a_python_name_is_reported(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "missing.py")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    result = discover([tmp_path], follow_symlinks=True)
    assert result.files == ()
    assert kinds(result) == [("gone.py", "symlink", Level.INFO)]


@needs_symlinks
def test_explicit_symlink_argument_is_followed(tmp_path: Path) -> None:
    make(tmp_path, {"real/mod.py": ""})
    (tmp_path / "link.py").symlink_to("real/mod.py")
    result = discover([tmp_path / "link.py"], root=tmp_path)
    assert rels(result) == ["link.py"]


# --------------------------------------------------------------------------- special files


@needs_fifo
def test_fifo_in_the_tree_is_never_opened(tmp_path: Path) -> None:
    make(tmp_path, {"a.py": ""})
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "pipe")  # no suffix: would be probed for a shebang if it were a file
    os.mkfifo(tmp_path / "pipe.txt")
    result = within_seconds(lambda: discover([tmp_path]))
    assert rels(result) == ["a.py"]
    assert result.diagnostics == (
        Diagnostic(
            "pipe.py", None, "special-file", "not a regular file (FIFO); not read", Level.WARNING
        ),
    )


@needs_fifo
def test_explicit_fifo_is_a_special_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    result = within_seconds(lambda: discover([tmp_path / "pipe"]))
    assert result.files == ()
    assert kinds(result) == [("pipe", "special-file", Level.WARNING)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_ignored_fifo_is_silent(tmp_path: Path) -> None:
    make(tmp_path, {".gitignore": "*.py\n"})
    os.mkfifo(tmp_path / "pipe.py")
    assert within_seconds(lambda: discover([tmp_path])).diagnostics == ()


def test_socket_in_the_tree_is_reported(tmp_path: Path) -> None:
    socket = pytest.importorskip("socket")
    if not hasattr(socket, "AF_UNIX"):
        pytest.skip("needs AF_UNIX sockets")
    path = tmp_path / "s.py"
    if len(os.fsencode(path)) > 100:
        pytest.skip("path too long for a unix socket")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
        result = within_seconds(lambda: discover([tmp_path]))
    finally:
        server.close()
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("s.py", "not a regular file (socket); not read")
    ]


# --------------------------------------------------------------------------- unreadable trees


def test_unreadable_directory_is_a_read_error_and_the_walk_goes_on(tmp_path: Path) -> None:
    make(tmp_path, {"locked/secret.py": "", "open/a.py": ""})
    locked = tmp_path / "locked"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running with privileges that ignore permissions (root)")
        result = discover([tmp_path])
    finally:
        locked.chmod(0o755)
    assert rels(result) == ["open/a.py"]
    assert kinds(result) == [("locked", "read-error", Level.ERROR)]


def test_scandir_permission_error_is_a_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path, {"locked/secret.py": "", "open/a.py": ""})
    real_scandir = os.scandir

    def scandir(path: Path) -> object:
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = discover([tmp_path])
    assert rels(result) == ["open/a.py"]
    assert result.diagnostics == (
        Diagnostic(
            "locked", None, "read-error", "cannot list directory: Permission denied", Level.ERROR
        ),
    )
    assert str(tmp_path) not in result.diagnostics[0].message


def test_unreadable_root_is_reported_as_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scandir(path: Path) -> object:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    assert kinds(discover([tmp_path])) == [(".", "read-error", Level.ERROR)]


# --------------------------------------------------------------------------- file names


def test_names_with_spaces_and_unicode(tmp_path: Path) -> None:
    make(tmp_path, {"my dir/my file.py": "", "paquet/données.py": "", "日本/モジュール.py": ""})
    result = discover([tmp_path])
    assert [(f.rel, f.module) for f in result.files] == [
        ("my dir/my file.py", "my dir.my file"),
        ("paquet/données.py", "paquet.données"),
        ("日本/モジュール.py", "日本.モジュール"),
    ]
    for file in result.files:
        assert file.path.is_file()


@pytest.mark.skipif(
    sys.platform in {"win32", "darwin"} or sys.getfilesystemencoding() != "utf-8",
    reason="needs a file system that stores arbitrary bytes in names",
)
def test_undecodable_names_are_escaped_for_display_and_still_open(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9", b"mod\xff.py")
    os.makedirs(os.path.dirname(raw))
    with open(raw, "wb") as handle:
        handle.write(b"x = 1\n")
    result = discover([tmp_path])
    assert len(result.files) == 1
    file = result.files[0]
    assert file.rel == "caf\\xe9/mod\\xff.py"
    assert file.module == "caf\\xe9.mod\\xff"
    file.rel.encode("utf-8")  # printable: no lone surrogates left
    assert file.path.read_bytes() == b"x = 1\n"


def test_display_path_escapes_controls_and_surrogates() -> None:
    assert display_path("plain/ünïcode dir/a.py") == "plain/ünïcode dir/a.py"
    assert display_path("new\nline.py") == "new\\x0aline.py"
    assert display_path("bad\udcff.py") == "bad\\xff.py"
    assert display_path("tab\t\x7f.py") == "tab\\x09\\x7f.py"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("pkg", "sub", "mod.py"), "pkg.sub.mod"),
        (("pkg", "__init__.py"), "pkg"),
        (("__init__.py",), "__init__"),
        (("bin", "tool"), "bin.tool"),
        (("gui", "app.pyw"), "gui.app"),
        (("my-pkg", "2nd.py"), "my-pkg.2nd"),
        ((), ""),
    ],
)
def test_module_name(parts: tuple[str, ...], expected: str) -> None:
    assert module_name(parts) == expected


def test_source_file_is_frozen_and_slotted() -> None:
    file = SourceFile(Path("a.py"), "a.py", "a")
    with pytest.raises(AttributeError):
        file.rel = "b.py"  # type: ignore[misc]
    assert not hasattr(file, "__dict__")


def test_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("needs os.mkfifo")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(discovery.NotRegularFileError) as info:
        within_seconds(lambda: discovery.open_regular(tmp_path / "pipe"))
    assert info.value.kind == "FIFO"
