"""Pass 1: turn one parsed module into a `ModuleSummary` (see `analyzer.ir`).

Only positions are taken from libcst metadata; names are resolved later, in pass 2, from the
imports recorded here. The conversion is total: any construct it does not model becomes
`Opaque`, keeping the calls nested inside it so no HTTP call is lost.
"""

from __future__ import annotations

import io
import tokenize
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from analyzer import ir


def summarize(
    module: cst.Module, module_name: str, path: str, is_package: bool
) -> ir.ModuleSummary:
    """Summarise a parsed module. `module_name` is its dotted name within the scanned tree."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    converter = _Converter(module_name, is_package, positions, wrapper.module)
    body = converter.block(wrapper.module.body, scope=module_name, class_qualname=None)
    return ir.ModuleSummary(
        module=module_name,
        path=path,
        is_package=is_package,
        body=body,
        functions=tuple(converter.functions),
        classes=tuple(converter.classes),
        comments=(),
        code_lines=(),
    )


def directive_comments(text: str) -> tuple[tuple[ir.Comment, ...], tuple[int, ...]]:
    """`# fbscopes:` comments and the lines that hold code, read with `tokenize`."""
    comments: list[ir.Comment] = []
    code_lines: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT and "fbscopes:" in tok.string:
                own = tok.line[: tok.start[1]].strip() == ""
                comments.append(ir.Comment(tok.start[0], tok.string, own))
            elif tok.type not in skip and tok.type != tokenize.ENDMARKER:
                code_lines.add(tok.start[0])
    except (tokenize.TokenError, SyntaxError):
        pass
    return tuple(comments), tuple(sorted(code_lines))


def _resolve_relative(module_name: str, is_package: bool, level: int, target: str) -> str:
    if level == 0:
        return target
    parts = module_name.split(".")
    if not is_package:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    base = ".".join(parts)
    if base and target:
        return f"{base}.{target}"
    return base or target


def _dotted(node: cst.BaseExpression | cst.ImportFrom | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


class _Converter:
    """Converts statements and expressions of one module; collects defs as it goes."""

    def __init__(
        self,
        module_name: str,
        is_package: bool,
        positions: object,
        module: cst.Module,
    ) -> None:
        self.module_name = module_name
        self.is_package = is_package
        self.positions = positions
        self.module = module
        self.functions: list[ir.Function] = []
        self.classes: list[ir.Class] = []

    # ------------------------------------------------------------ helpers
    def _pos(self, node: cst.CSTNode) -> tuple[int, int]:
        rng = self.positions[node]  # type: ignore[index]
        assert isinstance(rng, CodeRange)
        return rng.start.line, rng.start.column + 1

    def _code(self, node: cst.CSTNode) -> str:
        text = self.module.code_for_node(node)
        return text if len(text) <= 80 else text[:77] + "..."

    # ------------------------------------------------------------ statements
    def block(
        self,
        body: Sequence[cst.BaseStatement | cst.BaseSmallStatement] | cst.BaseSuite,
        scope: str,
        class_qualname: str | None,
    ) -> tuple[ir.Stmt, ...]:
        if isinstance(body, cst.IndentedBlock):
            statements: Sequence[cst.CSTNode] = body.body
        elif isinstance(body, cst.SimpleStatementSuite):
            statements = body.body
        elif isinstance(body, cst.BaseSuite):
            statements = ()
        else:
            statements = body
        out: list[ir.Stmt] = []
        for statement in statements:
            out.extend(self.statement(statement, scope, class_qualname))
        return tuple(out)

    def statement(self, node: cst.CSTNode, scope: str, class_qualname: str | None) -> list[ir.Stmt]:
        if isinstance(node, cst.SimpleStatementLine):
            result: list[ir.Stmt] = []
            for small in node.body:
                result.extend(self.small(small))
            return result
        if isinstance(node, cst.BaseSmallStatement):
            return self.small(node)
        if isinstance(node, cst.FunctionDef):
            qualname = self.function(node, scope, class_qualname)
            return [ir.DefStmt(node.name.value, qualname)]
        if isinstance(node, cst.ClassDef):
            qualname = self.klass(node, scope)
            return [ir.DefStmt(node.name.value, qualname)]
        return self.compound(node, scope, class_qualname)

    def compound(self, node: cst.CSTNode, scope: str, cls: str | None) -> list[ir.Stmt]:
        if isinstance(node, cst.If):
            orelse: tuple[ir.Stmt, ...] = ()
            if isinstance(node.orelse, cst.If):
                orelse = tuple(self.compound(node.orelse, scope, cls))
            elif isinstance(node.orelse, cst.Else):
                orelse = self.block(node.orelse.body, scope, cls)
            body = self.block(node.body, scope, cls)
            return [ir.If(self.expr(node.test), body, orelse)]
        if isinstance(node, cst.For):
            orelse = self.block(node.orelse.body, scope, cls) if node.orelse else ()
            target = self.target(node.target)
            body = self.block(node.body, scope, cls)
            return [ir.For(target, self.expr(node.iter), body, orelse)]
        if isinstance(node, cst.While):
            orelse = self.block(node.orelse.body, scope, cls) if node.orelse else ()
            body = self.block(node.body, scope, cls)
            return [ir.While(self.expr(node.test), body, orelse)]
        if isinstance(node, cst.With):
            items = tuple(
                (
                    self.expr(item.item),
                    self.target(item.asname.name) if item.asname else None,
                )
                for item in node.items
            )
            return [ir.With(items, self.block(node.body, scope, cls))]
        if isinstance(node, (cst.Try, cst.TryStar)):
            handlers = tuple(self.block(h.body, scope, cls) for h in node.handlers)
            orelse = self.block(node.orelse.body, scope, cls) if node.orelse else ()
            final = self.block(node.finalbody.body, scope, cls) if node.finalbody else ()
            return [ir.Try(self.block(node.body, scope, cls), handlers, orelse, final)]
        if isinstance(node, cst.Match):
            cases = tuple(self.block(case.body, scope, cls) for case in node.cases)
            return [ir.ExprStmt(self.expr(node.subject)), ir.Try((), cases, (), ())]
        return []

    def small(self, node: cst.BaseSmallStatement) -> list[ir.Stmt]:
        if isinstance(node, cst.Assign):
            targets = tuple(self.target(t.target) for t in node.targets)
            return [ir.Assign(targets, self.expr(node.value))]
        if isinstance(node, cst.AnnAssign):
            value = self.expr(node.value) if node.value is not None else ir.Opaque()
            annotation = self.expr(node.annotation.annotation)
            return [ir.Assign((self.target(node.target),), value, annotation=annotation)]
        if isinstance(node, cst.AugAssign):
            op = "+" if isinstance(node.operator, cst.AddAssign) else "?"
            return [ir.Assign((self.target(node.target),), self.expr(node.value), augmented=op)]
        if isinstance(node, cst.Expr):
            return [ir.ExprStmt(self.expr(node.value))]
        if isinstance(node, cst.Return):
            returned = self.expr(node.value) if node.value is not None else None
            return [ir.Return(returned)]
        if isinstance(node, cst.Import):
            return [self.import_(node)]
        if isinstance(node, cst.ImportFrom):
            return [self.import_from(node)]
        return [ir.ExprStmt(self.opaque(node))]

    def import_(self, node: cst.Import) -> ir.Import:
        names: list[tuple[str, str]] = []
        for alias in node.names:
            full = _dotted(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                names.append((full, alias.asname.name.value))
            else:
                names.append((full, full.split(".")[0]))
        return ir.Import("", tuple(names), is_from=False)

    def import_from(self, node: cst.ImportFrom) -> ir.Import:
        level = len(node.relative)
        target = _dotted(node.module) if node.module is not None else ""
        module = _resolve_relative(self.module_name, self.is_package, level, target)
        if isinstance(node.names, cst.ImportStar):
            return ir.Import(module, (("*", "*"),), is_from=True)
        names: list[tuple[str, str]] = []
        for alias in node.names:
            name = _dotted(alias.name)
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            names.append((name, local))
        return ir.Import(module, tuple(names), is_from=True)

    # ------------------------------------------------------------ definitions
    def params(self, params: cst.Parameters) -> ir.Params:
        items: list[ir.Param] = []
        groups: list[tuple[Sequence[cst.Param], str]] = [
            (params.posonly_params, "posonly"),
            (params.params, "pos"),
        ]
        for group, kind in groups:
            items.extend(self.param(p, kind) for p in group)
        if isinstance(params.star_arg, cst.Param):
            items.append(self.param(params.star_arg, "star"))
        items.extend(self.param(p, "kwonly") for p in params.kwonly_params)
        if params.star_kwarg is not None:
            items.append(self.param(params.star_kwarg, "starstar"))
        return ir.Params(tuple(items))

    def param(self, node: cst.Param, kind: str) -> ir.Param:
        default = self.expr(node.default) if node.default is not None else None
        annotation = self.expr(node.annotation.annotation) if node.annotation else None
        return ir.Param(node.name.value, default, annotation, kind)

    def function(self, node: cst.FunctionDef, scope: str, class_qualname: str | None) -> str:
        qualname = f"{scope}.{node.name.value}"
        inner_scope = f"{qualname}.<locals>"
        decorators = tuple(self.expr(d.decorator) for d in node.decorators)
        names = {_dotted(d.decorator).split(".")[-1] for d in node.decorators}
        line, column = self._pos(node.name)
        body = self.block(node.body, inner_scope, None)
        self.functions.append(
            ir.Function(
                qualname=qualname,
                name=node.name.value,
                params=self.params(node.params),
                body=body,
                line=line,
                column=column,
                class_qualname=class_qualname,
                decorators=decorators,
                is_property="property" in names or "cached_property" in names,
                is_static="staticmethod" in names,
                is_classmethod="classmethod" in names,
                returns=self.expr(node.returns.annotation) if node.returns else None,
            )
        )
        return qualname

    def klass(self, node: cst.ClassDef, scope: str) -> str:
        qualname = f"{scope}.{node.name.value}"
        methods: list[tuple[str, str]] = []
        body: list[ir.Stmt] = []
        statements = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for statement in statements:
            if isinstance(statement, cst.FunctionDef):
                methods.append((statement.name.value, self.function(statement, qualname, qualname)))
            else:
                body.extend(self.statement(statement, qualname, None))
        line, _ = self._pos(node.name)
        bases = tuple(self.expr(arg.value) for arg in node.bases)
        self.classes.append(
            ir.Class(qualname, node.name.value, bases, tuple(body), tuple(methods), line)
        )
        return qualname

    # ------------------------------------------------------------ targets
    def target(self, node: cst.BaseExpression) -> ir.Target:
        if isinstance(node, cst.Name):
            return ir.NameTarget(node.value)
        if isinstance(node, cst.Attribute):
            return ir.AttrTarget(self.expr(node.value), node.attr.value)
        if isinstance(node, (cst.Tuple, cst.List)):
            return ir.TupleTarget(tuple(self.target(_element_value(e)) for e in node.elements))
        return ir.IgnoredTarget()

    # ------------------------------------------------------------ expressions
    def expr(self, node: cst.BaseExpression) -> ir.Expr:
        handler = _EXPR_HANDLERS.get(type(node))
        if handler is not None:
            return handler(self, node)
        return self.opaque(node)

    def opaque(self, node: cst.CSTNode) -> ir.Opaque:
        """Keep the calls nested anywhere inside `node` (outermost ones only)."""
        calls: list[ir.Expr] = []
        stack: list[cst.CSTNode] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, (cst.Call, cst.Lambda, cst.BaseComp)) and current is not node:
                calls.append(self.expr(current))
                continue
            stack.extend(reversed(current.children))
        return ir.Opaque(tuple(calls))

    def _string(self, node: cst.BaseString) -> ir.Expr:
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return ir.Const(value) if isinstance(value, str) else ir.Opaque()  # bytes: not a URL
        if isinstance(node, cst.ConcatenatedString):
            return ir.FString((self._string(node.left), self._string(node.right)))
        if isinstance(node, cst.FormattedString):
            return self._fstring(node)
        return ir.Opaque()

    def _fstring(self, node: cst.FormattedString) -> ir.Expr:
        parts: list[str | ir.Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression):
                parts.append(self.expr(part.expression))
        return ir.FString(tuple(parts))

    def _binary(self, node: cst.BinaryOperation) -> ir.Expr:
        if isinstance(node.operator, cst.Add):
            return self._concat_chain(node)
        if isinstance(node.operator, cst.Modulo):
            return ir.BinOp("%", self.expr(node.left), self.expr(node.right))
        if isinstance(node.operator, cst.BitOr):  # `X | None` in annotations
            return ir.BinOp("|", self.expr(node.left), self.expr(node.right))
        return self.opaque(node)

    def _concat_chain(self, node: cst.BinaryOperation) -> ir.Expr:
        """Flatten `a + b + c ...` without recursion (long generated chains exist)."""
        operands: list[cst.BaseExpression] = []
        current: cst.BaseExpression = node
        while isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Add):
            operands.append(current.right)
            current = current.left
        operands.append(current)
        operands.reverse()
        return ir.FString(tuple(self.expr(operand) for operand in operands))

    def _call(self, node: cst.Call) -> ir.Expr:
        line, column = self._pos(node)
        args = tuple(
            ir.Arg(
                self.expr(arg.value),
                arg.keyword.value if arg.keyword is not None else None,
                len(arg.star) if isinstance(arg.star, str) else 0,
            )
            for arg in node.args
        )
        return ir.Call(self.expr(node.func), args, line, column, self._code(node.func))

    def _comp(self, node: cst.BaseComp) -> ir.Expr:
        for_in = node.for_in
        if isinstance(node, cst.DictComp):
            elt: ir.Expr = ir.TupleExpr((self.expr(node.key), self.expr(node.value)))
        else:
            elt = self.expr(node.elt)  # type: ignore[attr-defined]
        inner = for_in.inner_for_in
        while inner is not None:  # nested loops: bind the innermost target only
            elt = ir.Comprehension(elt, self.target(inner.target), self.expr(inner.iter), True)
            inner = inner.inner_for_in
        return ir.Comprehension(
            elt,
            self.target(for_in.target),
            self.expr(for_in.iter),
            isinstance(node, cst.GeneratorExp),
        )

    def _subscript(self, node: cst.Subscript) -> ir.Expr:
        if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return ir.Subscript(self.expr(node.value), self.expr(node.slice[0].slice.value))
        return ir.Subscript(self.expr(node.value), self.opaque(node.slice[0]))

    def _sequence(self, node: cst.Tuple | cst.List | cst.Set) -> ir.Expr:
        items = tuple(self.expr(_element_value(e)) for e in node.elements)
        return ir.TupleExpr(items, is_list=not isinstance(node, cst.Tuple))

    def _dict(self, node: cst.Dict) -> ir.Expr:
        items: list[tuple[ir.Expr | None, ir.Expr]] = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                items.append((self.expr(element.key), self.expr(element.value)))
            elif isinstance(element, cst.StarredDictElement):
                items.append((None, self.expr(element.value)))
        return ir.DictExpr(tuple(items))

    def _lambda(self, node: cst.Lambda) -> ir.Expr:
        return ir.Lambda(self.params(node.params), self.expr(node.body))


def _element_value(element: cst.BaseElement) -> cst.BaseExpression:
    return element.value


def _number(node: cst.Integer | cst.Float) -> ir.Expr:
    try:
        return ir.Const(node.evaluated_value)
    except ValueError:
        return ir.Const(None)


_Handler = Callable[[_Converter, Any], ir.Expr]
_EXPR_HANDLERS: dict[type[cst.CSTNode], _Handler] = {}


def _register() -> None:
    conv = _Converter
    table: dict[type[cst.CSTNode], _Handler] = {
        cst.SimpleString: conv._string,
        cst.ConcatenatedString: conv._string,
        cst.FormattedString: conv._string,
        cst.Name: lambda self, n: ir.Name(n.value),
        cst.Attribute: lambda self, n: ir.Attr(self.expr(n.value), n.attr.value),
        cst.Call: conv._call,
        cst.BinaryOperation: conv._binary,
        cst.BooleanOperation: lambda self, n: ir.BoolOp(
            "or" if isinstance(n.operator, cst.Or) else "and",
            (self.expr(n.left), self.expr(n.right)),
        ),
        cst.IfExp: lambda self, n: ir.IfExp(self.expr(n.body), self.expr(n.orelse)),
        cst.Tuple: conv._sequence,
        cst.List: conv._sequence,
        cst.Set: conv._sequence,
        cst.Dict: conv._dict,
        cst.Subscript: conv._subscript,
        cst.Await: lambda self, n: self.expr(n.expression),
        cst.NamedExpr: lambda self, n: self.expr(n.value),
        cst.GeneratorExp: conv._comp,
        cst.ListComp: conv._comp,
        cst.SetComp: conv._comp,
        cst.DictComp: conv._comp,
        cst.Lambda: conv._lambda,
        cst.Integer: lambda self, n: _number(n),
        cst.Float: lambda self, n: _number(n),
    }
    _EXPR_HANDLERS.update(table)


_register()
