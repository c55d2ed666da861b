"""The data pass 2 passes around: call sites, request events, frames, limits, helpers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from analyzer import ir
from analyzer.values import (
    Client,
    Dict,
    External,
    Instance,
    Num,
    Seq,
    Str,
    Unknown,
    Value,
    alternatives,
    choice,
    is_param,
)

MAX_DEPTH = 10
MAX_STEPS = 40_000
MAX_LOOP_ITEMS = 24
BUILTINS = frozenset(
    [
        "str",
        "int",
        "float",
        "bool",
        "len",
        "type",
        "super",
        "getattr",
        "isinstance",
        "print",
        "dict",
        "list",
        "tuple",
        "set",
        "range",
        "enumerate",
        "zip",
        "sorted",
        "reversed",
        "min",
        "max",
        "sum",
        "any",
        "all",
        "repr",
        "format",
        "open",
        "iter",
        "next",
        "object",
    ]
)


@dataclass(frozen=True, slots=True)
class Site:
    """A call site: where it is and which function (or `<module>`) contains it."""

    path: str
    line: int
    column: int
    text: str
    func: str


@dataclass(frozen=True, slots=True)
class Event:
    """An HTTP request (or a requested-scopes statement) reached from some root."""

    kind: str  # "http" | "requested"
    rule: str
    stack: tuple[Site, ...]
    method: Value
    url: Value
    base: Value | None = None
    join: str = "append"


class BudgetExceeded(Exception):
    """A root took more steps than allowed; its events so far are kept."""


@dataclass(slots=True)
class Frame:
    module: str
    path: str
    func: str
    env: dict[str, Value]
    events: list[Event]
    depth: int
    cls: str | None = None
    self_name: str | None = None
    building: dict[str, Value] | None = None
    returns: list[Value] = field(default_factory=list)
    stack_funcs: tuple[str, ...] = ()


# ------------------------------------------------------------------ helpers


def _unmark(value: Value) -> Value:
    if isinstance(value, Instance):
        return Instance(value.cls, value.attrs, False)
    if isinstance(value, Client) and value.instance is not None:
        return Client(value.rule, value.base, _unmark(value.instance))  # type: ignore[arg-type]
    return value


def _merge_envs(envs: Sequence[dict[str, Value]]) -> dict[str, Value]:
    merged: dict[str, Value] = {}
    names: list[str] = []
    for env in envs:
        names.extend(n for n in env if n not in merged and n not in names)
    for name in names:
        values = [env[name] for env in envs if name in env]
        merged[name] = values[0] if all(v == values[0] for v in values) else choice(values)
    return merged


def _stringish(value: Value) -> bool:
    return any(isinstance(v, Str) for v in alternatives(value))


def _index(obj: Value, index: Value, label: str) -> Value:
    if (
        isinstance(obj, Seq)
        and isinstance(index, Num)
        and isinstance(index.value, int)
        and -len(obj.items) <= index.value < len(obj.items)
    ):
        return obj.items[index.value]
    if isinstance(obj, Dict) and isinstance(index, Str) and index.literal is not None:
        for key, value in obj.items:
            if isinstance(key, Str) and key.literal == index.literal:
                return value
    if isinstance(obj, External) and obj.qualname == "os.environ":
        return Unknown("environment variable", label=label)
    return Unknown("subscript", is_param(obj), label=label)


def _label(expr: ir.Expr) -> str:
    if isinstance(expr, ir.Name):
        return expr.id
    if isinstance(expr, ir.Attr):
        return expr.name
    if (
        isinstance(expr, ir.Subscript)
        and isinstance(expr.index, ir.Const)
        and isinstance(expr.index.value, str)
    ):
        return expr.index.value
    if isinstance(expr, ir.Call):
        return _label(expr.func)
    return "value"


def _parse_dotted(text: str) -> ir.Expr:
    parts = text.strip().split(".")
    if not all(p.isidentifier() for p in parts):
        return ir.Opaque()
    expr: ir.Expr = ir.Name(parts[0])
    for part in parts[1:]:
        expr = ir.Attr(expr, part)
    return expr


def _site_of(expr: ir.Expr, frame: Frame) -> Site:
    if isinstance(expr, ir.Call):
        return Site(frame.path, expr.line, expr.column, expr.text, frame.func)
    return Site(frame.path, 0, 0, "with", frame.func)


def _self_assignments(body: Sequence[ir.Stmt], self_name: str, attr: str) -> Iterator[ir.Expr]:
    for stmt in body:
        if isinstance(stmt, ir.Assign):
            for target in stmt.targets:
                if (
                    isinstance(target, ir.AttrTarget)
                    and target.name == attr
                    and isinstance(target.obj, ir.Name)
                    and target.obj.id == self_name
                ):
                    yield stmt.value
        for block in _child_blocks(stmt):
            yield from _self_assignments(block, self_name, attr)


def _child_blocks(stmt: ir.Stmt) -> list[Sequence[ir.Stmt]]:
    if isinstance(stmt, ir.If):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, (ir.For, ir.While)):
        return [stmt.body, stmt.orelse]
    if isinstance(stmt, ir.With):
        return [stmt.body]
    if isinstance(stmt, ir.Try):
        return [stmt.body, *stmt.handlers, stmt.orelse, stmt.final]
    return []
