"""`fbscopes check` end to end: missing, excess, unresolved, legacy, bad names, formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.policy import facts
from tests.policy.helpers import invoke, line_of, module, pyproject, write_files
from tests.policy.test_suppressions import validate_sarif

CODE = module(facts.ME, facts.CLIENTS_LIST, facts.INVOICES_CREATE)
NEEDED = sorted({*facts.ME.scopes, *facts.CLIENTS_LIST.scopes, *facts.INVOICES_CREATE.scopes})


def project(tmp_path: Path, scopes: list[str] | None, code: str = CODE, **keys: str) -> Path:
    files = {"pyproject.toml": pyproject(scopes, **keys), "app.py": code}
    return write_files(tmp_path, files)


def check_json(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = invoke(["check", "-f", "json", *args], path)
    assert result.stdout, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return result.exit_code, data


def test_all_granted_passes(tmp_path: Path) -> None:
    code, data = check_json(project(tmp_path, NEEDED))
    assert (code, data["ok"], data["failures"]) == (0, True, [])
    assert data["required_scopes"] == NEEDED
    assert data["missing"] == data["excess"] == []


def test_a_missing_scope_fails_and_names_each_call(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s not in facts.INVOICES_CREATE.scopes]
    path = project(tmp_path, granted)
    result = invoke(["check"], path)
    assert result.exit_code == 1
    line = line_of(CODE, "invoices/invoices")
    assert result.stdout.splitlines()[0] == "fbscopes check: FAILED (1 missing scope)"
    assert "user:invoices:write" in result.stdout
    assert f"app.py:{line}:" in result.stdout
    assert "add user:invoices:write to `scopes` in pyproject.toml" in result.stdout
    _, data = check_json(path)
    (missing,) = data["missing"]
    assert missing["scope"] == "user:invoices:write"
    assert [(c["path"], c["line"], c["method"]) for c in missing["calls"]] == [
        ("app.py", line, "POST")
    ]


def test_profile_read_is_granted_to_every_app(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s != facts.DEFAULT_SCOPE]
    code, data = check_json(project(tmp_path, granted))
    assert (code, data["missing"]) == (0, [])


def test_excess_scopes_are_reported_and_fail_only_when_asked(tmp_path: Path) -> None:
    path = project(tmp_path, [*NEEDED, "user:expenses:read"])
    code, data = check_json(path)
    assert (code, data["excess"]) == (0, [{"scope": "user:expenses:read", "line": 9}])
    assert line_of((path / "pyproject.toml").read_text(), "user:expenses:read") == 9
    code, data = check_json(path, "--fail-on", "excess")
    assert (code, data["failures"]) == (1, ["excess"])


def test_fail_on_from_the_config_and_the_flag_overrides_it(tmp_path: Path) -> None:
    path = project(tmp_path, [*NEEDED, "user:expenses:read"], **{"fail-on": '["excess"]'})
    assert check_json(path)[0] == 1
    assert check_json(path, "--fail-on", "unresolved")[0] == 0


def test_unresolved_calls_are_listed_and_fail_only_when_asked(tmp_path: Path) -> None:
    path = project(tmp_path, NEEDED, CODE + "\n" + module(facts.WEBHOOK_REGISTER, name="hook"))
    code, data = check_json(path)
    assert code == 0
    assert [(c["method"], c["via"]) for c in data["unresolved"]] == [
        ("POST", "requests-module-verb")
    ]
    assert "Unresolved calls (1)" in invoke(["check"], path).stdout
    assert check_json(path, "--fail-on", "unresolved")[0] == 1


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (
            "user:client:read",
            "unknown scope 'user:client:read' (did you mean 'user:clients:read'?)",
        ),
        ("user:invoice:write", "(did you mean 'user:invoices:write'?)"),
        (facts.NONEXISTENT, "does not exist (nonexistent)"),
        (facts.DISPUTED, "does not exist (disputed-probably-nonexistent)"),
    ],
)
def test_bad_scope_names_are_usage_errors_with_file_and_line(
    tmp_path: Path, scope: str, message: str
) -> None:
    path = project(tmp_path, [*NEEDED, scope])
    result = invoke(["check"], path)
    assert result.exit_code == 2
    line = line_of((path / "pyproject.toml").read_text(), f'"{scope}"')
    assert f"pyproject.toml:{line}: " in result.stderr
    assert message in result.stderr


def test_malformed_scope_names_point_at_the_scopes_key(tmp_path: Path) -> None:
    path = project(tmp_path, [*NEEDED, "user:clients"])
    result = invoke(["check"], path)
    assert result.exit_code == 2
    line = line_of((path / "pyproject.toml").read_text(), "scopes = [")
    assert (
        f"pyproject.toml:{line}: tool.fbscopes.scopes: 'user:clients' is not a scope name"
        in result.stderr
    )


def test_every_bad_name_is_reported_at_once(tmp_path: Path) -> None:
    result = invoke(["check"], project(tmp_path, ["user:client:read", facts.NONEXISTENT]))
    assert result.exit_code == 2
    assert "user:client:read" in result.stderr and facts.NONEXISTENT in result.stderr


def test_misspelt_granted_flag(tmp_path: Path) -> None:
    result = invoke(["check", "--granted", "user:client:read"], project(tmp_path, NEEDED))
    assert result.exit_code == 2
    assert "did you mean 'user:clients:read'?" in result.stderr


def test_legacy_scope_is_explained_with_the_granular_replacement(tmp_path: Path) -> None:
    path = project(tmp_path, [facts.LEGACY])
    code, data = check_json(path)
    assert (code, data["missing"], data["excess"][0]["scope"]) == (0, [], facts.LEGACY)
    (note,) = data["notes"]
    assert note["kind"] == "legacy"
    assert "before October 2021" in note["message"]
    assert ", ".join(NEEDED) in note["message"]
    assert "Note: admin:all:legacy is the blanket scope" in invoke(["check"], path).stdout


def test_granted_flag_overrides_the_config(tmp_path: Path) -> None:
    path = project(tmp_path, NEEDED)
    code, data = check_json(path, "--granted", "user:clients:read,user:invoices:write")
    assert code == 0 and data["granted"]["source"] == "--granted"
    code, data = check_json(path, "--granted", "user:clients:read")
    assert [m["scope"] for m in data["missing"]] == ["user:invoices:write"]


def test_no_granted_scopes_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(["check"], project(tmp_path, None))
    assert result.exit_code == 2
    assert "no granted scopes to check against" in result.stderr


def test_parse_errors_fail_only_when_asked(tmp_path: Path) -> None:
    path = project(tmp_path, NEEDED)
    (path / "broken.py").write_text("print 'python 2'\n")
    assert check_json(path)[0] == 0
    code, data = check_json(path, "--fail-on", "parse-error")
    assert (code, data["failures"]) == (1, ["parse-error"])


def test_config_keys_reach_check(tmp_path: Path) -> None:
    """include/exclude, extra-hosts, max-file-size, catalogue and format from [tool.fbscopes]."""
    staging = "api.staging.example.com"
    code = (
        module(facts.CLIENTS_LIST)
        + f'\n\ndef staging():\n    return requests.get("https://{staging}/auth/api/v1/users/me")\n'
    )
    keys = {
        "exclude": '["legacy/"]',
        "extra-hosts": f'["{staging}"]',
        "catalogue": '"freshbooks@2023-09"',
        "format": '"json"',
        "max-file-size": '"4kB"',
    }
    path = project(tmp_path, ["user:clients:read"], code, **keys)
    write_files(
        path,
        {
            "legacy/old.py": module(facts.EXPENSES_CREATE),
            "big.py": module(facts.TAXES_LIST) + "#" * 5000,
        },
    )
    result = invoke(["check"], path)
    data = json.loads(result.stdout)  # format = "json" from the config
    assert data["report"]["catalogue"]["version"] == "2023-09"
    # the staging call to /users/me counts (profile:read, granted to every app); the excluded
    # directory and the oversized file do not
    assert data["required_scopes"] == ["user:clients:read", "user:profile:read"]
    assert result.exit_code == 0
    flags = invoke(["check", "-f", "text", "--max-file-size", "1MB", "--exclude", "nothing"], path)
    assert (
        flags.exit_code == 1
        and "user:taxes:read" in flags.stdout
        and "user:expenses:write" in flags.stdout
    )


def test_markdown_output(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s not in facts.INVOICES_CREATE.scopes] + ["user:taxes:read"]
    result = invoke(["check", "-f", "markdown"], project(tmp_path, granted))
    assert result.exit_code == 1
    text = result.stdout
    assert text.startswith("## :x: fbscopes check: FAILED")
    assert "| `user:invoices:write` | **missing** (403) | 1 |" in text
    assert "| `user:taxes:read` | excess (not needed) | 0 | - |" in text
    assert f"`app.py#L{line_of(CODE, 'invoices/invoices')}`" in text


def test_github_output_annotates_calls_and_writes_the_step_summary(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s not in facts.INVOICES_CREATE.scopes] + ["user:taxes:read"]
    path = project(tmp_path, granted)
    summary = tmp_path / "summary.md"
    result = invoke(["check", "-f", "github"], path, env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    line = line_of(CODE, "invoices/invoices")
    assert lines[0].startswith(f"::error file=app.py,line={line},col=")
    assert "user%3Ainvoices%3Awrite" in lines[0] and "403 Forbidden" in lines[0]
    taxes = line_of((path / "pyproject.toml").read_text(), "user:taxes:read")
    assert (
        f"::warning file=pyproject.toml,line={taxes},title=fbscopes%3A excess scope"
        in result.stdout
    )
    assert lines[-1].startswith("fbscopes check: FAILED (1 missing scope)")
    assert summary.read_text().startswith("## :x: fbscopes check: FAILED")


def test_sarif_output_is_valid_and_carries_policy_results(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s not in facts.INVOICES_CREATE.scopes] + ["user:taxes:read"]
    path = project(tmp_path, granted)
    result = invoke(["check", "-f", "sarif"], path)
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    validate_sarif(log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    by_rule = {r["ruleId"]: r for r in run["results"] if r["ruleId"].startswith("policy/")}
    missing = by_rule["policy/missing-scope"]
    assert missing["level"] == "error"
    assert rule_ids[missing["ruleIndex"]] == "policy/missing-scope"
    region = missing["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(CODE, "invoices/invoices")
    assert by_rule["policy/excess-scope"]["level"] == "warning"
    assert run["properties"]["policy"]["missingScopes"] == ["user:invoices:write"]


def test_gitlab_output(tmp_path: Path) -> None:
    granted = [s for s in NEEDED if s not in facts.INVOICES_CREATE.scopes]
    result = invoke(["check", "-f", "gitlab"], project(tmp_path, granted))
    issues = json.loads(result.stdout)
    missing = [i for i in issues if i["check_name"] == "fbscopes/policy/missing-scope"]
    assert [i["severity"] for i in missing] == ["critical"]
    prints = [i["fingerprint"] for i in issues]
    assert len(prints) == len(set(prints))


def test_bad_names_in_a_standalone_config_or_the_manifest(tmp_path: Path) -> None:
    path = project(tmp_path, None)
    (path / "fbscopes.toml").write_text('scopes = [\n  "user:client:read",\n]\n')
    result = invoke(["check", "--config", "fbscopes.toml"], path)
    assert result.exit_code == 2
    assert "fbscopes.toml:2: scopes: unknown scope 'user:client:read'" in result.stderr
    manifest = "version: 1\ncatalogue: freshbooks@2026-09\nscopes:\n  user:invoice:write:\n"
    (path / "freshbooks-scopes.yaml").write_text(manifest)
    result = invoke(["check"], path)
    assert result.exit_code == 2
    assert "freshbooks-scopes.yaml:4: scopes: unknown scope 'user:invoice:write'" in result.stderr
