"""The benchmark's report: the markdown table, the targets of issue 6, and the JSON record."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from checks import IDENTITY_KEYS
from measure import ToolResult

TOOL_HEADER = (
    "| tool | median s | files/s | peak RSS MB | ratio vs bandit | ratio vs ast.parse"
    " | median CPU s | runs (s) |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
)
RESULTS = Path(__file__).resolve().parent / "results"
CASE_HEADER = (
    "| case | expected calls | found alone | found in corpus | extra alone | extra in corpus"
    " | scopes alone | scopes in corpus |",
    "|---|---:|---:|---:|---:|---:|---|---|",
)


def by_key(results: list[ToolResult]) -> dict[str, ToolResult]:
    return {r.tool.key: r for r in results if r.ok}


def ratio(result: ToolResult, other: ToolResult | None) -> float | None:
    if other is None or not result.ok:
        return None
    return result.median_s / other.median_s


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}x" if value < 0.1 else f"{value:.2f}x"


def table(results: list[ToolResult], files: int) -> str:
    good = by_key(results)
    rows = list(TOOL_HEADER)
    for r in results:
        if not r.ok:
            reason = (r.error or "no run").splitlines()[0].replace("|", "/")
            rows.append(f"| {r.tool.name} | failed | | | | | | {reason} |")
            continue
        runs = ", ".join(f"{s.wall_s:.2f}" for s in r.samples)
        cells = [
            r.tool.name,
            f"{r.median_s:.2f}",
            f"{files / r.median_s:,.0f}",
            f"{r.peak_mb:.0f}",
            fmt_ratio(ratio(r, good.get("bandit"))),
            fmt_ratio(ratio(r, good.get("ast"))),
            f"{r.median_cpu_s:.2f}",
            runs,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


Target = tuple[str, str, str]  # (target, measured, verdict)


def speed_targets(good: dict[str, ToolResult]) -> list[Target]:
    cold, warm = good.get("cold"), good.get("warm")
    vs_bandit = ratio(cold, good.get("bandit")) if cold else None
    vs_ast = ratio(cold, good.get("ast")) if cold else None
    warm_s = warm.median_s if warm else None
    return [
        (
            "cold scan (default jobs) <= 1/5 of bandit's wall time",
            "n/a" if vs_bandit is None else f"{vs_bandit:.2f}x bandit",
            verdict(None if vs_bandit is None else vs_bandit <= 0.2),
        ),
        (
            "cold scan (default jobs) within 3x of ast.parse",
            "n/a" if vs_ast is None else f"{vs_ast:.2f}x ast.parse",
            verdict(None if vs_ast is None else vs_ast <= 3.0),
        ),
        (
            "warm re-scan < 1 s",
            "n/a" if warm_s is None else f"{warm_s:.2f} s",
            verdict(None if warm_s is None else warm_s < 1.0),
        ),
    ]


def targets(
    results: list[ToolResult], ident: dict[str, Any], tracker: tuple[bool | None, str]
) -> list[Target]:
    """(target, measured, verdict) for each target of issue 6."""
    fb = [r for r in results if r.tool.kind == "fbscopes" and r.ok]
    peak = max((r.peak_mb for r in fb), default=None)
    return [
        *speed_targets(by_key(results)),
        (
            "peak memory < 500 MB (every fbscopes variant)",
            "n/a" if peak is None else f"{peak:.0f} MB",
            verdict(None if peak is None else peak < 500),
        ),
        (
            "findings identical across fbscopes runs",
            f"{ident['checked']} outputs compared",
            verdict(ident["identical"]),
        ),
        ("time_tracker's 6 scopes found inside the corpus", tracker[1], verdict(tracker[0])),
    ]


def cases_table(rows: list[dict[str, Any]]) -> str:
    lines = list(CASE_HEADER)
    ok = {True: "ok", False: "differ"}
    for row in rows:
        alone, inside = row["standalone"], row["in_corpus"]
        cells = [
            row["case"],
            alone["expected_calls"],
            alone["found"],
            inside["found"],
            alone["extra"],
            inside["extra"],
            ok[alone["scopes_ok"]],
            ok[inside["scopes_ok"]],
        ]
        lines.append("| " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(lines)


def outcome(result: dict[str, Any]) -> tuple[int, int, list[str]]:
    return result["found"], result["extra"], result["found_scopes"]


def cases_summary(rows: list[dict[str, Any]]) -> str:
    expected = sum(r["in_corpus"]["expected_calls"] for r in rows)
    inside = sum(r["in_corpus"]["found"] for r in rows)
    alone = sum(r["standalone"]["found"] for r in rows)
    changed = [r["case"] for r in rows if outcome(r["in_corpus"]) != outcome(r["standalone"])]
    text = (
        f"Expected calls found: {inside}/{expected} inside the corpus, "
        f"{alone}/{expected} scanning each case alone (as the eval does)."
    )
    if not changed:
        return text + " The corpus context changed no case's result."
    return text + f" The corpus context changed the result of: {', '.join(changed)}."


def header(data: dict[str, Any]) -> list[str]:
    m, c = data["machine"], data["corpus"]
    flags = ", ".join(data["flags"]) or "none of --no-cache, --cache-dir, --jobs"
    return [
        f"# fbscopes benchmark: {data['size']} corpus, {data['date']}",
        "",
        f"- corpus: {c['files']:,} .py files, {c['lines']:,} lines "
        f"({len(c['archives'])} pinned PyPI releases + {c['case_files']} FreshBooks case files)",
        f"- machine: {m['nproc']} CPUs ({m['cpu_model']}), {m['mem_total_gb']} GB RAM, "
        f"{m['platform']}, {m['python']}; load average {m['loadavg_at_start']} at start, "
        f"{m.get('loadavg_at_end')} at end",
        f"- tools: {m['fbscopes']} (git {m['fbscopes_git']}; ran {m.get('fbscopes_source')}), "
        f"{m['bandit']}; "
        f"fbscopes speed flags found: {flags}",
        f"- median of {data['repeat']} runs, interleaved; files/s = corpus files / median; "
        "peak RSS = max over runs of the larger of ru_maxrss (largest process) and the "
        "sampled RSS sum of the process tree",
    ]


def targets_section(data: dict[str, Any]) -> list[str]:
    out = ["## Targets (set for the large corpus)", "", "| target | measured | verdict |"]
    out.append("|---|---|---|")
    out += [f"| {t} | {v} | {ok} |" for t, v, ok in data["targets"]]
    return out


def identity_section(ident: dict[str, Any]) -> list[str]:
    keys = " + ".join(IDENTITY_KEYS)
    line = f"{ident['checked']} fbscopes outputs compared on {keys}: {verdict(ident['identical'])}."
    return ["## Findings identity", "", line, *[f"- {m}" for m in ident["mismatches"]]]


def cases_section(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    title = "## FreshBooks cases inside the corpus"
    return ["", title, "", cases_summary(rows), "", cases_table(rows)]


def markdown(data: dict[str, Any], results: list[ToolResult]) -> str:
    out = [*header(data), "", table(results, data["corpus"]["files"]), ""]
    out += [f"- skipped: {s}" for s in data["skipped"]]
    out += [f"- note: {s}" for s in data["notes"]]
    out += ["", *targets_section(data), "", *identity_section(data["identity"])]
    out += cases_section(data["cases"])
    return "\n".join(out) + "\n"


def tool_json(r: ToolResult, files: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": r.tool.key,
        "name": r.tool.name,
        "argv": r.tool.argv,
        "note": r.tool.note,
        "error": r.error,
    }
    data["samples"] = [asdict(s) | {"peak_kb": s.peak_kb} for s in r.samples]
    if r.ok:
        data |= {"median_s": r.median_s, "files_per_s": files / r.median_s, "peak_mb": r.peak_mb}
    return data


def write_results(
    data: dict[str, Any], results: list[ToolResult], text: str, folder: Path = RESULTS
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{data['size']}-{data['date']}"
    payload = data | {"tools": [tool_json(r, data["corpus"]["files"]) for r in results]}
    stem.with_suffix(".json").write_text(json.dumps(payload, indent=2, default=str) + "\n")
    stem.with_suffix(".md").write_text(text)
    return stem
