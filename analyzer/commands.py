"""What each CLI command does, between option parsing (cli.py) and the library.

Every command: merge the config file with the flags, check the output plan and the flags
(usage errors come before any scanning), scan, then render to every target. The return value
is the exit code; `AnalyzerError`s propagate to `cli.guarded` (exit 2).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from analyzer import __version__
from analyzer.api import Settings, analyze_with
from analyzer.catalogue import Catalogue, load_catalogue
from analyzer.config import (
    FAIL_ON_CHOICES,
    Config,
    load_config,
    normalize_host,
    parse_size,
    suggest,
)
from analyzer.discovery import scan_root
from analyzer.errors import ConfigError
from analyzer.models import Report
from analyzer.policy import renderers
from analyzer.policy.check import evaluate
from analyzer.policy.diff import DIFF_FAIL_ON, compare_reports
from analyzer.policy.gitbase import checkout_base, repo_toplevel, resolve_commit
from analyzer.policy.granted import (
    Granted,
    granted_from_cli,
    granted_from_config,
    granted_from_manifest,
    validate_granted,
)
from analyzer.policy.manifest import (
    Manifest,
    locate_manifest,
    manifest_for,
    manifest_status,
    render_manifest,
)
from analyzer.policy.manifest_reader import load_manifest
from analyzer.policy.outputs import (
    Target,
    append_step_summary,
    choose_format,
    plan_outputs,
    text_on_stdout,
    wants,
    write_outputs,
)
from analyzer.progress import progress_reporter
from analyzer.report import FORMAT_NAMES, get_formatter, write_step_summary
from analyzer.report.base import UNANALYSED_KINDS, unresolved_calls
from analyzer.rules import RuleSet, load_rules
from analyzer.source import DEFAULT_MAX_BYTES

SCAN_FAIL_ON = ("unresolved", "parse-error")


@dataclass(frozen=True, slots=True)
class Options:
    """The flags every command shares (None / empty = not given)."""

    paths: Sequence[Path] = ()
    format: str | None = None
    output: Sequence[str] = ()
    catalogue: str | None = None
    rules: Sequence[Path] = ()
    exclude: Sequence[str] = ()
    include: Sequence[str] = ()
    config: Path | None = None
    max_file_size: str | None = None
    extra_host: Sequence[str] = ()
    follow_symlinks: bool = False
    fail_on: Sequence[str] = ()
    quiet: bool = False
    jobs: int | None = None
    no_cache: bool = False
    cache_dir: Path | None = None

    @classmethod
    def from_flags(cls, flags: Mapping[str, Any]) -> Options:
        """From a CLI command's parameters (its `locals()`): other names are ignored and
        None (a flag not given) keeps the default."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in flags.items() if k in names and v is not None})


@dataclass(frozen=True, slots=True)
class Context:
    """A loaded configuration, ready to scan."""

    config: Config
    targets: tuple[Path, ...]
    settings: Settings
    catalogue: Catalogue
    rules: RuleSet = field(repr=False)

    @property
    def root(self) -> Path:
        """The scan root: report paths are relative to it."""
        return scan_root(list(self.targets))


# --------------------------------------------------------------------------- shared steps


def prepare(opts: Options, fail_on_choices: Sequence[str]) -> Context:
    """Config (file < flags), validated flags, catalogue and rules."""
    targets = tuple(opts.paths) or (Path("."),)
    missing = [str(t) for t in targets if not os.path.lexists(t)]
    if missing:
        raise ConfigError(f"no such file or directory: {', '.join(missing)}")
    start = scan_root(list(targets))
    config = load_config(start if start.is_dir() else start.parent, opts.config)
    config = config.merged(**cli_overrides(opts, fail_on_choices))
    settings = Settings(
        catalogue=config.catalogue,
        rules_dirs=tuple(opts.rules),
        exclude=config.exclude,
        include=config.include,
        extra_hosts=config.extra_hosts,
        max_file_size=config.max_file_size or DEFAULT_MAX_BYTES,
        follow_symlinks=config.follow_symlinks,
        jobs=opts.jobs or config.jobs,
        cache_dir=opts.cache_dir or (Path(config.cache_dir) if config.cache_dir else None),
        use_cache=not opts.no_cache,
        progress=progress_reporter(opts.quiet),
    )
    catalogue = load_catalogue(settings.catalogue)
    return Context(config, targets, settings, catalogue, load_rules(settings.rules_dirs))


