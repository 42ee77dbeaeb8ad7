"""Reading and validating diagrams: BPMN, DMN and JSON Schema forms, before anything is stored.

Every problem becomes one line a process owner can act on:
``FILE: element ID "name": what is wrong``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import BPMN_MODEL_NS
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.mixins.service_task import ServiceTask

from .forms import schema_problem
from .nesting import TOO_DEEP, text_too_deep
from .restricted import code_problem
from .runtime import (
    ASSIGNEE_PROPERTY,
    DUE_PROPERTY,
    FORM_PROPERTY,
    TITLE_PROPERTY,
    properties_of,
)
from .schedules import start_value
from .spiff import current_script_engine, new_parser
from .timer_events import start_script, timer_kind
from .timer_expressions import TimerValueError, check_value, is_literal, unwrap

MAX_FILE_BYTES = 5 * 1024 * 1024
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)\b", re.IGNORECASE)
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
UI_FORM_PROPERTY = "formUiSchemaFilename"

# Children of a process that are not flow nodes and need no parser of their own.
_STRUCTURE = {
    "sequenceFlow", "laneSet", "lane", "documentation", "extensionElements", "dataObject",
    "dataObjectReference", "dataStoreReference", "ioSpecification", "property", "textAnnotation",
    "association", "group", "incoming", "outgoing", "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics", "dataInputAssociation", "dataOutputAssociation",
    "flowNodeRef", "childLaneSet", "conditionExpression", "category",
}
_SUPPORTED = {
    "startEvent", "endEvent", "userTask", "task", "subProcess", "manualTask", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "callActivity", "transaction", "scriptTask",
    "serviceTask", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "receiveTask", "sendTask", "eventBasedGateway", "businessRuleTask",
}


@dataclass(frozen=True)
class Source:
    """One file of a deployment: its display name and text."""

    name: str
    text: str

    @property
    def kind(self) -> str:
        return {".bpmn": "bpmn", ".dmn": "dmn", ".json": "form"}.get(Path(self.name).suffix, "")

    @property
    def resource_name(self) -> str:
        # Forms are referenced by file name alone (as SpiffArena's editor writes them).
        return Path(self.name).name


@dataclass
class ProcessDraft:
    """A validated process, ready to be stored as a version."""

    key: str
    name: str
    source_name: str
    bpmn_xml: str
    resources: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        digest = hashlib.sha256(self.bpmn_xml.encode())
        for name in sorted(self.resources):
            digest.update(b"\0" + name.encode() + b"\0" + self.resources[name].encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class Problem:
    """One problem, located: an editor marks ``element`` and shows ``message`` beside it."""

    source: str
    element: str | None
    name: str | None
    message: str


class Problems(list[str]):
    """One line per problem, and each problem located (``found``) for an editor."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Problem] = []

    def add(self, source: str, message: str, element: str | None = None,
            name: str | None = None) -> None:
        # One line per problem, whatever newlines a name or an error holds.
        name = " ".join((name or "").split()) or None
        message = " ".join(message.split())
        where = f'element {element} "{name or ""}": ' if element else ""
        self.append(" ".join(f"{source}: {where}{message}".split()))
        self.found.append(Problem(source, element or None, name, message))

    def extend_with(self, other: Problems) -> None:
        self.extend(other)
        self.found.extend(other.found)


def read_sources(paths: Iterable[Path]) -> tuple[list[Source], Problems]:
    """Read the files of a deployment; folders contribute their *.bpmn, *.dmn and forms/*.json.

    A diagram named on its own brings the forms of the ``forms/`` folder next to it (as
    ``bpmn/`` keeps them), unless that folder was named too; a form named explicitly wins.
    """
    paths = list(paths)
    sources, problems = _read_paths(paths)
    known = {s.resource_name for s in sources if s.kind == "form"}
    for folder in _forms_beside(paths):
        found, more = _read_paths([folder])
        for source in found:
            if source.kind == "form" and source.resource_name not in known:
                known.add(source.resource_name)
                sources.append(source)
        problems.extend_with(more)
    return sources, problems


def _read_paths(paths: list[Path]) -> tuple[list[Source], Problems]:
    sources, problems = [], Problems()
    for path in paths:
        if path.is_dir():
            files = sorted([*path.rglob("*.bpmn"), *path.rglob("*.dmn"), *path.rglob("*.json")])
        elif path.exists():
            files = [path]
        else:
            problems.add(str(path), "no such file or folder")
            continue
        for file in files:
            source = _read_file(file, problems)
            if source is not None:
                sources.append(source)
    return sources, problems


