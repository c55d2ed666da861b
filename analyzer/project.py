"""The project index: every module summary of the scanned tree, and lookups across them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from analyzer import ir


@dataclass(slots=True)
class Project:
    """All summaries by module name, plus every function and class by qualified name."""

    modules: dict[str, ir.ModuleSummary] = field(default_factory=dict)
    functions: dict[str, ir.Function] = field(default_factory=dict)
    classes: dict[str, ir.Class] = field(default_factory=dict)
    function_module: dict[str, str] = field(default_factory=dict)
    lazy: dict[str, Callable[[], ir.ModuleSummary | None]] = field(default_factory=dict)
    source_roots: tuple[str, ...] = ("src",)
    libraries: frozenset[str] = frozenset()
    _prefixes: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        summaries: Iterable[ir.ModuleSummary],
        lazy: Mapping[str, Callable[[], ir.ModuleSummary | None]] | None = None,
        source_roots: tuple[str, ...] = ("src",),
        libraries: frozenset[str] = frozenset(),
    ) -> Project:
        """Index `summaries`; `lazy` modules are summarised only when an import reaches them.

        `source_roots` are dotted directory prefixes that are on the import path besides the
        scan root (`src` for a src layout). `libraries` are installed packages (those the rules
        describe): a directory without `__init__.py` never shadows them, as in Python, where a
        namespace package loses to a regular package anywhere on the path.
        """
        project = cls(source_roots=source_roots, libraries=libraries)
        for summary in summaries:
            project.add(summary)
        for name, loader in (lazy or {}).items():
            if name not in project.modules:
                project.lazy[name] = loader
        for name in [*project.modules, *project.lazy]:
            parts = name.split(".")
            for i in range(len(parts)):
                for j in range(i + 1, len(parts)):
                    project._prefixes.add(".".join(parts[i:j]))
        return project

    def add(self, summary: ir.ModuleSummary) -> None:
        if summary.module in self.modules:
            return  # two files claim one module name: the first (sorted) wins
        self.modules[summary.module] = summary
        for function in summary.functions:
            self.functions[function.qualname] = function
            self.function_module[function.qualname] = summary.module
        for klass in summary.classes:
            self.classes[klass.qualname] = klass
            self.function_module[klass.qualname] = summary.module

    def resolve_import(self, name: str, importer: str) -> str | None:
        """The module an absolute import in `importer` refers to, without summarising it.

        Like Python's `sys.path`: the scan root, each source root (`src` by default), and the
        importer's own directory and its parents (a script's directory is on `sys.path`).
        Nothing else: a vendored copy of a library elsewhere in the tree is not on the path.
        """
        if not name:
            return None
        for candidate in self._candidates(name, importer):
            if candidate in self.modules or candidate in self.lazy:
                return candidate
        return None

    def _candidates(self, name: str, importer: str) -> list[str]:
        candidates = [name, *(f"{root}.{name}" for root in self.source_roots)]
        parents = importer.split(".")[:-1]
        candidates += [".".join([*parents[:depth], name]) for depth in range(len(parents), 0, -1)]
        return candidates

    def knows_module(self, name: str, importer: str = "") -> str | None:
        """`resolve_import` for an already absolute name (relative imports are resolved)."""
        return self.resolve_import(name, importer)

    def find_module(self, name: str, importer: str = "") -> str | None:
        """Like `knows_module`, summarising a lazily known module on first use."""
        found = self.resolve_import(name, importer)
        if found is None:
            return None
        return found if self._ensure_loaded(found) else None

    def _ensure_loaded(self, name: str) -> bool:
        if name in self.modules:
            return True
        loader = self.lazy.pop(name, None)
        if loader is None:
            return False
        summary = loader()
        if summary is None:
            return False
        self.add(summary)
        return True

    def is_project_package_prefix(self, name: str) -> bool:
        """Whether `name` is a package of the project even without an `__init__.py`."""
        if name.split(".")[0] in self.libraries:
            return False
        return any(c in self._prefixes for c in [name, *(f"{r}.{name}" for r in self.source_roots)])

    def method(self, class_qualname: str, name: str) -> ir.Function | None:
        klass = self.classes.get(class_qualname)
        if klass is None:
            return None
        for method_name, qualname in klass.methods:
            if method_name == name:
                return self.functions.get(qualname)
        return None
