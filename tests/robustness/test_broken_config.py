"""Issue 4.3: a broken catalogue, rules directory or config file is exit 2 with `file:line`.

Every case runs the real command line and checks: exit code 2, `fbscopes: error:
FILE:LINE: KEY.PATH: ...` on stderr, no traceback, no report on stdout. YAML is only ever
loaded safely: a `!!python/...` tag is an error and is never executed (the file it would
create never appears), and no module of the analyser calls an unsafe PyYAML loader.
"""

from __future__ import annotations

import json
import os
import pickle
import re
from pathlib import Path

import pytest

from analyzer.api import Settings, analyze
from analyzer.errors import AnalyzerError, CatalogueError, RuleError
from analyzer.yamlio import YamlError, parse_yaml
from tests.robustness.helpers import GOOD_SOURCE, REPO, run_cli, write_tree

CATALOGUE = """\
schema: 1
catalogue: mine
version: "2099-01"
hosts: [api.freshbooks.com]
scopes:
  user:profile:read:
    description: Read the signed-in identity.
    status: exists
endpoints:
  - id: identity_me
    path: /auth/api/v1/users/me
    methods:
      GET: ['user:profile:read']
    confidence: documented
    sources: [https://www.freshbooks.com/api/me_endpoint]
"""

RULE = """\
schema: 1
calls:
  - id: my-get
    description: mylib.fetch(url) sends a GET.
    callee: [mylib.fetch]
    method: {fixed: GET}
    url: {arg: 0, kwarg: url}
"""


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def expect_usage_error(
    tmp_path: Path, cache_dir: Path, args: list[str], where: str, *parts: str, near: int = 0
) -> str:
    """Exit 2 and `fbscopes: error: WHERE: ...` (WHERE is `file:line`, or just `file`).

    With `near`, the line may be up to `near` lines after the one in WHERE (a YAML parser
    reports a missing bracket where it notices it, on a later line).
    """
    run = run_cli(args, cwd=tmp_path, cache_dir=cache_dir, guard_roots=[tmp_path / "repo"])
    assert run.returncode == 2, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr
    assert run.stdout == ""
    if near:
        file, line = where.rsplit(":", 1)
        found = re.search(rf"fbscopes: error: {re.escape(file)}:(\d+): ", run.stderr)
        assert found and 0 <= int(found.group(1)) - int(line) <= near, run.stderr
    else:
        assert f"fbscopes: error: {where}: " in run.stderr, run.stderr
    for part in parts:
        assert part in run.stderr, (part, run.stderr)
    assert run.guard_events == []
    return run.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", {"good.py": GOOD_SOURCE})


def test_the_valid_catalogue_works(tmp_path: Path, cache_dir: Path, repo: Path) -> None:
    """The baseline every broken variant below starts from."""
    write_tree(tmp_path / "cat", {"2099-01.yaml": CATALOGUE})
    run = run_cli(
        ["scan", "repo", "--format", "json", "--catalogue", "cat/2099-01.yaml"],
        cwd=tmp_path,
        cache_dir=cache_dir,
    )
    assert run.returncode == 0, run.stderr
    assert run.json()["required_scopes"] == ["user:profile:read"]


CATALOGUE_CASES = {
    "bad-yaml": (
        CATALOGUE.replace("[api.freshbooks.com]", "[api.freshbooks.com"),
        "hosts:",
        ("invalid YAML",),
    ),
    "unknown-key": (
        CATALOGUE.replace("    confidence:", "    colour: blue\n    confidence:"),
        "colour",
        ("endpoints[0].colour", "unknown key"),
    ),
    "wrong-type": (
        CATALOGUE.replace("GET: ['user:profile:read']", "GET: 5"),
        "GET: 5",
        ("endpoints[0].methods.GET",),
    ),
    "undeclared-scope": (
        CATALOGUE.replace("GET: ['user:profile:read']", "GET: ['user:profle:read']"),
        "GET:",
        ("endpoints[0].methods.GET[0]", "user:profle:read"),
    ),
    "top-level-type": (
        CATALOGUE.replace("hosts: [api.freshbooks.com]", "hosts: 7"),
        "hosts: 7",
        ("hosts",),
    ),
    "deep-nesting": (
        CATALOGUE.replace("[api.freshbooks.com]", "[" * 5000 + "]" * 5000),
        "hosts:",
        ("YAML",),
    ),
}


