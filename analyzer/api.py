"""The library entry point: `analyze(paths, settings) -> Report`.

This is the only module where the pipeline stages meet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzer import __version__
from analyzer.catalogue import Catalogue, load_catalogue
from analyzer.discovery import discover
from analyzer.evaluate import Interpreter
from analyzer.findings import build, collect, requested_scopes
from analyzer.models import Diagnostic, Level, Report
from analyzer.parsing import parse_and_summarize
from analyzer.project import Project
from analyzer.rules import RuleSet, load_rules
from analyzer.source import DEFAULT_MAX_BYTES, SourceText, read_source
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
    extra: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


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
    diagnostics: list[Diagnostic] = list(found.diagnostics)
    summaries = []
    for file in found.files:
        source = read_source(file, max_bytes=settings.max_file_size)
        if not isinstance(source, SourceText):
            diagnostics.append(source)
            continue
        parsed = parse_and_summarize(source.text, file.rel, file.module)
        if parsed.diagnostic is not None:
            diagnostics.append(parsed.diagnostic)
        if parsed.summary is not None:
            summaries.append(parsed.summary)
    project = Project.build(summaries)
    interpreter = Interpreter(project, rules)
    hosts = catalogue.hosts | frozenset(settings.extra_hosts)
    collector = collect(interpreter.roots(), catalogue, hosts, interpreter.called)
    findings, notes = build(collector)
    diagnostics.extend(notes)
    diagnostics.extend(_budget_notes(interpreter, project))
    findings, suppression_notes = apply_suppressions(findings, summaries)
    diagnostics.extend(suppression_notes)
    return Report(
        tool_version=__version__,
        catalogue=catalogue.ref,
        findings=tuple(sorted(findings, key=lambda f: f.sort_key())),
        diagnostics=tuple(sorted(diagnostics, key=lambda d: d.sort_key())),
        requested=tuple(
            sorted(requested_scopes(collector), key=lambda r: (r.path, r.line, r.column))
        ),
        scope_descriptions={name: info.description for name, info in catalogue.scopes.items()},
    )


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
