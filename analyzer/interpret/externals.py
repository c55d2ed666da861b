"""Calls into code outside the scanned tree: HTTP clients (from the rules), the SDK, and the
few standard-library helpers that build strings (`urljoin`, `os.environ.get`, `partial`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer import strings
from analyzer.interpret.frames import Event
from analyzer.rules import ArgSpec, CallRule, ClientRule, SdkRule
from analyzer.values import (
    NONE,
    BoundExternal,
    ClassRef,
    Client,
    Dict,
    External,
    Hole,
    Instance,
    Num,
    Partial,
    SdkClient,
    SdkResource,
    Seq,
    Str,
    Super,
    Unknown,
    Value,
    alternatives,
    as_str,
    choice,
    is_param,
    lit,
    normalize,
    truthy_literal,
)

if TYPE_CHECKING:
    from analyzer.interpret.base import InterpreterBase as Interpreter
    from analyzer.interpret.frames import Frame, Site

FRESHBOOKS_SDK_HOST = "https://api.freshbooks.com"
_ENV_GETTERS = ("os.environ.get", "os.getenv", "os.environ.setdefault")
_URLJOIN = ("urllib.parse.urljoin", "urlparse.urljoin", "posixpath.join")
_PARTIAL = ("functools.partial",)


def call_external(
    interp: Interpreter,
    func: Value,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    """Model a call to something that is not a project function."""
    if isinstance(func, BoundExternal):
        return _bound_call(interp, func, args, kwargs, site, frame)
    if isinstance(func, External):
        return _external_call(interp, func.qualname, args, kwargs, site, frame)
    if isinstance(func, Unknown):
        return Unknown("result of an unknown call", func.param, label=func.label)
    return Unknown("call")


def argument(spec: ArgSpec | None, args: Sequence[Value], kwargs: dict[str, Value]) -> Value | None:
    if spec is None:
        return None
    if spec.kwarg is not None and spec.kwarg in kwargs:
        return kwargs[spec.kwarg]
    if spec.arg is not None and spec.arg < len(args):
        return args[spec.arg]
    if spec.arg is not None and "*" in kwargs:
        return Unknown("from *args", is_param(kwargs["*"]))
    if "**" in kwargs:
        return Unknown("from **kwargs", is_param(kwargs["**"]))
    return None


# ------------------------------------------------------------------ externals by name


def _external_call(
    interp: Interpreter,
    qualname: str,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    rules = interp.rules
    client_rule = rules.constructor_rule(qualname)
    if client_rule is not None:
        return _new_client(interp, client_rule, args, kwargs, site, frame)
    call_rule = rules.callee_rule(qualname)
    if call_rule is not None:
        return _http_call(
            interp, call_rule, qualname.split(".")[-1], args, kwargs, None, site, frame
        )
    sdk = rules.sdk_for_client(qualname)
    if sdk is not None:
        return SdkClient(sdk.id)
    return _stdlib_call(interp, qualname, args, kwargs, frame)


def _stdlib_call(
    interp: Interpreter, qualname: str, args: list[Value], kwargs: dict[str, Value], frame: Frame
) -> Value:
    if qualname in _PARTIAL and args:
        return Partial(args[0], tuple(args[1:]), tuple(sorted(kwargs.items())))
    if qualname in _URLJOIN and len(args) >= 2:
        return strings.urljoin(args[0], args[1])
    if qualname in _ENV_GETTERS:
        default = args[1] if len(args) > 1 else kwargs.get("default")
        if default is not None and truthy_literal(default) is not False:
            return default  # the documented default stands for the production value
        return Unknown("environment variable", label=_env_label(args))
    if qualname == "builtins.str" and args:
        return as_str(args[0])
    if qualname == "builtins.type" and args:
        return choice(
            [
                ClassRef(v.cls) if isinstance(v, Instance) else Unknown("type")
                for v in alternatives(args[0])
            ]
        )
    if qualname == "builtins.super":
        self_value = frame.env.get(frame.self_name or "", NONE)
        return Super(frame.cls, self_value) if frame.cls else Unknown("super")
    if (
        qualname == "builtins.getattr"
        and len(args) >= 2
        and isinstance(args[1], Str)
        and args[1].literal
    ):
        return interp.get_attr(args[0], args[1].literal, frame)
    return Unknown(f"call to {qualname}", any(is_param(a) for a in args))


def _env_label(args: Sequence[Value]) -> str:
    if args and isinstance(args[0], Str) and args[0].literal:
        return args[0].literal
    return "environment"


def _new_client(
    interp: Interpreter,
    rule: ClientRule,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    base = argument(rule.base_url, args, kwargs) if rule.base_url else None
    scopes = argument(rule.requested_scopes, args, kwargs) if rule.requested_scopes else None
    if scopes is not None:
        _record_requested(interp, rule.id, scopes, site, frame)
    return Client(rule.id, base)


def _record_requested(
    interp: Interpreter, rule_id: str, scopes: Value, site: Site, frame: Frame
) -> None:
    interp.record(Event("requested", rule_id, (site,), NONE, scopes), frame)


# ------------------------------------------------------------------ bound methods


def _bound_call(
    interp: Interpreter,
    func: BoundExternal,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    obj, name = func.obj, func.name
    if isinstance(obj, Client):
        return _client_method(interp, obj, name, args, kwargs, site, frame)
    if isinstance(obj, SdkResource):
        return _sdk_resource_call(interp, obj, name, site, frame)
    if isinstance(obj, SdkClient):
        return _sdk_client_call(interp, obj, name, args, kwargs, site, frame)
    if isinstance(obj, Str):
        return _str_call(obj, name, args, kwargs)
    if isinstance(obj, Dict):
        return _dict_call(obj, name, args)
    if isinstance(obj, Seq) and name in ("copy",):
        return obj
    return Unknown(f"method {name}", is_param(obj))


def _client_method(
    interp: Interpreter,
    client: Client,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    rules = interp.rules
    rule = rules.receiver_rule(client.rule, name)
    client_rule = rules.clients[client.rule]
    verbs_call = client_rule.verbs_call
    if (
        rule is not None
        and client.instance is not None
        and verbs_call
        and name != verbs_call
        and rule.method is not None
        and rule.method.from_callee_name
    ):
        override = interp.get_attr(client, verbs_call, frame)
        if not isinstance(override, BoundExternal):
            return interp.call_value(override, [lit(name.upper()), *args], kwargs, site, frame)
    if rule is None:
        return client if name in ("__enter__", "__aenter__") else Unknown(f"{name} result")
    return _http_call(interp, rule, name, args, kwargs, client, site, frame)


def _http_call(
    interp: Interpreter,
    rule: CallRule,
    callee_name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    client: Client | None,
    site: Site,
    frame: Frame,
) -> Value:
    if rule.no_request:
        return Unknown("no request")
    url = argument(rule.url, args, kwargs)
    if url is None:
        return Unknown("request without URL")
    if (
        rule.url is not None
        and rule.url.strings_only
        and not all(isinstance(v, (Str, Unknown)) for v in alternatives(url))
    ):
        return Unknown("response")
    method = _method_value(rule, callee_name, args, kwargs)
    client_rule = interp.rules.clients.get(client.rule) if client is not None else None
    join = client_rule.join if client_rule is not None else "append"
    base = client.base if client is not None else None
    interp.record(Event("http", rule.id, (site,), method, url, base, join), frame)
    if (
        rule.callee
        and not rule.receiver
        and rule.data is not None
        and rule.url
        and not rule.url.strings_only
    ):
        return External(f"{rule.id}:object")  # a request object (urllib Request), not a URL
    return Unknown("response")


def _method_value(
    rule: CallRule, callee_name: str, args: list[Value], kwargs: dict[str, Value]
) -> Value:
    spec = rule.method
    assert spec is not None
    if spec.fixed:
        return lit(spec.fixed)
    if spec.from_callee_name:
        return lit(callee_name.upper())
    value = argument(spec.source, args, kwargs)
    if value is not None and not (isinstance(value, Num) and value.value is None):
        return value
    data = argument(rule.data, args, kwargs)
    has_data = data is not None and not (isinstance(data, Num) and data.value is None)
    if has_data and spec.with_data:
        return lit(spec.with_data)
    return lit(spec.default) if spec.default else Unknown("method")


# ------------------------------------------------------------------ SDK


def _sdk(interp: Interpreter, sdk_id: str) -> SdkRule:
    return next(s for s in interp.rules.sdks if s.id == sdk_id)


def _sdk_resource_call(
    interp: Interpreter, resource: SdkResource, action: str, site: Site, frame: Frame
) -> Value:
    sdk = _sdk(interp, resource.sdk)
    spec = sdk.resources.get(resource.resource, {}).get(action)
    if spec is None:
        return Unknown(f"{resource.resource}.{action}")
    url = _sdk_url(spec.path)
    interp.record(Event("http", sdk.id, (site,), lit(spec.method), url), frame)
    return Unknown("sdk result")


def _sdk_client_call(
    interp: Interpreter,
    client: SdkClient,
    name: str,
    args: list[Value],
    kwargs: dict[str, Value],
    site: Site,
    frame: Frame,
) -> Value:
    sdk = _sdk(interp, client.sdk)
    if name in sdk.requested_scopes:
        scopes = argument(sdk.requested_scopes[name], args, kwargs)
        if scopes is not None:
            _record_requested(interp, sdk.id, scopes, site, frame)
    if name in sdk.no_request:
        return Unknown("no request")
    spec = sdk.client_methods.get(name)
    if spec is None:
        return Unknown(f"sdk {name}")
    interp.record(Event("http", sdk.id, (site,), lit(spec.method), _sdk_url(spec.path)), frame)
    return Unknown("sdk result")


def _sdk_url(path: str) -> Value:
    """The SDK's path template as a string value whose placeholders are holes."""
    parts: list[str | Hole] = [FRESHBOOKS_SDK_HOST]
    for index, chunk in enumerate(path.replace("}", "{").split("{")):
        parts.append(Hole(chunk) if index % 2 else chunk)
    return Str(normalize(parts))


# ------------------------------------------------------------------ str and dict methods


def _str_call(obj: Str, name: str, args: list[Value], kwargs: dict[str, Value]) -> Value:
    if name == "format":
        star = kwargs.get("**")
        named = {k: v for k, v in kwargs.items() if k != "**"}
        return strings.format_template(obj, args, named, star)
    if name == "join" and args:
        return strings.join(obj, args[0])
    modelled = strings.str_method(obj, name, args)
    if modelled is not None:
        return modelled
    if name in ("startswith", "endswith"):
        return Unknown("bool")
    return Unknown(f"str.{name}")


def _dict_call(obj: Dict, name: str, args: list[Value]) -> Value:
    if name == "items":
        return Seq(tuple(Seq((k, v)) for k, v in obj.items))
    if name == "values":
        return Seq(tuple(v for _, v in obj.items))
    if name == "keys":
        return Seq(tuple(k for k, _ in obj.items))
    if name == "get" and args and isinstance(args[0], Str):
        for key, value in obj.items:
            if isinstance(key, Str) and key.literal == args[0].literal:
                return value
        return args[1] if len(args) > 1 else NONE
    return Unknown(f"dict.{name}")
