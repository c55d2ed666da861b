"""Where reports go: stdout and any number of `--output [FORMAT:]FILE` files.

* `--format F` chooses the format on stdout (default: the config's `format`, else `text`).
* `--output FILE` writes the `--format` report to FILE instead of stdout (the old behaviour).
* `--output FORMAT:FILE` writes that format to FILE and leaves stdout alone, so one run gives
  `--format github --output sarif:fbscopes.sarif --output json:fbscopes.json`.
  `FILE` may be `-` for stdout. `FORMAT` must be a known format name (so `C:\\x` is a file).

Each format is rendered once, however many targets use it. Write errors are `ConfigError`s.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analyzer.config import FORMAT_CHOICES, suggest
from analyzer.errors import ConfigError
from analyzer.report.github import STEP_SUMMARY_VAR


@dataclass(frozen=True, slots=True)
class Target:
    """One destination: a format and a file, or stdout when `path` is None."""

    format: str
    path: Path | None


def plan_outputs(
    main: str, specs: Sequence[str], supported: Collection[str], command: str
) -> tuple[Target, ...]:
    """The targets for `--format main` and each `--output` spec; `ConfigError` on misuse."""
    targets: list[Target] = []
    plain = False
    for spec in specs:
        fmt, sep, rest = spec.partition(":")
        if sep and fmt.strip().lower() in FORMAT_CHOICES:
            fmt = fmt.strip().lower()
        else:
            fmt, rest, plain = main, spec, True
        targets.append(Target(_supported(fmt, supported, command), _path(rest)))
    if not plain and not any(t.path is None for t in targets):
        targets.insert(0, Target(_supported(main, supported, command), None))
    if sum(t.path is None for t in targets) > 1:
        raise ConfigError("--output: only one report can go to stdout ('-')")
    return tuple(targets)


def choose_format(flag: str | None, configured: str | None, supported: Collection[str]) -> str:
    """`--format` if given, else the config's format when this command has it, else text."""
    if flag is not None:
        return flag.strip().lower()
    return configured if configured is not None and configured in supported else "text"


def _supported(fmt: str, supported: Collection[str], command: str) -> str:
    if fmt in supported:
        return fmt
    close = suggest(fmt, supported)
    hint = f" (did you mean {close!r}?)" if close else ""
    choices = ", ".join(supported)
    raise ConfigError(f"--format: {command} cannot write {fmt!r}{hint}; choose one of: {choices}")


def _path(text: str) -> Path | None:
    if not text.strip():
        raise ConfigError("--output: empty file name")
    return None if text == "-" else Path(text)


def write_outputs(targets: Sequence[Target], render: Callable[[str], str]) -> None:
    """Render each format once and send it to its targets (files are overwritten)."""
    cache: dict[str, str] = {}
    for target in targets:
        if target.format not in cache:
            text = render(target.format)
            cache[target.format] = text if text.endswith("\n") else text + "\n"
        _write(cache[target.format], target.path)


def _write(text: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot write {path}: {error.strerror or error}") from None


def text_on_stdout(targets: Sequence[Target]) -> bool:
    return any(t.path is None and t.format == "text" for t in targets)


def wants(targets: Sequence[Target], fmt: str) -> bool:
    return any(t.format == fmt for t in targets)


def append_step_summary(markdown: str, environ: Mapping[str, str] | None = None) -> bool:
    """Append `markdown` to `$GITHUB_STEP_SUMMARY`; False when the variable is unset."""
    target = (os.environ if environ is None else environ).get(STEP_SUMMARY_VAR, "")
    if not target:
        return False
    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(markdown)
    except OSError as error:
        raise ConfigError(
            f"cannot write ${STEP_SUMMARY_VAR} ({target}): {error.strerror}"
        ) from None
    return True
