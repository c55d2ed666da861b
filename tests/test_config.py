"""Tests for `analyzer.config`: discovery, parsing, overrides and located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.config import (
    FAIL_ON_CHOICES,
    FORMAT_CHOICES,
    Config,
    find_config_file,
    load_config,
    normalize_host,
    parse_config_table,
    parse_size,
    suggest_scope,
    validate_scope,
)
from analyzer.errors import ConfigError

FULL_TABLE = """\
[project]
name = "demo"

[tool.fbscopes]
scopes = ["user:profile:read", "user:clients:read", "admin:all:legacy"]
catalogue = "freshbooks@2026-09"
include = ["src/**/*.py"]
exclude = [
    "tests/**",
    "build/**",
]
extra-hosts = ["API.Staging.Example.com", "api.sandbox.example.com."]
fail-on = ["missing", "parse-error"]
format = "sarif"
max-file-size = "2MB"
manifest = "config/scopes.yaml"
follow-symlinks = true
jobs = 4
cache-dir = ".cache/fbscopes"
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from tmp_path so display paths are short and predictable."""
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, name: str = "pyproject.toml") -> ConfigError:
    """Load `text` as the project's config file and return the ConfigError it raises."""
    write(tmp_path / name, text)
    explicit = None if name == "pyproject.toml" else tmp_path / name
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, explicit)
    return caught.value


def table(body: str) -> str:
    return f'[project]\nname = "demo"\n\n[tool.fbscopes]\n{body}'


# --------------------------------------------------------------------------- discovery


