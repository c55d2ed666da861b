"""`python -m analyzer` runs the fbscopes command line."""

import os
import sys

# `python -m` puts the current directory first on sys.path; when that directory is the
# repository being scanned, its own `typer.py` or `yaml.py` would shadow our dependencies.
# The `analyzer` package itself is already imported, so the entry can go.
if sys.path and sys.path[0] in ("", ".", os.getcwd()):
    del sys.path[0]

from analyzer.cli import main

if __name__ == "__main__":
    main()
