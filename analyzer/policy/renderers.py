"""Which formats `check` and `diff` can write, and the function that renders each."""

from __future__ import annotations

from collections.abc import Callable

from analyzer.policy.annotations import (
    render_check_github,
    render_check_gitlab,
    render_diff_github,
)
from analyzer.policy.check import CheckResult
from analyzer.policy.diff import ScopeDiff
from analyzer.policy.json_output import render_check_json, render_diff_json
from analyzer.policy.markdown import render_check_markdown, render_diff_markdown
from analyzer.policy.sarif import render_check_sarif
from analyzer.policy.text import check_verdict, diff_verdict, render_check_text, render_diff_text

__all__ = [
    "CHECK_FORMATS",
    "CHECK_RENDERERS",
    "DIFF_FORMATS",
    "DIFF_RENDERERS",
    "check_verdict",
    "diff_verdict",
    "render_check_markdown",
    "render_diff_markdown",
]

CHECK_RENDERERS: dict[str, Callable[[CheckResult], str]] = {
    "text": render_check_text,
    "json": render_check_json,
    "sarif": render_check_sarif,
    "markdown": render_check_markdown,
    "github": render_check_github,
    "gitlab": render_check_gitlab,
}
DIFF_RENDERERS: dict[str, Callable[[ScopeDiff], str]] = {
    "text": render_diff_text,
    "json": render_diff_json,
    "markdown": render_diff_markdown,
    "github": render_diff_github,
}
CHECK_FORMATS = tuple(CHECK_RENDERERS)
DIFF_FORMATS = tuple(DIFF_RENDERERS)
