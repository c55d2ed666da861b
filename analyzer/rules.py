"""Load and validate the detection rules in `rules/` (HTTP clients and the FreshBooks SDK).

Rules are data: which callables send HTTP requests and where their method and URL come from.
Every problem is a `RuleError` with `file:line` and the key path, e.g.
`rules/http/httpx.yaml:14: calls[1].url: unknown key 'kwargs'`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import RuleError
from analyzer.resources import rules_dir
from analyzer.yamlio import LineDict, LineList, YamlError, load_yaml

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


@dataclass(frozen=True, slots=True)
class ArgSpec:
    """Where a value is passed: a positional index and/or a keyword."""

    arg: int | None = None
    kwarg: str | None = None
    strings_only: bool = False


@dataclass(frozen=True, slots=True)
class MethodSpec:
    from_callee_name: bool = False
    fixed: str | None = None
    source: ArgSpec | None = None
    default: str | None = None
    with_data: str | None = None


@dataclass(frozen=True, slots=True)
class ClientRule:
    id: str
    description: str
    constructors: tuple[str, ...]
    base_url: ArgSpec | None
    join: str  # "append" (httpx) or "urljoin"
    verbs_call: str | None
    requested_scopes: ArgSpec | None


@dataclass(frozen=True, slots=True)
class CallRule:
    id: str
    description: str
    callee: tuple[str, ...]
    receiver: tuple[str, ...]
    methods: tuple[str, ...]
    method: MethodSpec | None
    url: ArgSpec | None
    data: ArgSpec | None
    no_request: bool


@dataclass(frozen=True, slots=True)
class SdkAction:
    method: str
    path: str


@dataclass(frozen=True, slots=True)
class SdkRule:
    id: str
    description: str
    package: str
    client: tuple[str, ...]
    client_methods: Mapping[str, SdkAction]
    no_request: tuple[str, ...]
    requested_scopes: Mapping[str, ArgSpec]
    resources: Mapping[str, Mapping[str, SdkAction]]


@dataclass(frozen=True, slots=True)
class RuleExample:
    source_file: str
    line: int
    code: str
    expect: tuple[tuple[str, str], ...] | None  # None for a no-match example


@dataclass(frozen=True, slots=True)
class RuleSet:
    clients: Mapping[str, ClientRule]
    calls: tuple[CallRule, ...]
    sdks: tuple[SdkRule, ...]
    examples: tuple[RuleExample, ...]
    files: tuple[str, ...]

    def library_tops(self) -> frozenset[str]:
        """Top-level package names of every library the rules describe."""
        names = {q.split(".")[0] for rule in self.clients.values() for q in rule.constructors}
        names |= {q.split(".")[0] for rule in self.calls for q in rule.callee}
        names |= {sdk.package.split(".")[0] for sdk in self.sdks}
        return frozenset(names)

    def constructor_rule(self, qualname: str) -> ClientRule | None:
        for rule in self.clients.values():
            if qualname in rule.constructors:
                return rule
        return None

    def callee_rule(self, qualname: str) -> CallRule | None:
        for rule in self.calls:
            if qualname in rule.callee:
                return rule
        return None

    def receiver_rule(self, client_id: str, method: str) -> CallRule | None:
        for rule in self.calls:
            if client_id in rule.receiver and method in rule.methods:
                return rule
        return None

    def sdk_for_client(self, qualname: str) -> SdkRule | None:
        for sdk in self.sdks:
            if qualname in sdk.client:
                return sdk
        return None


# ------------------------------------------------------------------ validation helpers


class _Reader:
    """Validates one file's data, remembering the file for error messages."""

    def __init__(self, display: str) -> None:
        self.display = display

    def fail(self, container: Any, key: Any, path: str, message: str) -> RuleError:
        line = None
        if isinstance(container, LineDict):
            line = container.line_of(key)
        elif isinstance(container, LineList) and isinstance(key, int):
            line = container.line_of(key)
        return RuleError(f"{path}: {message}", self.display, line)

    def mapping(self, value: Any, parent: Any, key: Any, path: str) -> LineDict:
        if not isinstance(value, LineDict):
            raise self.fail(parent, key, path, f"expected a mapping, got {_kind(value)}")
        return value

    def keys(
        self, data: LineDict, path: str, allowed: Iterable[str], required: Iterable[str]
    ) -> None:
        allowed_set = set(allowed)
        for key in data:
            if key not in allowed_set:
                hint = difflib.get_close_matches(str(key), sorted(allowed_set), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise self.fail(data, key, f"{path}.{key}", f"unknown key{extra}")
        for key in required:
            if key not in data:
                raise RuleError(f"{path}: missing required key '{key}'", self.display, data.line)

    def string(self, data: LineDict, key: str, path: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(data, key, f"{path}.{key}", f"expected a string, got {_kind(value)}")
        return value

    def strings(self, data: LineDict, key: str, path: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(data, key, f"{path}.{key}", "expected a list of strings")
        return tuple(value)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "nothing" if value is None else type(value).__name__


def _arg_spec(reader: _Reader, data: Any, parent: Any, key: str, path: str) -> ArgSpec:
    spec = reader.mapping(data, parent, key, path)
    reader.keys(spec, path, ("arg", "kwarg", "strings-only"), ())
    arg = spec.get("arg")
    if arg is not None and (not isinstance(arg, int) or isinstance(arg, bool) or arg < 0):
        raise reader.fail(spec, "arg", f"{path}.arg", "expected a non-negative integer")
    kwarg = spec.get("kwarg")
    if kwarg is not None and not isinstance(kwarg, str):
        raise reader.fail(spec, "kwarg", f"{path}.kwarg", "expected a string")
    return ArgSpec(arg, kwarg, bool(spec.get("strings-only", False)))


def _http_method(reader: _Reader, data: LineDict, key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in HTTP_METHODS:
        raise reader.fail(data, key, f"{path}.{key}", f"unknown HTTP method {value!r}")
    return value.upper()


def _method_spec(reader: _Reader, data: Any, parent: Any, path: str) -> MethodSpec:
    spec = reader.mapping(data, parent, "method", path)
    reader.keys(spec, path, ("from", "fixed", "arg", "kwarg", "default", "with-data"), ())
    origin = spec.get("from")
    if origin is not None and origin != "callee-name":
        raise reader.fail(spec, "from", f"{path}.from", "the only supported value is 'callee-name'")
    source = None
    if "arg" in spec or "kwarg" in spec:
        plain = LineDict({k: spec[k] for k in ("arg", "kwarg") if k in spec})
        plain.line, plain.key_lines = spec.line, spec.key_lines
        source = _arg_spec(reader, plain, spec, "arg", path)
    return MethodSpec(
        from_callee_name=origin == "callee-name",
        fixed=_http_method(reader, spec, "fixed", path),
        source=source,
        default=_http_method(reader, spec, "default", path),
        with_data=_http_method(reader, spec, "with-data", path),
    )


_CLIENT_KEYS = (
    "id",
    "description",
    "constructors",
    "base-url",
    "join",
    "verbs-call",
    "requested-scopes",
)
_CALL_KEYS = (
    "id",
    "description",
    "callee",
    "receiver",
    "methods",
    "method",
    "url",
    "data",
    "no-request",
)


def _client_rule(reader: _Reader, data: LineDict, path: str) -> ClientRule:
    reader.keys(data, path, _CLIENT_KEYS, ("id", "description", "constructors"))
    join = reader.string(data, "join", path, "append")
    if join not in ("append", "urljoin"):
        raise reader.fail(data, "join", f"{path}.join", "expected 'append' or 'urljoin'")
    base = data.get("base-url")
    scopes = data.get("requested-scopes")
    verbs_call = data.get("verbs-call")
    return ClientRule(
        id=reader.string(data, "id", path),
        description=reader.string(data, "description", path),
        constructors=reader.strings(data, "constructors", path),
        base_url=_arg_spec(reader, base, data, "base-url", f"{path}.base-url") if base else None,
        join=join,
        verbs_call=reader.string(data, "verbs-call", path) if verbs_call is not None else None,
        requested_scopes=(
            _arg_spec(reader, scopes, data, "requested-scopes", f"{path}.requested-scopes")
            if scopes
            else None
        ),
    )


def _call_rule(
    reader: _Reader, data: LineDict, path: str, clients: Mapping[str, ClientRule]
) -> CallRule:
    reader.keys(data, path, _CALL_KEYS, ("id", "description"))
    callee, receiver = reader.strings(data, "callee", path), reader.strings(data, "receiver", path)
    if bool(callee) == bool(receiver):
        raise RuleError(
            f"{path}: give exactly one of 'callee' or 'receiver'", reader.display, data.line
        )
    for client_id in receiver:
        if client_id not in clients:
            raise reader.fail(data, "receiver", f"{path}.receiver", f"unknown client '{client_id}'")
    no_request = bool(data.get("no-request", False))
    if not no_request and ("method" not in data or "url" not in data):
        raise RuleError(
            f"{path}: a request rule needs 'method' and 'url'", reader.display, data.line
        )

    def optional_arg(key: str) -> ArgSpec | None:
        return _arg_spec(reader, data[key], data, key, f"{path}.{key}") if key in data else None

    return CallRule(
        id=reader.string(data, "id", path),
        description=reader.string(data, "description", path),
        callee=callee,
        receiver=receiver,
        methods=reader.strings(data, "methods", path),
        method=_method_spec(reader, data["method"], data, f"{path}.method")
        if "method" in data
        else None,
        url=optional_arg("url"),
        data=optional_arg("data"),
        no_request=no_request,
    )


def _sdk_action(reader: _Reader, data: Any, parent: Any, key: str, path: str) -> SdkAction:
    spec = reader.mapping(data, parent, key, path)
    reader.keys(spec, path, ("method", "path", "note"), ("method", "path"))
    method = _http_method(reader, spec, "method", path)
    route = reader.string(spec, "path", path)
    if not route.startswith("/"):
        raise reader.fail(spec, "path", f"{path}.path", "a path must start with '/'")
    assert method is not None
    return SdkAction(method, route)


def _sdk_rule(reader: _Reader, data: LineDict, path: str) -> SdkRule:
    allowed = (
        "id",
        "description",
        "package",
        "client",
        "client_methods",
        "no_request",
        "requested_scopes",
        "resources",
    )
    reader.keys(data, path, allowed, ("id", "package", "client", "resources"))
    methods_data = reader.mapping(
        data.get("client_methods", LineDict()), data, "client_methods", path
    )
    client_methods = {
        name: _sdk_action(reader, spec, methods_data, name, f"{path}.client_methods.{name}")
        for name, spec in methods_data.items()
    }
    scopes_data = reader.mapping(
        data.get("requested_scopes", LineDict()), data, "requested_scopes", path
    )
    requested = {
        name: _arg_spec(reader, spec, scopes_data, name, f"{path}.requested_scopes.{name}")
        for name, spec in scopes_data.items()
    }
    return SdkRule(
        id=reader.string(data, "id", path),
        description=reader.string(data, "description", path, ""),
        package=reader.string(data, "package", path),
        client=reader.strings(data, "client", path),
        client_methods=client_methods,
        no_request=reader.strings(data, "no_request", path),
        requested_scopes=requested,
        resources=_sdk_resources(reader, data, path),
    )


def _sdk_resources(reader: _Reader, data: LineDict, path: str) -> dict[str, dict[str, SdkAction]]:
    resources = reader.mapping(data["resources"], data, "resources", path)
    out: dict[str, dict[str, SdkAction]] = {}
    for name, spec in resources.items():
        where = f"{path}.resources.{name}"
        resource = reader.mapping(spec, resources, name, where)
        reader.keys(resource, where, ("id_kind", "actions", "note"), ("actions",))
        actions = reader.mapping(resource["actions"], resource, "actions", where)
        out[str(name)] = {
            str(action): _sdk_action(
                reader, action_spec, actions, action, f"{where}.actions.{action}"
            )
            for action, action_spec in actions.items()
        }
    return out


def _examples(reader: _Reader, data: Any, parent: LineDict) -> list[RuleExample]:
    if not isinstance(data, LineList):
        raise reader.fail(parent, "examples", "examples", "expected a list")
    out: list[RuleExample] = []
    for index, item in enumerate(data):
        path = f"examples[{index}]"
        example = reader.mapping(item, data, index, path)
        reader.keys(example, path, ("match", "no-match", "expect"), ())
        if ("match" in example) == ("no-match" in example):
            raise RuleError(
                f"{path}: give exactly one of 'match' or 'no-match'", reader.display, example.line
            )
        expect: tuple[tuple[str, str], ...] | None = None
        if "match" in example:
            pairs = example.get("expect")
            if (
                not isinstance(pairs, list)
                or not pairs
                or not all(
                    isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                    for p in pairs
                )
            ):
                raise reader.fail(
                    example, "expect", f"{path}.expect", "expected a list of [METHOD, path] pairs"
                )
            expect = tuple((m.upper(), p) for m, p in pairs)
        code = example.get("match", example.get("no-match"))
        if not isinstance(code, str):
            raise reader.fail(example, "match", path, "expected the example's code as a string")
        out.append(RuleExample(reader.display, example.line, code, expect))
    return out


# ------------------------------------------------------------------ loading


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path, display: str) -> LineDict:
    try:
        data = load_yaml(path)
    except YamlError as error:
        raise RuleError(error.message, display, error.line) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(f"cannot read rule file: {error}", display) from None
    if not isinstance(data, LineDict):
        raise RuleError("a rule file must be a mapping", display, 1)
    return data


def _check_schema(reader: _Reader, data: LineDict) -> None:
    reader.keys(data, "<file>", ("schema", "clients", "calls", "sdk", "examples"), ("schema",))
    if data["schema"] != 1:
        raise reader.fail(
            data, "schema", "schema", f"unsupported schema {data['schema']!r} (supported: 1)"
        )


def _list(reader: _Reader, data: LineDict, key: str) -> LineList:
    value = data.get(key, LineList())
    if not isinstance(value, LineList):
        raise reader.fail(data, key, key, "expected a list")
    return value


def _each_mapping(reader: _Reader, items: LineList, key: str) -> Iterable[tuple[str, LineDict]]:
    for index, item in enumerate(items):
        path = f"{key}[{index}]"
        yield path, reader.mapping(item, items, index, path)


def load_rules(directories: Iterable[Path] | None = None) -> RuleSet:
    """Load every `*.yaml` under the built-in rules directory plus `directories`."""
    roots = [rules_dir(), *(directories or ())]
    files = sorted({f for root in roots for f in _yaml_files(root)})
    clients: dict[str, ClientRule] = {}
    pending: list[tuple[_Reader, str, LineDict]] = []
    sdks: list[SdkRule] = []
    examples: list[RuleExample] = []
    for path in files:
        display = _display(path, path.parents[1] if len(path.parents) > 1 else path.parent)
        reader, data = _Reader(display), _read(path, display)
        _check_schema(reader, data)
        _collect(reader, data, clients, pending, sdks, examples)
    calls = [_call_rule(reader, item, where, clients) for reader, where, item in pending]
    _check_unique(calls, clients)
    return RuleSet(
        clients, tuple(calls), tuple(sdks), tuple(examples), tuple(str(f) for f in files)
    )


def _collect(
    reader: _Reader,
    data: LineDict,
    clients: dict[str, ClientRule],
    pending: list[tuple[_Reader, str, LineDict]],
    sdks: list[SdkRule],
    examples: list[RuleExample],
) -> None:
    for where, item in _each_mapping(reader, _list(reader, data, "clients"), "clients"):
        rule = _client_rule(reader, item, where)
        if rule.id in clients:
            raise reader.fail(item, "id", f"{where}.id", f"duplicate client id '{rule.id}'")
        clients[rule.id] = rule
    pending.extend(
        (reader, where, item)
        for where, item in _each_mapping(reader, _list(reader, data, "calls"), "calls")
    )
    if "sdk" in data:
        sdks.append(_sdk_rule(reader, reader.mapping(data["sdk"], data, "sdk", "sdk"), "sdk"))
    if "examples" in data:
        examples.extend(_examples(reader, data["examples"], data))


def _check_unique(calls: list[CallRule], clients: Mapping[str, ClientRule]) -> None:
    seen: set[str] = set(clients)
    for rule in calls:
        if rule.id in seen:
            raise RuleError(f"duplicate rule id '{rule.id}'")
        seen.add(rule.id)


def _yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise RuleError(f"rules directory not found: {root}")
    return sorted(p for p in root.rglob("*.yaml") if p.is_file())


RuleLoader = Callable[[Iterable[Path] | None], RuleSet]
