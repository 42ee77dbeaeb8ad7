"""Drafts: a process owner's change of a process, saved, checked and deployed as its next version.

One draft per process, shared by its owners. Saving names the revision it was made on; a save
on an older revision is refused (``DraftConflict``), so what another owner saved is never lost.
Deploying a draft goes through the same ``deploy`` as the command line, all or nothing: the new
version is stored and the draft is gone, or neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from SpiffWorkflow.bpmn.parser.util import BPMN_MODEL_NS
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit
from .clock import now
from .db import Database
from .deploy import Deployed, deploy_sources, latest_definition, require_latest_definition
from .deploy import validate_sources as check_sources
from .diagrams import Problem, Problems, Source, parse_xml
from .errors import Conflict, DeploymentRejected, InvalidInput, NotFound
from .models import Draft, DraftForm
from .new_diagrams import blank_diagram, check_key, check_name, copied_diagram
from .process_owners import require_process_owner

MAX_NOTE = 4000


class DraftConflict(Conflict):
    """Someone saved (or deployed, or threw away) the draft after the caller opened it."""

    def __init__(self, key: str, saved_by: str | None, saved_at: datetime | None) -> None:
        who = f" by {saved_by} at {saved_at:%Y-%m-%d %H:%M} UTC" if saved_by and saved_at else ""
        super().__init__(f"the draft of {key} changed{who} after you opened it; nothing of "
                         "yours was saved: download your diagram, reload, and redo your change")
        self.key, self.saved_by, self.saved_at = key, saved_by, saved_at


@dataclass(frozen=True)
class SavedDraft:
    key: str
    revision: int
    saved_at: datetime
    saved_by: str
    problems: list[Problem]


@dataclass(frozen=True)
class Editable:
    """What the editor opens: the draft, else the latest version (``revision`` None)."""

    key: str
    name: str
    xml: str
    revision: int | None
    resources: dict[str, str]
    base_version: int | None


def editable(session: Session, key: str) -> Editable:
    draft = session.get(Draft, key)
    if draft is not None:
        return Editable(key, draft.name, draft.bpmn_xml, draft.revision,
                        resources_of(session, draft), draft.base_version)
    latest = require_latest_definition(session, key)
    return Editable(key, latest.name, latest.bpmn_xml, None, dict(latest.resources),
                    latest.version)


def save_draft(db: Database, key: str, xml: str, actor: str,
               revision: int | None) -> SavedDraft:
    """Save the editor's diagram as the draft of ``key``; ``revision`` is the draft's revision
    the editor opened (None: it opened the deployed version, so no draft may exist yet)."""
    with db.reading() as session:  # who asks comes first: a stranger learns nothing
        require_process_owner(session, actor)
    name = _process_name(xml, key)
    with db.transaction() as session:
        require_process_owner(session, actor)
        draft = session.get(Draft, key)
        if draft is None:
            if revision is not None:
                raise DraftConflict(key, None, None)
            draft = draft_of_latest(session, key, actor)
            session.add(draft)
        elif draft.revision != revision:
            raise DraftConflict(key, draft.saved_by, draft.saved_at)
        draft.name, draft.bpmn_xml = name, xml
        draft.saved_by, draft.saved_at = actor, now()
        session.flush()
        audit.record(session, "draft_saved", actor,
                     details={"process": key, "revision": draft.revision})
        saved = SavedDraft(key, draft.revision, draft.saved_at, actor, [])
        resources = resources_of(session, draft)
    return SavedDraft(saved.key, saved.revision, saved.saved_at, saved.saved_by,
                      check_diagram(db, key, xml, resources))


def resources_of(session: Session, draft: Draft) -> dict[str, str]:
    """The draft's forms and tables: those it started with, and those the form editor saved."""
    saved = session.scalars(select(DraftForm).where(DraftForm.key == draft.key))
    return {**dict(draft.resources), **{form.name: form.text for form in saved}}


def draft_of_latest(session: Session, key: str, actor: str) -> Draft:
    latest = latest_definition(session, key)
    if latest is None:
        raise NotFound(f"no process with key {key!r}: start it as a new process first")
    return Draft(key=key, name=latest.name, source_name=latest.source_name,
                 bpmn_xml=latest.bpmn_xml, resources=dict(latest.resources),
                 base_version=latest.version, created_by=actor, created_at=now(),
                 saved_by=actor, saved_at=now())


def check_diagram(db: Database, key: str, xml: str,
                  resources: dict[str, str]) -> list[Problem]:
    """Every check of a deployment on the diagram of ``key`` with its forms; stores nothing."""
    try:
        _process_name(xml, key)
        check_sources(db, _sources(key, xml, resources))
    except DeploymentRejected as err:
        return list(err.found) or [Problem(key, None, None, p) for p in err.problems]
    except InvalidInput as err:
        return [Problem(key, None, None, err.message)]
    return []