@pytest.mark.parametrize("case", sorted(CATALOGUE_CASES))
def test_broken_catalogue(tmp_path: Path, cache_dir: Path, repo: Path, case: str) -> None:
    text, needle, parts = CATALOGUE_CASES[case]
    write_tree(tmp_path / "cat", {"2099-01.yaml": text})
    where = f"cat/2099-01.yaml:{line_of(text, needle)}"
    args = ["scan", "repo", "--format", "json", "--catalogue", "cat/2099-01.yaml"]
    expect_usage_error(tmp_path, cache_dir, args, where, *parts, near=int(case == "bad-yaml"))


def test_catalogue_that_is_not_utf8(tmp_path: Path, cache_dir: Path, repo: Path) -> None:
    write_tree(tmp_path / "cat", {"2099-01.yaml": b"schema: 1\nversion: '\xff\xfe'\n"})
    args = ["scan", "repo", "--catalogue", "cat/2099-01.yaml"]
    expect_usage_error(tmp_path, cache_dir, args, "cat/2099-01.yaml", "UTF-8")


RULE_CASES = {
    "bad-yaml": (
        RULE.replace("callee: [mylib.fetch]", "callee: [mylib.fetch"),
        "callee:",
        ("invalid YAML",),
    ),
    "unknown-key": (
        RULE.replace("kwarg: url", "kwargs: url"),
        "url:",
        ("calls[0].url.kwargs", "unknown key"),
    ),
    "wrong-type": (RULE.replace("arg: 0", "arg: zero"), "url:", ("calls[0].url.arg",)),
    "unknown-client": (
        RULE.replace("callee: [mylib.fetch]", "receiver: [no-such-client]\n    methods: [get]"),
        "receiver:",
        ("calls[0].receiver", "no-such-client"),
    ),
    "bad-method": (
        RULE.replace("fixed: GET", "fixed: FETCH"),
        "method:",
        ("calls[0].method.fixed", "FETCH"),
    ),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_broken_rules(tmp_path: Path, cache_dir: Path, repo: Path, case: str) -> None:
    text, needle, parts = RULE_CASES[case]
    write_tree(tmp_path / "myrules", {"mylib.yaml": text})
    where = f"myrules/mylib.yaml:{line_of(text, needle)}"
    args = ["scan", "repo", "--format", "json", "--rules", "myrules"]
    expect_usage_error(tmp_path, cache_dir, args, where, *parts, near=int(case == "bad-yaml"))


CONFIG_CASES = {
    "bad-toml": ('format = "json\n', "format", ("invalid TOML",)),
    "unknown-key": ('format = "json"\nfromat = "json"\n', "fromat", ("fromat", "unknown key")),
    "wrong-type": ('format = "json"\nmax-file-size = true\n', "max-file-size", ("max-file-size",)),
    "wrong-value": ('format = "xml"\n', "format", ("format", "unknown value 'xml'")),
    "bad-scope": ('scopes = ["user clients read"]\n', "scopes", ("scopes",)),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_broken_config(tmp_path: Path, cache_dir: Path, repo: Path, case: str) -> None:
    text, needle, parts = CONFIG_CASES[case]
    write_tree(tmp_path, {"fbscopes.toml": text})
    args = ["scan", "repo", "--config", "fbscopes.toml"]
    expect_usage_error(tmp_path, cache_dir, args, f"fbscopes.toml:{line_of(text, needle)}", *parts)


def test_broken_pyproject_table_names_the_key_path(
    tmp_path: Path, cache_dir: Path, repo: Path
) -> None:
    text = '[project]\nname = "x"\n\n[tool.fbscopes]\nformat = "json"\nexclude = "build"\n'
    write_tree(repo, {"pyproject.toml": text})
    where = f"repo/pyproject.toml:{line_of(text, 'exclude')}"
    expect_usage_error(tmp_path, cache_dir, ["scan", "repo"], where, "tool.fbscopes.exclude")


def test_config_scope_missing_from_the_catalogue(
    tmp_path: Path, cache_dir: Path, repo: Path
) -> None:
    """An undeclared scope in the config is caught where scopes are used: `check`."""
    text = 'scopes = ["user:profile:read", "user:nothing:read"]\n'
    write_tree(tmp_path, {"fbscopes.toml": text})
    args = ["check", "repo", "--config", "fbscopes.toml"]
    expect_usage_error(tmp_path, cache_dir, args, "fbscopes.toml:1", "user:nothing:read")


# --------------------------------------------------------------------------- unsafe YAML

PAYLOADS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
    '!!python/object/new:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_python_tags_in_a_catalogue_are_never_executed(
    tmp_path: Path, cache_dir: Path, repo: Path, payload: str
) -> None:
    marker = tmp_path / "pwned"
    tagged = payload.format(marker=marker)
    text = CATALOGUE.replace("hosts: [api.freshbooks.com]", f"hosts: {tagged}")
    write_tree(tmp_path / "cat", {"2099-01.yaml": text})
    args = ["scan", "repo", "--catalogue", "cat/2099-01.yaml"]
    expect_usage_error(tmp_path, cache_dir, args, "cat/2099-01.yaml:4", "YAML")
    assert not marker.exists()


@pytest.mark.parametrize("payload", PAYLOADS[:2])
def test_python_tags_in_rules_are_never_executed(
    tmp_path: Path, cache_dir: Path, repo: Path, payload: str
) -> None:
    marker = tmp_path / "pwned"
    text = RULE.replace("callee: [mylib.fetch]", f"callee: {payload.format(marker=marker)}")
    write_tree(tmp_path / "myrules", {"mylib.yaml": text})
    args = ["scan", "repo", "--rules", "myrules"]
    expect_usage_error(tmp_path, cache_dir, args, "myrules/mylib.yaml:5", "YAML")
    assert not marker.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_parse_yaml_refuses_python_tags(tmp_path: Path, payload: str) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(YamlError) as info:
        parse_yaml(f"a: 1\nb: {payload.format(marker=marker)}\n")
    assert info.value.line == 2
    assert not marker.exists()


def test_broken_catalogue_and_rules_raise_analyzer_errors_in_process(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cat/2099-01.yaml": CATALOGUE.replace("GET: ['user:profile:read']", "GET: 5"),
            "rules/mylib.yaml": RULE.replace("arg: 0", "arg: zero"),
            "good.py": GOOD_SOURCE,
        },
    )
    with pytest.raises(CatalogueError) as catalogue:
        analyze([tmp_path / "good.py"], Settings(catalogue=str(tmp_path / "cat/2099-01.yaml")))
    assert catalogue.value.line == line_of(CATALOGUE, "GET:")
    with pytest.raises(RuleError) as rules:
        analyze([tmp_path / "good.py"], Settings(rules_dirs=(tmp_path / "rules",)))
    assert rules.value.line == line_of(RULE, "url:")
    assert isinstance(rules.value, AnalyzerError)


