"""Calls: following project functions with their argument values, and binding parameters."""

from __future__ import annotations

from collections.abc import Sequence

from analyzer import ir
from analyzer.interpret.base import InterpreterBase
from analyzer.interpret.externals import call_external
from analyzer.interpret.frames import (
    MAX_DEPTH,
    Event,
    Frame,
    Site,
)
from analyzer.values import (
    NONE,
    ClassRef,
    Dict,
    FuncRef,
    Partial,
    Seq,
    Str,
    Super,
    Unknown,
    Value,
    alternatives,
    choice,
    is_param,
    lit,
)


class CallsMixin(InterpreterBase):
    def _call(self, expr: ir.Call, frame: Frame) -> Value:
        func = self.eval(expr.func, frame)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in expr.args:
            value = self.eval(arg.value, frame)
            if arg.star == 1:
                if isinstance(value, Seq):
                    args.extend(value.items)
                else:  # unknown positional arguments: whatever comes next is unknown
                    kwargs["*"] = value
            elif arg.star == 2:
                if isinstance(value, Dict):
                    kwargs.update(
                        {k.literal: v for k, v in value.items if isinstance(k, Str) and k.literal}
                    )
                else:
                    kwargs["**"] = value
            elif arg.keyword is not None:
                kwargs[arg.keyword] = value
            else:
                args.append(value)
        site = Site(frame.path, expr.line, expr.column, expr.text, frame.func)
        return self.call_value(func, args, kwargs, site, frame)

    def call_value(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], site: Site, frame: Frame
    ) -> Value:
        results: list[Value] = []
        for option in alternatives(func):
            results.append(self._call_one(option, args, kwargs, site, frame))
        return choice(results)

    def _call_one(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], site: Site, frame: Frame
    ) -> Value:
        if isinstance(func, FuncRef):
            function = self.project.functions.get(func.qualname)
            if function is None:
                return Unknown("unknown function")
            return self.call_function(function, func.bound, args, kwargs, site, frame)
        if isinstance(func, ClassRef):
            return self.construct(func.qualname, args, kwargs, site, frame)
        if isinstance(func, Partial):
            merged = {**dict(func.kwargs), **kwargs}
            return self.call_value(func.func, [*func.args, *args], merged, site, frame)
        if isinstance(func, Super):
            return Unknown("super call")
        return call_external(self, func, args, kwargs, site, frame)

    def call_function(
        self,
        function: ir.Function,
        bound: Value | None,
        args: Sequence[Value],
        kwargs: dict[str, Value],
        site: Site,
        frame: Frame,
        record: bool = True,
    ) -> Value:
        """Follow a call into a project function; its events are prefixed with `site`."""
        if function.qualname in frame.stack_funcs:
            self.cuts += 1
            return Unknown("recursion", any(is_param(a) for a in args))
        if frame.depth >= MAX_DEPTH:
            # Not followed: its own analysis (as a root) must not count on this caller.
            self.cuts += 1
            if not self.speculative:
                self.truncated.add(function.qualname)
            return Unknown("depth limit", any(is_param(a) for a in args))
        if not self.speculative:
            self.called.add(function.qualname)
        key: tuple[object, ...] | None = (
            function.qualname,
            bound,
            tuple(args),
            tuple(sorted(kwargs.items())),
        )
        try:
            cached = self._memo.get(key) if key is not None else None
        except TypeError:
            cached, key = None, None
        if cached is None:
            cuts_before = self.cuts
            cached = self._run_call(function, bound, args, kwargs, frame)
            # A result cut short by the depth limit or a recursion guard depends on where the
            # call was made from: only complete results are reused elsewhere.
            if key is not None and self.cuts == cuts_before:
                self._memo[key] = cached
        value, events = cached
        if record:
            frame.events.extend(
                Event(e.kind, e.rule, (site, *e.stack), e.method, e.url, e.base, e.join)
                for e in events
            )
        return value

    def _run_call(
        self,
        function: ir.Function,
        bound: Value | None,
        args: Sequence[Value],
        kwargs: dict[str, Value],
        caller: Frame,
    ) -> tuple[Value, tuple[Event, ...]]:
        module = self.project.function_module[function.qualname]
        frame = self._new_frame(function, module, caller.stack_funcs, caller.depth + 1)
        self._bind_call_params(function, bound, list(args), dict(kwargs), frame)
        self.exec_block(function.body, frame)
        value = choice(frame.returns) if frame.returns else NONE
        if frame.building is not None and frame.self_name is not None:
            value = frame.env.get(frame.self_name, value)
        return value, tuple(frame.events)

    def _bind_call_params(
        self,
        function: ir.Function,
        bound: Value | None,
        args: list[Value],
        kwargs: dict[str, Value],
        frame: Frame,
    ) -> None:
        params = list(function.params.items)
        if bound is not None and params:
            first = params.pop(0)
            frame.env[first.name] = bound
            frame.self_name = first.name
        for param in params:
            frame.env[param.name] = self._param_value(param, args, kwargs, frame)

    def _param_value(
        self, param: ir.Param, args: list[Value], kwargs: dict[str, Value], frame: Frame
    ) -> Value:
        if param.kind == "star":
            rest = list(args)
            args.clear()
            if "*" in kwargs:
                return Unknown("from *args", is_param(kwargs["*"]), label=param.name)
            return Seq(tuple(rest))
        if param.kind == "starstar":
            named = {k: v for k, v in kwargs.items() if k not in ("*", "**")}
            if "**" in kwargs:
                return kwargs["**"]
            return Dict(tuple((lit(k), v) for k, v in named.items()))
        if param.kind != "kwonly" and args:
            return args.pop(0)
        if param.name in kwargs:
            return kwargs.pop(param.name)
        if param.kind != "kwonly" and "*" in kwargs:
            return Unknown("from *args", is_param(kwargs["*"]), label=param.name)
        if "**" in kwargs:
            return Unknown("from **kwargs", is_param(kwargs["**"]), label=param.name)
        if param.default is not None:
            return self.eval(
                param.default, Frame(frame.module, frame.path, frame.func, {}, [], frame.depth)
            )
        return Unknown("missing argument", label=param.name)

    def record(self, event: Event, frame: Frame) -> None:
        frame.events.append(event)