def test_nearest_pyproject_is_found_walking_up(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", table("jobs = 1\n"))
    nearer = write(tmp_path / "pkg" / "pyproject.toml", table("jobs = 2\n"))
    start = tmp_path / "pkg" / "src" / "deep"
    start.mkdir(parents=True)
    assert find_config_file(start) == nearer.resolve()
    config = load_config(start)
    assert config.jobs == 2
    assert config.source == "pkg/pyproject.toml"


def test_start_may_be_a_file(tmp_path: Path) -> None:
    found = write(tmp_path / "pyproject.toml", table("jobs = 1\n"))
    module = write(tmp_path / "src" / "app.py", "")
    assert find_config_file(module) == found.resolve()


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", table("jobs = 3\n"))
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "inner"\n[tool.black]\n')
    assert find_config_file(tmp_path / "pkg") == outer.resolve()
    assert load_config(tmp_path / "pkg").jobs == 3


def test_unrelated_broken_pyproject_is_skipped(tmp_path: Path) -> None:
    outer = write(tmp_path / "pyproject.toml", table("jobs = 3\n"))
    write(tmp_path / "pkg" / "pyproject.toml", "[project\nname = \n")
    assert find_config_file(tmp_path / "pkg") == outer.resolve()


def test_git_directory_stops_the_walk(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", table("jobs = 3\n"))
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "src").mkdir()
    assert find_config_file(tmp_path / "repo" / "src") is None
    assert load_config(tmp_path / "repo" / "src") == Config()


def test_git_directory_itself_is_checked(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    found = write(tmp_path / "repo" / "pyproject.toml", table("jobs = 5\n"))
    assert find_config_file(tmp_path / "repo" / "src") == found.resolve()


def test_git_file_of_a_worktree_is_a_boundary(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", table("jobs = 3\n"))
    write(tmp_path / "wt" / ".git", "gitdir: /elsewhere\n")
    assert find_config_file(tmp_path / "wt") is None


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path)
    assert config == Config()
    assert config.source is None
    assert config.scopes is None
    assert config.include == ()
    assert config.follow_symlinks is False


# --------------------------------------------------------------------------- explicit --config


def test_explicit_pyproject_wins_over_discovery(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", table("jobs = 1\n"))
    other = write(tmp_path / "conf" / "pyproject.toml", table('format = "json"\n'))
    config = load_config(tmp_path, other)
    assert config.format == "json"
    assert config.jobs is None
    assert config.source == "conf/pyproject.toml"


def test_explicit_standalone_toml_holds_keys_at_top_level(tmp_path: Path) -> None:
    path = write(tmp_path / "fbscopes.toml", 'format = "markdown"\nscopes = ["user:a:read"]\n')
    config = load_config(tmp_path, Path("fbscopes.toml"))
    assert config == Config(source="fbscopes.toml", format="markdown", scopes=("user:a:read",))
    assert path.exists()


def test_explicit_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, tmp_path / "nope.toml")
    assert caught.value.render() == "nope.toml: config file not found"


def test_explicit_directory(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, tmp_path / "conf")
    assert caught.value.render() == "conf: config path is a directory, expected a TOML file"


def test_standalone_file_with_tool_table_gets_a_hint(tmp_path: Path) -> None:
    error = error_of(tmp_path, "[tool.fbscopes]\njobs = 1\n", name="fbscopes.toml")
    assert error.render() == (
        "fbscopes.toml:1: tool: unknown key "
        "(a standalone config file holds the keys at its top level)"
    )


def test_explicit_pyproject_without_table(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[project]\nname = "x"\n', name="other/pyproject.toml")
    assert error.render() == "other/pyproject.toml: no [tool.fbscopes] table in this file"


def test_standalone_errors_name_bare_keys(tmp_path: Path) -> None:
    error = error_of(tmp_path, "# fbscopes\n\njobs = 0\n", name="fbscopes.toml")
    assert error.render() == "fbscopes.toml:3: jobs: expected an integer >= 1, got 0"


# --------------------------------------------------------------------------- parsing


def test_every_key_is_parsed(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", FULL_TABLE)
    assert load_config(tmp_path) == Config(
        source="pyproject.toml",
        scopes=("user:profile:read", "user:clients:read", "admin:all:legacy"),
        catalogue="freshbooks@2026-09",
        include=("src/**/*.py",),
        exclude=("tests/**", "build/**"),
        extra_hosts=("api.staging.example.com", "api.sandbox.example.com"),
        fail_on=("missing", "parse-error"),
        format="sarif",
        max_file_size=2_000_000,
        manifest="config/scopes.yaml",
        follow_symlinks=True,
        jobs=4,
        cache_dir=".cache/fbscopes",
    )


def test_empty_table_and_empty_scopes(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.fbscopes]\n")
    assert load_config(tmp_path) == Config(source="pyproject.toml")
    write(tmp_path / "pyproject.toml", "[tool.fbscopes]\nscopes = []\n")
    assert load_config(tmp_path).scopes == ()


def test_dotted_keys_under_tool_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool]\nfbscopes.jobs = 2\nfbscopes.format = "json"\n')
    assert load_config(tmp_path) == Config(source="pyproject.toml", jobs=2, format="json")


def test_catalogue_versions_are_kept_and_paths_resolved(tmp_path: Path) -> None:
    write(tmp_path / "proj" / "pyproject.toml", table('catalogue = "2026-09"\n'))
    assert load_config(tmp_path / "proj").catalogue == "2026-09"
    write(tmp_path / "proj" / "pyproject.toml", table('catalogue = "cat/custom.yaml"\n'))
    assert load_config(tmp_path / "proj").catalogue == "proj/cat/custom.yaml"
    write(tmp_path / "proj" / "pyproject.toml", table('catalogue = "custom.yml"\n'))
    assert load_config(tmp_path / "proj").catalogue == "proj/custom.yml"


def test_paths_are_resolved_against_the_config_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = 'manifest = "scopes.yaml"\ncache-dir = "../cache"\n'
    write(tmp_path / "proj" / "pyproject.toml", table(body))
    monkeypatch.chdir(tmp_path / "proj")
    config = load_config(Path("."))
    assert (config.manifest, config.cache_dir) == ("scopes.yaml", (tmp_path / "cache").as_posix())


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("123", 123),
        ("500kB", 500_000),
        ("2MB", 2_000_000),
        ("2 mb", 2_000_000),
        ("1.5GB", 1_500_000_000),
        ("1MiB", 1_048_576),
        ("4KiB", 4096),
        ("10B", 10),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "MB", "2XB", "-1MB", "0", "0.5B", "1e3", "2 M B"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_integer_max_file_size(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", table("max-file-size = 1_000\n"))
    assert load_config(tmp_path).max_file_size == 1000


def test_normalize_host() -> None:
    assert normalize_host(" API.FreshBooks-Staging.example.com. ") == (
        "api.freshbooks-staging.example.com"
    )
    assert normalize_host("127.0.0.1") == "127.0.0.1"
    for bad in ["", "-bad.example.com", "under_score.com", "a..b", "*.example.com"]:
        with pytest.raises(ValueError):
            normalize_host(bad)


def test_validate_scope() -> None:
    assert validate_scope("user:clients:read") == "user:clients:read"
    assert validate_scope("admin:all:legacy") == "admin:all:legacy"
    for bad in ["", "  ", "profile", "user:clients", "user::read", "user:a:read user:b:read"]:
        with pytest.raises(ValueError):
            validate_scope(bad)


def test_parse_config_table_directly(tmp_path: Path) -> None:
    config = parse_config_table(
        {"jobs": 2, "manifest": "m.yaml"}, source="cfg/pyproject.toml", lines={"jobs": 7}
    )
    assert config == Config(source="cfg/pyproject.toml", jobs=2, manifest="cfg/m.yaml")
    with pytest.raises(ConfigError) as caught:
        parse_config_table({"jobs": "2"}, source="x.toml", lines={"jobs": 7})
    assert caught.value.render() == "x.toml:7: tool.fbscopes.jobs: expected an integer, got str"
    with pytest.raises(ConfigError) as caught:
        parse_config_table({"jobs": "2"}, source="x.toml", lines={}, table_line=3)
    assert caught.value.line == 3


# --------------------------------------------------------------------------- overrides


def test_merged_overrides_only_non_none_values() -> None:
    base = Config(
        source="pyproject.toml",
        format="text",
        fail_on=("missing", "excess"),
        include=("src/**",),
        jobs=4,
        follow_symlinks=True,
    )
    merged = base.merged(format="json", fail_on=["stale"], jobs=None, follow_symlinks=False)
    assert merged.format == "json"
    assert merged.fail_on == ("stale",)  # replaced, not extended
    assert merged.jobs == 4
    assert merged.follow_symlinks is False
    assert merged.include == ("src/**",)
    assert merged.source == "pyproject.toml"
    assert base.format == "text"  # the original is untouched
    assert base.merged() == base


def test_merged_rejects_unknown_field() -> None:
    with pytest.raises(TypeError):
        Config().merged(colour="red")


def test_config_is_frozen_and_slotted() -> None:
    config = Config()
    with pytest.raises(AttributeError):
        config.jobs = 3  # type: ignore[misc]
    assert not hasattr(config, "__dict__")


# --------------------------------------------------------------------------- located errors


def test_unknown_key_suggests_kebab_case(tmp_path: Path) -> None:
    text = table('jobs = 2\n\n# hosts\nextra_hosts = ["a.example.com"]\n')
    error = error_of(tmp_path, text)
    assert error.render() == (
        "pyproject.toml:8: tool.fbscopes.extra_hosts: unknown key (did you mean 'extra-hosts'?)"
    )
    assert (error.path, error.line) == ("pyproject.toml", 8)


def test_unknown_key_with_typo_and_without_match(tmp_path: Path) -> None:
    error = error_of(tmp_path, table('catalog = "2026-09"\n'))
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.catalog: unknown key (did you mean 'catalogue'?)"
    )
    error = error_of(tmp_path, table('"zzz qqq" = 1\n'))
    assert error.render() == 'pyproject.toml:5: tool.fbscopes."zzz qqq": unknown key'


def test_unknown_subtable_points_at_its_header(tmp_path: Path) -> None:
    error = error_of(tmp_path, table("jobs = 1\n\n[tool.fbscopes.rules]\nx = 1\n"))
    assert error.render() == "pyproject.toml:7: tool.fbscopes.rules: unknown key"


def test_wrong_type(tmp_path: Path) -> None:
    error = error_of(tmp_path, table("jobs = 1\nscopes = 3\n"))
    assert error.render() == (
        "pyproject.toml:6: tool.fbscopes.scopes: expected a list of strings, got int"
    )


def test_wrong_item_type_in_multiline_array(tmp_path: Path) -> None:
    text = table('exclude = [\n  "a",\n]\ninclude = [\n  "src",\n  3,\n]\n')
    error = error_of(tmp_path, text)
    assert error.render() == (
        "pyproject.toml:8: tool.fbscopes.include: expected a list of strings, got int (item 2)"
    )


def test_wrong_boolean_type(tmp_path: Path) -> None:
    error = error_of(tmp_path, table('follow-symlinks = "yes"\n'))
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.follow-symlinks: expected true or false, got str"
    )


def test_table_that_is_not_a_table(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[project]\nname = "x"\n[tool]\nfbscopes = 3\n')
    assert error.render() == "pyproject.toml:4: tool.fbscopes: expected a table, got int"


def test_bad_choice_suggests(tmp_path: Path) -> None:
    error = error_of(tmp_path, table('fail-on = ["missing", "mising"]\n'))
    choices = ", ".join(FAIL_ON_CHOICES)
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.fail-on: unknown value 'mising' "
        f"(did you mean 'missing'?); expected one of: {choices}"
    )
    error = error_of(tmp_path, table('jobs = 2\nformat = "jsn"\n'))
    assert error.line == 6
    assert "unknown value 'jsn' (did you mean 'json'?)" in error.message
    assert ", ".join(FORMAT_CHOICES) in error.message


def test_bad_size_string(tmp_path: Path) -> None:
    error = error_of(tmp_path, table('jobs = 2\nmax-file-size = "2 XB"\n'))
    assert error.line == 6
    assert error.message.startswith("tool.fbscopes.max-file-size: invalid size '2 XB'")
    error = error_of(tmp_path, table("max-file-size = 0\n"))
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.max-file-size: expected a size greater than zero, got 0"
    )
    error = error_of(tmp_path, table("max-file-size = 2.5\n"))
    assert error.line == 5
    assert "got float" in error.message


def test_bad_host(tmp_path: Path) -> None:
    error = error_of(
        tmp_path, table('extra-hosts = [\n  "ok.example.com",\n  "https://x.io/v1",\n]\n')
    )
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.extra-hosts: 'https://x.io/v1' is not a bare host name"
        " (did you mean 'x.io'?)"
    )
    error = error_of(tmp_path, table('extra-hosts = ["bad host"]\n'))
    assert error.line == 5
    assert "'bad host' is not a bare host name" in error.message


