"""Meeting-frequency compliance (MTG-1..MTG-4): the report, and the secretary's task when a body
can no longer reach its minimum."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import time_machine

from engine import deploy, instances, tasks
from engine.db import Database
from workflows.compliance import ALERT_PROCESS, check_frequencies, frequency_report

from ..conftest import BPMN, make_user
from ..processes.meeting_support import make_members

LATE_IN_2027 = datetime(2027, 11, 1, 9, 0, tzinfo=UTC)
MINIMUMS = {"stamtafel": 4, "regiekamer": 4, "stuurgroep": 2, "regiegroep_gedwongen_zorg": 4}


def deploy_meetings(db: Database) -> None:
    deploy.deploy(db, [BPMN / "decision.bpmn", BPMN / "meeting.bpmn",
                       BPMN / "meeting_frequency.bpmn", BPMN / "forms"], "tester")


def test_mtg_1_to_4_every_body_with_a_minimum_is_reported(db: Database) -> None:
    with time_machine.travel(LATE_IN_2027, tick=False):
        deploy_meetings(db)
        report = {row.body: row for row in frequency_report(db, 2027)}
    assert {body: row.minimum for body, row in report.items()} == MINIMUMS
    # Deployed in November: nothing held, and no occurrence of 2027 left to plan.
    assert {(row.held, row.planned, row.met, row.reachable) for row in report.values()} == {
        (0, 0, False, False)}
    assert report["stuurgroep"].shortfall == 2


def test_a_meeting_under_way_counts_as_planned_in_the_year_of_its_occurrence(
        db: Database) -> None:
    with time_machine.travel(LATE_IN_2027, tick=False):
        make_user(db, "secretaris_stuurgroep", "Secretaris", scope="stuurgroep")
        make_members(db, "stuurgroep")
        deploy_meetings(db)
        instances.start_instance(db, "meeting", data={"orgaan": "stuurgroep"}, scope="stuurgroep",
                                 actor="secretaris_stuurgroep")
        row = next(r for r in frequency_report(db, 2027) if r.body == "stuurgroep")
    assert (row.held, row.planned, row.shortfall) == (0, 1, 1)


def test_mtg_4_a_body_that_cannot_reach_its_minimum_gives_its_secretary_one_task(
        db: Database) -> None:
    with time_machine.travel(LATE_IN_2027, tick=False):
        make_user(db, "secretaris_stuurgroep", "Secretaris", scope="stuurgroep")
        make_user(db, "secretaris_regiekamer", "Secretaris", scope="regiekamer")
        make_members(db, "stuurgroep")
        deploy_meetings(db)
        started = check_frequencies(db, 2027)
        assert len(started) == len(MINIMUMS)
        assert check_frequencies(db, 2027) == []  # the same shortfall: no second task
        alert = next(i for i in instances.list_instances(db, process=ALERT_PROCESS)
                     if i.scope == "stuurgroep")
        assert alert.title == "Vergaderfrequentie Stuurgroep ZVH 2027: 2 te weinig"
        inbox = tasks.inbox(db, "secretaris_stuurgroep")
        assert [(t.name, t.instance_id) for t in inbox] == [
            ("Extra vergadering plannen of reden vastleggen", alert.id)]
        [task] = inbox
        tasks.claim_task(db, task.id, "secretaris_stuurgroep")
        tasks.complete_task(db, task.id, "secretaris_stuurgroep", {
            "keuze": "extra vergadering", "toelichting": "Begroting 2028 moet nog besproken."})
        assert instances.get_instance(db, alert.id).stage == "Extra vergadering gestart"
        [meeting] = instances.list_instances(db, process="meeting")
        assert (meeting.scope, meeting.title) == ("stuurgroep", "Extra vergadering Stuurgroep ZVH")
        [planning] = tasks.inbox(db, "secretaris_stuurgroep")
        assert planning.instance_id == meeting.id
        assert tasks.inbox(db, "secretaris_regiekamer")[0].instance.scope == "regiekamer"
        row = next(r for r in frequency_report(db, 2027) if r.body == "stuurgroep")
        assert (row.planned, row.shortfall) == (1, 1)
        assert check_frequencies(db, 2027) == []


def test_govflow_compliance_prints_each_body_and_checks_on_request(db: Database, cli) -> None:
    with time_machine.travel(LATE_IN_2027, tick=False):
        make_user(db, "secretaris_stuurgroep", "Secretaris", scope="stuurgroep")
        deploy_meetings(db)
        printed = cli("compliance", "--year", "2027")
        assert printed.exit_code == 0, printed.output
        assert "Stuurgroep ZVH" in printed.output and "SHORT by 2" in printed.output
        assert instances.list_instances(db, process=ALERT_PROCESS) == []
        checked = cli("compliance", "--year", "2027", "--check", "--json")
    assert checked.exit_code == 0, checked.output
    payload = json.loads(checked.output)
    assert {b["body"]: (b["minimum"], b["held"], b["reachable"]) for b in payload["bodies"]} == {
        body: (minimum, 0, False) for body, minimum in MINIMUMS.items()}
    assert len(payload["tasks_started"]) == 4


def test_mtg_2_a_held_meeting_stays_held_when_its_instance_is_cancelled_afterwards(
        db: Database) -> None:
    """The meeting took place (attendance registered); a later failure or cancellation of the
    minutes does not make the Regiekamer look short."""
    from ..processes.meeting_support import complete, deploy_governance
    from ..processes.test_meeting import NO_ITEMS, WORKFLOW, plan, prepare_agenda, start

    with time_machine.travel(datetime(2027, 2, 20, 9, 0, tzinfo=UTC), tick=False):
        deploy_governance(db)  # the year's timer starts are planned from this day
        make_members(db, "regiekamer")
        meeting = start(db, "regiekamer", "sara")
        plan(db, "sara", ["anna", "bert"])
        for member in ("anna", "bert"):
            complete(db, member, "Agendapunten aandragen", NO_ITEMS)
        prepare_agenda(db, "sara", [WORKFLOW])
        before = next(r for r in frequency_report(db, 2027) if r.body == "regiekamer")
        assert before.held == 0  # this meeting is among the planned ones, with the timer starts
        complete(db, "sara", "Aanwezigheid registreren", {"aanwezigen": ["anna", "bert"]})
        instances.cancel_instance(db, meeting.id, "sara", reason="verslag elders vastgelegd")
        row = next(r for r in frequency_report(db, 2027) if r.body == "regiekamer")
    assert (row.held, row.planned) == (1, before.planned - 1)


def test_govflow_compliance_refuses_a_year_out_of_range(cli) -> None:
    result = cli("compliance", "--year", "99999")
    assert result.exit_code == 2
    assert "99999 is not in the range 1900<=x<=9998" in result.output
