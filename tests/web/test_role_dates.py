"""A role assigned "from today" holds on the day it is assigned, in Dutch local time: by
`govflow user add`, by `govflow seed` and by `govflow member add` (issue 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from engine import deploy, identity, instances, tasks
from engine.db import Database

from ..conftest import BPMN

# 00:30 on 1 January 2027 in the Netherlands, still 31 December in UTC.
NEW_YEAR_NIGHT = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
# 23:30 on 31 December 2026 in the Netherlands.
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)


def start_budget(db: Database, actor: str) -> None:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    instances.start_instance(db, "budget_cycle", data={"jaar": 2028, "document": "begroting"},
                             actor=actor)


def holds(db: Database, username: str, role: str, day: date,
          scope: str | None = None) -> bool:
    with db.reading() as session:
        return identity.holds_role(session, username, role, scope, on=day)


@pytest.mark.parametrize(("moment", "dutch_day"), [(NEW_YEAR_NIGHT, date(2027, 1, 1)),
                                                   (NEW_YEARS_EVE, date(2026, 12, 31))])
def test_govflow_user_add_gives_the_role_from_the_dutch_today(
        db: Database, cli, moment: datetime, dutch_day: date) -> None:
    with time_machine.travel(moment, tick=False):
        added = cli("user", "add", "mia", "--role", "Manager ZVH", "--password", "geheim-123")
        assert added.exit_code == 0, added.output
        assert holds(db, "mia", "Manager ZVH", dutch_day)
        assert holds(db, "mia", "Manager ZVH", date(2027, 1, 2))
        assert not holds(db, "mia", "Manager ZVH", date(2026, 12, 30))
        # ... and the work of that role reaches her at once.
        start_budget(db, "mia")
        assert [t.name for t in tasks.inbox(db, "mia")] == ["Begroting opstellen"]


def test_govflow_seed_gives_the_demo_roles_from_the_dutch_today(db: Database, cli) -> None:
    with time_machine.travel(NEW_YEAR_NIGHT, tick=False):
        seeded = cli("seed")
        assert seeded.exit_code == 0, seeded.output
        assert holds(db, "manager.zvh", "Manager ZVH", date(2027, 1, 1))
        assert holds(db, "lid.stamtafel", "Lid Stamtafel", date(2027, 1, 1))
        with db.reading() as session:
            user = identity.find_user(session, "manager.zvh")
            assert {a.valid_from for a in user.assignments} == {date(2027, 1, 1)}
        start_budget(db, "manager.zvh")
        assert [t.name for t in tasks.inbox(db, "manager.zvh")] == ["Begroting opstellen"]


def test_govflow_member_add_gives_the_membership_from_the_dutch_today(db: Database,
                                                                     cli) -> None:
    with time_machine.travel(NEW_YEAR_NIGHT, tick=False):
        cli("user", "add", "anna", "--role", "Netwerksecretaris", "--password", "geheim-123")
        added = cli("member", "add", "anna", "--body", "regiekamer")
        assert added.output.strip() == "anna is Lid of regiekamer from 2027-01-01"
        assert holds(db, "anna", "Lid", date(2027, 1, 1), scope="regiekamer")
