"""The floor for any parser-based tool: read and `ast.parse` every `.py` file under a root.

    python bench/astfloor.py ROOT

Prints one JSON object: files, lines, syntax errors. Files that do not parse (the eval cases'
Python 2 and undecodable files) still count: the parser had to read them.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

SKIP = frozenset({".fbscopes_cache", "__pycache__"})


def python_files(root: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory, name)


def parse_all(root: Path) -> dict[str, int]:
    counts = {"files": 0, "lines": 0, "errors": 0}
    for path in python_files(root):
        data = path.read_bytes()
        counts["files"] += 1
        counts["lines"] += data.count(b"\n")
        try:
            ast.parse(data, filename=str(path))
        except (SyntaxError, ValueError):
            counts["errors"] += 1
    return counts


def main() -> None:
    warnings.simplefilter("ignore")  # invalid escape sequences in old code are not our concern
    print(json.dumps(parse_all(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
