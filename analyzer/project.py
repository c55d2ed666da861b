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
    external_tops: frozenset[str] = frozenset()
    _suffix_cache: dict[str, str | None] = field(default_factory=dict)
    _prefixes: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        summaries: Iterable[ir.ModuleSummary],
        lazy: Mapping[str, Callable[[], ir.ModuleSummary | None]] | None = None,
        external_tops: frozenset[str] = frozenset(),
    ) -> Project:
        """Index `summaries`; `lazy` modules are summarised only when an import reaches them.

        `external_tops` are the top-level names of the libraries the rules describe
        (`requests`, `httpx`, `freshbooks`...): an import of one of them resolves into the
        project only on an exact module-name match (a local package that shadows it), never by
        the suffix heuristic (which would otherwise pick up a vendored copy of the library).
        """
        project = cls(external_tops=external_tops)
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

        Exact name first; then as a sibling of the importer or of one of its packages (a
        script's own directory is on `sys.path`); then the unique-suffix heuristic.
        """
        if name in self.modules or name in self.lazy:
            return name
        parents = importer.split(".")[:-1]
        for depth in range(len(parents), 0, -1):
            candidate = ".".join([*parents[:depth], name])
            if candidate in self.modules or candidate in self.lazy:
                return candidate
        return self.knows_module(name)

    def knows_module(self, name: str) -> str | None:
        """Like `find_module`, but without summarising a lazily known module."""
        if name in self.modules or name in self.lazy:
            return name
        if not name or name.split(".")[0] in self.external_tops:
            return None
        if name not in self._suffix_cache:
            tail = "." + name
            hits = [m for m in (*self.modules, *self.lazy) if m.endswith(tail)]
            self._suffix_cache[name] = hits[0] if len(hits) == 1 else None
        return self._suffix_cache[name]

    def find_module(self, name: str) -> str | None:
        """The project module for an imported dotted name: exact, else a unique suffix match.

        The suffix match lets `import billing.api` find `src/billing/api.py` when the scan root
        is above the import root. A lazily known module is summarised on first use.
        """
        if not name:
            return None
        if name not in self.modules and name not in self.lazy:
            if name.split(".")[0] in self.external_tops:
                return None
            if name not in self._suffix_cache:
                tail = "." + name
                hits = [m for m in (*self.modules, *self.lazy) if m.endswith(tail)]
                self._suffix_cache[name] = hits[0] if len(hits) == 1 else None
            found = self._suffix_cache[name]
            if found is None:
                return None
            name = found
        return name if self._ensure_loaded(name) else None

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
        if name.split(".")[0] in self.external_tops:
            return name in self.modules or name in self.lazy
        return name in self._prefixes

    def method(self, class_qualname: str, name: str) -> ir.Function | None:
        klass = self.classes.get(class_qualname)
        if klass is None:
            return None
        for method_name, qualname in klass.methods:
            if method_name == name:
                return self.functions.get(qualname)
        return None
