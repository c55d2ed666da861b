"""The project index: every module summary of the scanned tree, and lookups across them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from analyzer import ir


@dataclass(slots=True)
class Project:
    """All summaries by module name, plus every function and class by qualified name."""

    modules: dict[str, ir.ModuleSummary] = field(default_factory=dict)
    functions: dict[str, ir.Function] = field(default_factory=dict)
    classes: dict[str, ir.Class] = field(default_factory=dict)
    function_module: dict[str, str] = field(default_factory=dict)
    _suffix_cache: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def build(cls, summaries: Iterable[ir.ModuleSummary]) -> Project:
        project = cls()
        for summary in summaries:
            if summary.module in project.modules:
                continue  # two files claim one module name: the first (sorted) wins
            project.modules[summary.module] = summary
            for function in summary.functions:
                project.functions[function.qualname] = function
                project.function_module[function.qualname] = summary.module
            for klass in summary.classes:
                project.classes[klass.qualname] = klass
                project.function_module[klass.qualname] = summary.module
        return project

    def find_module(self, name: str) -> str | None:
        """The project module for an imported dotted name: exact, else a unique suffix match.

        The suffix match lets `import billing.api` find `src/billing/api.py` when the scan root
        is above the import root.
        """
        if not name:
            return None
        if name in self.modules:
            return name
        if name not in self._suffix_cache:
            tail = "." + name
            hits = [m for m in self.modules if m.endswith(tail)]
            self._suffix_cache[name] = hits[0] if len(hits) == 1 else None
        return self._suffix_cache[name]

    def is_project_package_prefix(self, name: str) -> bool:
        """Whether `name` is a package of the project even without an `__init__.py`."""
        prefix = name + "."
        return any(m.startswith(prefix) or m.endswith("." + name) for m in self.modules)

    def method(self, class_qualname: str, name: str) -> ir.Function | None:
        klass = self.classes.get(class_qualname)
        if klass is None:
            return None
        for method_name, qualname in klass.methods:
            if method_name == name:
                return self.functions.get(qualname)
        return None
