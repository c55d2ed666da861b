"""Classes, instances, attributes, annotations and construction through `__init__`."""

from __future__ import annotations

from analyzer import ir
from analyzer.interpret.base import InterpreterBase
from analyzer.interpret.frames import (
    MAX_DEPTH,
    Event,
    Frame,
    Site,
    _parse_dotted,
    _self_assignments,
    _unmark,
)
from analyzer.values import (
    BoundExternal,
    ClassRef,
    Client,
    Dict,
    External,
    FuncRef,
    Instance,
    ModuleRef,
    SdkClient,
    SdkResource,
    Seq,
    Str,
    Super,
    Unknown,
    Value,
    alternatives,
    choice,
)


class ObjectsMixin(InterpreterBase):
    def value_for_annotation(self, annotation: ir.Expr, frame: Frame) -> Value | None:
        if isinstance(annotation, ir.Const) and isinstance(annotation.value, str):
            annotation = _parse_dotted(annotation.value)
        if isinstance(annotation, ir.BinOp) and annotation.op == "|":
            left = self.value_for_annotation(annotation.left, frame)
            return left if left is not None else self.value_for_annotation(annotation.right, frame)
        if isinstance(annotation, ir.Subscript):
            outer = self.eval(annotation.obj, frame)
            if isinstance(outer, External) and outer.qualname.split(".")[-1] in (
                "Optional",
                "Union",
            ):
                index = annotation.index
                first = index.items[0] if isinstance(index, ir.TupleExpr) and index.items else index
                return self.value_for_annotation(first, frame)
            return None
        if not isinstance(annotation, (ir.Name, ir.Attr)):
            return None
        return self._typed_value(self.eval(annotation, frame), frame)

    def _typed_value(self, kind: Value, frame: Frame) -> Value | None:
        if isinstance(kind, ClassRef):
            return self.instance_for_annotation(kind.qualname, frame)
        if isinstance(kind, External):
            rule = self.rules.constructor_rule(kind.qualname)
            if rule is not None:
                base = Unknown("base URL of a parameter", param=True, label="base_url")
                return Client(rule.id, base if rule.base_url else None)
            sdk = self.rules.sdk_for_client(kind.qualname)
            if sdk is not None:
                return SdkClient(sdk.id, param=True)
        return None

    def _blank_self(self, class_qualname: str) -> Value:
        placeholder = Instance(class_qualname, (), True)
        client_base = self.external_base(class_qualname)
        if client_base is None:
            return placeholder
        rule = self.rules.constructor_rule(client_base)
        assert rule is not None
        return Client(rule.id, None, placeholder)

    def instance_for_annotation(self, class_qualname: str, frame: Frame) -> Value:
        """An instance whose constructor arguments are unknown (defaults where given)."""
        return self.construct(class_qualname, [], {}, None, frame, from_annotation=True)

    def get_attr(self, obj: Value, name: str, frame: Frame) -> Value:
        results = [self._attr_one(option, name, frame) for option in alternatives(obj)]
        return choice(results)

    def _attr_one(self, obj: Value, name: str, frame: Frame) -> Value:
        if isinstance(obj, ModuleRef):
            if obj.external:
                return (
                    self._module_value(f"{obj.name}.{name}")
                    if self.project.find_module(f"{obj.name}.{name}")
                    else External(f"{obj.name}.{name}")
                )
            return self.module_attr(obj.name, name)
        if isinstance(obj, External):
            return External(f"{obj.qualname}.{name}")
        if isinstance(obj, ClassRef):
            return self._class_attr(obj.qualname, name, None, frame)
        if isinstance(obj, Instance):
            return self._instance_attr(obj, obj, name, frame)
        if isinstance(obj, Client):
            if obj.instance is not None:
                found = self._instance_attr(obj.instance, obj, name, frame, missing_ok=True)
                if found is not None:
                    return found
            return BoundExternal(obj, name)
        if isinstance(obj, SdkClient):
            sdk = next((s for s in self.rules.sdks if s.id == obj.sdk), None)
            if sdk is not None and name in sdk.resources:
                return SdkResource(sdk.id, name)
            return BoundExternal(obj, name)
        if isinstance(obj, Super):
            return self._super_attr(obj, name, frame)
        if isinstance(obj, (Str, Dict, Seq, SdkResource)):
            return BoundExternal(obj, name)
        if isinstance(obj, Unknown):
            return Unknown(obj.reason, obj.param, label=name)
        return Unknown(f"attribute {name}", label=name)

    def _instance_attr(
        self, inst: Instance, self_value: Value, name: str, frame: Frame, missing_ok: bool = False
    ) -> Value:
        found = inst.attr(name)
        extra = self._other_method_assignments(inst, self_value, name, frame)
        if found is not None:
            return choice([found, *extra]) if extra else found
        if extra:
            return choice(extra)
        value = self._class_attr(inst.cls, name, self_value, frame, missing_ok=missing_ok)
        return value

    def _other_method_assignments(
        self, inst: Instance, self_value: Value, name: str, frame: Frame
    ) -> list[Value]:
        """Values that methods other than `__init__` assign to `self.<name>` (e.g. `__aenter__`)."""
        key = (inst.cls, name)
        if key in self._attr_guard:
            return []
        self._attr_guard.add(key)
        try:
            return self._collect_assignments(inst, self_value, name, frame)
        finally:
            self._attr_guard.discard(key)

    def _collect_assignments(
        self, inst: Instance, self_value: Value, name: str, frame: Frame
    ) -> list[Value]:
        values: list[Value] = []
        for klass in self._mro(inst.cls):
            for method_name, qualname in klass.methods:
                function = self.project.functions.get(qualname)
                if function is None or method_name == "__init__" or not function.params.items:
                    continue
                self_param = function.params.items[0].name
                for expr in _self_assignments(function.body, self_param, name):
                    method_frame = self._new_frame(
                        function, self.project.function_module[qualname], (), 99
                    )
                    method_frame.env[self_param] = self_value
                    method_frame.self_name = self_param
                    # Outside any call chain: no events, and no "called"/"truncated" marks.
                    self.speculative += 1
                    try:
                        values.append(self.eval(expr, method_frame))
                    finally:
                        self.speculative -= 1
                    method_frame.events.clear()
        return values

    def _mro(self, class_qualname: str) -> list[ir.Class]:
        cached = self._mro_cache.get(class_qualname)
        if cached is None:
            cached = self._mro_cache[class_qualname] = self._compute_mro(class_qualname)
        return cached

    def _compute_mro(self, class_qualname: str) -> list[ir.Class]:
        order: list[ir.Class] = []
        pending = [class_qualname]
        seen: set[str] = set()
        while pending:
            current = pending.pop(0)
            if current in seen or current not in self.project.classes:
                continue
            seen.add(current)
            klass = self.project.classes[current]
            order.append(klass)
            pending.extend(self._base_qualnames(klass))
        return order

    def _base_qualnames(self, klass: ir.Class) -> list[str]:
        names: list[str] = []
        for base in self._bases(klass):
            if isinstance(base, ClassRef):
                names.append(base.qualname)
        return names

    def _bases(self, klass: ir.Class) -> list[Value]:
        cached = self._bases_cache.get(klass.qualname)
        if cached is None:
            cached = self._bases_cache[klass.qualname] = self._compute_bases(klass)
        return cached

    def _compute_bases(self, klass: ir.Class) -> list[Value]:
        module = self.project.function_module[klass.qualname]
        frame = Frame(module, self.project.modules[module].path, f"{module}.<module>", {}, [], 0)
        return [self.eval(base, frame) for base in klass.bases]

    def external_base(self, class_qualname: str) -> str | None:
        """The qualified name of an external client class this project class derives from."""
        for klass in self._mro(class_qualname):
            for base in self._bases(klass):
                if isinstance(base, External) and self.rules.constructor_rule(base.qualname):
                    return base.qualname
        return None

    def _class_attr(
        self,
        class_qualname: str,
        name: str,
        self_value: Value | None,
        frame: Frame,
        missing_ok: bool = False,
    ) -> Value:
        for klass in self._mro(class_qualname):
            for method_name, qualname in klass.methods:
                if method_name == name:
                    return self._method_value(qualname, self_value, klass.qualname, frame)
            env = self._class_env(klass)
            if name in env:
                return env[name]
        if missing_ok:
            return None  # type: ignore[return-value]
        return Unknown(f"attribute {name}", label=name)

    def _method_value(
        self, qualname: str, self_value: Value | None, owner: str, frame: Frame
    ) -> Value:
        function = self.project.functions[qualname]
        if function.is_static:
            return FuncRef(qualname)
        if function.is_classmethod:
            return FuncRef(qualname, ClassRef(owner))
        if self_value is None:
            return FuncRef(qualname)
        if function.is_property:
            site = Site(
                self.project.modules[frame.module].path,
                function.line,
                function.column,
                function.name,
                frame.func,
            )
            return self.call_function(function, self_value, [], {}, site, frame, record=False)
        return FuncRef(qualname, self_value)

    def _class_env(self, klass: ir.Class) -> dict[str, Value]:
        cached = self._class_env_cache.get(klass.qualname)
        if cached is None:
            self._class_env_cache[klass.qualname] = {}  # a class body that refers to itself
            cached = self._class_env_cache[klass.qualname] = self._compute_class_env(klass)
        return cached

    def _compute_class_env(self, klass: ir.Class) -> dict[str, Value]:
        module = self.project.function_module[klass.qualname]
        frame = Frame(module, self.project.modules[module].path, f"{module}.<module>", {}, [], 0)
        frame.env = {}
        for statement in klass.body:
            if isinstance(statement, ir.Assign):
                value = self.eval(statement.value, frame)
                for target in statement.targets:
                    self.assign(target, value, frame)
        return frame.env

    def _super_attr(self, sup: Super, name: str, frame: Frame) -> Value:
        klass = self.project.classes.get(sup.cls)
        if klass is None:
            return Unknown("super")
        for base in self._bases(klass):
            if isinstance(base, ClassRef):
                found = self._class_attr(
                    base.qualname, name, sup.self_value, frame, missing_ok=True
                )
                if found is not None:
                    return found
            elif isinstance(base, External) and isinstance(sup.self_value, Client):
                return BoundExternal(Client(sup.self_value.rule, sup.self_value.base), name)
        return Unknown("super attribute", label=name)

    def construct(
        self,
        class_qualname: str,
        args: list[Value],
        kwargs: dict[str, Value],
        site: Site | None,
        frame: Frame,
        from_annotation: bool = False,
    ) -> Value:
        """Build an instance by following `__init__` (a client if the class derives from one)."""
        self_value = self._blank_self(class_qualname)
        if not from_annotation:
            self_value = _unmark(self_value)
        init = self._find_method(class_qualname, "__init__")
        if init is None:
            return self_value
        module = self.project.function_module[init.qualname]
        init_frame = self._new_frame(init, module, frame.stack_funcs, frame.depth + 1)
        init_frame.building = {}
        params = list(init.params.items)
        if params:
            first = params.pop(0)
            init_frame.env[first.name] = self_value
            init_frame.self_name = first.name
        for param in params:
            if from_annotation:
                value = self._annotated_init_param(param, init_frame)
            else:
                value = self._param_value(param, args, kwargs, init_frame)
            init_frame.env[param.name] = value
        if init.qualname in frame.stack_funcs or frame.depth >= MAX_DEPTH:
            return self_value
        self.exec_block(init.body, init_frame)
        if site is not None:
            self.called.add(init.qualname)
            frame.events.extend(
                Event(e.kind, e.rule, (site, *e.stack), e.method, e.url, e.base, e.join)
                for e in init_frame.events
            )
        assert init_frame.self_name is not None
        return init_frame.env.get(init_frame.self_name, self_value)

    def _annotated_init_param(self, param: ir.Param, frame: Frame) -> Value:
        if param.default is not None:
            return self.eval(
                param.default, Frame(frame.module, frame.path, frame.func, {}, [], frame.depth)
            )
        if param.annotation is not None:
            typed = self.value_for_annotation(param.annotation, frame)
            if typed is not None:
                return typed
        return Unknown("constructor argument", param=True, label=param.name)

    def _find_method(self, class_qualname: str, name: str) -> ir.Function | None:
        for klass in self._mro(class_qualname):
            for method_name, qualname in klass.methods:
                if method_name == name:
                    return self.project.functions.get(qualname)
        return None