def deploy_draft(db: Database, key: str, actor: str, note: str,
                 revision: int) -> Deployed:
    """The draft becomes the next version of its process, with the owner's change note."""
    note = (note or "").strip()
    if not note:
        raise InvalidInput("write a change note: what changed, and why", {"note": "required"})
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"a change note has at most {MAX_NOTE} characters",
                           {"note": "too long"})
    with db.reading() as session:
        require_process_owner(session, actor)
        draft = _require_draft(session, key)
        if draft.revision != revision:
            raise DraftConflict(key, draft.saved_by, draft.saved_at)
        sources = _sources(key, draft.bpmn_xml, resources_of(session, draft), draft.source_name)

    def drop_draft(session: Session, deployed: list[Deployed]) -> None:
        current = session.get(Draft, key)
        if current is None or current.revision != revision:
            raise DraftConflict(key, getattr(current, "saved_by", None),
                                getattr(current, "saved_at", None))
        mine = next(d for d in deployed if d.key == key)
        if mine.status == "unchanged":
            raise InvalidInput(f"the draft is the same as version {mine.version}: there is "
                               "nothing to deploy", {"draft": "unchanged"})
        session.delete(current)
        audit.record(session, "draft_deployed", actor,
                     details={"process": key, "version": mine.version, "revision": revision})

    result = deploy_sources(db, sources, actor, note=note, also=drop_draft)
    return next(d for d in result if d.key == key)


def discard_draft(db: Database, key: str, actor: str, revision: int) -> None:
    """Throw a draft away; the deployed versions stay as they are."""
    with db.transaction() as session:
        require_process_owner(session, actor)
        draft = _require_draft(session, key)
        if draft.revision != revision:
            raise DraftConflict(key, draft.saved_by, draft.saved_at)
        session.delete(draft)
        audit.record(session, "draft_discarded", actor,
                     details={"process": key, "revision": revision})


def new_process(db: Database, key: str, name: str, actor: str,
                copy_of: str | None = None) -> int:
    """Start a process as a draft: blank (one lane, a start and an end) or a copy of
    another process's latest version. Returns the draft's revision."""
    key, name = check_key(key), check_name(name)
    with db.transaction() as session:
        require_process_owner(session, actor)
        if latest_definition(session, key) is not None or session.get(Draft, key) is not None:
            raise InvalidInput(f"a process with key {key!r} already exists; choose another key",
                               {"key": "exists"})
        xml, resources = blank_diagram(key, name), {}
        if copy_of:
            original = require_latest_definition(session, copy_of)
            xml = copied_diagram(original.bpmn_xml, copy_of, key, name)
            resources = dict(original.resources)
        draft = Draft(key=key, name=name, source_name=f"{key}.bpmn", bpmn_xml=xml,
                      resources=resources, base_version=None, created_by=actor,
                      created_at=now(), saved_by=actor, saved_at=now())
        session.add(draft)
        session.flush()
        audit.record(session, "process_created", actor,
                     details={"process": key, "name": name, "copy_of": copy_of})
        return draft.revision


def _require_draft(session: Session, key: str) -> Draft:
    draft = session.get(Draft, key)
    if draft is None:
        raise NotFound(f"there is no draft of {key!r}")
    return draft


def _sources(key: str, xml: str, resources: dict[str, str],
             source_name: str | None = None) -> list[Source]:
    name = Path(source_name or f"{key}.bpmn").name
    return [Source(name, xml), *(Source(f"forms/{n}" if n.endswith(".json") else n, text)
                                 for n, text in sorted(resources.items()))]


def _process_name(xml: str, key: str) -> str:
    """The name of process ``key`` in the diagram; refuses a diagram that lacks it."""
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput("the diagram is empty", {"xml": "required"})
    problems = Problems()
    root = parse_xml(Source(f"{key}.bpmn", xml), problems)
    if root is None:
        raise InvalidInput(problems.found[0].message, {"xml": "invalid"})
    process = root.find(f"{{{BPMN_MODEL_NS}}}process[@id='{key}']") if _plain(key) else None
    if root.tag != f"{{{BPMN_MODEL_NS}}}definitions" or process is None:
        raise InvalidInput(f"the diagram has no process with id {key!r}: the process id is the "
                           "key and stays the same", {"xml": "no process"})
    return " ".join((process.get("name") or key).split())


def _plain(key: str) -> bool:
    return "'" not in key and "]" not in key
