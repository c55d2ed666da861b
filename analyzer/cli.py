"""The `fbscopes` command line: parse options, call the library, choose an exit code.

Exit codes: 0 ran (no policy failure), 1 policy failure (`check`, `--fail-on`), 2 usage,
config, rules or catalogue error (with `file:line`), 3 internal error (one line; `-v` shows
the traceback). Reports go to stdout (or `--output`); everything else goes to stderr.
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
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

T = TypeVar("T")

PathsArg = Annotated[
    list[Path] | None, typer.Argument(help="Files or directories to scan (default: .).", show_default=False)
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="text, json, sarif, markdown, github or gitlab (repeatable with --output).",
                 show_default=False),
]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to this file.")]
CatalogueOpt = Annotated[
    str | None, typer.Option("--catalogue", help="Catalogue version (2023-09, freshbooks@2026-09) or a YAML file.")
]
RulesOpt = Annotated[list[Path] | None, typer.Option("--rules", help="Extra directory of detection rules.")]
ExcludeOpt = Annotated[list[str] | None, typer.Option("--exclude", help="Gitignore-style pattern to skip.")]
IncludeOpt = Annotated[list[str] | None, typer.Option("--include", help="Only scan files matching these patterns.")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Config file (pyproject.toml or fbscopes.toml).")]
MaxSizeOpt = Annotated[str | None, typer.Option("--max-file-size", help="Skip larger files (e.g. 2MB).")]
HostOpt = Annotated[list[str] | None, typer.Option("--extra-host", help="Another API host to treat as FreshBooks.")]
FollowOpt = Annotated[bool, typer.Option("--follow-symlinks", help="Follow symlinks inside the scan root.")]
FailOnOpt = Annotated[
    list[str] | None, typer.Option("--fail-on", help="Exit 1 on: unresolved, parse-error (scan); missing, excess, stale (check).")
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Show tracebacks of internal errors.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the report.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fbscopes {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
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
    fail_on: FailOnOpt = None,
    verbose: VerboseOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Scan code and report every FreshBooks call with the OAuth scopes it needs."""
    from analyzer.commands import scan_command

    options = dict(
        paths=paths, format=format, output=output, catalogue=catalogue, rules=rules, exclude=exclude,
        include=include, config=config, max_file_size=max_file_size, extra_host=extra_host,
        follow_symlinks=follow_symlinks, fail_on=fail_on, quiet=quiet,
    )
    code = guarded(verbose, lambda: scan_command(**options))  # type: ignore[arg-type]
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit:
        raise
    except Exception as error:  # pragma: no cover - typer already routes commands through guarded()
        print(f"fbscopes: internal error: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
