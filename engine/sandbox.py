"""The script engine of every workflow: diagram code, restricted and bounded.

Diagrams are edited in the browser, so their code is untrusted. It is compiled restricted
(``restricted``) and runs in a sandbox process with a CPU-time and a memory limit, handing
back at most the instance-data limit (``sandbox_process``, ``limits``). Only small
expressions that cannot loop, call or allocate (``akkoord == True``) run in this process.
Scripts and expressions see the pure helper functions; the helpers that change who may do
what, or start other work, are operators that only a service task may call, each allowed
to the processes that declare it (``Operator``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity

from . import restricted
from .clock import now
from .limits import current_limits
from .restricted import ScriptRefused, compile_expression, compile_script, is_bounded
from .sandbox_process import Helpers, LimitExceeded, SandboxPool, ScriptError

__all__ = [
    "LimitExceeded",
    "Operator",
    "SandboxEnvironment",
    "ScriptError",
    "ScriptRefused",
    "compile_expression",
    "compile_script",
    "script_engine",
]


@dataclass(frozen=True)
class Operator:
    """A service-task operation with effects (roles, partners, notices, other instances).

    ``processes`` are the keys of the processes whose service tasks may call it; None lets
    every process call it (operators that only read, or notify the task's own people).
    """

    function: Callable[..., Any]
    processes: frozenset[str] | None = None

    def allows(self, process: str) -> bool:
        return self.processes is None or process in self.processes


POOL = SandboxPool()


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Runs restricted code over the task data, with the registered helpers in scope."""

    def __init__(self, helpers: Mapping[str, Callable[..., Any]] | None = None,
                 operators: Mapping[str, Operator] | None = None,
                 pool: SandboxPool = POOL) -> None:
        super().__init__(dict(helpers or {}))
        self.operators = dict(operators or {})
        self.pool, self.helpers = pool, Helpers(self.globals)

    def evaluate(self, expression: str, context: dict, external_context: Any = None) -> Any:
        compile_expression(expression)  # refused code is told here, without a round trip
        if is_bounded(expression):
            return restricted.evaluate(expression, context, self.globals, external_context)
        return self.pool.run("eval", expression, context, external_context, now(),
                             current_limits(), self.helpers)

    def execute(self, script: str, context: dict, external_context: Any = None) -> bool:
        compile_script(script)  # refused code and hidden helpers are told without a round trip
        restricted.check_no_clash(context, self.globals)
        result = self.pool.run("exec", script, context, external_context, now(),
                               current_limits(), self.helpers)
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict, operation_name: str = "", operation_params: Any = None,
                     **_: Any) -> Any:
        operator = self.operators.get(operation_name)
        if operator is None:
            raise ScriptRefused(f"there is no service operation named {operation_name!r}")
        params = {k: v.get("value") if isinstance(v, dict) else v
                  for k, v in (operation_params or {}).items()}
        # SpiffWorkflow's service task reads the result as JSON.
        return json.dumps(operator.function(**params))

    def operator_problem(self, name: str, process: str | None = None) -> str | None:
        """Why code may not call ``name`` here (None: it may): operators are for service
        tasks of the processes that declare them."""
        operator = self.operators.get(name)
        if operator is None:
            return None
        if process is None:
            return (f"{name}() may only be called by a service task "
                    "(spiffworkflow:serviceTaskOperator), not from a script or expression")
        if not operator.allows(process):
            allowed = ", ".join(sorted(operator.processes or ()))
            return f"process {process} may not use the operator {name} (only {allowed})"
        return None


class SandboxScriptEngine(PythonScriptEngine):
    """Reports every failure of diagram code as one line that names the element."""

    environment: SandboxEnvironment

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except Exception as err:
            raise _failure(task, f'the expression "{_short(expression)}"', err) from err

    def execute(self, task: Any, script: str, external_context: Any = None) -> bool:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except Exception as err:
            raise _failure(task, "the script", err) from err

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        name = kwargs.get("operation_name") or ""
        problem = self.environment.operator_problem(name, owning_process(task))
        if problem:
            raise WorkflowTaskException(problem, task=task)
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise _failure(task, f"the service {name!r}", err) from err


def owning_process(task: Any) -> str:
    """The process an element belongs to: an embedded sub-process belongs to the process
    around it (its id is any name the drawer chose); a called process is its own."""
    workflow = task.workflow
    while workflow.parent_task_id is not None:
        parent = workflow.top_workflow.get_task_from_id(workflow.parent_task_id)
        if isinstance(parent.task_spec, CallActivity):
            break
        workflow = parent.workflow
    return workflow.spec.name


def _short(code: str, width: int = 60) -> str:
    text = " ".join(code.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _failure(task: Any, what: str, err: Exception) -> WorkflowTaskException:
    if isinstance(err, LimitExceeded):
        message = f"{what} was stopped: {err}"
    elif isinstance(err, ScriptError | ScriptRefused):
        message = f"{what} failed: {err}"
    else:
        message = f"{what} failed: {type(err).__name__}: {err}"
    # Not ``exception=err``: for a NameError SpiffWorkflow would guess a "did you mean" and
    # fail on names it cannot guess (a class statement, an unbound local).
    return WorkflowTaskException(" ".join(message.split()), task=task)


def script_engine(helpers: Mapping[str, Callable[..., Any]] | None = None,
                  operators: Mapping[str, Operator] | None = None) -> SandboxScriptEngine:
    """The script engine every workflow runs with."""
    return SandboxScriptEngine(environment=SandboxEnvironment(helpers, operators))
