"""fbscopes: find every FreshBooks API call in a Python codebase and the OAuth scopes it needs.

The library API lives in :mod:`analyzer.api`; the command line in :mod:`analyzer.cli`.
"""

__version__ = "0.1.0"
