"""Diagram code compiled and run restricted: the guards, the builtins, and what deploy refuses.

RestrictedPython compiles the code with every name or attribute starting with an underscore
(``__class__``, ``__subclasses__``) refused; it runs with a short list of builtins plus the
helper functions that ``workflows/`` registers, over the instance data only. Time and memory
are bounded elsewhere (``sandbox_process``): this module is what runs inside those bounds.
It imports nothing of SpiffWorkflow, so that the sandbox process starts quickly.
"""

from __future__ import annotations

import ast
import builtins
import operator
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

_EXTRA_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "all", "any", "dict", "enumerate", "filter", "list", "map", "max", "min",
        "reversed", "set", "sorted", "sum", "frozenset",
    )
}
BUILTINS = {
    name: value
    for name, value in {**safe_builtins, **_EXTRA_BUILTINS}.items()
    # setattr/delattr would bypass the attribute guard; classes are no business of a diagram.
    if name not in {"setattr", "delattr", "__build_class__", "_getattr_"}
}
# Python's builtins that diagram code cannot reach; calling one is refused at deployment.
UNAVAILABLE = frozenset(name for name in dir(builtins) if name not in BUILTINS)

_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "**=": operator.ipow,
}


class ScriptRefused(ValueError):
    """The code uses something the sandbox does not allow (or does not compile)."""


def _inplace(op: str, target: Any, value: Any) -> Any:
    if op not in _INPLACE:
        raise ScriptRefused(f"operator {op} is not allowed in a diagram script")
    return _INPLACE[op](target, value)


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


GUARDS: dict[str, Any] = {
    "__builtins__": BUILTINS,
    "__name__": "diagram_script",
    "__metaclass__": type,
    "_getattr_": safer_getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
}


def _one_line(errors: Iterable[str]) -> str:
    return " ".join("; ".join(errors).split())


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> CodeType:
    """Compile one expression restricted, or raise ``ScriptRefused`` saying why."""
    result = compile_restricted_eval(source.strip(), filename="<expression>")
    if result.errors or result.code is None:
        raise ScriptRefused(_one_line(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile one script restricted, or raise ``ScriptRefused`` saying why."""
    result = compile_restricted_exec(source, filename="<script>")
    if result.errors or result.code is None:
        raise ScriptRefused(_one_line(result.errors))
    return result.code


def scope(data: Mapping[str, Any], helpers: Mapping[str, Any],
          external: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**GUARDS, **helpers, **(external or {}), **data}


def evaluate(source: str, data: Mapping[str, Any], helpers: Mapping[str, Any],
             external: Mapping[str, Any] | None = None) -> Any:
    return eval(compile_expression(source), scope(data, helpers, external))


def check_no_clash(data: Mapping[str, Any], helpers: Mapping[str, Any]) -> None:
    """A data field may not hide a helper (the script would call the data)."""
    clashes = set(helpers).intersection(data)
    if clashes:
        raise ScriptRefused(f"the data field(s) {', '.join(sorted(clashes))} hide a helper "
                            "function; rename them")


def execute(source: str, data: Mapping[str, Any], helpers: Mapping[str, Any],
            external: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run a script over a copy of the data; returns the data as the script left it."""
    check_no_clash(data, helpers)
    names = scope(data, helpers, external)
    exec(compile_script(source), names)
    hidden = set(GUARDS) | set(helpers) | set(external or {})
    return {k: v for k, v in names.items() if k not in hidden and not callable(v)}


# Expressions built only of these nodes, and small, cost at most a few passes over the data
# (whose size is capped), so they are evaluated in the web process without the sandbox
# process: the common gateway condition (``akkoord == True``) and literal timer values.
_BOUNDED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.Eq, ast.NotEq, ast.Lt,
    ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn, ast.UnaryOp, ast.Not,
    ast.USub, ast.UAdd, ast.Name, ast.Load, ast.Constant, ast.Subscript, ast.Tuple, ast.List,
)
_BOUNDED_SIZE = 24


@lru_cache(maxsize=4096)
def is_bounded(source: str) -> bool:
    """Whether an expression cannot loop, call, repeat or allocate beyond its data."""
    try:
        nodes = list(ast.walk(ast.parse(source.strip(), mode="eval")))
    except SyntaxError:
        return False
    return len(nodes) <= _BOUNDED_SIZE and all(isinstance(n, _BOUNDED_NODES) for n in nodes)


def code_problem(source: str, mode: str, operators: Callable[[str], str | None]) -> str | None:
    """Why deployment refuses this code, or None: what would only fail at run time.

    ``mode`` is "exec" for a script, "eval" for an expression; ``operators(name)`` says how a
    name that is a service-task operator must be used instead.
    """
    try:
        (compile_script if mode == "exec" else compile_expression)(source)
        tree = ast.parse(source if mode == "exec" else source.strip(), mode=mode)
    except (ScriptRefused, SyntaxError) as err:
        return " ".join(str(err).split())
    except (RecursionError, MemoryError):
        return "the code is nested too deeply"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            return "import is not available in diagram code; use the helper functions"
        if isinstance(node, ast.ClassDef):
            return f"class {node.name}: classes cannot be defined in diagram code"
        # A call, not a mere name: a data field may be called "type" or "escalate".
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in UNAVAILABLE:
                return f"{node.func.id}() is not available in diagram code"
            advice = operators(node.func.id)
            if advice:
                return advice
    return None
