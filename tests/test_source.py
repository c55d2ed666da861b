"""Tests for `analyzer.source`: reading files safely and decoding them per PEP 263/3120.

Expected encodings, texts and line numbers come from the PEPs: a UTF-8 BOM, else a coding
cookie on line 1 (or on line 2 when line 1 is blank or a comment), else UTF-8.
"""

from __future__ import annotations

import codecs
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from analyzer.discovery import SourceFile
from analyzer.models import Diagnostic, Level
from analyzer.source import (
    DEFAULT_MAX_BYTES,
    SourceDecodeError,
    SourceText,
    decode_source,
    read_source,
)

T = TypeVar("T")
BOM = b"\xef\xbb\xbf"


def source_file(path: Path, rel: str = "mod.py") -> SourceFile:
    return SourceFile(path, rel, rel.removesuffix(".py").replace("/", "."))


def write(tmp_path: Path, data: bytes, name: str = "mod.py") -> SourceFile:
    path = tmp_path / name
    path.write_bytes(data)
    return source_file(path, name)


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
    assert not thread.is_alive(), f"still running after {seconds}s (blocked)"
    if errors:
        raise errors[0]
    return outcome[0]


def decode_error(data: bytes) -> SourceDecodeError:
    with pytest.raises(SourceDecodeError) as info:
        decode_source(data)
    return info.value


def same_codec(name: str, expected: str) -> bool:
    return codecs.lookup(name).name == codecs.lookup(expected).name


# --------------------------------------------------------------------------- decode_source


def test_default_is_utf8() -> None:
    assert decode_source("name = 'café'\n".encode()) == ("name = 'café'\n", "utf-8")


def test_empty_source_is_fine() -> None:
    assert decode_source(b"") == ("", "utf-8")


def test_newlines_are_kept_exactly() -> None:
    data = b"x = 1\r\ny = 2\r\n\rz = 3\n"
    assert decode_source(data)[0] == data.decode("ascii")


def test_bom_is_stripped() -> None:
    text, encoding = decode_source(BOM + "x = 'é'\n".encode())
    assert text == "x = 'é'\n"
    assert encoding == "utf-8-sig"


def test_bom_with_a_utf8_cookie_is_fine() -> None:
    text, encoding = decode_source(BOM + b"# -*- coding: utf-8 -*-\nx = 1\n")
    assert text == "# -*- coding: utf-8 -*-\nx = 1\n"
    assert encoding == "utf-8-sig"


def test_bom_with_a_non_utf8_cookie_is_a_decode_error() -> None:
    error = decode_error(BOM + b"# -*- coding: latin-1 -*-\nx = 1\n")
    assert error.line == 1
    assert "BOM" in error.message
    assert "'latin-1'" in error.message


