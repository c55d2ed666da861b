"""The progress bar: only on a terminal, never with -q, never on stdout."""

from __future__ import annotations

import io
import sys

import pytest

import analyzer.progress as progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_quiet_or_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert progress.progress_reporter(quiet=True) is None
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress.progress_reporter(quiet=False) is None


def test_bar_draws_on_stderr_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    report = progress.progress_reporter(quiet=False)
    assert report is not None
    total = progress.MIN_FILES
    for done in range(1, total + 1):
        report(done, total)
    assert capsys.readouterr().out == ""
    assert terminal.getvalue() != ""


def test_small_scans_draw_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    report = progress.progress_reporter(quiet=False)
    assert report is not None
    report(1, 3)
    assert terminal.getvalue() == ""
