"""Benchmark fbscopes against bandit and the `ast.parse` floor on a corpus of real code.

    .venv/bin/python bench/run.py [--size medium|large] [--repeat 3]

Ensures the corpus (bench/corpus.py) and a bandit venv under bench/.cache, then times, side by
side and interleaved, median of --repeat runs: `ast.parse` of every file, fbscopes cold
(`--no-cache --jobs 1` and default jobs), fbscopes warm (cache filled by one untimed run) and
`bandit -r`. fbscopes variants whose flags do not exist yet are skipped, and the output says so.
Checks that every fbscopes run reports the same findings and that the FreshBooks cases are found
inside the corpus. Prints a markdown table and writes it, with the raw figures as JSON, to
bench/results/<size>-<date>.{md,json}.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import checks
from corpus import (
    CASES_DIRNAME,
    DEFAULT_CACHE,
    DEFAULT_CASES,
    SIZES,
    Corpus,
    ensure_corpus,
)
from corpus import describe as describe_corpus
from measure import MB, Sample, Tool, ToolResult, run_measured
from report import RESULTS, markdown, targets, write_results
from snapshot import Fbscopes, from_command, reuse, snapshot

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BANDIT_VERSION = "1.8.3"
FBSCOPES_OK = frozenset({0, 1})  # 1 may mean "findings"
BANDIT_OK = frozenset({0, 1})  # 1 means "issues found", the normal case on real code
CACHE_FLAGS = ("--no-cache", "--cache-dir", "--jobs")


@dataclass
class Plan:
    """What will be run, what is skipped and why, and how a cold scan is made."""

    flags: list[str]
    tools: list[Tool] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cold_args: list[str] = field(default_factory=list)
    cold_reset: Path | None = None


# --------------------------------------------------------------------------- environment


def plain_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"})
    return env


def capture(argv: Sequence[str], extra_env: dict[str, str] | None = None) -> str:
    env = plain_env() | (extra_env or {})
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, env=env)
    except OSError as error:
        return f"<{error}>"
    return (done.stdout + done.stderr).strip()


def fbscopes_flags(fb: Fbscopes) -> set[str]:
    """Which of the speed flags `fbscopes scan --help` lists."""
    text = capture([*fb.argv, "scan", "--help"], fb.env)
    return {flag for flag in CACHE_FLAGS if re.search(re.escape(flag) + r"(?![\w-])", text)}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def git_sha() -> str:
    sha = capture(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"])
    dirty = capture(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return sha + ("-dirty" if dirty else "")


def machine(fb: Fbscopes, bandit: Path | None) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "mem_total_gb": mem_total_gb(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "fbscopes": capture([*fb.argv, "--version"], fb.env),
        "fbscopes_git": git_sha(),
        "fbscopes_source": fb.source,
        "bandit": capture([str(bandit), "--version"]).splitlines()[0] if bandit else "not run",
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def ensure_bandit(cache: Path) -> Path:
    """bandit==BANDIT_VERSION in its own venv under the cache (never the project's deps)."""
    venv = cache / "bandit-venv"
    exe = venv / "bin" / "bandit"
    if exe.exists() and list(
        venv.glob(f"lib/python*/site-packages/bandit-{BANDIT_VERSION}.dist-info")
    ):
        return exe
    print(f"installing bandit=={BANDIT_VERSION} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, f"bandit=={BANDIT_VERSION}"], check=True)
    return exe


# --------------------------------------------------------------------------- plan


def cold_arguments(flags: set[str], cache: Path) -> tuple[list[str], Path | None, str]:
    """Arguments that make a scan cold, the folder to empty before each run, and a note."""
    if "--no-cache" in flags:
        return ["--no-cache"], None, "cold runs pass --no-cache"
    if "--cache-dir" in flags:
        folder = cache / "fbscopes-cold"
        return ["--cache-dir", str(folder)], folder, "cold runs use an emptied --cache-dir"
    return [], None, "cold runs are plain scans: fbscopes has no cache yet"


def warm_tool(base: list[str], flags: set[str], cache: Path) -> Tool | None:
    """A warm scan: filled once by an untimed run, then timed with the cache in place."""
    if "--cache-dir" in flags:
        folder = cache / "fbscopes-warm"
        shutil.rmtree(folder, ignore_errors=True)
        argv = [*base, "--cache-dir", str(folder)]
        return fbscopes_tool("warm", "fbscopes warm", argv, prepare=argv)
    if "--no-cache" in flags:
        note = "cache at fbscopes' default location"
        return fbscopes_tool("warm", "fbscopes warm", base, prepare=base, note=note)
    return None


def fbscopes_tool(key: str, name: str, argv: list[str], **extra: Any) -> Tool:
    return Tool(key, name, argv, FBSCOPES_OK, "fbscopes", **extra)


def add_fbscopes(p: Plan, fb: Fbscopes, root: Path, cache: Path) -> None:
    """Add the fbscopes variants that today's flags allow; say why the others are skipped."""
    flags = set(p.flags)
    base = [*fb.argv, "scan", str(root), "--format", "json", "--quiet"]
    p.cold_args, p.cold_reset, note = cold_arguments(flags, cache)
    p.notes.append(note)
    cold = [*base, *p.cold_args]
    if "--jobs" in flags:
        argv = [*cold, "--jobs", "1"]
        p.tools.append(fbscopes_tool("cold-jobs1", "fbscopes cold --jobs 1", argv))
    else:
        p.skipped.append("fbscopes cold --jobs 1: `fbscopes scan` has no --jobs flag yet")
    name = "fbscopes cold (default jobs)"
    p.tools.append(fbscopes_tool("cold", name, cold))
    warm = warm_tool(base, flags, cache)
    if warm is None:
        p.skipped.append("fbscopes warm: `fbscopes scan` has no --cache-dir/--no-cache flag yet")
    else:
        p.tools.append(warm)
        p.notes += [warm.note] if warm.note else []
    for tool in p.tools:
        tool.reset = p.cold_reset if tool.key.startswith("cold") else None
        tool.env = fb.env


def plan(args: argparse.Namespace, corpus: Corpus, bandit: Path | None) -> Plan:
    p = Plan(flags=sorted(fbscopes_flags(args.fbscopes)))
    ast_argv = [sys.executable, str(BENCH / "astfloor.py"), str(corpus.root)]
    p.tools.append(Tool("ast", "ast.parse (floor)", ast_argv, frozenset({0}), "ast"))
    add_fbscopes(p, args.fbscopes, corpus.root, args.cache_dir)
    if bandit is not None:
        argv = [str(bandit), "-r", str(corpus.root), "-q", "-f", "json"]
        p.tools.append(Tool("bandit", f"bandit -r ({BANDIT_VERSION})", argv, BANDIT_OK, "bandit"))
    p.skipped += [f"{t.name}: --skip {t.key}" for t in p.tools if t.key in args.skip]
    p.tools = [t for t in p.tools if t.key not in args.skip]
    return p


# --------------------------------------------------------------------------- running


def run_dir(cache: Path, size: str) -> Path:
    folder = cache / "runs" / size
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def run_once(
    tool: Tool, label: str, out_dir: Path, cwd: Path, timeout: float
) -> tuple[Sample, Path]:
    if tool.reset is not None:
        shutil.rmtree(tool.reset, ignore_errors=True)
    out = out_dir / f"{tool.key}-{label}.out"
    err = out_dir / f"{tool.key}-{label}.err"
    env = plain_env() | tool.env
    sample = run_measured(tool.argv, out, err, env=env, cwd=cwd, timeout=timeout)
    return sample, out


def failure(tool: Tool, sample: Sample, out: Path) -> str | None:
    if sample.timed_out:
        return f"timed out after {sample.wall_s:.0f} s"
    if sample.returncode in tool.ok_codes:
        return None
    tail = out.with_suffix(".err").read_text(errors="replace")[-1500:]
    return f"exit status {sample.returncode}: {tail.strip()}"


def prepare(tool: Tool, result: ToolResult, out_dir: Path, cwd: Path, timeout: float) -> None:
    """Untimed run that fills the warm cache; its output joins the identity check."""
    if tool.prepare is None:
        return
    fill = Tool(tool.key, tool.name, tool.prepare, tool.ok_codes, tool.kind, env=tool.env)
    sample, out = run_once(fill, "fill", out_dir, cwd, timeout)
    print(f"  {tool.name}: cache filled in {sample.wall_s:.1f} s (untimed)", flush=True)
    result.error = failure(tool, sample, out)
    result.outputs.append(out)


def run_all(
    tools: list[Tool], repeat: int, out_dir: Path, cwd: Path, timeout: float
) -> list[ToolResult]:
    """Run every tool `repeat` times, interleaved, so drift hits all of them alike."""
    results = [ToolResult(tool) for tool in tools]
    for result in results:
        prepare(result.tool, result, out_dir, cwd, timeout)
    for rep in range(1, repeat + 1):
        for result in results:
            if result.error is None:
                run_and_record(result, rep, repeat, out_dir, cwd, timeout)
    return results


def run_and_record(
    result: ToolResult, rep: int, repeat: int, out_dir: Path, cwd: Path, timeout: float
) -> None:
    sample, out = run_once(result.tool, str(rep), out_dir, cwd, timeout)
    result.error = failure(result.tool, sample, out)
    status = "ok" if result.error is None else f"FAILED ({result.error.splitlines()[0]})"
    mb = sample.peak_kb / MB
    print(
        f"  [{rep}/{repeat}] {result.tool.name}: {sample.wall_s:.2f} s, {mb:.0f} MB, {status}",
        flush=True,
    )
    if result.error is None:
        result.samples.append(sample)
        result.outputs.append(out)


def warm_page_cache(root: Path) -> None:
    """One untimed pass so that no tool pays for reading the corpus from disk."""
    subprocess.run(
        [sys.executable, str(BENCH / "astfloor.py"), str(root)], check=True, capture_output=True
    )


# --------------------------------------------------------------------------- checks


def standalone_report(
    case_dir: Path, args: argparse.Namespace, p: Plan, out_dir: Path
) -> dict[str, Any]:
    if p.cold_reset is not None:
        shutil.rmtree(p.cold_reset, ignore_errors=True)
    fb: Fbscopes = args.fbscopes
    argv = [*fb.argv, "scan", str(case_dir), "--format", "json", "--quiet", *p.cold_args]
    out = out_dir / f"case-{case_dir.name}.out"
    env = plain_env() | fb.env
    with out.open("wb") as handle:
        subprocess.run(argv, stdout=handle, stderr=subprocess.DEVNULL, env=env, check=False)
    try:
        return checks.load_report(out)
    except ValueError:
        return {}


def check_cases(
    report_path: Path, corpus: Corpus, args: argparse.Namespace, p: Plan, out_dir: Path
) -> list[dict[str, Any]]:
    """Score every case inside the corpus scan, and alone (as the eval runs it) for contrast."""
    report = checks.load_report(report_path)
    root = corpus.root / CASES_DIRNAME
    rows = []
    for name in checks.case_names(root):
        case_dir = root / name
        inside = checks.score_case(case_dir, report, f"{CASES_DIRNAME}/{name}/")
        alone = checks.score_case(case_dir, standalone_report(case_dir, args, p, out_dir), "")
        rows.append(
            {
                "case": name,
                "in_corpus": asdict(inside) | {"scopes_ok": inside.scopes_ok},
                "standalone": asdict(alone) | {"scopes_ok": alone.scopes_ok},
            }
        )
    return rows


# --------------------------------------------------------------------------- main


def choose_fbscopes(args: argparse.Namespace) -> Fbscopes:
    if args.fbscopes:
        return from_command(args.fbscopes)
    if args.snapshot:
        return reuse(args.cache_dir, args.snapshot)
    return snapshot(args.cache_dir)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--size", choices=list(SIZES), default="medium")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per tool (median)")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, help="FreshBooks eval cases")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--fbscopes",
        default=None,
        help="fbscopes command to time as is (default: a frozen copy of this checkout)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=["ast", "cold-jobs1", "cold", "warm", "bandit"],
    )
    parser.add_argument("--snapshot", help="time this earlier snapshot (sha) of the analyzer")
    parser.add_argument(
        "--no-case-check", action="store_true", help="skip scanning each case alone"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where reports go")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per run")
    args = parser.parse_args(argv)
    args.cache_dir = args.cache_dir.resolve()
    args.fbscopes = choose_fbscopes(args)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = ensure_corpus(args.size, args.cases.resolve(), args.cache_dir)
    print(describe_corpus(corpus), flush=True)
    bandit = None if "bandit" in args.skip else ensure_bandit(args.cache_dir)
    p = plan(args, corpus, bandit)
    for line in p.skipped:
        print(f"skipped: {line}")
    for line in p.notes:
        print(f"note: {line}")
    host = machine(args.fbscopes, bandit)
    out_dir = run_dir(args.cache_dir, args.size)
    warm_page_cache(corpus.root)
    results = run_all(p.tools, args.repeat, out_dir, corpus.root, args.timeout)
    host["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    ident = checks.identity(results)
    ref = checks.reference_report(results)
    rows = [] if ref is None or args.no_case_check else check_cases(ref, corpus, args, p, out_dir)
    data: dict[str, Any] = {
        "size": args.size,
        "date": dt.date.today().isoformat(),
        "repeat": args.repeat,
        "machine": host,
        "corpus": corpus.manifest(),
        "flags": p.flags,
        "skipped": p.skipped,
        "notes": p.notes,
        "identity": ident,
        "cases": rows,
    }
    data["targets"] = targets(results, ident, checks.time_tracker(rows))
    text = markdown(data, results)
    stem = write_results(data, results, text, args.results)
    print("\n" + text)
    print(f"written: {stem}.md and {stem}.json")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
