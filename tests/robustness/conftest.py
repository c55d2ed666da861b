"""Every robustness test gets its own cache directory (never the user's, never shared)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fbscopes-cache")


@pytest.fixture(autouse=True)
def _private_cache_per_test(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> None:
    monkeypatch.setenv("FBSCOPES_CACHE_DIR", str(cache_dir))