def cli_overrides(opts: Options, fail_on_choices: Sequence[str]) -> dict[str, object]:
    """Flag values, validated like config values; unset flags are left out."""
    out: dict[str, object] = {
        "catalogue": opts.catalogue,
        "exclude": list(opts.exclude) or None,
        "include": list(opts.include) or None,
        "follow_symlinks": opts.follow_symlinks or None,
        "fail_on": parse_fail_on(opts.fail_on, fail_on_choices) or None,
    }
    try:
        if opts.max_file_size is not None:
            out["max_file_size"] = parse_size(opts.max_file_size)
        if opts.extra_host:
            out["extra_hosts"] = tuple(normalize_host(h) for h in opts.extra_host)
    except ValueError as error:
        raise ConfigError(f"command line: {error}") from None
    return out


def parse_fail_on(values: Sequence[str], choices: Sequence[str]) -> tuple[str, ...]:
    """`--fail-on a,b --fail-on c` -> ("a", "b", "c"), each checked against `choices`."""
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    for name in names:
        if name not in choices:
            close = suggest(name, choices)
            hint = f" (did you mean {close!r}?)" if close else ""
            valid = ", ".join(choices)
            raise ConfigError(f"--fail-on: unknown value {name!r}{hint}; expected: {valid}")
    return tuple(dict.fromkeys(names))


def run_scan(
    ctx: Context, targets: Sequence[Path] | None = None, root: Path | None = None
) -> Report:
    """Scan `targets` (default: the command's) with the command's settings."""
    settings = ctx.settings if root is None else replace(ctx.settings, root=root)
    paths = list(ctx.targets if targets is None else targets)
    return analyze_with(paths, settings, ctx.catalogue, ctx.rules)


def outputs_for(
    opts: Options, ctx: Context, supported: Sequence[str], command: str
) -> tuple[Target, ...]:
    main = choose_format(opts.format, ctx.config.format, supported)
    return plan_outputs(main, opts.output, supported, command)


def say(message: str, quiet: bool = False) -> None:
    """A message for the user on stderr (never mixed into a report on stdout)."""
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- scan


def scan_command(opts: Options) -> int:
    """Scan and report; exit 1 only for the `fail-on` conditions that apply to scan."""
    ctx = prepare(opts, SCAN_FAIL_ON)
    targets = outputs_for(opts, ctx, FORMAT_NAMES, "scan")
    report = run_scan(ctx)
    write_outputs(targets, lambda fmt: get_formatter(fmt).format(report))
    if wants(targets, "github"):
        write_step_summary(report, os.environ)
    return scan_exit_code(report, ctx.config.fail_on)


def scan_exit_code(report: Report, fail_on: Sequence[str]) -> int:
    if "unresolved" in fail_on and unresolved_calls(report):
        return 1
    if "parse-error" in fail_on and any(d.kind in UNANALYSED_KINDS for d in report.diagnostics):
        return 1
    return 0


# --------------------------------------------------------------------------- check


def check_command(opts: Options, granted_flags: Sequence[str], manifest_flag: Path | None) -> int:
    """Required scopes against granted ones and the manifest; 1 on any policy failure."""
    ctx = prepare(opts, FAIL_ON_CHOICES)
    targets = outputs_for(opts, ctx, renderers.CHECK_FORMATS, "check")
    manifest_path, explicit = locate_manifest(ctx.config, ctx.root, manifest_flag)
    locked = load_manifest(manifest_path) if manifest_path.is_file() else None
    granted = choose_granted(ctx.config, granted_flags, locked)
    validate_granted(granted, ctx.catalogue)
    report = run_scan(ctx)
    status = None
    if locked is not None or explicit:
        current = manifest_for(report, ctx.root, manifest_path)
        status = manifest_status(manifest_path, locked, current)
    result = evaluate(report, granted, ctx.catalogue, status, ctx.config.fail_on)
    write_outputs(targets, lambda fmt: renderers.CHECK_RENDERERS[fmt](result))
    if wants(targets, "github"):
        append_step_summary(renderers.render_check_markdown(result))
    if not text_on_stdout(targets):
        say(renderers.check_verdict(result), opts.quiet)
    return 0 if result.ok else 1


