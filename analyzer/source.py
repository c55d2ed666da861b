"""Stage 2: read a discovered file and decode it as Python source (PEP 263, PEP 3120).

`read_source` never raises for problems with the file: it returns a `Diagnostic` instead.

* Only regular files are read, through `discovery.open_regular` (type checked before and
  after a non-blocking open), so a FIFO or device named on the command line cannot hang us.
* Files over `max_bytes` are not read (`too-large`); the size is checked before reading and
  the read itself stops one byte past the limit, in case the file grows meanwhile.
* Decoding: a UTF-8 BOM is stripped; a coding cookie on line 1, or on line 2 when line 1 is
  blank or a comment, names the codec (`tokenize.detect_encoding`); otherwise UTF-8. The text
  is decoded strictly and kept exactly as it is (newlines included).
* A text containing NUL characters is not Python source (`binary-file`).
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tokenize
from dataclasses import dataclass

from analyzer.discovery import NotRegularFileError, SourceFile, open_regular, read_fd
from analyzer.models import Diagnostic, Level

DEFAULT_MAX_BYTES = 2_000_000

# PEP 263's regular expression, on bytes; `\w` is ASCII-only for bytes patterns.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")


@dataclass(frozen=True, slots=True)
class SourceText:
    """Decoded source of a file; `encoding` is the codec's canonical name (`codecs.lookup`),
    `utf-8-sig` when the file starts with a UTF-8 BOM (which is not part of `text`)."""

    file: SourceFile
    text: str
    encoding: str


class SourceDecodeError(ValueError):
    """The bytes are not valid source in their declared (or default) encoding.

    `line` is the 1-based line of the problem: the first undecodable byte, or the coding
    cookie that cannot be honoured.
    """

    def __init__(self, message: str, line: int) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class _Cookie:
    line: int
    name: str


class _TooLargeError(Exception):
    def __init__(self, size: int | None) -> None:
        self.size = size  # None when only known to be over the limit (the file grew)
        super().__init__(size)


# --------------------------------------------------------------------------- reading


def read_source(file: SourceFile, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText | Diagnostic:
    """Read and decode `file`; a `Diagnostic` (path `file.rel`) tells why it could not be.

    Kinds: `special-file` (WARNING: not a regular file), `too-large` (WARNING: over
    `max_bytes`), `read-error` (ERROR: the OS refused), `decode-error` (ERROR: not valid in
    its encoding, with the line), `binary-file` (WARNING: contains NUL characters).
    """
    try:
        data = _read_bytes(file, max_bytes)
    except NotRegularFileError as exc:
        return _diagnostic(file, "special-file", f"not a regular file ({exc.kind}); not read")
    except _TooLargeError as exc:
        return _diagnostic(file, "too-large", _too_large_message(exc.size, max_bytes))
    except OSError as exc:
        return _diagnostic(file, "read-error", f"cannot read file: {exc.strerror or exc}")
    try:
        text, encoding = decode_source(data)
    except SourceDecodeError as exc:
        return _diagnostic(file, "decode-error", exc.message, exc.line)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        message = "file contains NUL bytes: not Python source"
        return _diagnostic(file, "binary-file", message, line)
    return SourceText(file, text, encoding)


def _read_bytes(file: SourceFile, max_bytes: int) -> bytes:
    """The file's bytes; raises `NotRegularFileError`, `_TooLargeError` or `OSError`.

    Symlinks are followed here: discovery has already decided which ones may be read.
    """
    fd, info = open_regular(file.path)
    try:
        if info.st_size > max_bytes:
            raise _TooLargeError(info.st_size)
        data = read_fd(fd, max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _TooLargeError(None)
    return data


def _too_large_message(size: int | None, limit: int) -> str:
    what = "file grew past the limit" if size is None else f"file is {size:,} bytes"
    return f"{what} of {limit:,} bytes; not read (raise the limit with --max-file-size)"


def _diagnostic(file: SourceFile, kind: str, message: str, line: int | None = None) -> Diagnostic:
    level = Level.WARNING if kind in {"special-file", "too-large", "binary-file"} else Level.ERROR
    return Diagnostic(file.rel, line, kind, message, level)


# --------------------------------------------------------------------------- decoding


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode Python source bytes; return `(text, encoding)` or raise `SourceDecodeError`.

    The encoding follows PEP 263 / PEP 3120 (see the module docstring); the BOM is removed,
    nothing else is changed. A cookie is honoured even when line 1 or 2 holds bytes that are
    not UTF-8 (PEP 263 allows it; `tokenize` refuses it, CPython accepts it on the cookie's own
    line). The encoding returned is the codec's canonical name, or `utf-8-sig` after a BOM.
    """
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[len(codecs.BOM_UTF8) :] if bom else data
    cookie = _find_cookie(body)
    encoding = _detect(data, bom, cookie)
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        why = _why(bom, cookie)
        raise SourceDecodeError(f"invalid {codec} at line {line} ({why})", line) from None
    except (LookupError, ValueError) as exc:  # a cookie naming a non-text codec (rot13, hex)
        name, line = (cookie.name, cookie.line) if cookie else (codec, 1)
        why = "is not a text encoding" if isinstance(exc, LookupError) else f"failed: {exc}"
        raise SourceDecodeError(f"encoding {name!r} in coding cookie {why}", line) from None
    return text, encoding


def _detect(data: bytes, bom: bool, cookie: _Cookie | None) -> str:
    """The canonical codec name, via `tokenize.detect_encoding`.

    `detect_encoding` raises `SyntaxError` for an unknown codec, for a BOM contradicted by a
    cookie, and when line 1 or 2 is not UTF-8; `_fallback` sorts these out.
    """
    try:
        found, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return _fallback(bom, cookie)
    return "utf-8-sig" if found == "utf-8-sig" else codecs.lookup(found).name


def _fallback(bom: bool, cookie: _Cookie | None) -> str:
    if cookie is None:  # undecodable line 1 or 2 and no cookie: strict decoding reports it
        return "utf-8-sig" if bom else "utf-8"
    try:
        name = codecs.lookup(cookie.name).name
    except LookupError:
        raise SourceDecodeError(
            f"unknown encoding {cookie.name!r} in coding cookie", cookie.line
        ) from None
    if bom and name != "utf-8":
        message = f"UTF-8 BOM conflicts with coding cookie {cookie.name!r}"
        raise SourceDecodeError(message, cookie.line)
    return "utf-8-sig" if bom else name


def _find_cookie(body: bytes) -> _Cookie | None:
    """The PEP 263 cookie of `body` (BOM already removed): line 1, else line 2 when line 1
    is blank or only a comment."""
    lines = io.BytesIO(body)
    first = lines.readline()
    match = _COOKIE.match(first)
    if match is None and _BLANK.match(first):
        match = _COOKIE.match(lines.readline())
        line = 2
    else:
        line = 1
    if match is None:
        return None
    return _Cookie(line, match.group(1).decode("ascii"))


def _why(bom: bool, cookie: _Cookie | None) -> str:
    if cookie is not None:
        return f"coding cookie on line {cookie.line} declares {cookie.name!r}"
    if bom:
        return "file starts with a UTF-8 BOM"
    return "no PEP 263 coding cookie"
