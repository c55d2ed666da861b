"""Shared test configuration: fixture files are data, never collected as tests."""

from __future__ import annotations

collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]
