"""Appointment of the portefeuillehouders ZVH after a municipal election
(bpmn/portfolio_appointment.bpmn), driven through the engine commands (rules POR-1, POR-2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
import time_machine
from sqlalchemy import select

from engine import audit, deploy, identity, instances, tasks
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.errors import NotAllowed
from engine.forms import FormRejected
from engine.models import AuditEvent, HumanTask, ProcessInstance, RoleAssignment, User
from engine.runtime import StepFailed
from engine.workflow_store import read_workflow
from workflows.portfolio import (
    PORTFOLIO_ROLE,
    Appointment,
    change_portfolio_holders,
    council_term_end,
    council_term_start,
)

from ..conftest import BPMN, data_of, make_user

DIAGRAM = BPMN / "portfolio_appointment.bpmn"
KEY = "portfolio_appointment"
MAYOR_TASK = "Portefeuillehouder namens het DVO aanwijzen"
ALDERMAN_TASK = "Portefeuillehouder namens de VvG Veilig Thuis aanwijzen"
# The council elected in March 2026 takes office on 1 April 2026; the next on 3 April 2030.
ELECTION = 2026
TERM_END = date(2030, 4, 2)
APPOINTED = "2026-04-15"


def _at(day: str):
    """Travel to noon (Dutch time) on a day, so that ``today()`` is that day."""
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=LOCAL_ZONE)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    """The sitting portefeuillehouders, members of both bodies and an outsider, all since the
    council term that began on 30 March 2022 (rows written directly: no password hashing)."""
    people = {"previous mayor": ("oud_b", PORTFOLIO_ROLE, None),
              "previous alderman": ("oud_w", PORTFOLIO_ROLE, None),
              "dvo": ("dora", "Lid", "dvo"), "mayor": ("bram", "Lid", "dvo"),
              "vvg": ("vince", "Lid", "vvg_veilig_thuis"),
              "alderman": ("wilma", "Lid", "vvg_veilig_thuis"),
              "outsider": ("nina", "Netwerksecretaris", None)}
    with db.transaction() as session:
        for username, role, scope in people.values():
            session.add(User(username=username, display_name=username, assignments=[
                RoleAssignment(role=role, scope=scope, valid_from=date(2022, 3, 30))]))
    return {key: username for key, (username, _role, _scope) in people.items()}


@pytest.fixture
def deployed(db: Database) -> list[deploy.Deployed]:
    return deploy.deploy(db, [BPMN / "member_admission.bpmn", DIAGRAM, BPMN / "forms"], "tester")


def _task(db: Database, username: str, name: str) -> HumanTask:
    found = [t for t in tasks.inbox(db, username) if t.name == name]
    assert len(found) == 1, [t.name for t in tasks.inbox(db, username)]
    return found[0]


def _appoint_mayor(db: Database, **data: Any) -> HumanTask:
    fields = {"burgemeester": "bram", "gemeente_burgemeester": "Zutphen",
              "benoemd_per_burgemeester": APPOINTED} | data
    return tasks.complete_task(db, _task(db, "dora", MAYOR_TASK).id, "dora", fields)


def _appoint_alderman(db: Database, **data: Any) -> HumanTask:
    fields = {"wethouder": "wilma", "gemeente_wethouder": "Apeldoorn",
              "benoemd_per_wethouder": APPOINTED} | data
    return tasks.complete_task(db, _task(db, "vince", ALDERMAN_TASK).id, "vince", fields)


def _start(db: Database, year: int = ELECTION) -> ProcessInstance:
    return instances.start_instance(db, KEY, title=f"Portefeuillehouders na verkiezingen {year}",
                                    data={"verkiezingsjaar": year}, actor="dora")


def _instance(db: Database, instance_id: int) -> ProcessInstance:
    return instances.get_instance(db, instance_id)


def _data_of(db: Database, task: HumanTask) -> dict[str, Any]:
    """The data a task's form opens with."""
    workflow = read_workflow(_instance(db, task.instance_id))
    return workflow.get_task_from_id(UUID(task.spiff_task_id)).data


def _holders(db: Database, day: str) -> set[str]:
    """Who holds the role on ``day``, asked the way the inbox asks: today, by time travel."""
    with _at(day), db.reading() as session:
        users = session.scalars(select(User.username)).all()
        return {u for u in users if identity.holds_role(session, u, PORTFOLIO_ROLE)}


# --- the term (POR-2) ---------------------------------------------------------------------


