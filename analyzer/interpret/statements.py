"""Statements, module bodies and imports: executing the IR flow-coarsely."""

from __future__ import annotations

from collections.abc import Sequence

from analyzer import ir
from analyzer.interpret.base import InterpreterBase
from analyzer.interpret.frames import (
    MAX_LOOP_ITEMS,
    MAX_STEPS,
    BudgetExceeded,
    Frame,
    _merge_envs,
    _site_of,
    _stringish,
)
from analyzer.values import (
    NONE,
    ClassRef,
    Client,
    Dict,
    External,
    FuncRef,
    Instance,
    LazyRef,
    ModuleRef,
    SdkClient,
    Seq,
    Unknown,
    Value,
    alternatives,
    choice,
    concat,
    is_param,
)


class StatementsMixin(InterpreterBase):
    def module_env(self, module: str) -> dict[str, Value]:
        if module in self.module_envs:
            return self.module_envs[module]
        if module in self._loading:
            return self._partial_envs.get(module, {})
        self._loading.add(module)
        summary = self.project.modules[module]
        frame = Frame(module, summary.path, f"{module}.<module>", {}, [], 0, stack_funcs=())
        self._partial_envs[module] = frame.env
        saved = self.steps
        self.steps = 0
        try:
            self.exec_block(summary.body, frame)
        except (BudgetExceeded, RecursionError):
            self.exhausted.add(f"{module}.<module>")
        self.steps = saved
        self._loading.discard(module)
        self._partial_envs.pop(module, None)
        self.module_envs[module] = frame.env
        self.module_events[module] = frame.events
        return frame.env

    def module_attr(self, module: str, name: str) -> Value:
        loaded = self.project.find_module(module)
        env = self.module_env(loaded) if loaded is not None else {}
        if name in env:
            value = env[name]
            return self._resolve_lazy(value) if isinstance(value, LazyRef) else value
        submodule = self.project.knows_module(f"{module}.{name}")
        if submodule is not None:
            return ModuleRef(submodule, external=False)
        return Unknown(f"{module}.{name} not found", label=name)

    def exec_block(self, body: Sequence[ir.Stmt], frame: Frame) -> None:
        for statement in body:
            self._tick()
            self.exec_stmt(statement, frame)

    def _tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise BudgetExceeded

    def exec_stmt(self, stmt: ir.Stmt, frame: Frame) -> None:
        if isinstance(stmt, ir.Assign):
            self._assign_stmt(stmt, frame)
        elif isinstance(stmt, ir.ExprStmt):
            self.eval(stmt.value, frame)
        elif isinstance(stmt, ir.Return):
            frame.returns.append(self.eval(stmt.value, frame) if stmt.value is not None else NONE)
        elif isinstance(stmt, ir.If):
            self.eval(stmt.test, frame)
            self._branches([stmt.body, stmt.orelse], frame)
        elif isinstance(stmt, ir.For):
            self._for(stmt, frame)
        elif isinstance(stmt, ir.While):
            self.eval(stmt.test, frame)
            self._branches([stmt.body + stmt.orelse, ()], frame)
        elif isinstance(stmt, ir.With):
            self._with(stmt, frame)
        elif isinstance(stmt, ir.Try):
            self.exec_block(stmt.body, frame)
            self._branches([*stmt.handlers, stmt.orelse], frame)
            self.exec_block(stmt.final, frame)
        elif isinstance(stmt, ir.Import):
            self._import(stmt, frame)
        elif isinstance(stmt, ir.DefStmt):
            is_class = stmt.qualname in self.project.classes
            frame.env[stmt.name] = ClassRef(stmt.qualname) if is_class else FuncRef(stmt.qualname)

    def _assign_stmt(self, stmt: ir.Assign, frame: Frame) -> None:
        value = self.eval(stmt.value, frame)
        if isinstance(stmt.value, ir.Opaque) and stmt.annotation is not None:
            typed = self.value_for_annotation(stmt.annotation, frame)
            value = typed if typed is not None else value
        elif stmt.annotation is not None and value == NONE:
            typed = self.value_for_annotation(stmt.annotation, frame)
            value = choice([value, typed]) if typed is not None else value
        if stmt.augmented is not None:
            target = stmt.targets[0]
            if isinstance(target, ir.NameTarget) and stmt.augmented == "+":
                current = self._lookup(target.id, frame)
                value = concat([current, value]) if _stringish(current) else Unknown("augmented")
            else:
                value = Unknown("augmented assignment")
        for target in stmt.targets:
            self.assign(target, value, frame)

    def _branches(self, blocks: Sequence[Sequence[ir.Stmt]], frame: Frame) -> None:
        before = dict(frame.env)
        results: list[dict[str, Value]] = []
        for block in blocks:
            frame.env = dict(before)
            self.exec_block(block, frame)
            results.append(frame.env)
        frame.env = _merge_envs(results)

    def _for(self, stmt: ir.For, frame: Frame) -> None:
        items = self.iter_items(self.eval(stmt.iter, frame))
        before = dict(frame.env)
        results: list[dict[str, Value]] = [before]
        for item in items:
            frame.env = dict(before)
            self.assign(stmt.target, item, frame)
            self.exec_block(stmt.body, frame)
            results.append(frame.env)
        frame.env = _merge_envs(results)
        self.exec_block(stmt.orelse, frame)

    def iter_items(self, value: Value) -> list[Value]:
        """The elements a loop visits, one evaluation of the body per element (bounded)."""
        items: list[Value] = []
        for option in alternatives(value):
            if isinstance(option, Seq):
                items.extend(option.items)
            elif isinstance(option, Dict):
                items.extend(key for key, _ in option.items)
            else:
                items.append(Unknown("loop item", is_param(option)))
        if len(items) > MAX_LOOP_ITEMS or not items:
            return [Unknown("loop item", any(is_param(i) for i in items))]
        return items

    def _with(self, stmt: ir.With, frame: Frame) -> None:
        for expr, target in stmt.items:
            value = self.eval(expr, frame)
            if target is not None:
                self.assign(target, self._entered(value, expr, frame), frame)
        self.exec_block(stmt.body, frame)

    def _entered(self, value: Value, expr: ir.Expr, frame: Frame) -> Value:
        """The value `with X as y` binds: clients and project instances return themselves."""
        results: list[Value] = []
        for option in alternatives(value):
            if isinstance(option, (Client, SdkClient)):
                results.append(option)
            elif isinstance(option, Instance):
                for hook in ("__enter__", "__aenter__"):
                    if self._find_method(option.cls, hook) is not None:
                        site = _site_of(expr, frame)
                        returned = self.call_value(
                            self.get_attr(option, hook, frame), [], {}, site, frame
                        )
                        results.append(returned)
                        break
                else:
                    results.append(option)
            else:
                results.append(Unknown("context manager value", is_param(option)))
        return choice(results)

    def _import(self, stmt: ir.Import, frame: Frame) -> None:
        if not stmt.is_from:
            for full, local in stmt.names:
                bound = full if local != full.split(".")[0] else full.split(".")[0]
                frame.env[local] = self._module_value(bound, frame.module)
            return
        module = self.project.resolve_import(stmt.module, frame.module) or stmt.module
        for name, local in stmt.names:
            if name == "*":
                target = self.project.find_module(module)
                if target is not None:
                    frame.env.update(
                        {k: v for k, v in self.module_env(target).items() if not k.startswith("_")}
                    )
                continue
            frame.env[local] = self._from_import(module, name)

    def _module_value(self, dotted: str, importer: str = "") -> Value:
        project_module = self.project.resolve_import(dotted, importer)
        if project_module is not None:
            return ModuleRef(project_module, external=False)
        if self.project.is_project_package_prefix(dotted):
            return ModuleRef(dotted, external=False)
        return ModuleRef(dotted, external=True)

    def _from_import(self, module: str, name: str) -> Value:
        project_module = self.project.knows_module(module)
        if project_module is not None:
            if project_module in self.project.modules:
                return self.module_attr(project_module, name)
            return LazyRef(project_module, name)
        submodule = self.project.knows_module(f"{module}.{name}")
        if submodule is not None:
            return ModuleRef(submodule, external=False)
        if self.project.is_project_package_prefix(module):
            return Unknown(f"{module}.{name} not found", label=name)
        return External(f"{module}.{name}" if module else name)

    def assign(self, target: ir.Target, value: Value, frame: Frame) -> None:
        if isinstance(target, ir.NameTarget):
            frame.env[target.id] = value
        elif isinstance(target, ir.TupleTarget):
            self._unpack(target, value, frame)
        elif isinstance(target, ir.AttrTarget):
            obj = target.obj
            if (
                isinstance(obj, ir.Name)
                and obj.id == frame.self_name
                and frame.building is not None
            ):
                frame.building[target.name] = value
                current = frame.env.get(obj.id)
                if isinstance(current, Instance):
                    frame.env[obj.id] = Instance(
                        current.cls, tuple(frame.building.items()), current.param
                    )
                elif isinstance(current, Client) and current.instance is not None:
                    inst = Instance(
                        current.instance.cls, tuple(frame.building.items()), current.instance.param
                    )
                    frame.env[obj.id] = Client(current.rule, current.base, inst)

    def _unpack(self, target: ir.TupleTarget, value: Value, frame: Frame) -> None:
        options = alternatives(value)
        for index, item_target in enumerate(target.items):
            parts: list[Value] = []
            for option in options:
                if isinstance(option, Seq) and len(option.items) == len(target.items):
                    parts.append(option.items[index])
                else:
                    parts.append(Unknown("unpacked item", is_param(option)))
            self.assign(item_target, choice(parts), frame)