_UNSAFE_YAML = re.compile(
    r"yaml\.(?:load|load_all|unsafe_load|unsafe_load_all|full_load|full_load_all)\s*\("
    r"|\b(?:Full|Unsafe|CFull|CUnsafe)Loader\b"
    r"|\byaml\.C?Loader\b"
    r"|Loader\s*=\s*(?:yaml\.)?C?Loader\b"
)


def test_no_unsafe_yaml_loading_anywhere_in_the_analyser() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in sorted((REPO / "analyzer").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _UNSAFE_YAML.search(line)
    ]
    assert offenders == []


def test_the_unsafe_yaml_pattern_catches_what_it_should() -> None:
    bad = [
        "yaml.load(text)",
        "yaml.load(t, Loader=yaml.Loader)",
        "yaml.unsafe_load(t)",
        "yaml.full_load(t)",
        "Loader=yaml.FullLoader",
        "yaml.load_all(t, Loader=Loader)",
    ]
    good = [
        "yaml.safe_load(t)",
        "yaml.safe_dump(d)",
        'getattr(yaml, "CSafeLoader", yaml.SafeLoader)',
    ]
    assert all(_UNSAFE_YAML.search(line) for line in bad)
    assert not any(_UNSAFE_YAML.search(line) for line in good)


# --------------------------------------------------------------------------- the cache


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_scanned_config_cannot_make_the_scan_unpickle_its_files(
    tmp_path: Path, cache_dir: Path
) -> None:
    marker = tmp_path / "pwned"
    repo = write_tree(
        tmp_path / "repo",
        {
            "pyproject.toml": '[tool.fbscopes]\ncache-dir = ".cache-in-repo"\n',
            "good.py": GOOD_SOURCE,
        },
    )
    first = run_cli(
        ["scan", "repo", "--format", "json"], cwd=tmp_path, cache_dir=cache_dir, guard_roots=[repo]
    )
    assert first.returncode == 0, first.stderr
    planted = list((repo / ".cache-in-repo").rglob("*.pickle"))
    for path in planted:  # what a hostile repository would commit
        path.write_bytes(pickle.dumps(_Payload(marker)))
    second = run_cli(["scan", "repo", "--format", "json"], cwd=tmp_path, cache_dir=cache_dir)
    assert not marker.exists(), "the scan unpickled a file from the scanned repository"
    # The only writes were the cache the repository asked for; its files are signed with a
    # per-user key kept outside the tree, so the planted pickles were never loaded.
    assert all(".cache-in-repo" in str(event) for event in first.guard_events), first.guard_events
    assert second.returncode == 0
    assert (
        json.loads(second.stdout)["required_scopes"] == json.loads(first.stdout)["required_scopes"]
    )