def test_the_term_ends_the_day_before_the_next_council_takes_office() -> None:
    """POR-2: the term equals the council term (Kieswet art. C 4: councils change on the
    Wednesday between 29 March and 4 April)."""
    assert council_term_start(2022) == date(2022, 3, 30)
    assert council_term_start(2026) == date(2026, 4, 1)
    assert council_term_end(2022) == date(2026, 3, 31)
    assert council_term_end(2026) == TERM_END
    assert council_term_end(2030) == date(2034, 3, 28)
    for year in (2027, 2025, 1998):
        with pytest.raises(ValueError, match="not the year of a regular municipal election"):
            council_term_end(year)


# --- the diagram --------------------------------------------------------------------------


# --- through the engine -------------------------------------------------------------------


def test_the_appointment_hands_the_role_over_on_the_date(db: Database, people, deployed) -> None:
    """POR-1: the DVO appoints a burgemeester and the VvG Veilig Thuis a wethouder, in
    parallel; POR-2: they hold the role from the appointment date to the end of the council
    term, and the previous holders until the day before."""
    with _at("2026-04-02"):
        instance = _start(db)
        assert instance.stage == "Gemeenteraadsverkiezingen gehouden"
        assert data_of(db, instance)["einde_termijn"] == TERM_END.isoformat()
        assert [t.name for t in tasks.inbox(db, "dora")] == [MAYOR_TASK]
        assert [t.name for t in tasks.inbox(db, "vince")] == [ALDERMAN_TASK]
        _appoint_mayor(db)
        assert _instance(db, instance.id).stage == "Gemeenteraadsverkiezingen gehouden"
        assert tasks.inbox(db, "dora") == []  # the VvG Veilig Thuis has not appointed yet
        _appoint_alderman(db)
        done = _instance(db, instance.id)
        assert (done.status, done.stage) == ("completed", "Portefeuillehouders benoemd")
        assert instances.instance_data(done)["benoemingen"] == [
            {"gebruiker": "bram", "van": APPOINTED, "tot_en_met": "2030-04-02"},
            {"gebruiker": "wilma", "van": APPOINTED, "tot_en_met": "2030-04-02"}]

    assert _holders(db, "2026-04-14") == {"oud_b", "oud_w"}
    assert _holders(db, "2026-04-15") == {"bram", "wilma"}
    assert _holders(db, "2030-04-02") == {"bram", "wilma"}
    assert _holders(db, "2030-04-03") == set()  # the next appointment is due

    with db.reading() as session:
        trail = session.scalars(select(AuditEvent).where(
            AuditEvent.kind.in_(["role_assigned", "role_ended"]),
            AuditEvent.actor == "vince")).all()
    assert sorted((e.kind, e.details["username"]) for e in trail) == [
        ("role_assigned", "bram"), ("role_assigned", "wilma"),
        ("role_ended", "oud_b"), ("role_ended", "oud_w")]


def test_the_new_holders_get_the_portefeuillehouder_tasks_from_the_date(
        db: Database, people, deployed) -> None:
    """POR-1: the inbox follows the role: an admission waiting for the portefeuillehouders
    is the old holders' before the date and the new holders' from it."""
    with _at("2026-04-02"):
        _start(db)
        _appoint_mayor(db)
        _appoint_alderman(db)
        make_user(db, "mia", "Manager ZVH")
        instances.start_instance(db, "member_admission", actor="mia", data={
            "organisatie": "Stichting Voorbeeld", "soort": "zorg", "motivatie": "-",
            "contactpersoon": "-"})
        tasks.complete_task(db, _task(db, "mia", "Aanvraag beoordelen").id, "mia", {
            "volledig": True, "soort": "zorg", "advies": "toelaten", "toelichting_advies": "-"})
    decide = "Besluiten over toetreding"
    with _at("2026-04-14"):
        assert [t.name for t in tasks.inbox(db, "oud_w")] == [decide]
        assert tasks.inbox(db, "wilma") == []
    with _at("2026-04-15"):
        assert tasks.inbox(db, "oud_w") == []
        assert [t.name for t in tasks.inbox(db, "wilma")] == [decide]
        with pytest.raises(NotAllowed):
            tasks.complete_task(db, _task(db, "wilma", decide).id, "oud_b",
                                {"besluit": "toelaten", "motivering": "-"})


def test_a_named_predecessor_leaves_when_the_successor_starts(
        db: Database, people, deployed) -> None:
    """Different dates: the named predecessor leaves the day before the successor starts;
    a holder nobody named stays until the new pair is complete, so no seat is ever empty."""
    with _at("2026-04-02"):
        _start(db)
        _appoint_mayor(db, voorganger_burgemeester="oud_b")
        _appoint_alderman(db, benoemd_per_wethouder="2026-05-01")
    assert _holders(db, "2026-04-14") == {"oud_b", "oud_w"}
    assert _holders(db, "2026-04-20") == {"bram", "oud_w"}
    assert _holders(db, "2026-05-01") == {"bram", "wilma"}


