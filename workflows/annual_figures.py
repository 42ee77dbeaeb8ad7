"""The figures of one year that the manager needs for the annual report (BUD-5, art. 8.6 l:
"size and nature of the cases handled"), from the audit trail and the projections only:

- case reflections per sub-region and type of case (REF-2, REF-3): the reflections of the
  year's quarters, with the type entered at "Casus inbrengen", and whether the conversation
  was held ("Casusreflectie voeren" completed);
- decisions per body, on the agenda items of the meetings held that year and past their
  decisions: escalated to the higher body ("Voorleggen aan hoger orgaan", DEC-4, DEC-5),
  postponed until the absent party was heard ("Partij horen", DEC-3), the rest taken (a
  decision, an advice of a body without decision power, or no majority at a body with no
  higher body: the outcome of a vote is not projected, so these cannot be told apart without
  reading workflows);
- meetings held per body (as on the frequency page, MTG-1..MTG-4);
- tasks completed in the year on time, late, or without a deadline, per process;
- admissions (ADM-1): requests received, admitted, refused, not considered, open at the
  end of the year.

Counts are no meeting content, so the network's managers see every body's (the page is
theirs alone). Grouping is done by the database except where a count depends on data in the
audit trail's JSON (case type, agenda length), which is read once for the year's few rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import LOCAL_ZONE
from engine.models import AuditEvent, HumanTask, ProcessDefinition, ProcessInstance

from .bodies import BODIES
from .meeting_calendar import quarter_of, year_of
from .meeting_counts import meetings_of_year
from .subregions import subregion_for

REFLECTION_PROCESS = "case_reflection"
ADMISSION_PROCESS = "member_admission"
CASE_TASK, CONVERSATION_TASK = "casus", "gesprek"
ESCALATION_TASK, HEARING_TASK, MINUTES_TASK = "voorleggen", "partij_horen", "verslag_opstellen"
AGENDA_TASK = "agenda_opstellen"
# The end events of member_admission (its stage once completed).
ADMITTED, REFUSED, NOT_CONSIDERED = "Toegelaten", "Afgewezen", "Buiten behandeling"


@dataclass(frozen=True)
class ReflectionCount:
    subregion: str
    case_type: str | None  # None: no case brought in yet
    count: int
    held: int


@dataclass(frozen=True)
class DecisionCount:
    body: str
    name: str
    items: int
    escalated: int
    postponed: int

    @property
    def taken(self) -> int:
        return max(self.items - self.escalated, 0)


@dataclass(frozen=True)
class MeetingCount:
    body: str
    name: str
    held: int
    minimum: int | None


@dataclass(frozen=True)
class TaskTimeliness:
    process_key: str
    process_name: str
    on_time: int
    late: int
    no_deadline: int


@dataclass(frozen=True)
class Admissions:
    received: int
    admitted: int
    refused: int
    not_considered: int
    open: int


@dataclass(frozen=True)
class AnnualFigures:
    year: int
    reflections: list[ReflectionCount]
    decisions: list[DecisionCount]
    meetings: list[MeetingCount]
    tasks: list[TaskTimeliness]
    admissions: Admissions


def annual_figures(session: Session, year: int) -> AnnualFigures:
    """Every figure of ``year`` (a Dutch calendar year)."""
    held = [m for m in meetings_of_year(session, BODIES, year) if m.held]
    return AnnualFigures(year, reflections(session, year), decisions(session, held),
                         meetings_held(held), task_timeliness(session, year),
                         admissions(session, year))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=LOCAL_ZONE), datetime(year + 1, 1, 1, tzinfo=LOCAL_ZONE)


def reflections(session: Session, year: int) -> list[ReflectionCount]:
    """REF-2, REF-3: the year's reflections per sub-region and type of case."""
    instances = select(ProcessInstance.id).where(
        ProcessInstance.process_key == REFLECTION_PROCESS,
        ProcessInstance.status.not_in(("cancelled",)),
        ProcessInstance.started_at >= datetime(year - 1, 1, 1, tzinfo=LOCAL_ZONE),
        ProcessInstance.started_at < datetime(year + 2, 1, 1, tzinfo=LOCAL_ZONE))
    events = session.execute(
        select(AuditEvent.instance_id, AuditEvent.kind, AuditEvent.details)
        .outerjoin(HumanTask, HumanTask.id == AuditEvent.task_id)
        .where(AuditEvent.instance_id.in_(instances),
               or_(AuditEvent.kind == "instance_started",
                   (AuditEvent.kind == "task_completed") & (HumanTask.element_id == CASE_TASK)))
        .order_by(AuditEvent.id)).all()
    held = set(session.scalars(select(HumanTask.instance_id).where(
        HumanTask.instance_id.in_(instances), HumanTask.element_id == CONVERSATION_TASK,
        HumanTask.state == "completed")))
    turn: dict[int, str] = {}
    case_type: dict[int, str] = {}
    for instance_id, kind, details in events:
        data = (details or {}).get("data") or {}
        if kind == "instance_started":
            subregion = _subregion_of(data, year)
            if subregion is not None:
                turn[instance_id] = subregion
        elif isinstance(data.get("casustype"), str):
            case_type[instance_id] = data["casustype"]
    counts: Counter[tuple[str, str | None]] = Counter()
    held_counts: Counter[tuple[str, str | None]] = Counter()
    for instance_id, subregion in turn.items():
        key = (subregion, case_type.get(instance_id))
        counts[key] += 1
        held_counts[key] += instance_id in held
    return [ReflectionCount(s, t, n, held_counts[(s, t)])
            for (s, t), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))]