def _forms_beside(paths: list[Path]) -> list[Path]:
    """The forms/ folders next to the diagrams given as files, not already read with a folder."""
    given = [p.resolve() for p in paths if p.is_dir()]
    folders: dict[Path, Path] = {}
    for path in paths:
        folder = path.parent / "forms"
        if path.suffix == ".bpmn" and path.is_file() and folder.is_dir():
            resolved = folder.resolve()
            if not any(resolved.is_relative_to(g) for g in given):
                folders.setdefault(resolved, folder)
    return list(folders.values())


def _read_file(path: Path, problems: Problems) -> Source | None:
    name = str(path)
    if Source(name, "").kind == "":
        problems.add(name, "unknown file type: expected .bpmn, .dmn or .json (a form)")
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        problems.add(name, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    try:
        return Source(name, path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.add(name, "file is not UTF-8 text")
        return None


def parse_xml(source: Source, problems: Problems) -> etree._Element | None:
    """Parse XML safely: no DTD, no entities, no network, no oversized input."""
    if len(source.text.encode()) > MAX_FILE_BYTES:
        problems.add(source.name, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return None
    if _DECLARATION.search(source.text):
        # Refused before parsing, so no entity is ever expanded (billion laughs, XXE).
        problems.add(source.name, "DOCTYPE and entity declarations are not allowed")
        return None
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(source.text.encode(), parser=parser)
    except etree.XMLSyntaxError as err:
        problems.add(source.name, f"line {err.lineno}: malformed XML: {err.msg}")
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        problems.add(source.name, "DOCTYPE and entity declarations are not allowed")
        return None
    return root


def check_form(source: Source, problems: Problems) -> None:
    problem = form_problem(source.text)
    if problem:
        problems.add(source.name, problem)


@lru_cache(maxsize=1024)
def form_problem(text: str) -> str | None:
    """What makes a form's text unusable, or None. Checking a schema against its meta-schema
    is most of a deployment's work, and a form's text always gets the same answer.

    Depth is measured before parsing: parser and meta-schema check recurse per level."""
    if text_too_deep(text):
        return f"form is {TOO_DEEP}"
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as err:
        return f"line {err.lineno}: invalid JSON: {err.msg}"
    if not isinstance(schema, dict):
        return "a form must be a JSON Schema object"
    try:
        return schema_problem(schema)
    except RecursionError:  # not from nesting (measured above): self-references, say
        return f"form is {TOO_DEEP}"


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def check_supported(source: Source, root: etree._Element, problems: Problems) -> None:
    """Flag every flow element that the engine cannot run, wherever it is in the diagram."""
    containers = root.iter(f"{{{BPMN_MODEL_NS}}}process", f"{{{BPMN_MODEL_NS}}}subProcess",
                           f"{{{BPMN_MODEL_NS}}}transaction")
    for container in containers:
        for child in container:
            if not isinstance(child.tag, str) or etree.QName(child).namespace != BPMN_MODEL_NS:
                continue
            tag = _local(child.tag)
            if tag not in _SUPPORTED and tag not in _STRUCTURE:
                problems.add(source.name, f"bpmn:{tag} is not supported by the engine",
                             child.get("id"), child.get("name"))


def describe(err: SpiffWorkflowException, source: str) -> tuple[str, str | None, str | None]:
    """SpiffWorkflow's exception as (file, element id, message)."""
    message = str(err.args[0]) if err.args else err.__class__.__name__
    notes = [n for n in getattr(err, "__notes__", []) if n]
    if notes:
        message += " (" + "; ".join(notes) + ")"
    line = getattr(err, "line_number", "")
    if line and not getattr(err, "id", ""):
        message = f"line {line}: {message}"
    element = getattr(err, "id", None) or getattr(err, "task_spec", None)
    element_id = getattr(element, "bpmn_id", element) if element is not None else None
    return getattr(err, "file_name", "") or source, element_id or None, message


class Catalogue:
    """Validates one deployment's files together and yields the processes they define."""

    def __init__(self, sources: list[Source],
                 deployed_bpmn: Callable[[str], str | None] = lambda key: None,
                 known_roles: set[str] | None = None,
                 deployed_forms: Callable[[str], dict[str, str]] = lambda key: {}) -> None:
        self.sources = sources
        self.deployed_bpmn = deployed_bpmn
        self.deployed_forms = deployed_forms
        # None: roles are not checked (validation without a database).
        self.known_roles = known_roles
        self.problems = Problems()
        self.forms = {s.resource_name: s for s in sources if s.kind == "form"}
        self.dmns: list[tuple[Source, etree._Element]] = []
        self.bpmns: list[tuple[Source, etree._Element]] = []

    def check(self) -> list[ProcessDraft]:
        for form in self.forms.values():
            check_form(form, self.problems)
        for source in self.sources:
            if source.kind in ("bpmn", "dmn"):
                self._read_diagram(source)
        drafts = [d for source, root in self.bpmns for d in self._check_bpmn(source, root)]
        return drafts if not self.problems else []

    def _read_diagram(self, source: Source) -> None:
        root = parse_xml(source, self.problems)
        if root is None:
            return
        if source.kind == "dmn":
            namespace = etree.QName(root).namespace or ""
            if _local(root.tag) != "definitions" or "dmn" not in namespace.lower():
                self.problems.add(source.name, "not a DMN file (no dmn:definitions root)")
                return
            if not root.xpath("*[local-name()='decision']"):
                self.problems.add(source.name, "DMN file has no decision table")
                return
            self.dmns.append((source, root))
            return
        if root.tag != f"{{{BPMN_MODEL_NS}}}definitions":
            self.problems.add(source.name, "not a BPMN 2.0 file (no bpmn:definitions root)")
            return
        before = len(self.problems)
        check_supported(source, root, self.problems)
        if len(self.problems) == before:
            self.bpmns.append((source, root))

    def _parser(self, extra: Iterable[tuple[Source, etree._Element]] = ()) -> Any:
        parser = new_parser()
        for source, root in self.dmns:
            parser.add_dmn_xml(root, filename=source.name)
        for source, root in extra:
            parser.add_bpmn_xml(root, filename=source.name)
        return parser

    def _check_bpmn(self, source: Source, root: etree._Element) -> list[ProcessDraft]:
        others = [(s, r) for s, r in self.bpmns if s is not source]
        try:
            parser = self._parser([(source, root)])
            process_ids = parser.get_process_ids()
            if not process_ids:
                self.problems.add(source.name, "no executable process in this file "
                                  '(set isExecutable="true" on the process)')
                return []
            for other_source, other_root in others:
                parser.add_bpmn_xml(other_root, filename=other_source.name)
            drafts = [self._check_process(source, root, parser, key) for key in process_ids]
        except ValidationException as err:
            file, element, message = describe(err, source.name)
            self.problems.add(file, message, element, getattr(err, "name", None))
            return []
        except SpiffWorkflowException as err:
            file, element, message = describe(err, source.name)
            self.problems.add(file, message, element)
            return []
        return [d for d in drafts if d is not None]

    def _check_process(self, source: Source, root: etree._Element, parser: Any,
                       key: str) -> ProcessDraft | None:
        spec = parser.get_spec(key)
        self._add_deployed_callees(parser, key)
        try:
            subprocesses = parser.get_subprocess_specs(key)
        except ValidationException as err:
            self.problems.add(source.name, f"{err.args[0]}: deploy the called process first "
                              "or together with this one", key)
            return None
        before = len(self.problems)
        resources: dict[str, str] = {}
        specs = [spec, *subprocesses.values()]
        owners = _owners(specs)
        for process_spec in specs:
            if process_spec.file != source.name:
                self._add_callee_forms(process_spec, resources)
                continue
            owner = owners.get(process_spec.name, process_spec.name)
            if owner not in parser.get_process_ids():
                self.problems.add(source.name, f"the called process {owner} is not executable: "
                                  'a called process is deployed as a process of its own (set '
                                  'isExecutable="true")', owner)
                continue
            for task_spec in process_spec.task_specs.values():
                self._check_task(source, task_spec, resources, owner,
                                 root=process_spec is spec)
        for decision_id in root.xpath(".//spiff:calledDecisionId/text()",
                                      namespaces={"spiff": SPIFF_NS}):
            dmn = parser.dmn_parsers.get(decision_id.strip())
            if dmn is not None:
                resources[Path(dmn.filename).name] = _text_of(self.dmns, dmn.filename)
        if len(self.problems) > before:
            return None
        return ProcessDraft(key, spec.description or key, source.name, source.text, resources)

    def _add_callee_forms(self, process_spec: Any, resources: dict[str, str]) -> None:
        """The user tasks of a called process run in the caller's instances and show their
        forms there: the caller's version keeps those forms too (from this deployment, else
        from the called process's latest version; its own deployment checked them)."""
        deployed: dict[str, str] | None = None
        for task_spec in process_spec.task_specs.values():
            if not isinstance(task_spec, UserTask):
                continue
            named = [properties_of(task_spec).get(p) for p in (FORM_PROPERTY, UI_FORM_PROPERTY)]
            for form in {Path(n).name for n in named if n}:
                if form in self.forms:
                    resources[form] = self.forms[form].text
                    continue
                deployed = self.deployed_forms(process_spec.name) if deployed is None else deployed
                if form in deployed:
                    resources[form] = deployed[form]

    def _add_deployed_callees(self, parser: Any, key: str) -> None:
        """Call activities may call processes deployed earlier; fetch those not in this batch."""
        pending = set(parser.get_process_parser(key).called_element_ids())
        seen: set[str] = set()
        while pending:
            called = pending.pop()
            seen.add(called)
            if parser.get_process_parser(called) is not None:
                pending |= set(parser.get_process_parser(called).called_element_ids()) - seen
                continue
            xml = self.deployed_bpmn(called)
            if xml is not None:
                parser.add_bpmn_xml(etree.fromstring(xml.encode()), filename=f"(deployed) {called}")
                pending |= set(parser.get_process_parser(called).called_element_ids()) - seen

    def _check_task(self, source: Source, task_spec: Any, resources: dict[str, str],
                    process: str, root: bool) -> None:
        element, name = getattr(task_spec, "bpmn_id", None), getattr(task_spec, "bpmn_name", None)
        if element is None:
            return
        if isinstance(task_spec, UserTask):
            self._check_user_task(source, task_spec, resources)
        elif isinstance(task_spec, StartEvent):
            # A start form says what a start needs (SpiffArena's way, as on a user task).
            self._check_forms(source, task_spec, resources)
        if isinstance(task_spec, ScriptTask):
            if (task_spec.script or "").strip():
                self._check_code(source, element, name, task_spec.script, "exec", "script")
            else:
                self.problems.add(source.name, "script task has no script: write one, or make "
                                  "it a plain task", element, name)
        if isinstance(task_spec, ServiceTask):
            self._check_service(source, task_spec, process)
        if isinstance(task_spec, MultiInstanceTask):
            for label, code in (("loop cardinality", task_spec.cardinality),
                                ("completion condition", task_spec.condition)):
                if code:
                    self._check_code(source, element, name, code, "eval", label)
        # SpiffWorkflow keeps a start event's post-script as an extension only; the engine runs it.
        post_script = getattr(task_spec, "postscript", None) or start_script(task_spec)
        for label, code in (("pre-script", getattr(task_spec, "prescript", None)),
                            ("post-script", post_script)):
            if code:
                self._check_code(source, element, name, code, "exec", label)
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            self._check_timer(source, task_spec, definition, root)
        if properties_of(task_spec).get(DUE_PROPERTY):
            self._check_timer_value(source, task_spec, "timeDate",
                                    properties_of(task_spec)[DUE_PROPERTY], "due date")
        if properties_of(task_spec).get(TITLE_PROPERTY):
            self._check_code(source, element, name, properties_of(task_spec)[TITLE_PROPERTY],
                             "eval", "instance title")
        for condition, _target in getattr(task_spec, "cond_task_specs", []):
            if condition is not None:
                self._check_code(source, element, name, condition.args[0], "eval",
                                 "condition")

    def _check_timer(self, source: Source, task_spec: Any, definition: Any, root: bool) -> None:
        kind, expression = timer_kind(definition), definition.expression or ""
        written_well = self._check_timer_value(source, task_spec, kind, expression, kind)
        if written_well and root and isinstance(task_spec, StartEvent) and \
                not is_literal(unwrap(expression)):
            # A timer start event has no instance data: its value must be known at deployment.
            try:
                value = start_value(expression)
                check_value(kind, value)
            except Exception as err:
                self.problems.add(source.name, f"{kind} of a start event cannot be computed "
                                  f"at deployment: {err}", task_spec.bpmn_id, task_spec.bpmn_name)

    def _check_timer_value(self, source: Source, task_spec: Any, kind: str, expression: str,
                           label: str) -> bool:
        """Whether the value is written well; a problem names it when not."""
        element, name = task_spec.bpmn_id, task_spec.bpmn_name
        text = unwrap(expression)
        if not text:
            example = _EXAMPLE.get(kind, "P14D")
            self.problems.add(source.name, f"{label} is empty: write e.g. {example}",
                              element, name)
            return False
        if is_literal(text):
            try:
                check_value(kind, text)
            except TimerValueError as err:
                self.problems.add(source.name, f"{label}: {err}", element, name)
                return False
            return True
        problem = code_problem(text, "eval", _operator_advice)
        if problem:
            self.problems.add(source.name, f'{label} "{text}" is neither an ISO 8601 value '
                              "(e.g. P14D, 2027-03-01T10:00, R4/2027-01-15T09:00/P3M) nor an "
                              f"allowed expression: {problem}", element, name)
        return not problem

    def _check_user_task(self, source: Source, task_spec: Any, resources: dict[str, str]) -> None:
        element, name = task_spec.bpmn_id, task_spec.bpmn_name
        if not task_spec.lane:
            self.problems.add(source.name, "user task is not in a lane: put it in the lane of "
                              "the role that must do it", element, name)
        elif self.known_roles is not None and task_spec.lane not in self.known_roles:
            known = ", ".join(sorted(self.known_roles)) or "none yet (run govflow seed)"
            self.problems.add(source.name, f'lane "{task_spec.lane}" is not a known role; '
                              f"known roles: {known}", element, name)
        properties = properties_of(task_spec)
        if properties.get(ASSIGNEE_PROPERTY):
            self._check_code(source, element, name, properties[ASSIGNEE_PROPERTY], "eval",
                             "assignee expression")
        self._check_forms(source, task_spec, resources)

    def _check_forms(self, source: Source, task_spec: Any, resources: dict[str, str]) -> None:
        """The forms an element names must be in the deployment; they join its resources."""
        element, name = task_spec.bpmn_id, task_spec.bpmn_name
        properties = properties_of(task_spec)
        for prop in (FORM_PROPERTY, UI_FORM_PROPERTY):
            form_name = properties.get(prop)
            if not form_name:
                continue
            form = self.forms.get(Path(form_name).name)
            if form is None:
                self.problems.add(source.name, f'form "{form_name}" is not in this deployment '
                                  "(put it in the forms/ folder)", element, name)
            else:
                resources[form.resource_name] = form.text

    def _check_code(self, source: Source, element: str, name: str | None, code: str,
                    mode: str, label: str) -> None:
        problem = code_problem(code, mode, _operator_advice)
        if problem:
            self.problems.add(source.name, f"{label} is not allowed: {problem}", element, name)

    def _check_service(self, source: Source, task_spec: Any, process: str) -> None:
        """A service task calls a known operator that its process may use."""
        element, name = task_spec.bpmn_id, task_spec.bpmn_name
        environment = current_script_engine().environment
        operator = task_spec.operation_name or ""
        if operator not in environment.operators:
            known = ", ".join(sorted(environment.operators)) or "none"
            self.problems.add(source.name, f"service task calls the unknown operator "
                              f"{operator!r}; known: {known}", element, name)
            return
        problem = environment.operator_problem(operator, process)
        if problem:
            self.problems.add(source.name, problem, element, name)
        for param, spec in (task_spec.operation_params or {}).items():
            value = spec.get("value") if isinstance(spec, dict) else spec
            if isinstance(value, str) and value.strip():
                self._check_code(source, element, name, value, "eval",
                                 f"parameter {param} of {operator}")


# A value of each kind of timer, for a message about an empty one.
_EXAMPLE = {"timeDate": "2027-03-01T10:00", "timeDuration": "P14D",
            "timeCycle": "R4/2027-01-15T09:00/P3M"}


def _owners(specs: list[Any]) -> dict[str, str]:
    """The process each embedded sub-process belongs to (its id is only a name)."""
    around = {task_spec.spec: process_spec.name for process_spec in specs
              for task_spec in process_spec.task_specs.values()
              if isinstance(task_spec, SubWorkflowTask) and not isinstance(task_spec, CallActivity)}
    owners = {}
    for name in around:
        owner, seen = name, set()
        while owner in around and owner not in seen:  # ids may repeat in a hostile file
            seen.add(owner)
            owner = around[owner]
        owners[name] = owner
    return owners


def _operator_advice(name: str) -> str | None:
    return current_script_engine().environment.operator_problem(name)


def _text_of(sources: list[tuple[Source, Any]], name: str) -> str:
    return next(source.text for source, _root in sources if source.name == name)