def choose_granted(config: Config, flags: Sequence[str], locked: Manifest | None) -> Granted:
    """`--granted`, else the config's `scopes`, else the manifest's; `ConfigError` if none."""
    granted = granted_from_cli(flags) or granted_from_config(config)
    if granted is None and locked is not None:
        granted = granted_from_manifest(locked)
    if granted is None:
        raise ConfigError(
            "no granted scopes to check against: declare them in pyproject.toml "
            "([tool.fbscopes] scopes = [...]), write a scope manifest with `fbscopes lock`, "
            "or pass --granted"
        )
    return granted


# --------------------------------------------------------------------------- lock


def lock_command(opts: Options, manifest_flag: Path | None, dry_run: bool) -> int:
    """Write the scope manifest (or print it with `--dry-run`)."""
    ctx = prepare(opts, ())
    path, _ = locate_manifest(ctx.config, ctx.root, manifest_flag)
    report = run_scan(ctx)
    manifest = manifest_for(report, ctx.root, path)
    text = render_manifest(manifest)
    if dry_run:
        write_outputs([Target("yaml", None)], lambda _: text)
        return 0
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        say(f"fbscopes: {path} is up to date", opts.quiet)
        return 0
    write_outputs([Target("yaml", path)], lambda _: text)
    endpoints = sum(len(s.endpoints) for s in manifest.scopes)
    say(f"fbscopes: wrote {path}: {len(manifest.scopes)} scopes, {endpoints} endpoints", opts.quiet)
    if manifest.unresolved:
        count = len(manifest.unresolved)
        say(f"fbscopes: warning: {count} unresolved calls listed, their scopes unknown", opts.quiet)
    return 0


# --------------------------------------------------------------------------- diff


def diff_command(opts: Options, base_ref: str) -> int:
    """Scopes and calls at `base_ref` against the working tree; 1 with `--fail-on added`."""
    ctx = prepare(opts, DIFF_FAIL_ON)
    targets = outputs_for(opts, ctx, renderers.DIFF_FORMATS, "diff")
    top = repo_toplevel(ctx.root.resolve())
    commit = resolve_commit(top, base_ref)
    rel_root = _in_repo(ctx.root, top)
    rels = [_in_repo(t, top) for t in ctx.targets]
    head = run_scan(ctx)
    with checkout_base(top, commit, rels) as tree:
        present = [tree.root / r for r in rels if r in tree.present]
        # The base tree lives in a fresh temporary directory: caching it would only pile up.
        base_ctx = replace(ctx, settings=replace(ctx.settings, use_cache=False))
        base = run_scan(base_ctx, present, tree.root / rel_root) if present else empty_report(ctx)
    diff = compare_reports(base, head, base_ref, commit, ctx.config.fail_on)
    write_outputs(targets, lambda fmt: renderers.DIFF_RENDERERS[fmt](diff))
    if wants(targets, "github"):
        append_step_summary(renderers.render_diff_markdown(diff))
    if not text_on_stdout(targets):
        say(renderers.diff_verdict(diff), opts.quiet)
    return 1 if diff.failures else 0


def _in_repo(path: Path, top: Path) -> str:
    """`path` as a POSIX path relative to the repository top (`.` for the top itself)."""
    rel = os.path.relpath(path.resolve(), top.resolve())
    if rel == ".." or rel.startswith("../") or os.path.isabs(rel):
        raise ConfigError(f"{path} is outside the git repository at {top}")
    return Path(rel).as_posix()


def empty_report(ctx: Context) -> Report:
    """What a scan of nothing finds (the scanned paths did not exist at the base)."""
    descriptions = {name: info.description for name, info in ctx.catalogue.scopes.items()}
    return Report(__version__, ctx.catalogue.ref, (), (), (), descriptions)
