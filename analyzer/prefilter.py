"""A cheap lexical test of which files can matter, and the imports of every file.

Only files that mention FreshBooks (a host, an API path prefix, the SDK's name) are analysed
in full; files that import them are added (their calls may fix an endpoint), and modules they
import are summarised lazily when resolution follows an import into them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from analyzer.catalogue import Catalogue

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(?P<dots>\.*)(?P<from>[\w.]*)[ \t]+import[ \t]+(?P<names>[^#\n]+)"
    r"|import[ \t]+(?P<modules>[^#\n]+))",
    re.MULTILINE,
)


def trigger_pattern(catalogue: Catalogue, extra_hosts: Iterable[str]) -> re.Pattern[str]:
    """The regex whose presence makes a file relevant."""
    tokens = (
        {"freshbooks"} | {h.lower() for h in catalogue.hosts} | {h.lower() for h in extra_hosts}
    )
    for endpoint in catalogue.endpoints:
        segments = [s for s in endpoint.path.split("/") if s and not s.startswith("{")]
        if len(segments) >= 2:
            tokens.add("/".join(segments[:2]))
    return re.compile("|".join(re.escape(t) for t in sorted(tokens)), re.IGNORECASE)


_PARENTHESISED = re.compile(r"\(([^)]*)\)", re.DOTALL)


def imported_modules(text: str, module: str, is_package: bool) -> tuple[str, ...]:
    """Absolute dotted names a file may import (modules and `module.name` candidates)."""
    found: set[str] = set()
    # `from x import (\n a,\n b,\n)`: fold the parenthesised names onto one line first.
    text = _PARENTHESISED.sub(lambda m: "(" + " ".join(m.group(1).split()) + ")", text)
    for match in _IMPORT.finditer(text):
        if match.group("modules"):
            for part in match.group("modules").split(","):
                name = part.strip().split(" ")[0].strip("()\\ ")
                if name:
                    found.add(name)
            continue
        base = _absolute(match.group("dots") or "", match.group("from") or "", module, is_package)
        if base:
            found.add(base)
        for part in (match.group("names") or "").replace("(", " ").replace(")", " ").split(","):
            name = part.strip().split(" ")[0].strip("\\")
            if name and name != "*":
                found.add(f"{base}.{name}" if base else name)
    return tuple(sorted(found))


def _absolute(dots: str, target: str, module: str, is_package: bool) -> str:
    if not dots:
        return target
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: max(len(parts) - (len(dots) - 1), 0)]
    return ".".join([*parts, target] if target else parts)


def importer_closure(relevant: set[str], imports: Mapping[str, tuple[str, ...]]) -> set[str]:
    """`relevant` plus every module that imports a relevant module, to a fixed point.

    Names are compared by dotted suffix too, so `import billing.api` finds `src.billing.api`.
    """
    result = set(relevant)
    known: set[str] = set()
    for module in result:
        known.update(_suffixes(module))
    changed = True
    while changed:
        changed = False
        for module, names in imports.items():
            if module in result:
                continue
            if any(name in known or name.rsplit(".", 1)[0] in known for name in names):
                result.add(module)
                known.update(_suffixes(module))
                changed = True
    return result


def _suffixes(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[i:]) for i in range(len(parts))]
