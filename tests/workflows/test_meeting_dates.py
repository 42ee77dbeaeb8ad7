"""A meeting counts in the year and quarter of its date (MTG-1..MTG-4), read from the projected
``dated_on`` (engine/instance_date.py): the planned date once it is set, before that the day
its preparation started; meetings whose last step came before the projection are counted by
their dates in the audit trail, the same way."""

from __future__ import annotations

from datetime import date, datetime

import time_machine
from sqlalchemy import update

from engine import instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import ProcessInstance
from engine.timers import fire_due_timers
from workflows.meeting_counts import body_years, meetings_of_year

from ..web.meeting_year import DEPLOYED, hold, item, set_up

JANUARY = datetime(2027, 1, 27, 9, 1, tzinfo=LOCAL_ZONE)  # the Stamtafel's Q1 preparation


def _counts(db: Database, year: int) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    with db.reading() as session:
        return {row.body: (row.held_per_quarter, row.planned_per_quarter)
                for row in body_years(session, ["stamtafel", "regiekamer"], year)}


def test_mtg2_a_meeting_is_dated_by_its_planned_day_and_counts_there(db: Database) -> None:
    """MTG-2: the Regiekamer's meeting planned for 1 March is held on that day."""
    with time_machine.travel(DEPLOYED, tick=False):
        set_up(db)
        held = hold(db, "regiekamer", "2027-03-01", [item("Jaarplan")], sent="2027-02-15")
    assert instances.get_instance(db, held.id).dated_on == date(2027, 3, 1)
    with db.reading() as session:
        [meeting] = [m for m in meetings_of_year(session, ["regiekamer"], 2027)
                     if m.instance_id == held.id]
    assert (meeting.day, meeting.held) == (date(2027, 3, 1), True)


def test_mtg1_before_it_is_planned_a_timer_started_meeting_is_dated_by_its_start(
        db: Database) -> None:
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=LOCAL_ZONE), tick=False):
        set_up(db)
    with time_machine.travel(JANUARY, tick=False):
        fire_due_timers(db)
    [stamtafel] = [i for i in instances.list_instances(db, process="meeting")
                   if i.scope == "stamtafel"]
    assert stamtafel.dated_on == date(2027, 1, 27)
    assert _counts(db, 2027)["stamtafel"][1][0] >= 1  # planned in Q1


def test_meetings_without_the_projection_count_by_the_audit_trail(db: Database) -> None:
    """An instance whose last step came before ``dated_on`` existed counts the same."""
    with time_machine.travel(DEPLOYED, tick=False):
        set_up(db)
        hold(db, "regiekamer", "2027-03-01", [item("Jaarplan")], sent="2027-02-15")
        hold(db, "stamtafel", "2027-04-06", [item("Nazorg")], sent="2027-03-20")
        before = _counts(db, 2027)
    with db.transaction() as session:
        session.execute(update(ProcessInstance).values(dated_on=None))
    with time_machine.travel(DEPLOYED, tick=False):
        assert _counts(db, 2027) == before
    assert before["regiekamer"][0] == (1, 0, 0, 0) and before["stamtafel"][0] == (0, 1, 0, 0)
