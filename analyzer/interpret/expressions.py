"""Expressions: literals, strings, names, containers and lazily imported names."""

from __future__ import annotations

from analyzer import ir
from analyzer.interpret.base import InterpreterBase
from analyzer.interpret.frames import (
    BUILTINS,
    Frame,
    _index,
    _label,
    _stringish,
)
from analyzer.strings import percent
from analyzer.values import (
    Dict,
    External,
    LazyRef,
    Num,
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
    truthy_literal,
)


class ExpressionsMixin(InterpreterBase):
    def eval(self, expr: ir.Expr, frame: Frame) -> Value:
        self._tick()
        if isinstance(expr, ir.Const):
            return lit(expr.value) if isinstance(expr.value, str) else Num(expr.value)
        if isinstance(expr, ir.Name):
            return self._lookup(expr.id, frame)
        if isinstance(expr, ir.Attr):
            return self.get_attr(self.eval(expr.obj, frame), expr.name, frame)
        if isinstance(expr, ir.Call):
            return self._call(expr, frame)
        if isinstance(expr, ir.FString):
            return concat([p if isinstance(p, Str) else self._fpart(p, frame) for p in expr.parts])
        return self._eval_other(expr, frame)

    def _fpart(self, part: str | ir.Expr, frame: Frame) -> Value:
        if isinstance(part, str):
            return lit(part)
        return as_str(self.eval(part, frame), _label(part))

    def _eval_other(self, expr: ir.Expr, frame: Frame) -> Value:
        if isinstance(expr, ir.BinOp):
            left, right = self.eval(expr.left, frame), self.eval(expr.right, frame)
            if expr.op == "%" and _stringish(left):
                return percent(left, right)
            return Unknown("operator", is_param(left) or is_param(right))
        if isinstance(expr, ir.BoolOp):
            return self._boolop(expr, frame)
        if isinstance(expr, ir.IfExp):
            return choice([self.eval(expr.body, frame), self.eval(expr.orelse, frame)])
        if isinstance(expr, ir.TupleExpr):
            return Seq(tuple(self.eval(item, frame) for item in expr.items))
        if isinstance(expr, ir.DictExpr):
            return self._dict(expr, frame)
        if isinstance(expr, ir.Subscript):
            return self._subscript(expr, frame)
        if isinstance(expr, ir.Comprehension):
            return self._comprehension(expr, frame)
        if isinstance(expr, ir.Opaque):
            for call in expr.calls:
                self.eval(call, frame)
            return Unknown("expression")
        return Unknown("expression")

    def _boolop(self, expr: ir.BoolOp, frame: Frame) -> Value:
        values = [self.eval(v, frame) for v in expr.values]
        if expr.op == "and":
            return values[-1]
        results: list[Value] = []
        for value in values:
            truth = truthy_literal(value)
            if truth is True:
                results.append(value)
                break
            if truth is None and not isinstance(value, Unknown):
                results.append(value)
        else:
            if not results:
                results.append(values[-1])
        return choice(results)

    def _dict(self, expr: ir.DictExpr, frame: Frame) -> Value:
        items: list[tuple[Value, Value]] = []
        for key, value in expr.items:
            evaluated = self.eval(value, frame)
            if key is None:
                if isinstance(evaluated, Dict):
                    items.extend(evaluated.items)
                continue
            items.append((self.eval(key, frame), evaluated))
        return Dict(tuple(items))

    def _subscript(self, expr: ir.Subscript, frame: Frame) -> Value:
        obj = self.eval(expr.obj, frame)
        index = self.eval(expr.index, frame)
        results: list[Value] = []
        for option in alternatives(obj):
            results.append(_index(option, index, _label(expr)))
        return choice(results)

    def _comprehension(self, expr: ir.Comprehension, frame: Frame) -> Value:
        items = self.iter_items(self.eval(expr.iter, frame))
        before = dict(frame.env)
        outputs: list[Value] = []
        for item in items:
            frame.env = dict(before)
            self.assign(expr.target, item, frame)
            outputs.append(self.eval(expr.elt, frame))
        frame.env = before
        return Seq(tuple(outputs))

    def _lookup(self, name: str, frame: Frame) -> Value:
        if name in frame.env:
            value = frame.env[name]
        else:
            env = self.module_env(frame.module)
            if name not in env:
                return (
                    External(f"builtins.{name}")
                    if name in BUILTINS
                    else Unknown(f"name {name}", label=name)
                )
            value = env[name]
        if isinstance(value, LazyRef):
            value = self._resolve_lazy(value)
        return value

    def _resolve_lazy(self, ref: LazyRef) -> Value:
        """Summarise the imported module on first use of one of its names."""
        key = (ref.module, ref.name)
        if key in self._lazy_guard:
            return Unknown(f"import cycle at {ref.module}.{ref.name}", label=ref.name)
        self._lazy_guard.add(key)
        try:
            return self.module_attr(ref.module, ref.name)
        finally:
            self._lazy_guard.discard(key)
