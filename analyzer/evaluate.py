"""Pass 2: abstract interpretation of the IR to find HTTP requests and their URL values.

Every function (and every module body) is analysed as a *root*: its parameters become
parameter holes, and calls to project functions are followed (inlined) with the argument
values of the call, to a bounded depth, with a recursion guard and a step budget. Each HTTP
request found is an `Event` carrying the stack of call sites from the root down to the
request. `analyzer.findings` decides, from all roots, where each call is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from analyzer import ir
from analyzer.externals import call_external
from analyzer.project import Project
from analyzer.rules import RuleSet
from analyzer.strings import percent
from analyzer.values import (
    NONE,
    BoundExternal,
    ClassRef,
    Client,
    Dict,
    External,
    FuncRef,
    Instance,
    LazyRef,
    ModuleRef,
    Num,
    Partial,
    SdkClient,
    SdkResource,
    Seq,
    Str,
    Super,
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


class Interpreter:
    """Evaluates roots over one project with one rule set."""

    def __init__(self, project: Project, rules: RuleSet) -> None:
        self.project = project
        self.rules = rules
        self.called: set[str] = set()
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

    # ------------------------------------------------------------ roots
    def roots(self, modules: Iterable[str] | None = None) -> list[tuple[str, list[Event]]]:
        """(root name, events) for the bodies and functions of `modules` (default: all).

        Functions that the events pass through but that are not roots yet (they live in
        modules summarised lazily) are analysed as roots too, so call sites can be attributed
        to the innermost frame that fixes their endpoint.
        """
        names = sorted(self.project.modules if modules is None else modules)
        results: list[tuple[str, list[Event]]] = []
        done: set[str] = set()
        for name in names:
            if name in self.project.modules:
                self.module_env(name)
                results.append((f"{name}.<module>", self.module_events.get(name, [])))
        wanted = sorted(q for q, m in self.project.function_module.items() if m in set(names))
        while wanted:
            for qualname in wanted:
                if qualname in self.project.functions and qualname not in done:
                    done.add(qualname)
                    results.append((qualname, self.run_function_root(qualname)))
            wanted = sorted(
                {s.func for _, events in results for e in events for s in e.stack[1:]}
                - done
                - {f"{m}.<module>" for m in self.project.modules}
            )
        return results

    def run_function_root(self, qualname: str) -> list[Event]:
        function = self.project.functions[qualname]
        module = self.project.function_module[qualname]
        frame = self._new_frame(function, module, [], depth=0)
        self.steps = 0
        try:
            self._bind_root_params(function, frame)
            self.exec_block(function.body, frame)
        except BudgetExceeded:
            self.exhausted.add(qualname)
        except RecursionError:
            self.exhausted.add(qualname)
        return frame.events

    def _new_frame(
        self, function: ir.Function, module: str, stack: Sequence[str], depth: int
    ) -> Frame:
        summary = self.project.modules[module]
        return Frame(
            module=module,
            path=summary.path,
            func=function.qualname,
            env={},
            events=[],
            depth=depth,
            cls=function.class_qualname,
            stack_funcs=(*stack, function.qualname),
        )

    def _bind_root_params(self, function: ir.Function, frame: Frame) -> None:
        params = list(function.params.items)
        if function.class_qualname and not function.is_static and params:
            first = params.pop(0)
            frame.self_name = first.name
            if function.is_classmethod:
                frame.env[first.name] = ClassRef(function.class_qualname)
            elif function.name == "__init__":
                frame.env[first.name] = self._blank_self(function.class_qualname)
                frame.building = {}
            else:
                frame.env[first.name] = self.instance_for_annotation(function.class_qualname, frame)
        for param in params:
            frame.env[param.name] = self._root_param_value(param, frame)

    def _root_param_value(self, param: ir.Param, frame: Frame) -> Value:
        if param.kind == "star":
            return Unknown("*args", param=True, label=param.name)
        if param.kind == "starstar":
            return Unknown("**kwargs", param=True, label=param.name)
        if param.annotation is not None:
            typed = self.value_for_annotation(param.annotation, frame)
            if typed is not None:
                return typed
        return Unknown("parameter", param=True, label=param.name)

    # ------------------------------------------------------------ annotations
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

    # ------------------------------------------------------------ modules
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
        if name in env:
            return env[name]
        if submodule is not None:
            return ModuleRef(submodule, external=False)
        return Unknown(f"{module}.{name} not found", label=name)

    # ------------------------------------------------------------ statements
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

    # ------------------------------------------------------------ assignment
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

    # ------------------------------------------------------------ expressions
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

    # ------------------------------------------------------------ attributes
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
                    events_before = len(method_frame.events)
                    values.append(self.eval(expr, method_frame))
                    del method_frame.events[events_before:]
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

    # ------------------------------------------------------------ calls
    def _call(self, expr: ir.Call, frame: Frame) -> Value:
        func = self.eval(expr.func, frame)
        args: list[Value] = []
        kwargs: dict[str, Value] = {}
        for arg in expr.args:
            value = self.eval(arg.value, frame)
            if arg.star == 1:
                args.extend(value.items if isinstance(value, Seq) else [])
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
        if function.qualname in frame.stack_funcs or frame.depth >= MAX_DEPTH:
            return Unknown("recursion or depth limit", any(is_param(a) for a in args))
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
            cached = self._run_call(function, bound, args, kwargs, frame)
            if key is not None:
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
            return Seq(tuple(rest))
        if param.kind == "starstar":
            named = {k: v for k, v in kwargs.items() if k != "**"}
            if "**" in kwargs:
                return kwargs["**"]
            return Dict(tuple((lit(k), v) for k, v in named.items()))
        if param.kind != "kwonly" and args:
            return args.pop(0)
        if param.name in kwargs:
            return kwargs.pop(param.name)
        if "**" in kwargs:
            return Unknown("from **kwargs", is_param(kwargs["**"]), label=param.name)
        if param.default is not None:
            return self.eval(
                param.default, Frame(frame.module, frame.path, frame.func, {}, [], frame.depth)
            )
        return Unknown("missing argument", label=param.name)

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

    def record(self, event: Event, frame: Frame) -> None:
        frame.events.append(event)


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
