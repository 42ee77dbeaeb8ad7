"""The meeting-frequency page's figures: per body and year, meetings held and planned against
the minimum, per Dutch quarter (counted by ``workflows.meeting_counts``); whether the
regiegroep met before the Stamtafel each quarter (MTG-3); and whether the regiegroep's two
yearly topics were on its agenda (MTG-9). Projections only, never a serialized workflow.

Who sees which body: meeting counts are no meeting content, so the network's managers see
every body's; a body's voorzitter or secretaris sees their own body only (``engine.oversight``
keeps the meetings themselves to the body). The MTG-3 check is shown with the regiegroep; the
Stamtafel's dates in it only to those who see the Stamtafel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, HumanTask
from engine.oversight import Oversight

from .bodies import BODIES
from .meeting_counts import (
    BodyYear,
    Meeting,
    body_year,
    coming_occurrences,
    meetings_of_year,
    quarter_of,
)

REGIEGROEP, STAMTAFEL = "regiegroep_gedwongen_zorg", "stamtafel"
AGENDA_TASK = "agenda_opstellen"
QUARTERS = (1, 2, 3, 4)
# MTG-9: the agenda form has no topic field, so the topics are recognised in the titles of
# the agenda items: Wzd/Wfz with the physicians (arts VG, arts PG), and the experience
# perspective with the patient and family confidants (PVP, FVP).
WZD_TOPIC = (re.compile(r"\b(wzd|wfz)\b", re.I), re.compile(r"\barts(en)?\b", re.I))
EXPERIENCE_TOPIC = (re.compile(r"\b(pvp|fvp)\b|ervaringsperspectief", re.I),)


@dataclass(frozen=True)
class QuarterOrder:
    """MTG-3 in one quarter: the regiegroep's first meeting and the Stamtafel's."""

    quarter: int
    regiegroep: date | None
    stamtafel: date | None
    settled: bool  # both meetings held: the answer no longer changes

    @property
    def applies(self) -> bool:
        return self.stamtafel is not None

    @property
    def before(self) -> bool:
        return (self.regiegroep is not None and self.stamtafel is not None
                and self.regiegroep < self.stamtafel)


@dataclass(frozen=True)
class YearTopics:
    """MTG-9: the day of the regiegroep meeting whose agenda carried each topic, if any."""

    wzd_with_physicians: date | None
    experience_perspective: date | None


@dataclass(frozen=True)
class FrequencyView:
    year: int
    bodies: list[BodyYear]
    order: list[QuarterOrder] | None = None  # with the regiegroep only
    topics: YearTopics | None = None  # with the regiegroep only
    show_stamtafel_dates: bool = False


def visible_bodies(oversight: Oversight) -> list[str]:
    """The bodies with a minimum whose counts ``oversight`` may see, in catalogue order."""
    return [code for code, body in BODIES.items() if body.min_meetings_per_year
            and (oversight.network or code in oversight.bodies)]


def frequency_view(session: Session, oversight: Oversight, year: int) -> FrequencyView:
    """The page's figures for ``year`` as ``oversight`` may see them."""
    shown = visible_bodies(oversight)
    with_order = REGIEGROEP in shown
    wanted = set(shown) | ({STAMTAFEL} if with_order else set())
    meetings = meetings_of_year(session, wanted, year)
    everything = [*meetings, *coming_occurrences(session, wanted, year)]
    rows = [body_year(code, year, everything) for code in shown]
    if not with_order:
        return FrequencyView(year, rows)
    return FrequencyView(year, rows, _order(everything), _topics(session, meetings),
                         STAMTAFEL in shown)


def _order(meetings: list[Meeting]) -> list[QuarterOrder]:
    """MTG-3 per quarter: the first regiegroep meeting against the first Stamtafel meeting."""
    order = []
    for quarter in QUARTERS:
        firsts = {}
        for code in (REGIEGROEP, STAMTAFEL):
            of_quarter = sorted((m for m in meetings
                                 if m.body == code and quarter_of(m.day) == quarter),
                                key=lambda m: m.day)
            firsts[code] = of_quarter[0] if of_quarter else None
        regiegroep, stamtafel = firsts[REGIEGROEP], firsts[STAMTAFEL]
        order.append(QuarterOrder(
            quarter, regiegroep.day if regiegroep else None,
            stamtafel.day if stamtafel else None,
            settled=bool(regiegroep and regiegroep.held and stamtafel and stamtafel.held)))
    return order


def _topics(session: Session, meetings: list[Meeting]) -> YearTopics:
    """MTG-9 from the agenda titles of the regiegroep's meetings of the year (one query)."""
    days = {m.instance_id: m.day for m in meetings if m.body == REGIEGROEP}
    found: dict[str, date] = {}
    if days:
        agendas = session.execute(
            select(AuditEvent.instance_id, AuditEvent.details)
            .join(HumanTask, HumanTask.id == AuditEvent.task_id)
            .where(AuditEvent.instance_id.in_(sorted(days)),
                   AuditEvent.kind == "task_completed", HumanTask.element_id == AGENDA_TASK)
            .order_by(AuditEvent.id)).all()
        for instance_id, details in agendas:
            for title in _item_titles(details):
                for name, patterns in (("wzd", WZD_TOPIC), ("experience", EXPERIENCE_TOPIC)):
                    if all(p.search(title) for p in patterns):
                        day = days[instance_id]
                        found[name] = min(found.get(name, day), day)
    return YearTopics(found.get("wzd"), found.get("experience"))


def _item_titles(details: dict[str, Any] | None) -> list[str]:
    agenda = ((details or {}).get("data") or {}).get("agenda") or []
    return [item["titel"] for item in agenda
            if isinstance(item, dict) and isinstance(item.get("titel"), str)]
