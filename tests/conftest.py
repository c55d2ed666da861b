"""Shared test configuration: fixture files are data, never collected as tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the suite's scan cache out of the user's cache directory (and its subprocesses')."""
    directory = tmp_path_factory.mktemp("fbscopes-cache")
    patcher = pytest.MonkeyPatch()
    patcher.setenv("FBSCOPES_CACHE_DIR", str(directory))
    yield directory
    patcher.undo()
