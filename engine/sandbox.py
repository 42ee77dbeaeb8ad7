"""The script sandbox: diagram expressions and scripts, compiled restricted.

Diagrams are edited in the browser, so their code is untrusted. RestrictedPython
compiles it with every import, every name or attribute starting with an
underscore (``__class__``, ``__subclasses__``) and ``exec``/``eval`` refused, and
the code runs with a short list of builtins plus the helper functions that
``workflows/`` registers. Only the instance data is reachable.
"""

from __future__ import annotations

import builtins
import json
import operator
from collections.abc import Callable, Mapping
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
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

_EXTRA_BUILTINS: dict[str, Any] = {
    name: getattr(builtins, name)
    for name in (
        "all", "any", "dict", "enumerate", "filter", "list", "map", "max", "min",
        "reversed", "set", "sorted", "sum", "frozenset",
    )
}
_BUILTINS = {
    name: value
    for name, value in {**safe_builtins, **_EXTRA_BUILTINS}.items()
    # setattr/delattr would bypass the attribute guard; classes are no business of a diagram.
    if name not in {"setattr", "delattr", "__build_class__", "_getattr_"}
}

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


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
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


@lru_cache(maxsize=2048)
def compile_expression(source: str) -> CodeType:
    """Compile one expression restricted, or raise ``ScriptRefused`` saying why."""
    result = compile_restricted_eval(source.strip(), filename="<expression>")
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str) -> CodeType:
    """Compile one script restricted, or raise ``ScriptRefused`` saying why."""
    result = compile_restricted_exec(source, filename="<script>")
    if result.errors:
        raise ScriptRefused("; ".join(result.errors))
    return result.code


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Runs restricted code over the task data, with the registered helpers in scope."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None) -> None:
        super().__init__(dict(helpers or {}))

    def _scope(self, data: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict:
        return {**_GUARDS, **self.globals, **(external or {}), **data}

    def evaluate(self, expression: str, context: dict, external_context: Any = None) -> Any:
        return eval(compile_expression(expression), self._scope(context, external_context))

    def execute(self, script: str, context: dict, external_context: Any = None) -> bool:
        clashes = set(self.globals).intersection(context)
        if clashes:
            raise ScriptRefused(
                f"the data field(s) {', '.join(sorted(clashes))} hide a helper function; "
                "rename them"
            )
        scope = self._scope(context, external_context)
        exec(compile_script(script), scope)
        hidden = set(_GUARDS) | set(self.globals) | set(external_context or {})
        context.clear()
        context.update(
            {k: v for k, v in scope.items() if k not in hidden and not callable(v)}
        )
        return True

    def call_service(self, context: dict, operation_name: str = "", operation_params: Any = None,
                     **_: Any) -> Any:
        helper = self.globals.get(operation_name)
        if helper is None:
            raise ScriptRefused(f"there is no service operation named {operation_name!r}")
        params = {k: v.get("value") if isinstance(v, dict) else v
                  for k, v in (operation_params or {}).items()}
        # SpiffWorkflow's service task reads the result as JSON.
        return json.dumps(helper(**params))


class SandboxScriptEngine(PythonScriptEngine):
    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The base class refers to an undefined name when a service fails; report it plainly.
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(f"service {kwargs.get('operation_name')!r} failed: {err}",
                                        task=task, exception=err) from err


def script_engine(helpers: Mapping[str, Callable[..., Any]] | None = None) -> PythonScriptEngine:
    """The script engine every workflow runs with."""
    return SandboxScriptEngine(environment=SandboxEnvironment(helpers))