def test_latin1_with_a_cookie_decodes() -> None:
    text, encoding = decode_source(b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n")
    assert text == "# -*- coding: latin-1 -*-\nname = 'café'\n"
    assert same_codec(encoding, "latin-1")


def test_latin1_without_a_cookie_is_invalid_utf8_at_the_right_line() -> None:
    error = decode_error(b"x = 1\ny = 2\nname = 'caf\xe9'\n")
    assert error.line == 3
    assert error.message == "invalid utf-8 at line 3 (no PEP 263 coding cookie)"


def test_invalid_utf8_line_number_counts_newlines_before_the_bad_byte() -> None:
    error = decode_error(b'"""doc\n\n"""\n\nvalue = b"\xff"\n')
    assert error.line == 5


def test_invalid_utf8_on_the_first_line() -> None:
    error = decode_error(b"\xff\xfe = 1\n")
    assert (error.line, error.message) == (1, "invalid utf-8 at line 1 (no PEP 263 coding cookie)")


def test_truncated_multibyte_sequence_at_end_of_file() -> None:
    assert decode_error(b"x = 1\ny = '\xe2\x82").line == 2


def test_invalid_utf8_after_a_bom() -> None:
    error = decode_error(BOM + b"x = 1\ny = '\xe9'\n")
    assert error.line == 2
    assert "BOM" in error.message


def test_unknown_codec_in_cookie() -> None:
    error = decode_error(b"# -*- coding: foo -*-\nx = 1\n")
    assert (error.line, error.message) == (1, "unknown encoding 'foo' in coding cookie")


def test_unknown_codec_in_a_second_line_cookie() -> None:
    error = decode_error(b"#!/usr/bin/env python\n# coding=no-such-codec\n")
    assert (error.line, error.message) == (2, "unknown encoding 'no-such-codec' in coding cookie")


def test_cookie_on_line_2_after_a_shebang() -> None:
    data = b"#!/usr/bin/env python\n# -*- coding: latin-1 -*-\nx = '\xe9'\n"
    text, encoding = decode_source(data)
    assert text.endswith("x = 'é'\n")
    assert same_codec(encoding, "latin-1")


def test_cookie_on_line_2_after_a_blank_line() -> None:
    text, encoding = decode_source(b"\n# coding: latin-1\nx = '\xe9'\n")
    assert text == "\n# coding: latin-1\nx = 'é'\n"
    assert same_codec(encoding, "latin-1")


def test_cookie_on_line_2_after_code_does_not_count() -> None:
    error = decode_error(b"import os\n# coding: latin-1\nx = '\xe9'\n")
    assert error.message == "invalid utf-8 at line 3 (no PEP 263 coding cookie)"


def test_cookie_on_line_3_does_not_count() -> None:
    error = decode_error(b"#!/usr/bin/env python\n#\n# coding: latin-1\nx = '\xe9'\n")
    assert error.line == 4


def test_cookie_must_be_in_a_comment() -> None:
    error = decode_error(b"x = '# coding: latin-1'\ny = '\xe9'\n")
    assert error.message == "invalid utf-8 at line 2 (no PEP 263 coding cookie)"


def test_vim_style_cookie() -> None:
    text, encoding = decode_source(b"# vim: set fileencoding=latin-1 :\nx = '\xe9'\n")
    assert text.endswith("x = 'é'\n")
    assert same_codec(encoding, "latin-1")


def test_cookie_after_a_non_utf8_comment_line_is_honoured() -> None:
    # PEP 263: line 1 is a comment, so the cookie on line 2 names the file's encoding.
    text, encoding = decode_source(b"# auteur: J\xe9r\xf4me\n# coding: latin-1\nx = 1\n")
    assert text == "# auteur: Jérôme\n# coding: latin-1\nx = 1\n"
    assert same_codec(encoding, "latin-1")


def test_cookie_line_with_non_utf8_bytes_is_honoured() -> None:
    # The cookie's own line is in the declared encoding (CPython accepts this file too).
    text, _ = decode_source(b"# caf\xe9 -*- coding: latin-1 -*-\nx = 1\n")
    assert text == "# café -*- coding: latin-1 -*-\nx = 1\n"


def test_bytes_invalid_for_the_declared_codec() -> None:
    error = decode_error(b"# coding: ascii\nx = '\xc3\xa9'\n")
    assert error.line == 2
    assert error.message == "invalid ascii at line 2 (coding cookie on line 1 declares 'ascii')"


def test_cookie_naming_a_codec_that_is_not_a_text_encoding() -> None:
    error = decode_error(b"# coding: rot13\nx = 1\n")
    assert error.line == 1
    assert error.message == "encoding 'rot13' in coding cookie is not a text encoding"


def test_source_decode_error_is_a_value_error() -> None:
    error = SourceDecodeError("bad", 7)
    assert isinstance(error, ValueError)
    assert (error.message, error.line, str(error)) == ("bad", 7, "bad")


# --------------------------------------------------------------------------- read_source


def test_read_source_returns_text_and_file(tmp_path: Path) -> None:
    file = write(tmp_path, "print('héllo')\r\n".encode())
    result = read_source(file)
    assert result == SourceText(file, "print('héllo')\r\n", "utf-8")


def test_read_source_strips_bom(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, BOM + b"x = 1\n"))
    assert isinstance(result, SourceText)
    assert (result.text, result.encoding) == ("x = 1\n", "utf-8-sig")


def test_empty_file(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, b""))
    assert isinstance(result, SourceText)
    assert result.text == ""