def test_a_reappointed_holder_keeps_the_role_for_the_new_term(
        db: Database, people, deployed) -> None:
    with _at("2026-04-02"):
        identity.assign_role(db, "oud_w", "Lid VvG Veilig Thuis", valid_from=date(2022, 1, 1))
        instance = _start(db)
        _appoint_mayor(db)
        _appoint_alderman(db, wethouder="oud_w")
        assert _instance(db, instance.id).status == "completed"
    assert _holders(db, "2026-04-14") == {"oud_b", "oud_w"}
    assert _holders(db, "2026-04-15") == {"bram", "oud_w"}
    assert _holders(db, "2030-04-03") == set()


@pytest.mark.parametrize(("data", "problem"), [
    ({"burgemeester": "onbekend"}, "bestaat niet"),
    ({"burgemeester": "wilma"}, "geen Lid DVO"),  # POR-1: a member of the DVO, not of the VvG
    ({"benoemd_per_burgemeester": "2030-04-03"}, "na het einde van de zittingstermijn"),
    ({"voorganger_burgemeester": "nina"}, "nina is op 2026-04-15 geen Portefeuillehouder ZVH"),
])
def test_an_appointment_that_cannot_be_carried_out_comes_back(
        db: Database, people, deployed, data, problem) -> None:
    """POR-1: the appointed burgemeester must be an active member of the DVO; the date must lie
    within the term. A wrong appointment returns to the DVO with the reason, before any role
    changes."""
    with _at("2026-04-02"):
        instance = _start(db)
        _appoint_mayor(db, **data)
        _appoint_alderman(db)
        assert _instance(db, instance.id).status == "running"
        again = _task(db, "dora", MAYOR_TASK)
        assert problem in _data_of(db, again)["controle_burgemeester"]  # shown on the form
        assert tasks.inbox(db, "vince") == []
        _appoint_mayor(db)  # the predecessor is asked afresh
        assert _instance(db, instance.id).status == "completed"
    assert _holders(db, "2026-04-15") == {"bram", "wilma"}


def test_an_appointee_gone_before_the_handover_fails_the_instance_with_the_reason(
        db: Database, people, deployed) -> None:
    with _at("2026-04-02"):
        instance = _start(db)
        _appoint_mayor(db)
        with db.transaction() as session:
            identity.find_user(session, "bram").is_active = False
        with pytest.raises(StepFailed, match="no active user 'bram'"):
            _appoint_alderman(db)
        failed = _instance(db, instance.id)
        assert failed.status == "failed" and "no active user 'bram'" in failed.error
    assert _holders(db, "2026-04-15") == {"oud_b", "oud_w"}  # rolled back with the step


def test_a_year_without_regular_elections_stops_the_instance_at_its_start(
        db: Database, people, deployed) -> None:
    """POR-2: the term follows the regular municipal elections: another year is refused at
    the start, and nothing is stored."""
    with pytest.raises(FormRejected, match="verkiezingsjaar: choose one of: 2022, 2026"):
        _start(db, 2027)
    assert instances.list_instances(db, process=KEY) == []


def test_each_body_appoints_only_in_its_own_lane(db: Database, people, deployed) -> None:
    """POR-1: the DVO appoints the burgemeester, the VvG Veilig Thuis the wethouder."""
    with _at("2026-04-02"):
        _start(db)
        mayor = _task(db, "dora", MAYOR_TASK)
        alderman = _task(db, "vince", ALDERMAN_TASK)
        with pytest.raises(NotAllowed, match="Lid DVO"):
            tasks.complete_task(db, mayor.id, "vince", {
                "burgemeester": "bram", "gemeente_burgemeester": "Zutphen",
                "benoemd_per_burgemeester": APPOINTED})
        for user in ("dora", "nina"):
            with pytest.raises(NotAllowed, match="Lid VvG Veilig Thuis"):
                tasks.complete_task(db, alderman.id, user, {
                    "wethouder": "wilma", "gemeente_wethouder": "Apeldoorn",
                    "benoemd_per_wethouder": APPOINTED})


def test_the_handover_refuses_an_unknown_user(db: Database, people) -> None:
    with db.transaction() as session, pytest.raises(ValueError, match="no active user 'nobody'"):
        change_portfolio_holders(session, [Appointment("nobody", date(2026, 4, 15))], TERM_END)
    with db.reading() as session:
        assert audit.events_of_instance(session, 1) == []
