"""The small, picklable IR that pass 1 (summarize) produces and pass 2 (evaluate) consumes.

Expressions keep only what URL/method resolution needs; anything else becomes `Opaque`.
Statements keep control flow coarsely (branches, loops, with, try) so that values assigned in
different branches become alternatives. No libcst objects ever appear here.
"""

from __future__ import annotations

from dataclasses import dataclass

# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Const:
    value: str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Name:
    id: str


@dataclass(frozen=True, slots=True)
class Attr:
    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Arg:
    value: Expr
    keyword: str | None = None
    star: int = 0  # 1 for *args, 2 for **kwargs


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Arg, ...]
    line: int
    column: int
    text: str  # the callee's source text, for traces and messages


@dataclass(frozen=True, slots=True)
class FString:
    parts: tuple[str | Expr, ...]


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  # "%" or "|" ("+" chains become FString; other operators are Opaque)
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "or" | "and"
    values: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class IfExp:
    body: Expr
    orelse: Expr


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple[Expr, ...]
    is_list: bool = False


@dataclass(frozen=True, slots=True)
class DictExpr:
    items: tuple[tuple[Expr | None, Expr], ...]  # None key means **spread


@dataclass(frozen=True, slots=True)
class Subscript:
    obj: Expr
    index: Expr


@dataclass(frozen=True, slots=True)
class Comprehension:
    """`[elt for target in iter ...]`: calls inside `elt` are evaluated once per element."""

    elt: Expr
    target: Target
    iter: Expr
    is_generator: bool


@dataclass(frozen=True, slots=True)
class Lambda:
    params: Params
    body: Expr


@dataclass(frozen=True, slots=True)
class Opaque:
    """An expression whose value does not matter, with the calls nested inside it."""

    calls: tuple[Expr, ...] = ()


Expr = (
    Const
    | Name
    | Attr
    | Call
    | FString
    | BinOp
    | BoolOp
    | IfExp
    | TupleExpr
    | DictExpr
    | Subscript
    | Comprehension
    | Lambda
    | Opaque
)

# ---------------------------------------------------------------- assignment targets


@dataclass(frozen=True, slots=True)
class NameTarget:
    id: str


@dataclass(frozen=True, slots=True)
class AttrTarget:
    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class TupleTarget:
    items: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class IgnoredTarget:
    pass


Target = NameTarget | AttrTarget | TupleTarget | IgnoredTarget

# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Assign:
    targets: tuple[Target, ...]
    value: Expr
    annotation: Expr | None = None
    augmented: str | None = None  # "+" for `x += ...`


@dataclass(frozen=True, slots=True)
class ExprStmt:
    value: Expr


@dataclass(frozen=True, slots=True)
class Return:
    value: Expr | None
    is_yield: bool = False


@dataclass(frozen=True, slots=True)
class If:
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class For:
    target: Target
    iter: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class While:
    test: Expr
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class With:
    items: tuple[tuple[Expr, Target | None], ...]
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Try:
    body: tuple[Stmt, ...]
    handlers: tuple[tuple[Stmt, ...], ...]
    orelse: tuple[Stmt, ...]
    final: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Import:
    """`import a.b as c` / `from .x import y as z` / `from m import *`."""

    module: str  # absolute dotted name after resolving relative dots ("" if unresolvable)
    names: tuple[tuple[str, str], ...]  # (imported name, local alias); ("*", "*") for star
    is_from: bool


@dataclass(frozen=True, slots=True)
class DefStmt:
    """A nested `def` or `class`: binds `name` to the function/class `qualname`."""

    name: str
    qualname: str


Stmt = Assign | ExprStmt | Return | If | For | While | With | Try | Import | DefStmt

# ---------------------------------------------------------------- definitions


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    default: Expr | None
    annotation: Expr | None
    kind: str = "pos"  # pos | kwonly | star | starstar | posonly


@dataclass(frozen=True, slots=True)
class Params:
    items: tuple[Param, ...]


@dataclass(frozen=True, slots=True)
class Function:
    qualname: str  # "module.Class.method" or "module.func" or "module.outer.<locals>.inner"
    name: str
    params: Params
    body: tuple[Stmt, ...]
    line: int
    column: int
    class_qualname: str | None
    decorators: tuple[Expr, ...]
    is_property: bool
    is_static: bool
    is_classmethod: bool
    returns: Expr | None


@dataclass(frozen=True, slots=True)
class Class:
    qualname: str
    name: str
    bases: tuple[Expr, ...]
    body: tuple[Stmt, ...]  # class-level statements (attributes); methods are in `methods`
    methods: tuple[tuple[str, str], ...]  # (name, function qualname)
    line: int


@dataclass(frozen=True, slots=True)
class Comment:
    """A `# fbscopes:` directive comment."""

    line: int
    text: str
    own_line: bool  # the comment stands alone on its line (applies to the next code line)


@dataclass(frozen=True, slots=True)
class ModuleSummary:
    """Everything pass 2 needs to know about one module."""

    module: str
    path: str
    is_package: bool
    body: tuple[Stmt, ...]
    functions: tuple[Function, ...]
    classes: tuple[Class, ...]
    comments: tuple[Comment, ...]
    code_lines: tuple[int, ...]  # first line of every simple statement (for "next code line")
