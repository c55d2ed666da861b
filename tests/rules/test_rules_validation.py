"""Broken rule files fail with `file:line`, the key path and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import RuleError
from analyzer.rules import load_rules

GOOD_CALL = """\
schema: 1
calls:
  - id: my-get
    description: my_http.get(url)
    callee: [my_http.get]
    method: {from: callee-name}
    url: {arg: 0}
"""


def _load(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "extra"
    folder.mkdir(exist_ok=True)
    (folder / "custom.yaml").write_text(text, encoding="utf-8")
    load_rules([folder])


def test_extra_rules_are_loaded(tmp_path: Path) -> None:
    folder = tmp_path / "extra"
    folder.mkdir()
    (folder / "custom.yaml").write_text(GOOD_CALL, encoding="utf-8")
    assert load_rules([folder]).callee_rule("my_http.get") is not None


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("schema: 2\n", 1, "schema: unsupported schema 2"),
        ("schema: 1\ncalls: {}\n", 2, "calls: expected a list"),
        (
            GOOD_CALL.replace("url: {arg: 0}", "url: {args: 0}"),
            7,
            "calls[0].url.args: unknown key (did you mean 'arg'?)",
        ),
        (
            GOOD_CALL.replace("{from: callee-name}", "{fixed: FETCH}"),
            6,
            "calls[0].method.fixed: unknown HTTP method 'FETCH'",
        ),
        (
            GOOD_CALL.replace("url: {arg: 0}", "url: {arg: -1}"),
            7,
            "calls[0].url.arg: expected a non-negative integer",
        ),
        (
            GOOD_CALL.replace("callee: [my_http.get]", "receiver: [nope]"),
            5,
            "calls[0].receiver: unknown client 'nope'",
        ),
        (
            GOOD_CALL
            + "  - id: my-get\n    description: again\n    callee: [x.y]\n    no-request: true\n",
            None,
            "duplicate rule id 'my-get'",
        ),
        ("schema: 1\ncalls: [1\n", 3, "invalid YAML"),
        ("schema: 1\nx: !!python/object/apply:os.system ['true']\n", 2, "unsupported YAML tag"),
        (
            "schema: 1\nclients:\n  - id: c\n    description: d\n",
            3,
            "clients[0]: missing required key 'constructors'",
        ),
    ],
)
def test_broken_rule_file(tmp_path: Path, text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(RuleError) as caught:
        _load(tmp_path, text)
    message = caught.value.render()
    assert fragment in message
    if line is not None:
        assert f"custom.yaml:{line}:" in message
