"""Checks on fbscopes' output: the same findings in every run, and the FreshBooks cases found.

Identity: `calls`, `required_scopes` and `diagnostics` of every fbscopes run (cold, warm,
`--jobs 1`, default jobs, every repeat) must equal those of the first run.

Cases: each case's `expected.yaml` lists its calls (path, line, method, endpoint) and required
scopes. A scan's calls under `freshbooks_cases/<case>/` are matched against them the way the eval's
`score.py` does: resolved or partial calls, endpoints compared with every `{placeholder}` as
`{}` and without query string or trailing slash.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from measure import ToolResult

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
REPORTED = frozenset({"resolved", "partial"})
CallKey = tuple[str, int, str, str]
IDENTITY_KEYS = ("calls", "required_scopes", "diagnostics")


@dataclass
class CaseResult:
    """How one case fared in one scan."""

    name: str
    expected_calls: int
    found: int = 0
    extra: int = 0
    expected_scopes: list[str] = field(default_factory=list)
    found_scopes: list[str] = field(default_factory=list)

    @property
    def scopes_ok(self) -> bool:
        return set(self.expected_scopes) == set(self.found_scopes)

    @property
    def exact(self) -> bool:
        return self.scopes_ok and self.found == self.expected_calls and self.extra == 0


def norm_endpoint(raw: Any) -> str:
    text = str(raw).strip().split("?", 1)[0].split("#", 1)[0]
    text = PLACEHOLDER.sub("{}", text)
    return text.rstrip("/") if len(text) > 1 else text


def call_key(call: dict[str, Any], path: str) -> CallKey:
    method = str(call.get("method") or "").upper()
    return (path, int(call["line"]), method, norm_endpoint(call.get("endpoint") or ""))


def load_expected(case_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((case_dir / "expected.yaml").read_text())
    return data


def case_names(cases_root: Path) -> list[str]:
    return sorted(p.name for p in cases_root.iterdir() if (p / "expected.yaml").is_file())


def reported_in(report: dict[str, Any], prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """(path relative to the case, call) for every reported call under `prefix`."""
    found = []
    for call in report.get("calls", []):
        path = str(call.get("path", "")).replace("\\", "/").removeprefix("./")
        if call.get("status") in REPORTED and path.startswith(prefix):
            found.append((path[len(prefix) :], call))
    return found


def score_case(case_dir: Path, report: dict[str, Any], prefix: str) -> CaseResult:
    """Score one case against the calls of `report` whose paths start with `prefix`."""
    expected = load_expected(case_dir)
    want = {call_key(c, str(c["path"])) for c in expected.get("calls") or []}
    got_calls = reported_in(report, prefix)
    got = {call_key(call, path) for path, call in got_calls}
    scopes = sorted({s for _, call in got_calls for s in call.get("scopes") or []})
    return CaseResult(
        name=case_dir.name,
        expected_calls=len(want),
        found=len(want & got),
        extra=len(got - want),
        expected_scopes=sorted(expected.get("required_scopes") or []),
        found_scopes=scopes,
    )


def load_report(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def findings(path: Path) -> dict[str, Any]:
    report = load_report(path)
    return {key: report.get(key) for key in IDENTITY_KEYS}


def difference(a: dict[str, Any], b: dict[str, Any]) -> str:
    """What differs between two findings, in words."""
    parts = []
    for key in IDENTITY_KEYS:
        left, right = a.get(key) or [], b.get(key) or []
        if left == right:
            continue
        dump_l = {json.dumps(x, sort_keys=True) for x in left}
        dump_r = {json.dumps(x, sort_keys=True) for x in right}
        if dump_l == dump_r:
            parts.append(f"{key}: same items, different order")
        else:
            only_ref, only_here = len(dump_l - dump_r), len(dump_r - dump_l)
            parts.append(f"{key}: {only_ref} only in the reference, {only_here} only here")
    return "; ".join(parts)


def identity(results: list[ToolResult]) -> dict[str, Any]:
    """Compare calls + required_scopes + diagnostics of every fbscopes run with the first one."""
    runs = [(r.tool.name, out) for r in results if r.tool.kind == "fbscopes" for out in r.outputs]
    if len(runs) < 2:
        return {"checked": len(runs), "identical": None, "mismatches": []}
    ref_name, ref_path = runs[0]
    reference = findings(ref_path)
    mismatches = []
    for name, path in runs[1:]:
        other = findings(path)
        if other != reference:
            mismatches.append(f"{name} ({path.name}) vs {ref_name}: {difference(reference, other)}")
    return {
        "checked": len(runs),
        "identical": not mismatches,
        "mismatches": mismatches,
        "reference": ref_name,
    }


def reference_report(results: list[ToolResult]) -> Path | None:
    for result in results:
        if result.tool.kind == "fbscopes" and result.outputs:
            return result.outputs[0]
    return None


def time_tracker(rows: list[dict[str, Any]]) -> tuple[bool | None, str]:
    """Whether the time_tracker case's scopes all appear inside the corpus scan, and a summary."""
    for row in rows:
        if row["case"] == "time_tracker":
            inside = row["in_corpus"]
            want, got = set(inside["expected_scopes"]), set(inside["found_scopes"])
            calls = f"{inside['found']}/{inside['expected_calls']} calls"
            return want <= got, f"{len(want & got)}/{len(want)} scopes, {calls}"
    return None, "not checked"