def test_bad_scope_syntax(tmp_path: Path) -> None:
    error = error_of(tmp_path, table('scopes = ["user:profile:read user:clients:read"]\n'))
    assert error.line == 5
    assert "contains whitespace" in error.message
    error = error_of(tmp_path, table('scopes = [""]\n'))
    assert error.render() == (
        "pyproject.toml:5: tool.fbscopes.scopes: expected a list of strings, "
        "got an empty string (item 1)"
    )


def test_toml_syntax_error_has_its_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, table("jobs = 2\nformat = \n"))
    assert (error.path, error.line) == ("pyproject.toml", 6)
    assert error.message.startswith("invalid TOML: Invalid value")


def test_toml_syntax_error_at_end_of_file(tmp_path: Path) -> None:
    error = error_of(tmp_path, 'format = "json"\nscopes = [\n  "user:a:read",\n', "fb.toml")
    assert (error.path, error.line) == ("fb.toml", 3)
    assert error.message.startswith("invalid TOML: ")
    assert error.message.endswith("(at end of file)")


def test_line_scanner_ignores_strings_and_array_items(tmp_path: Path) -> None:
    text = (
        "[tool.other]\n"
        'doc = """\n'
        "[tool.fbscopes]\n"
        "jobs = 1\n"
        '"""\n'
        "nested = [\n"
        "  [1, 2],\n"
        '  "[tool.fbscopes]",\n'
        "]\n"
        '[ tool . "fbscopes" ]  # the real one\n'
        'format = "json"\n'
        "jobs = -1\n"
    )
    error = error_of(tmp_path, text)
    assert (
        error.render() == "pyproject.toml:12: tool.fbscopes.jobs: expected an integer >= 1, got -1"
    )


def test_inline_table_errors_fall_back_to_its_line(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[project]\nname = "x"\n[tool]\nfbscopes = { jobs = "x" }\n')
    assert error.render() == "pyproject.toml:4: tool.fbscopes.jobs: expected an integer, got str"


# --------------------------------------------------------------------------- suggest_scope


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("user:client:read", "user:clients:read"),
        ("user:clients:raed", "user:clients:read"),
        ("USER:CLIENTS:READ", "user:clients:read"),
        ("user:profile:write", "user:profile:read"),
        ("admin:all:legcy", "admin:all:legacy"),
        ("admin:all", None),  # too short to be close enough
        ("completely:different:thing", None),
    ],
)
def test_suggest_scope(name: str, expected: str | None) -> None:
    known = ["user:clients:read", "user:clients:write", "user:profile:read", "admin:all:legacy"]
    assert suggest_scope(name, known) == expected


def test_suggest_scope_with_nothing_known() -> None:
    assert suggest_scope("user:clients:read", []) is None
