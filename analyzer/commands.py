"""What each CLI command does, between option parsing (cli.py) and the library (api.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from analyzer.api import Settings, analyze
from analyzer.config import Config, load_config, normalize_host, parse_size
from analyzer.discovery import scan_root
from analyzer.errors import ConfigError
from analyzer.models import Report, Status
from analyzer.report import get_formatter

SCAN_FAIL_ON = ("unresolved", "parse-error")


def resolve_config(paths: Sequence[Path], explicit: Path | None, overrides: dict[str, object]) -> tuple[Config, list[Path]]:
    """The merged config (file < flags) and the paths to scan."""
    targets = list(paths) or [Path(".")]
    start = scan_root(targets)
    config = load_config(start if start.is_dir() else start.parent, explicit)
    return config.merged(**overrides), targets


def settings_from(config: Config, rules: Sequence[Path] | None) -> Settings:
    from analyzer.source import DEFAULT_MAX_BYTES

    return Settings(
        catalogue=config.catalogue,
        rules_dirs=tuple(rules or ()),
        exclude=config.exclude,
        include=config.include,
        extra_hosts=config.extra_hosts,
        max_file_size=config.max_file_size or DEFAULT_MAX_BYTES,
        follow_symlinks=config.follow_symlinks,
    )


def cli_overrides(**flags: object) -> dict[str, object]:
    """Validate raw flag text the way config values are validated."""
    out: dict[str, object] = {}
    for key, value in flags.items():
        if value is None or value == [] or value is False:
            continue
        out[key] = value
    try:
        if "max_file_size" in out:
            out["max_file_size"] = parse_size(str(out["max_file_size"]))
        if "extra_hosts" in out:
            out["extra_hosts"] = tuple(normalize_host(str(h)) for h in out["extra_hosts"])  # type: ignore[attr-defined]
    except ValueError as error:
        raise ConfigError(f"command line: {error}") from None
    return out


def emit(report_text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(report_text)
        if not report_text.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        return
    try:
        output.write_text(report_text if report_text.endswith("\n") else report_text + "\n", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {output}: {error.strerror}") from None


def scan_command(
    *,
    paths: list[Path] | None,
    format: str | None,
    output: Path | None,
    catalogue: str | None,
    rules: list[Path] | None,
    exclude: list[str] | None,
    include: list[str] | None,
    config: Path | None,
    max_file_size: str | None,
    extra_host: list[str] | None,
    follow_symlinks: bool,
    fail_on: list[str] | None,
    quiet: bool,
) -> int:
    overrides = cli_overrides(
        catalogue=catalogue, exclude=exclude, include=include, max_file_size=max_file_size,
        extra_hosts=extra_host, follow_symlinks=follow_symlinks, fail_on=fail_on, format=format,
    )
    merged, targets = resolve_config(paths or [], config, overrides)
    formatter = _formatter(merged.format or "text")
    report = analyze(targets, settings_from(merged, rules))
    emit(formatter.format(report), output)
    return scan_exit_code(report, merged.fail_on)


def _formatter(name: str):  # type: ignore[no-untyped-def]
    try:
        return get_formatter(name)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def scan_exit_code(report: Report, fail_on: Sequence[str]) -> int:
    if "unresolved" in fail_on and any(f.status is Status.UNRESOLVED and f.suppression is None for f in report.findings):
        return 1
    if "parse-error" in fail_on and any(d.kind in ("parse-error", "decode-error") for d in report.diagnostics):
        return 1
    return 0
