"""Pass 2: abstract interpretation of the IR to find HTTP requests and their URL values.

Every function (and every module body) is analysed as a *root*: its parameters become
parameter holes, and calls to project functions are followed (inlined) with the argument
values of the call, to a bounded depth, with a recursion guard and a step budget. Each HTTP
request found is an `Event` carrying the stack of call sites from the root down to the
request. `analyzer.findings` decides, from all roots, where each call is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analyzer import ir
from analyzer.interpret.calls import CallsMixin
from analyzer.interpret.expressions import ExpressionsMixin
from analyzer.interpret.frames import (
    BudgetExceeded,
    Event,
    Frame,
)
from analyzer.interpret.objects import ObjectsMixin
from analyzer.interpret.statements import StatementsMixin
from analyzer.values import (
    ClassRef,
    Unknown,
    Value,
)


class Interpreter(StatementsMixin, ExpressionsMixin, ObjectsMixin, CallsMixin):
    """Evaluates roots over one project with one rule set."""

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
        chosen = set(names)
        wanted = sorted(q for q, m in self.project.function_module.items() if m in chosen)
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
