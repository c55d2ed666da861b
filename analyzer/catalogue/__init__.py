"""Versioned FreshBooks scope catalogues: loading, validation and endpoint matching.

::

    cat = load_catalogue()                 # newest built-in version
    cat = load_catalogue("2023-09")        # or "freshbooks@2023-09", or a file path
    result = cat.match("GET", "/accounting/account/{account_id}/users/clients")
    result.endpoint, result.scopes         # scopes None = known endpoint, unknown scope
"""

from __future__ import annotations

from analyzer.catalogue.catalogue import Catalogue
from analyzer.catalogue.loader import (
    BUILTIN_SOURCE,
    DEFAULT_CATALOGUE,
    available_versions,
    load_catalogue,
    load_catalogue_file,
)
from analyzer.catalogue.matcher import normalize_path
from analyzer.catalogue.model import (
    HTTP_METHODS,
    SCOPE_STATUSES,
    UNUSABLE_SCOPE_STATUSES,
    Endpoint,
    MatchResult,
    ScopeInfo,
)

__all__ = [
    "BUILTIN_SOURCE",
    "DEFAULT_CATALOGUE",
    "HTTP_METHODS",
    "SCOPE_STATUSES",
    "UNUSABLE_SCOPE_STATUSES",
    "Catalogue",
    "Endpoint",
    "MatchResult",
    "ScopeInfo",
    "available_versions",
    "load_catalogue",
    "load_catalogue_file",
    "normalize_path",
]
