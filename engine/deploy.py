"""Deploying diagrams: validated files become immutable, numbered process versions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .db import Database
from .diagrams import Catalogue, ProcessDraft, Source, read_sources
from .errors import Conflict, DeploymentRejected, NotFound
from .models import ProcessDefinition, Role
from .schedules import sync_schedules
from .spiff import new_parser
from .timer_events import use_calendar_timers

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@dataclass(frozen=True)
class Deployed:
    key: str
    version: int
    status: str  # "new" or "unchanged"
    definition_id: int


def validate_files(db: Database, paths: Iterable[Path]) -> list[ProcessDraft]:
    """Run every check of a deployment without storing anything."""
    sources, problems = read_sources(paths)
    if problems:
        raise DeploymentRejected(problems)
    return validate_sources(db, sources)


def validate_sources(db: Database, sources: list[Source]) -> list[ProcessDraft]:
    if not any(s.kind == "bpmn" for s in sources):
        raise DeploymentRejected(["no BPMN file given: nothing to deploy"])
    with db.reading() as session:
        roles = set(session.scalars(select(Role.name)))
        catalogue = Catalogue(sources, lambda key: _latest_xml(session, key), roles,
                              lambda key: _latest_resources(session, key))
        drafts = catalogue.check()
    if catalogue.problems:
        raise DeploymentRejected(catalogue.problems, catalogue.problems.found)
    return drafts


def deploy(db: Database, paths: Iterable[Path], actor: str | None = None,
           note: str | None = None) -> list[Deployed]:
    """Deploy files and folders (``bpmn/`` by default); all of them, or none."""
    sources, problems = read_sources(paths)
    if problems:
        raise DeploymentRejected(problems)
    return deploy_sources(db, sources, actor, note=note)


def deploy_sources(db: Database, sources: list[Source], actor: str | None = None, *,
                   note: str | None = None,
                   also: Callable[[Session, list[Deployed]], None] | None = None,
                   ) -> list[Deployed]:
    """Validate and store; ``also`` runs in the same transaction (a draft that is deployed
    goes with it, or neither happens)."""
    drafts = validate_sources(db, sources)
    try:
        with db.transaction() as session:
            deployed = [_store(session, draft, actor, note) for draft in drafts]
            # After all are stored, so that callees deployed together resolve.
            for done in deployed:
                definition = session.get(ProcessDefinition, done.definition_id)
                sync_schedules(session, definition, specs_for(session, definition)[0])
            if also is not None:
                also(session, deployed)
            return deployed
    except IntegrityError as err:
        raise Conflict("another deployment of the same process ran at the same time; "
                       "deploy again") from err


def _store(session: Session, draft: ProcessDraft, actor: str | None,
           note: str | None) -> Deployed:
    latest = latest_definition(session, draft.key)
    if latest is not None and latest.content_hash == draft.content_hash:
        return Deployed(draft.key, latest.version, "unchanged", latest.id)
    definition = ProcessDefinition(
        key=draft.key, version=(latest.version + 1) if latest else 1, name=draft.name,
        source_name=draft.source_name, bpmn_xml=draft.bpmn_xml, resources=draft.resources,
        content_hash=draft.content_hash, deployed_by=actor, change_note=note,
    )
    session.add(definition)
    session.flush()
    audit.record(session, "process_deployed", actor,
                 details={"process": draft.key, "version": definition.version,
                          "source": draft.source_name, "note": note})
    return Deployed(draft.key, definition.version, "new", definition.id)


def latest_definition(session: Session, key: str) -> ProcessDefinition | None:
    return session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).first()


def require_latest_definition(session: Session, key: str) -> ProcessDefinition:
    definition = latest_definition(session, key)
    if definition is None:
        known = session.scalars(select(ProcessDefinition.key).distinct()).all()
        hint = f"; deployed processes: {', '.join(sorted(known))}" if known else \
            "; nothing is deployed yet (run govflow deploy)"
        raise NotFound(f"no process with key {key!r} is deployed{hint}")
    return definition


def list_definitions(session: Session) -> list[ProcessDefinition]:
    """The latest version of every deployed process."""
    latest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    return list(session.scalars(
        select(ProcessDefinition).join(
            latest, (ProcessDefinition.key == latest.c.key)
            & (ProcessDefinition.version == latest.c.v))
        .order_by(ProcessDefinition.key)
    ))


def _latest_xml(session: Session, key: str) -> str | None:
    definition = latest_definition(session, key)
    return definition.bpmn_xml if definition else None


def _latest_resources(session: Session, key: str) -> dict[str, str]:
    definition = latest_definition(session, key)
    return dict(definition.resources) if definition else {}


def specs_for(session: Session, definition: ProcessDefinition) -> tuple[Any, dict[str, Any]]:
    """The parsed spec of a version and of the processes it calls (their latest versions)."""
    involved = [definition]
    pending = set(_called_elements(definition.bpmn_xml))
    seen = {definition.key}
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        callee = latest_definition(session, key)
        if callee is not None:
            involved.append(callee)
            pending |= _called_elements(callee.bpmn_xml)
    # Keyed by content, not id: ids repeat across databases, content never lies.
    return _parse(tuple((d.key, d.content_hash) for d in involved), tuple(involved))


@lru_cache(maxsize=256)
def _called_elements(bpmn_xml: str) -> frozenset[str]:
    root = etree.fromstring(bpmn_xml.encode(), etree.XMLParser(resolve_entities=False))
    return frozenset(root.xpath("//bpmn:callActivity/@calledElement",
                          namespaces={"bpmn": BPMN_NS}))


_spec_cache: dict[tuple, tuple[Any, dict[str, Any]]] = {}


def _parse(cache_key: tuple, definitions: tuple[ProcessDefinition, ...]) -> tuple[Any, dict]:
    # Versions are immutable, so a parse is valid for as long as the process runs.
    if cache_key in _spec_cache:
        return _spec_cache[cache_key]
    parser = new_parser()
    safe = etree.XMLParser(resolve_entities=False, no_network=True)
    for definition in definitions:
        for name, text in definition.resources.items():
            if name.endswith(".dmn"):
                parser.add_dmn_xml(etree.fromstring(text.encode(), safe), filename=name)
    for definition in definitions:
        root = etree.fromstring(definition.bpmn_xml.encode(), safe)
        # A callee drawn in the caller's own file comes with it; add no file twice.
        ids = root.xpath("//bpmn:process/@id", namespaces={"bpmn": BPMN_NS})
        if not any(parser.get_process_parser(i) is not None for i in ids):
            parser.add_bpmn_xml(root, filename=definition.source_name)
    root_key = definitions[0].key
    result = (parser.get_spec(root_key), parser.get_subprocess_specs(root_key))
    use_calendar_timers(result[0], *result[1].values())
    if len(_spec_cache) > 256:
        _spec_cache.clear()
    _spec_cache[cache_key] = result
    return result