def test_decode_error_becomes_a_diagnostic(tmp_path: Path) -> None:
    file = write(tmp_path, b"x = 1\ny = 2\nz = '\xe9'\n", "bad.py")
    assert read_source(file) == Diagnostic(
        "bad.py",
        3,
        "decode-error",
        "invalid utf-8 at line 3 (no PEP 263 coding cookie)",
        Level.ERROR,
    )


def test_unknown_codec_becomes_a_diagnostic(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, b"# coding: foo\n"))
    assert result == Diagnostic(
        "mod.py", 1, "decode-error", "unknown encoding 'foo' in coding cookie", Level.ERROR
    )


def test_nul_bytes_make_a_binary_file(tmp_path: Path) -> None:
    result = read_source(write(tmp_path, b"x = 1\ny = '\x00'\n"))
    assert isinstance(result, Diagnostic)
    assert (result.kind, result.level, result.line) == ("binary-file", Level.WARNING, 2)


def test_default_limit_is_two_megabytes() -> None:
    assert DEFAULT_MAX_BYTES == 2_000_000


def test_three_megabyte_file_is_too_large(tmp_path: Path) -> None:
    file = write(tmp_path, b"x = 1\n" * 500_000)  # 3,000,000 bytes
    result = read_source(file, max_bytes=2_000_000)
    assert isinstance(result, Diagnostic)
    assert (result.path, result.kind, result.level) == ("mod.py", "too-large", Level.WARNING)
    assert "3,000,000 bytes" in result.message
    assert "2,000,000 bytes" in result.message
    assert "--max-file-size" in result.message
    assert read_source(file, max_bytes=3_000_000) == SourceText(file, "x = 1\n" * 500_000, "utf-8")


def test_limit_is_inclusive(tmp_path: Path) -> None:
    file = write(tmp_path, b"x = 12345\n")  # 10 bytes
    assert isinstance(read_source(file, max_bytes=10), SourceText)
    result = read_source(file, max_bytes=9)
    assert isinstance(result, Diagnostic)
    assert result.kind == "too-large"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_file_larger_than_its_stat_size_is_cut_at_the_limit() -> None:
    # /proc files report size 0 but have content: the read itself must enforce the limit.
    result = read_source(source_file(Path("/proc/self/status"), "status"), max_bytes=10)
    assert isinstance(result, Diagnostic)
    assert result.kind == "too-large"
    assert "--max-file-size" in result.message


def test_missing_file_is_a_read_error(tmp_path: Path) -> None:
    result = read_source(source_file(tmp_path / "gone.py", "gone.py"))
    assert isinstance(result, Diagnostic)
    assert (result.path, result.kind, result.level) == ("gone.py", "read-error", Level.ERROR)
    assert str(tmp_path) not in result.message


def test_unreadable_file_is_a_read_error(tmp_path: Path) -> None:
    file = write(tmp_path, b"x = 1\n")
    file.path.chmod(0)
    try:
        if os.access(file.path, os.R_OK):
            pytest.skip("running with privileges that ignore permissions (root)")
        result = read_source(file)
    finally:
        file.path.chmod(0o644)
    assert isinstance(result, Diagnostic)
    assert (result.kind, result.level) == ("read-error", Level.ERROR)


def test_permission_error_on_open_is_a_read_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = write(tmp_path, b"x = 1\n")

    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    assert read_source(file) == Diagnostic(
        "mod.py", None, "read-error", "cannot read file: Permission denied", Level.ERROR
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    result = within_seconds(lambda: read_source(source_file(tmp_path / "pipe.py", "pipe.py")))
    assert result == Diagnostic(
        "pipe.py", None, "special-file", "not a regular file (FIFO); not read", Level.WARNING
    )


def test_directory_is_a_special_file(tmp_path: Path) -> None:
    (tmp_path / "pkg.py").mkdir()
    result = read_source(source_file(tmp_path / "pkg.py", "pkg.py"))
    assert isinstance(result, Diagnostic)
    assert (result.kind, result.message) == (
        "special-file",
        "not a regular file (directory); not read",
    )


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_chosen_by_discovery_is_read_through(tmp_path: Path) -> None:
    write(tmp_path, b"x = 1\n", "real.py")
    (tmp_path / "link.py").symlink_to("real.py")
    result = read_source(source_file(tmp_path / "link.py", "link.py"))
    assert isinstance(result, SourceText)
    assert result.text == "x = 1\n"
