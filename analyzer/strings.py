"""String operations on `Str` values with holes: format, %, join, urljoin, strip.

Holes are swapped for private-use characters so ordinary `str` operations can run, then
swapped back. Nothing here evaluates scanned code.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urljoin as _urljoin

from analyzer.values import (
    Choice,
    Dict,
    Hole,
    Num,
    Part,
    Seq,
    Str,
    Unknown,
    Value,
    alternatives,
    as_str,
    choice,
    concat,
    is_param,
    lit,
    normalize,
)

_BASE = 0xE000
_PERCENT = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*\d*(?:\.\d+)?[sdirfaxXoeEgGc%]")


def to_text(value: Str) -> tuple[str, list[Hole]]:
    holes: list[Hole] = []
    out: list[str] = []
    for part in value.parts:
        if isinstance(part, Hole):
            out.append(chr(_BASE + len(holes)))
            holes.append(part)
        else:
            out.append(part)
    return "".join(out), holes


def from_text(text: str, holes: Sequence[Hole]) -> Str:
    parts: list[Part] = []
    for char in text:
        code = ord(char) - _BASE
        parts.append(holes[code] if 0 <= code < len(holes) else char)
    return Str(normalize(parts))


def map_text(value: Value, func: Callable[[str], str]) -> Value:
    """Apply a text transformation to every alternative that is a string."""
    results: list[Value] = []
    for option in alternatives(value):
        if isinstance(option, Str):
            text, holes = to_text(option)
            results.append(from_text(func(text), holes))
        else:
            results.append(option)
    return choice(results)


def urljoin(base: Value, ref: Value) -> Value:
    results: list[Value] = []
    for b in alternatives(as_str(base, "base")):
        for r in alternatives(as_str(ref, "path")):
            results.append(_urljoin_one(b, r))
    return choice(results)


def _urljoin_one(base: Value, ref: Value) -> Value:
    if not isinstance(base, Str) or not isinstance(ref, Str):
        return Unknown("urljoin of unknown values", is_param(base) or is_param(ref))
    base_text, base_holes = to_text(base)
    ref_text, ref_holes = to_text(ref)
    shifted = "".join(
        chr(ord(c) + len(base_holes)) if _BASE <= ord(c) < _BASE + len(ref_holes) else c
        for c in ref_text
    )
    return from_text(_urljoin(base_text, shifted), [*base_holes, *ref_holes])


def join(separator: Value, items: Value) -> Value:
    if not isinstance(separator, Str) or separator.literal is None:
        return Unknown("join with an unknown separator")
    results: list[Value] = []
    for option in alternatives(items):
        if not isinstance(option, Seq):
            results.append(Unknown("join of unknown items", is_param(option), "path"))
            continue
        pieces: list[Value] = []
        for index, item in enumerate(option.items):
            if index:
                pieces.append(separator)
            pieces.append(item)
        results.append(concat(pieces))
    return choice(results)


def format_template(
    template: Value, args: Sequence[Value], kwargs: Mapping[str, Value], star: Value | None
) -> Value:
    """`template.format(*args, **kwargs)`; `star` is an opaque `**mapping` argument."""
    results = []
    for option in alternatives(template):
        if isinstance(option, Str):
            results.append(_format_one(option, args, kwargs, star))
        else:
            results.append(Unknown("format of an unknown template", is_param(option)))
    return choice(results)


def _format_one(
    template: Str, args: Sequence[Value], kwargs: Mapping[str, Value], star: Value | None
) -> Value:
    pieces: list[Value] = []
    auto = 0
    for part in template.parts:
        if isinstance(part, Hole):
            pieces.append(Str((part,)))
            continue
        try:
            parsed = list(string.Formatter().parse(part))
        except ValueError:
            return Unknown("malformed format string")
        for text, field, _spec, _conv in parsed:
            pieces.append(lit(text))
            if field is None:
                continue
            key = field.split(".")[0].split("[")[0]
            if key == "":
                key, auto = str(auto), auto + 1
            pieces.append(_field_value(key, args, kwargs, star))
    return concat(pieces)


def _field_value(
    key: str, args: Sequence[Value], kwargs: Mapping[str, Value], star: Value | None
) -> Value:
    if key.isdigit():
        index = int(key)
        return as_str(args[index], "value") if index < len(args) else Str((Hole("value"),))
    if key in kwargs:
        return as_str(kwargs[key], key)
    return Str((Hole(key, star is not None and is_param(star)),))


def percent(template: Value, operand: Value) -> Value:
    results: list[Value] = []
    for option in alternatives(template):
        literal = option.literal if isinstance(option, Str) else None
        if literal is None:
            results.append(Unknown("%-format of an unknown template", is_param(option)))
        else:
            results.append(_percent_one(literal, operand))
    return choice(results)


def _percent_one(template: str, operand: Value) -> Value:
    positional = list(operand.items) if isinstance(operand, Seq) else [operand]
    mapping = (
        {k.literal: v for k, v in operand.items if isinstance(k, Str)}
        if isinstance(operand, Dict)
        else {}
    )
    pieces: list[Value] = []
    position, cursor = 0, 0
    for match in _PERCENT.finditer(template):
        pieces.append(lit(template[cursor : match.start()]))
        cursor = match.end()
        if match.group(0) == "%%":
            pieces.append(lit("%"))
            continue
        key = match.group("key")
        if key is not None:
            pieces.append(as_str(mapping.get(key, Unknown("missing key", label=key)), key))
        else:
            value = positional[position] if position < len(positional) else Unknown("missing")
            position += 1
            pieces.append(as_str(value))
    pieces.append(lit(template[cursor:]))
    return concat(pieces)


def str_method(obj: Value, name: str, args: Sequence[Value]) -> Value | None:
    """Model the `str` methods that matter for URLs; None when not modelled."""
    text_args = [a.literal if isinstance(a, Str) else None for a in args]
    if name in ("upper", "lower"):
        return map_text(obj, str.upper if name == "upper" else str.lower)
    if name in ("strip", "rstrip", "lstrip"):
        chars = text_args[0] if text_args else None
        method = getattr(str, name)
        return map_text(obj, lambda text: method(text, chars))
    if name == "replace" and len(text_args) >= 2 and None not in text_args[:2]:
        old, new = text_args[0], text_args[1]
        assert old is not None and new is not None
        return map_text(obj, lambda text: text.replace(old, new))
    if name in ("encode", "decode", "casefold", "title"):
        return obj
    return None


def is_stringish(value: Value) -> bool:
    return all(isinstance(v, Str) for v in alternatives(value))


def describe(value: Value) -> str:
    """Human form of a value: literal text with `{hole}` markers."""
    if isinstance(value, Str):
        return "".join(p if isinstance(p, str) else "{" + p.label + "}" for p in value.parts)
    if isinstance(value, Choice):
        return " | ".join(describe(v) for v in value.options)
    if isinstance(value, Num):
        return repr(value.value)
    return "<unknown>"
