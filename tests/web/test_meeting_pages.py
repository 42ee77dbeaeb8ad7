"""A meeting's invitation and attendance on the pages: members proposed by name, guests from
the users, no meeting in the past, and a member who left cannot be given a vote (issue 9)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

import pytest
import time_machine
from flask.testing import FlaskClient

from engine import identity, instances, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database

from ..processes.meeting_support import complete, deploy_governance, make_members, named_tasks
from ..processes.test_meeting import NO_ITEMS, WORKFLOW, prepare_agenda
from .test_inbox import post, sign_in

PREPARING = datetime(2027, 2, 8, 9, 0, tzinfo=LOCAL_ZONE)
PLAN = {"vergaderdatum": "2027-03-15", "locatie": "Zutphen", "aanleiding": "regulier"}


@pytest.fixture
def planning(db: Database) -> Iterator[int]:
    """A Regiekamer meeting waiting to be planned by its secretary sara, in February 2027."""
    with time_machine.travel(PREPARING, tick=True):
        deploy_governance(db)
        make_members(db, "regiekamer", "stuurgroep")
        identity.add_user(db, "jan.jansen", display_name="Jan Jansen", password="password-jan",
                          roles=[("Lid", "regiekamer")])
        instances.start_instance(db, "meeting", title="Regiekamer maart", actor="sara",
                                 scope="regiekamer", data={"orgaan": "regiekamer"})
        yield named_tasks(db, "sara", "Vergadering plannen")[0].id


def _checkbox(page: str, name: str, value: str) -> str:
    found = re.search(rf'<input type="checkbox" id="[^"]+"\s+name="{name}" value="{value}"'
                      r'[^>]*>\s*<label[^>]*>([^<]*)</label>', page)
    assert found, f"no checkbox {name}={value}"
    return found.group(0)


def test_the_members_are_proposed_by_name_and_guests_offered(planning: int,
                                                              client: FlaskClient) -> None:
    sign_in(client, "sara")
    page = client.get(f"/tasks/{planning}").text
    jan = _checkbox(page, "leden", "jan.jansen")
    assert "checked" in jan and "Jan Jansen (jan.jansen)" in jan
    assert "checked" in _checkbox(page, "leden", "anna")
    guest = _checkbox(page, "gasten", "stef")
    assert "checked" not in guest
    assert 'name="leden" value="stef"' not in page
    assert re.search(r'id="field-vergaderdatum"[^>]*type="date" min="2027-02-08"', page)


def test_a_meeting_in_the_past_is_refused_in_dutch(db: Database, planning: int,
                                                    client: FlaskClient) -> None:
    sign_in(client, "sara")
    page = post(client, f"/tasks/{planning}",
                {**PLAN, "vergaderdatum": "2020-01-01", "leden": ["anna"]})
    assert page.status_code == 422
    assert "Kies 8 februari 2027 of een latere datum." in page.text
    assert tasks.get_task(db, planning).state == "open"


def test_a_member_who_left_before_the_meeting_cannot_be_given_a_vote(
        db: Database, planning: int, client: FlaskClient) -> None:
    """DEC-1: only members vote. bert was invited, then left the body; ticking him present
    is refused with the reason, and nothing of the attendance is stored."""
    with time_machine.travel(PREPARING, tick=True):
        complete(db, "sara", "Vergadering plannen", {**PLAN, "leden": ["anna", "bert"]})
        for member in ("anna", "bert"):
            complete(db, member, "Agendapunten aandragen", NO_ITEMS)
        prepare_agenda(db, "sara", [WORKFLOW])
        identity.end_role(db, "bert", "Lid", scope="regiekamer")  # his last day
    [attendance] = named_tasks(db, "sara", "Aanwezigheid registreren")
    with time_machine.travel(datetime(2027, 3, 15, 10, 0, tzinfo=LOCAL_ZONE), tick=True):
        sign_in(client, "sara")
        page = post(client, f"/tasks/{attendance.id}", {"aanwezigen": ["anna", "bert"]})
    assert page.status_code == 422
    assert "De volgende stap kan niet naar bert: zij mogen die niet doen" in page.text
    assert "checked" in _checkbox(page.text, "aanwezigen", "bert")  # as it was sent
    assert tasks.get_task(db, attendance.id).state == "open"
    assert instances.get_instance(db, attendance.instance_id).status == "running"