def _subregion_of(start_data: dict[str, Any], year: int) -> str | None:
    """The sub-region whose turn the reflection is, if it is one of ``year``'s quarters."""
    try:
        if "occurrence" in start_data:
            of_year = year_of(start_data["occurrence"])
            quarter = quarter_of(start_data["occurrence"])
        else:
            of_year, quarter = start_data["jaar"], start_data["kwartaal"]
        return subregion_for(of_year, quarter) if of_year == year else None
    except (KeyError, TypeError, ValueError):
        return None


def decisions(session: Session, held: list[Any]) -> list[DecisionCount]:
    """DEC-3..DEC-5 per body, on the agenda items of the meetings held (see the docstring)."""
    body_of = {m.instance_id: m.body for m in held}
    if not body_of:
        return []
    ids = sorted(body_of)
    per_task = session.execute(
        select(HumanTask.instance_id, HumanTask.element_id, func.count())
        .where(HumanTask.instance_id.in_(ids),
               HumanTask.element_id.in_((ESCALATION_TASK, HEARING_TASK, MINUTES_TASK)))
        .group_by(HumanTask.instance_id, HumanTask.element_id)).all()
    decided = {i for i, element, _n in per_task if element == MINUTES_TASK}
    counts: dict[str, Counter[str]] = {}
    for instance_id, element, number in per_task:
        counts.setdefault(body_of[instance_id], Counter())[element] += number
    for instance_id, number in _agenda_lengths(session, sorted(decided)).items():
        counts.setdefault(body_of[instance_id], Counter())["items"] += number
    return [DecisionCount(code, BODIES[code].name, c["items"], c[ESCALATION_TASK],
                          c[HEARING_TASK])
            for code, c in sorted(counts.items(), key=lambda kv: _body_order(kv[0]))
            if c["items"] or c[ESCALATION_TASK] or c[HEARING_TASK]]


def _agenda_lengths(session: Session, ids: list[int]) -> dict[int, int]:
    """Per meeting the number of items of its (last) agenda."""
    if not ids:
        return {}
    lengths: dict[int, int] = {}
    for instance_id, details in session.execute(
            select(AuditEvent.instance_id, AuditEvent.details)
            .join(HumanTask, HumanTask.id == AuditEvent.task_id)
            .where(AuditEvent.instance_id.in_(ids), AuditEvent.kind == "task_completed",
                   HumanTask.element_id == AGENDA_TASK)
            .order_by(AuditEvent.id)):
        agenda = ((details or {}).get("data") or {}).get("agenda")
        lengths[instance_id] = len(agenda) if isinstance(agenda, list) else 0
    return lengths


def _body_order(code: str) -> int:
    return list(BODIES).index(code) if code in BODIES else len(BODIES)


def meetings_held(held: list[Any]) -> list[MeetingCount]:
    """MTG-1..MTG-4: every body with a minimum, and any other body that met."""
    per_body = Counter(m.body for m in held)
    return [MeetingCount(code, body.name, per_body[code], body.min_meetings_per_year)
            for code, body in BODIES.items() if body.min_meetings_per_year or per_body[code]]


def task_timeliness(session: Session, year: int) -> list[TaskTimeliness]:
    """The tasks completed in ``year`` per process: on time, late, without a deadline."""
    start, end = year_bounds(year)
    no_deadline = func.sum(case((HumanTask.due_at.is_(None), 1), else_=0))
    on_time = func.sum(case((HumanTask.completed_at <= HumanTask.due_at, 1), else_=0))
    late = func.sum(case((HumanTask.completed_at > HumanTask.due_at, 1), else_=0))
    rows = session.execute(
        select(ProcessInstance.process_key, func.max(ProcessDefinition.name),
               on_time, late, no_deadline)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(HumanTask.state == "completed", HumanTask.completed_at >= start,
               HumanTask.completed_at < end)
        .group_by(ProcessInstance.process_key)).all()
    return sorted((TaskTimeliness(key, name, int(a or 0), int(b or 0), int(c or 0))
                   for key, name, a, b, c in rows), key=lambda t: t.process_name)


def admissions(session: Session, year: int) -> Admissions:
    """ADM-1: the year's requests and how the requests that ended in it ended."""
    start, end = year_bounds(year)
    of_process = ProcessInstance.process_key == ADMISSION_PROCESS
    received = session.scalar(select(func.count()).where(
        of_process, ProcessInstance.started_at >= start, ProcessInstance.started_at < end))
    ended = dict(session.execute(
        select(ProcessInstance.stage, func.count())
        .where(of_process, ProcessInstance.status == "completed",
               ProcessInstance.ended_at >= start, ProcessInstance.ended_at < end)
        .group_by(ProcessInstance.stage)).all())
    # Open at the end of the year (or now, for this year): neither completed nor cancelled.
    still_open = session.scalar(select(func.count()).where(
        of_process, ProcessInstance.started_at < end,
        or_(ProcessInstance.ended_at.is_(None), ProcessInstance.ended_at >= end)))
    return Admissions(received or 0, ended.get(ADMITTED, 0), ended.get(REFUSED, 0),
                      ended.get(NOT_CONSIDERED, 0), still_open or 0)
