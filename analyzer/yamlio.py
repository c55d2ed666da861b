"""Safe YAML loading that remembers where every value came from.

`load_yaml` only ever uses PyYAML's SafeLoader: a `!!python/object` tag is an error, never
an object. Mappings come back as `LineDict` and sequences as `LineList`; both record the
1-based line of each key or item so validators can say `file:line: key.path: problem`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode


class YamlError(Exception):
    """Unparseable or unsafe YAML, with the 1-based line of the problem when known."""

    def __init__(self, message: str, line: int | None) -> None:
        self.message = message
        self.line = line
        super().__init__(message)


class LineDict(dict[Any, Any]):
    """A dict that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# libyaml's parser when PyYAML was built with it (much faster); the constructors stay safe.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader whose mappings and sequences carry line numbers."""


def _construct_mapping(loader: _LineLoader, node: MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise YamlError("mapping keys must be plain scalars", key_node.start_mark.line + 1)
        if key in result:
            raise YamlError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _line_of(error: yaml.YAMLError) -> int | None:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return None if mark is None else int(mark.line) + 1


def parse_yaml(text: str) -> Any:
    """Parse one YAML document safely. Raises `YamlError` with a line on any problem."""
    loader = _LineLoader(text)
    try:
        node: Node | None = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    except ConstructorError as error:
        raise YamlError(
            f"unsupported YAML tag or value: {error.problem}", _line_of(error)
        ) from None
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error)
        raise YamlError(f"invalid YAML: {problem}", _line_of(error)) from None
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    """Read and safely parse a YAML file (UTF-8). Raises `OSError` or `YamlError`."""
    return parse_yaml(path.read_text(encoding="utf-8"))
