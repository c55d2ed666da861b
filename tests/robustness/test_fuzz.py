"""Issue 4.5: property-based fuzzing of the whole pipeline.

Generated programs (hypothesmith, from the grammar and from libcst nodes) and randomly
mutated real files (the eval corpus, when `../shared/eval/cases` is present) are scanned next
to `good.py`. Properties: no exception escapes `analyze()`, no `internal-error` diagnostic,
the good call is still found, and two runs give the same report.

CI runs `FUZZ_EXAMPLES` (25) examples per test; set `FBSCOPES_FUZZ_EXAMPLES=2000` for a long
run (see docs/safety.md).
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.api import Settings, analyze_with
from analyzer.catalogue import Catalogue, load_catalogue
from analyzer.models import Report
from analyzer.parsing import nesting_problem, parse_and_summarize
from analyzer.rules import RuleSet, load_rules
from tests.robustness.helpers import GOOD_SOURCE, REPO, good_call, report_calls

# hypothesmith compiles what it generates; its SyntaxWarnings are about the generated code.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")

FUZZ_EXAMPLES = int(os.environ.get("FBSCOPES_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
TRIGGER = "# https://api.freshbooks.com (makes the prefilter parse this file in full)\n"
CASES = REPO.parent / "shared" / "eval" / "cases"


@cache
def _catalogue_and_rules() -> tuple[Catalogue, RuleSet]:
    return load_catalogue(None), load_rules(())


def _settings() -> Settings:
    fields = Settings.__dataclass_fields__
    extra = {"use_cache": False} if "use_cache" in fields else {}
    return Settings(**extra)  # type: ignore[arg-type]


def scan_twice(content: bytes, name: str = "fuzzed.py") -> Report:
    """Scan `content` next to good.py twice; check the properties; return the report."""
    catalogue, rules = _catalogue_and_rules()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "good.py").write_text(GOOD_SOURCE, encoding="utf-8")
        (root / name).write_bytes(content)
        first = analyze_with([root], _settings(), catalogue, rules)
        second = analyze_with([root], _settings(), catalogue, rules)
    assert first == second
    assert good_call("good.py") in report_calls(first)
    assert [d for d in first.diagnostics if d.kind == "internal-error"] == []
    return first


@FUZZ
@given(source=hypothesmith.from_grammar())
def test_generated_programs_from_the_grammar(source: str) -> None:
    scan_twice((TRIGGER + source).encode("utf-8", "surrogatepass"))


@FUZZ
@given(source=hypothesmith.from_node())
def test_generated_programs_from_libcst_nodes(source: str) -> None:
    scan_twice((TRIGGER + source).encode("utf-8", "surrogatepass"))


# --------------------------------------------------------------------------- mutated files


def _case_files() -> list[Path]:
    return sorted(CASES.glob("**/*.py")) if CASES.is_dir() else []


JUNK = [
    b"(",
    b")",
    b"[",
    b"{",
    b"}",
    b'"',
    b"'''",
    b'"""',
    b"\\",
    b"\\\n",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r",
    b"\r\n",
    b"\t",
    b"\x0c",
    b"lambda",
    b"async ",
    b"await ",
    b"*",
    b"**",
    b"f'{",
    b"'}",
    b"# -*- coding: latin-1 -*-\n",
    b"# coding: rot13\n",
    b"elif x:\n",
    b"    ",
    b"\n\n",
    b"+ " * 50,
    b"(" * 300,
    b"not " * 200,
    "é".encode(),
    "\U0001f600".encode(),
    b"\xed\xa0\x80",
    b"requests.get(",
    b"https://api.freshbooks.com",
    b"${",
    b"%s",
    b"{0}",
]


@st.composite
def mutated(draw: st.DrawFn, files: list[Path]) -> bytes:
    data = bytearray(draw(st.sampled_from(files)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["delete", "duplicate", "insert", "swap-lines", "bytes"]))
        start = draw(st.integers(0, max(0, len(data) - 1)))
        length = draw(st.integers(1, 80))
        if kind == "delete":
            del data[start : start + length]
        elif kind == "duplicate":
            data[start:start] = data[start : start + length]
        elif kind == "insert":
            data[start:start] = draw(st.sampled_from(JUNK))
        elif kind == "bytes":
            data[start:start] = draw(st.binary(min_size=1, max_size=16))
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@pytest.mark.skipif(not _case_files(), reason=f"no eval corpus at {CASES}")
@FUZZ
@given(data=st.data())
def test_mutated_corpus_files(data: st.DataObject) -> None:
    content = data.draw(mutated(_case_files()))
    scan_twice(content)


@pytest.mark.skipif(not _case_files(), reason=f"no eval corpus at {CASES}")
def test_unmutated_corpus_files_still_scan() -> None:
    """The mutation test's baseline: every corpus file scans cleanly on its own."""
    for path in _case_files()[:10]:
        scan_twice(path.read_bytes(), name=path.name)


# --------------------------------------------------------------------------- the parse guards


@FUZZ
@given(
    text=st.text(alphabet=st.sampled_from(list("()[]{}'\"\\#\n fx+.-:,;=elifnot0")), max_size=400)
)
def test_nesting_check_and_parse_never_raise_on_token_soup(text: str) -> None:
    nesting_problem(text, "soup.py")
    result = parse_and_summarize(text, "soup.py", "soup")
    assert (result.summary is None) != (result.diagnostic is None)
    assert result.diagnostic is None or result.diagnostic.kind != "internal-error"


@FUZZ
@given(text=st.text(max_size=300))
def test_nesting_check_never_raises_on_any_text(text: str) -> None:
    problem = nesting_problem(text, "any.py")
    assert problem is None or problem.kind in ("parse-error", "too-complex")
