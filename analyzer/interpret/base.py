"""Shared state of the interpreter, and the methods its parts call on each other.

The interpreter is assembled from one mixin per concern (statements, expressions, objects,
calls, roots); this base holds what they share and declares the methods they call across.
"""

from __future__ import annotations

from collections.abc import Sequence

from analyzer import ir
from analyzer.interpret.frames import (
    Event,
    Frame,
    Site,
)
from analyzer.project import Project
from analyzer.rules import RuleSet
from analyzer.values import (
    LazyRef,
    Value,
)


class InterpreterBase:
    """State shared by the interpreter's parts; the stubs below are implemented by them."""

    def __init__(self, project: Project, rules: RuleSet) -> None:
        self.project = project
        self.rules = rules
        self.called: set[str] = set()
        self.truncated: set[str] = set()  # functions some call chain reached past MAX_DEPTH
        self.cuts = 0  # how many calls were not followed (depth limit, recursion)
        self.speculative = 0  # > 0 while evaluating outside any call chain (attribute facts)
        self.module_envs: dict[str, dict[str, Value]] = {}
        self.module_events: dict[str, list[Event]] = {}
        self._loading: set[str] = set()
        self._partial_envs: dict[str, dict[str, Value]] = {}
        self._memo: dict[tuple[object, ...], tuple[Value, tuple[Event, ...]]] = {}
        self._attr_guard: set[tuple[str, str]] = set()
        self._mro_cache: dict[str, list[ir.Class]] = {}
        self._lazy_guard: set[tuple[str, str]] = set()
        self._bases_cache: dict[str, list[Value]] = {}
        self._class_env_cache: dict[str, dict[str, Value]] = {}
        self.steps = 0
        self.exhausted: set[str] = set()

    def _blank_self(self, class_qualname: str) -> Value:
        raise NotImplementedError

    def _call(self, expr: ir.Call, frame: Frame) -> Value:
        raise NotImplementedError

    def _find_method(self, class_qualname: str, name: str) -> ir.Function | None:
        raise NotImplementedError

    def _lookup(self, name: str, frame: Frame) -> Value:
        raise NotImplementedError

    def _module_value(self, dotted: str, importer: str = "") -> Value:
        raise NotImplementedError

    def _new_frame(
        self, function: ir.Function, module: str, stack: Sequence[str], depth: int
    ) -> Frame:
        raise NotImplementedError

    def _param_value(
        self, param: ir.Param, args: list[Value], kwargs: dict[str, Value], frame: Frame
    ) -> Value:
        raise NotImplementedError

    def _resolve_lazy(self, ref: LazyRef) -> Value:
        raise NotImplementedError

    def _tick(self) -> None:
        raise NotImplementedError

    def assign(self, target: ir.Target, value: Value, frame: Frame) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    def call_value(
        self, func: Value, args: list[Value], kwargs: dict[str, Value], site: Site, frame: Frame
    ) -> Value:
        raise NotImplementedError

    def construct(
        self,
        class_qualname: str,
        args: list[Value],
        kwargs: dict[str, Value],
        site: Site | None,
        frame: Frame,
        from_annotation: bool = False,
    ) -> Value:
        raise NotImplementedError

    def eval(self, expr: ir.Expr, frame: Frame) -> Value:
        raise NotImplementedError

    def exec_block(self, body: Sequence[ir.Stmt], frame: Frame) -> None:
        raise NotImplementedError

    def get_attr(self, obj: Value, name: str, frame: Frame) -> Value:
        raise NotImplementedError

    def instance_for_annotation(self, class_qualname: str, frame: Frame) -> Value:
        raise NotImplementedError

    def iter_items(self, value: Value) -> list[Value]:
        raise NotImplementedError

    def module_attr(self, module: str, name: str) -> Value:
        raise NotImplementedError

    def module_env(self, module: str) -> dict[str, Value]:
        raise NotImplementedError

    def value_for_annotation(self, annotation: ir.Expr, frame: Frame) -> Value | None:
        raise NotImplementedError

    def record(self, event: Event, frame: Frame) -> None:
        raise NotImplementedError
