"""The `fbscopes` command line: parse options, call `analyzer.commands`, choose an exit code.

Exit codes:

* 0: ran, and no policy failure;
* 1: policy failure (`check`: missing scope, stale manifest, bad suppression, or a selected
  `--fail-on` condition; `scan` / `diff`: a selected `--fail-on` condition);
* 2: usage, config, manifest, rules, catalogue or git error (with `file:line` when there is one);
* 3: internal error (one line; `-v` shows the traceback).

Reports go to stdout (or `--output`); everything else goes to stderr.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from analyzer import __version__
from analyzer.errors import AnalyzerError

EXIT_OK, EXIT_POLICY, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="fbscopes",
    help="Find every FreshBooks API call in a Python codebase and the OAuth scopes it needs.",
    epilog="Exit codes: 0 clean, 1 policy failure, 2 usage or config error, 3 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or directories to scan (default: .).", show_default=False),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="Report format on stdout: text, json, sarif, markdown, github or gitlab "
        "(default: the config's format, else text).",
        show_default=False,
    ),
]
OutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="[FORMAT:]FILE",
        help="Write the report to FILE instead of stdout; FORMAT:FILE writes that format "
        "too (repeatable, e.g. -o sarif:fbscopes.sarif -o json:out.json).",
        show_default=False,
    ),
]
CatalogueOpt = Annotated[
    str | None,
    typer.Option(help="Catalogue version (2023-09, freshbooks@2026-09) or a YAML file."),
]
RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules", help="Extra directory of detection rules.")
]
ExcludeOpt = Annotated[
    list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip.")
]
IncludeOpt = Annotated[
    list[str] | None, typer.Option("--include", help="Only scan files matching these patterns.")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Config file (pyproject.toml or fbscopes.toml).")
]
MaxSizeOpt = Annotated[
    str | None, typer.Option("--max-file-size", help="Skip larger files (e.g. 2MB).")
]
HostOpt = Annotated[
    list[str] | None,
    typer.Option("--extra-host", help="Another API host to treat as FreshBooks (staging)."),
]
FollowOpt = Annotated[
    bool, typer.Option("--follow-symlinks", help="Follow symlinks inside the scan root.")
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for parsing (default: one per core)."
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Cache directory (default: FBSCOPES_CACHE_DIR, else ~/.cache/fbscopes).",
    ),
]
VerboseOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show tracebacks of internal errors.")
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the report (no messages on stderr).")
]
GrantedOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--granted",
        metavar="SCOPE[,SCOPE...]",
        help="The app's granted scopes (repeatable); overrides the config and the manifest.",
        show_default=False,
    ),
]
ManifestOpt = Annotated[
    Path | None,
    typer.Option(
        "--manifest",
        help="Scope manifest file (default: the config's manifest, else "
        "freshbooks-scopes.yaml beside the config file or in the scan root).",
        show_default=False,
    ),
]


def _fail_on(help_text: str) -> object:
    return typer.Option("--fail-on", metavar="CONDITION[,...]", help=help_text, show_default=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fbscopes {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """fbscopes: offline OAuth scope analysis for FreshBooks API clients."""


def guarded(verbose: bool, action: Callable[[], T]) -> T:
    """Run `action`, turning errors into the documented exit codes (never a bare traceback)."""
    try:
        return action()
    except AnalyzerError as error:
        typer.echo(f"fbscopes: error: {error.render()}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        typer.echo("fbscopes: interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as error:  # the one top-level handler: report, never crash
        typer.echo(f"fbscopes: internal error: {type(error).__name__}: {error}", err=True)
        if verbose:
            typer.echo("".join(traceback.format_exception(error)), err=True)
        else:
            typer.echo("fbscopes: rerun with -v for the traceback", err=True)
        raise typer.Exit(EXIT_INTERNAL) from None


def _run(verbose: bool, action: Callable[[], int]) -> None:
    raise typer.Exit(guarded(verbose, action))


@app.command()
def scan(
    paths: PathsArg = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    catalogue: CatalogueOpt = None,
    rules: RulesOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    extra_host: HostOpt = None,
    follow_symlinks: FollowOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    fail_on: Annotated[list[str] | None, _fail_on("Exit 1 on: unresolved, parse-error.")] = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Report every FreshBooks call with the OAuth scopes it needs."""
    from analyzer import commands

    opts = commands.Options.from_flags(locals())
    _run(verbose, lambda: commands.scan_command(opts))


@app.command()
def check(
    paths: PathsArg = None,
    granted: GrantedOpt = None,
    manifest: ManifestOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    catalogue: CatalogueOpt = None,
    rules: RulesOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    extra_host: HostOpt = None,
    follow_symlinks: FollowOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    fail_on: Annotated[
        list[str] | None,
        _fail_on(
            "Also exit 1 on: excess (granted but unused scopes), unresolved, parse-error. "
            "Missing scopes, a stale manifest and bad suppressions always fail."
        ),
    ] = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check required scopes against the granted ones and the scope manifest (exit 1 if not)."""
    from analyzer import commands

    opts = commands.Options.from_flags(locals())
    _run(verbose, lambda: commands.check_command(opts, granted or [], manifest))


@app.command()
def lock(
    paths: PathsArg = None,
    manifest: ManifestOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the manifest instead of writing it.")
    ] = False,
    catalogue: CatalogueOpt = None,
    rules: RulesOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    extra_host: HostOpt = None,
    follow_symlinks: FollowOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write the scope manifest (freshbooks-scopes.yaml): scopes, endpoints, call sites."""
    from analyzer import commands

    opts = commands.Options.from_flags(locals())
    _run(verbose, lambda: commands.lock_command(opts, manifest, dry_run))


@app.command()
def diff(
    paths: PathsArg = None,
    base: Annotated[
        str,
        typer.Option(
            "--base", metavar="REF", help="Git ref to compare with (branch, tag or commit)."
        ),
    ] = "HEAD",
    format: FormatOpt = None,
    output: OutputOpt = None,
    catalogue: CatalogueOpt = None,
    rules: RulesOpt = None,
    exclude: ExcludeOpt = None,
    include: IncludeOpt = None,
    config: ConfigOpt = None,
    max_file_size: MaxSizeOpt = None,
    extra_host: HostOpt = None,
    follow_symlinks: FollowOpt = False,
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    fail_on: Annotated[
        list[str] | None, _fail_on("Exit 1 on: added (the change adds a scope).")
    ] = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Compare the scopes and calls at a git ref with the working tree."""
    from analyzer import commands

    opts = commands.Options.from_flags(locals())
    _run(verbose, lambda: commands.diff_command(opts, base))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - typer already routes commands through guarded()
        print(f"fbscopes: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
