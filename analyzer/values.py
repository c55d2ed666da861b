"""Abstract values computed by pass 2 (`analyzer.interpret`).

A string is a sequence of literal text and `Hole`s (values unknown statically, named after the
expression they came from). `Choice` holds alternatives (branches, dispatch tables). A hole or
unknown that derives from a parameter of the function being analysed carries `param=True`:
whether the URL is fixed at that function, or only at its callers, depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product

MAX_CHOICES = 12
# A URL longer than this is not a URL anyone wrote: `s = s + s` in a loop, generated data.
MAX_STRING = 4096
MAX_PARTS = 256


@dataclass(frozen=True, slots=True)
class Hole:
    label: str
    param: bool = False


Part = str | Hole


@dataclass(frozen=True, slots=True)
class Str:
    parts: tuple[Part, ...]

    @property
    def literal(self) -> str | None:
        """The text when there are no holes."""
        if all(isinstance(p, str) for p in self.parts):
            return "".join(p for p in self.parts if isinstance(p, str))
        return None


@dataclass(frozen=True, slots=True)
class Num:
    value: int | float | bool | None


@dataclass(frozen=True, slots=True)
class Unknown:
    reason: str
    param: bool = False
    label: str = "value"


@dataclass(frozen=True, slots=True)
class Choice:
    options: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Dict:
    items: tuple[tuple[Value, Value], ...]


@dataclass(frozen=True, slots=True)
class ModuleRef:
    name: str
    external: bool


@dataclass(frozen=True, slots=True)
class External:
    """A symbol outside the scanned tree, by qualified name (`requests.Session`)."""

    qualname: str


@dataclass(frozen=True, slots=True)
class FuncRef:
    qualname: str
    bound: Value | None = None  # `self` (or the class, for classmethods)


@dataclass(frozen=True, slots=True)
class ClassRef:
    qualname: str


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance of a project class, with the attributes its constructor set."""

    cls: str
    attrs: tuple[tuple[str, Value], ...]
    param: bool = False  # came from a parameter annotation, not a constructor call

    def attr(self, name: str) -> Value | None:
        for key, value in self.attrs:
            if key == name:
                return value
        return None


@dataclass(frozen=True, slots=True)
class Client:
    """An HTTP client object from a detection rule (`requests.Session()`, `httpx.Client(...)`)."""

    rule: str
    base: Value | None
    instance: Instance | None = None  # set when it is a project subclass of the client class


@dataclass(frozen=True, slots=True)
class SdkClient:
    sdk: str
    param: bool = False


@dataclass(frozen=True, slots=True)
class SdkResource:
    sdk: str
    resource: str


@dataclass(frozen=True, slots=True)
class Partial:
    func: Value
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class Super:
    cls: str
    self_value: Value


@dataclass(frozen=True, slots=True)
class BoundExternal:
    """A method looked up on a value we model natively (`"..".format`, `d.items`)."""

    obj: Value
    name: str


@dataclass(frozen=True, slots=True)
class LazyRef:
    """`from module import name` where `module` has not been summarised yet."""

    module: str
    name: str


Value = (
    Str
    | Num
    | Unknown
    | Choice
    | Seq
    | Dict
    | ModuleRef
    | External
    | FuncRef
    | ClassRef
    | Instance
    | Client
    | SdkClient
    | SdkResource
    | Partial
    | Super
    | BoundExternal
    | LazyRef
)

NONE = Num(None)


def lit(text: str) -> Str:
    return Str((text,) if text else ())


def choice(options: list[Value] | tuple[Value, ...]) -> Value:
    """Alternatives, flattened and de-duplicated; too many become `Unknown`."""
    flat: list[Value] = []
    for option in options:
        for item in option.options if isinstance(option, Choice) else (option,):
            if item not in flat:
                flat.append(item)
    if not flat:
        return Unknown("no value")
    if len(flat) == 1:
        return flat[0]
    if len(flat) > MAX_CHOICES:
        return Unknown("too many alternatives", param=any(is_param(v) for v in flat))
    return Choice(tuple(flat))


def alternatives(value: Value) -> tuple[Value, ...]:
    return value.options if isinstance(value, Choice) else (value,)


def is_param(value: Value) -> bool:
    """Whether the value depends on a parameter of the function being analysed."""
    if isinstance(value, Unknown):
        return value.param
    if isinstance(value, Str):
        return any(isinstance(p, Hole) and p.param for p in value.parts)
    if isinstance(value, Choice):
        return any(is_param(v) for v in value.options)
    if isinstance(value, Client):
        return value.base is not None and is_param(value.base)
    if isinstance(value, Instance):
        return value.param
    if isinstance(value, SdkClient):
        return value.param
    return False


def normalize(parts: list[Part] | tuple[Part, ...]) -> tuple[Part, ...]:
    """Merge adjacent literal parts and drop empty ones."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if out and isinstance(out[-1], str):
                out[-1] = out[-1] + part
                continue
        out.append(part)
    return tuple(out)


def as_str(value: Value, label: str = "value") -> Value:
    """Coerce to a string value (alternatives kept); unknowns become a single hole."""
    if isinstance(value, Str):
        return value
    if isinstance(value, Choice):
        return choice([as_str(v, label) for v in value.options])
    if isinstance(value, Num) and value.value is not None and not isinstance(value.value, bool):
        return lit(str(value.value))
    if isinstance(value, Unknown):
        return Str((Hole(value.label if value.label != "value" else label, value.param),))
    return Str((Hole(label, is_param(value)),))


def concat(values: list[Value]) -> Value:
    """String concatenation over alternatives (bounded)."""
    strings = [alternatives(as_str(v)) for v in values]
    combos = 1
    for options in strings:
        combos *= len(options)
    if combos > MAX_CHOICES:
        return Unknown("too many alternatives", param=any(is_param(v) for v in values))
    results: list[Value] = []
    for combo in product(*strings):
        parts: list[Part] = []
        for piece in combo:
            if isinstance(piece, Str):
                parts.extend(piece.parts)
            else:
                parts.append(Hole("value", is_param(piece)))
        joined = normalize(parts)
        if len(joined) > MAX_PARTS or _length(joined) > MAX_STRING:
            return Unknown("string too long to track", param=any(is_param(v) for v in values))
        results.append(Str(joined))
    return choice(results)


def _length(parts: tuple[Part, ...]) -> int:
    return sum(len(p) if isinstance(p, str) else 1 for p in parts)


def truthy_literal(value: Value) -> bool | None:
    """Python truthiness when statically known."""
    if isinstance(value, Str):
        text = value.literal
        if text is not None:
            return bool(text)
        return True if any(isinstance(p, str) and p for p in value.parts) else None
    if isinstance(value, Num):
        return bool(value.value)
    if isinstance(value, (Seq, Dict)):
        return bool(value.items)
    return None
