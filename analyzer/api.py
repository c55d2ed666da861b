"""The library entry point: `analyze(paths, settings) -> Report`.

This is the only module where the pipeline stages meet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from analyzer import __version__, ir
from analyzer.cache import ScanCache, code_fingerprint, default_cache_dir, files_fingerprint
from analyzer.catalogue import Catalogue, load_catalogue
from analyzer.discovery import SourceFile, discover
from analyzer.filescan import FileResult
from analyzer.findings import build, collect, requested_scopes
from analyzer.interpret import Interpreter
from analyzer.models import Diagnostic, Level, Report
from analyzer.parsing import parse_and_summarize
from analyzer.prefilter import importer_closure, trigger_pattern
from analyzer.project import Project
from analyzer.rules import RuleSet, load_rules
from analyzer.source import DEFAULT_MAX_BYTES, SourceText, read_source
from analyzer.stage1 import Progress, default_jobs, scan_files
from analyzer.suppressions import apply_suppressions


@dataclass(frozen=True, slots=True)
class Settings:
    """What one scan needs, after config files and command-line flags are merged."""

    catalogue: str | None = None
    rules_dirs: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    extra_hosts: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_BYTES
    follow_symlinks: bool = False
    root: Path | None = None
    jobs: int | None = None  # None: one per core
    cache_dir: Path | None = None  # None: the default cache directory
    use_cache: bool = True
    source_roots: tuple[str, ...] = ("src",)  # directories on the import path (relative to root)
    progress: Progress | None = field(default=None, hash=False, compare=False)


def analyze(paths: Sequence[Path], settings: Settings | None = None) -> Report:
    """Scan `paths` and return the report. Raises `AnalyzerError` for bad rules/catalogue/config."""
    settings = settings or Settings()
    catalogue = load_catalogue(settings.catalogue)
    rules = load_rules(settings.rules_dirs)
    return analyze_with(paths, settings, catalogue, rules)


def analyze_with(
    paths: Sequence[Path], settings: Settings, catalogue: Catalogue, rules: RuleSet
) -> Report:
    found = discover(
        list(paths),
        exclude=settings.exclude,
        include=settings.include,
        follow_symlinks=settings.follow_symlinks,
        root=settings.root,
    )
    trigger = trigger_pattern(catalogue, settings.extra_hosts).pattern
    cache = _open_cache(found.root, settings, rules, catalogue, trigger)
    jobs = settings.jobs or default_jobs()
    scan = partial(
        scan_files, max_bytes=settings.max_file_size, trigger=trigger, jobs=jobs, cache=cache
    )
    results = scan(found.files, progress=settings.progress)
    report_key = _report_key(results, found.diagnostics)
    cached_report = cache.reports.get(report_key)
    if isinstance(cached_report, Report):
        cache.save(f.rel for f in found.files)  # new stats of touched-but-unchanged files
        return cached_report
    results = _with_importers(found.files, results, scan)
    report = _evaluate(found.files, found.diagnostics, results, settings, catalogue, rules)
    cache.reports[report_key] = report
    cache.dirty = True
    cache.save(f.rel for f in found.files)
    return report


def _open_cache(
    root: Path, settings: Settings, rules: RuleSet, catalogue: Catalogue, trigger: str
) -> ScanCache:
    if not settings.use_cache:
        return ScanCache(None, "")
    scope = "\0".join(
        [str(root.resolve()), trigger, str(settings.max_file_size), *settings.source_roots]
    )
    user_catalogue = [catalogue.source] if catalogue.source != "builtin" else []
    key = "\0".join(
        [
            code_fingerprint(),
            files_fingerprint([*rules.files, *user_catalogue]),
            catalogue.version,
            catalogue.source,
            ",".join(settings.extra_hosts),
        ]
    )
    return ScanCache.open(settings.cache_dir or default_cache_dir(), scope, key)


def _report_key(results: Sequence[FileResult], diagnostics: Sequence[Diagnostic]) -> str:
    digest = hashlib.sha256()
    for result in results:
        digest.update(f"{result.rel}\0{result.digest}\0{len(result.diagnostics)}\n".encode())
    for diagnostic in diagnostics:
        digest.update(repr(diagnostic).encode())
    return digest.hexdigest()


def _with_importers(
    files: Sequence[SourceFile], results: list[FileResult], scan: Callable[..., list[FileResult]]
) -> list[FileResult]:
    """Summarise, in full, the files that import a relevant module (their calls may fix URLs)."""
    relevant = {r.module for r in results if r.relevant}
    needed = importer_closure(relevant, {r.module: r.imports for r in results if r.digest})
    missing = {r.rel for r in results if r.module in needed and r.summary is None and r.digest}
    if not missing:
        return results
    subset = [f for f in files if f.rel in missing]
    redone = {r.rel: r for r in scan(subset, force_full=frozenset(missing))}
    return [redone.get(r.rel, r) for r in results]


def _evaluate(
    files: Sequence[SourceFile],
    discovered: Sequence[Diagnostic],
    results: Sequence[FileResult],
    settings: Settings,
    catalogue: Catalogue,
    rules: RuleSet,
) -> Report:
    diagnostics: list[Diagnostic] = list(discovered)
    for result in results:
        diagnostics.extend(result.diagnostics)
    eager = [r.summary for r in results if r.summary is not None]
    by_rel = {f.rel: f for f in files}
    lazy = {
        r.module: partial(_lazy_summary, by_rel[r.rel], settings.max_file_size)
        for r in results
        if r.summary is None and r.digest
    }
    roots = tuple(r.strip("/").replace("/", ".") for r in settings.source_roots if r.strip("/"))
    project = Project.build(eager, lazy, roots, rules.library_tops())
    interpreter = Interpreter(project, rules)
    entry_points = interpreter.roots({s.module for s in eager})
    hosts = catalogue.hosts | frozenset(settings.extra_hosts)
    collector = collect(entry_points, catalogue, hosts, interpreter.called, interpreter.truncated)
    findings, notes = build(collector)
    diagnostics.extend(notes)
    diagnostics.extend(_budget_notes(interpreter, project))
    findings, suppression_notes = apply_suppressions(findings, list(project.modules.values()))
    diagnostics.extend(suppression_notes)
    return Report(
        tool_version=__version__,
        catalogue=catalogue.ref,
        findings=tuple(sorted(findings, key=lambda f: f.sort_key())),
        diagnostics=tuple(sorted(set(diagnostics), key=lambda d: d.sort_key())),
        requested=tuple(
            sorted(requested_scopes(collector), key=lambda r: (r.path, r.line, r.column))
        ),
        scope_descriptions={name: info.description for name, info in catalogue.scopes.items()},
    )


def _lazy_summary(file: SourceFile, max_bytes: int) -> ir.ModuleSummary | None:
    source = read_source(file, max_bytes=max_bytes)
    if not isinstance(source, SourceText):
        return None
    return parse_and_summarize(source.text, file.rel, file.module).summary


def _budget_notes(interpreter: Interpreter, project: Project) -> list[Diagnostic]:
    notes: list[Diagnostic] = []
    for qualname in sorted(interpreter.exhausted):
        module = project.function_module.get(qualname) or qualname.rsplit(".", 1)[0]
        summary = project.modules.get(module)
        path = summary.path if summary else module
        function = project.functions.get(qualname)
        notes.append(
            Diagnostic(
                path,
                function.line if function else None,
                "resolution-limit",
                f"analysis of {qualname.rsplit('.', 1)[-1]} stopped at the step budget; "
                "calls it makes may be missing or unresolved",
                Level.WARNING,
            )
        )
    return notes
