"""The timers drawn in the catalogue: yearly and quarterly starts (BUD-6, REF-1), each body's
meetings (MTG-1..MTG-4), the reminder before the papers deadline and the escalation of an
overdue decision (DEC-4, DEC-5). The clock is moved with time_machine; the scheduler's one
command, ``fire_due_timers``, does the rest. Each test deploys and appoints its people at its
own first moment and asks the inbox within the moved clock, never on the real today."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine
from sqlalchemy import select

from engine import audit, deploy, instances, tasks, timers
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import Notification, ProcessInstance
from engine.notifications import notifications_for

from ..conftest import BPMN, make_user
from .meeting_support import (
    complete,
    data_of,
    deploy_governance,
    make_members,
    named_tasks,
    refresh,
    vote,
)

NO_ITEMS = {"voorgestelde_punten": []}
ITEM = {"titel": "Uitbreiding casusregie", "voorstel": "Twee extra casusregisseurs.",
        "bron": "lid", "ingebracht_door": "anna"}


def at(text: str) -> datetime:
    """A wall-clock time in Europe/Amsterdam."""
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL_ZONE)


def started(db: Database, key: str) -> list[ProcessInstance]:
    return sorted(instances.list_instances(db, process=key), key=lambda i: i.id)


def notifications(db: Database, kind: str) -> list[Notification]:
    with db.reading() as session:
        return list(session.scalars(select(Notification).where(Notification.kind == kind)
                                    .order_by(Notification.id)))


# --- BUD-6 and REF-1: one instance per year, per quarter ----------------------------------


def test_bud6_the_annual_report_starts_on_1_february_and_the_budget_on_1_september(
        db: Database) -> None:
    """BUD-6 (with BUD-5): each year one instance for the annual report over the past year
    and one for the budget of the next year, each waiting for the manager."""
    with time_machine.travel(at("2027-01-01T08:00"), tick=False) as clock:
        make_user(db, "mia", "Manager ZVH")
        deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
        assert timers.fire_due_timers(db) == 0
        clock.move_to(at("2027-02-01T08:59"))
        assert timers.fire_due_timers(db) == 0
        clock.move_to(at("2027-02-01T09:00"))
        assert timers.fire_due_timers(db) == 1
        clock.move_to(at("2027-09-01T09:00"))
        assert timers.fire_due_timers(db) == 1
        assert timers.fire_due_timers(db) == 0
        report, budget = started(db, "budget_cycle")
        assert [(data_of(db, i)["document"], data_of(db, i)["jaar"])
                for i in (report, budget)] == [("jaarverslag", 2026), ("begroting", 2028)]
        assert (report.stage, report.started_by) == ("Jaarverslag gestart", None)
        assert (report.title, budget.title) == ("Jaarverslag 2026", "Begroting 2028")
        assert sorted(t.name for t in tasks.inbox(db, "mia")) == [
            "Begroting opstellen", "Jaarverslag opstellen"]


def test_ref1_one_case_reflection_starts_every_quarter_with_its_year_and_quarter(
        db: Database) -> None:
    """REF-1, with REF-2: the quarter's sub-region follows from the occurrence."""
    with time_machine.travel(at("2027-01-01T08:00"), tick=False) as clock:
        deploy.deploy(db, [BPMN / "case_reflection.bpmn", BPMN / "forms"], "tester")
        for month in ("01", "04", "07", "10"):
            clock.move_to(at(f"2027-{month}-04T09:00"))
            assert timers.fire_due_timers(db) == 1
        clock.move_to(at("2027-12-31T23:00"))
        assert timers.fire_due_timers(db) == 0
    reflections = started(db, "case_reflection")
    data = [data_of(db, r) for r in reflections]
    assert [(d["jaar"], d["kwartaal"]) for d in data] == [(2027, q) for q in (1, 2, 3, 4)]
    assert len({d["subregio"] for d in data[:3]}) == 3
    assert {r.stage for r in reflections} == {"Kwartaal begonnen"}


# --- MTG-1..MTG-4: each body's meetings ---------------------------------------------------


def test_mtg1_to_mtg4_meetings_start_as_often_as_each_body_must_meet(db: Database) -> None:
    """MTG-1 Stamtafel 4, MTG-2 Regiekamer 4, MTG-3 regiegroep 4, each three weeks before
    the Stamtafel, MTG-4 Stuurgroep 2; MTG-8: each meeting is for its own body only."""
    with time_machine.travel(at("2027-01-01T08:00"), tick=False) as clock:
        make_members(db, "regiekamer", "stuurgroep", "stamtafel", "regiegroep_gedwongen_zorg")
        deploy_governance(db)
        year_end = at("2027-12-31T23:59")
        while True:
            due = [u.due_at for u in timers.upcoming_timers(db) if u.kind == "start"]
            if not due or min(due) > year_end:
                break
            clock.move_to(min(due))
            assert timers.fire_due_timers(db) >= 1
        meetings = started(db, "meeting")
        by_body: dict[str, list[datetime]] = {}
        for meeting in meetings:
            occurrence = datetime.fromisoformat(data_of(db, meeting)["occurrence"])
            assert data_of(db, meeting)["orgaan"] == meeting.scope
            by_body.setdefault(meeting.scope, []).append(occurrence)
        assert {body: len(dates) for body, dates in by_body.items()} == {
            "stamtafel": 4, "regiegroep_gedwongen_zorg": 4, "regiekamer": 4, "stuurgroep": 2}
        gaps = [s - r for r, s in zip(by_body["regiegroep_gedwongen_zorg"],
                                      by_body["stamtafel"], strict=True)]
        assert set(gaps) == {timedelta(days=21)}
        # MTG-8: the Regiekamer's secretary plans its four meetings and sees no other body's.
        sara = tasks.inbox(db, "sara")
        assert [t.name for t in sara] == ["Vergadering plannen"] * 4
        assert {i.scope for i in meetings if i.id in {t.instance_id for t in sara}} == {
            "regiekamer"}


# --- the reminder before the papers deadline ----------------------------------------------


def test_mtg5_the_secretary_is_reminded_three_days_before_the_papers_deadline(
        db: Database) -> None:
    """MTG-5: agenda and papers 10 days ahead; the task is due on that day, and whoever holds
    it is reminded three days earlier; the task stays open."""
    with time_machine.travel(at("2027-02-01T09:00"), tick=False) as clock:
        deploy_governance(db)
        make_members(db, "regiekamer", "stuurgroep", "stamtafel")
        meeting = instances.start_instance(db, "meeting", title="Regiekamer maart",
                                           actor="sara", scope="regiekamer",
                                           data={"orgaan": "regiekamer"})
        complete(db, "sara", "Vergadering plannen", {
            "vergaderdatum": "2027-03-15", "locatie": "Zutphen", "aanleiding": "regulier",
            "leden": ["anna", "bert"]})
        for member in ("anna", "bert"):
            complete(db, member, "Agendapunten aandragen", NO_ITEMS)
        complete(db, "sara", "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
        complete(db, "sara", "Agenda opstellen", {"agenda": [ITEM]})
        papers = named_tasks(db, "sara", "Agenda en stukken versturen")[0]
        assert papers.due_at == at("2027-03-05T23:59")
        tasks.claim_task(db, papers.id, "sara")
        assert refresh(meeting, db).next_timer_at == at("2027-03-02T09:00")

        # (The Regiekamer's own quarterly meetings start meanwhile; they are not this one.)
        clock.move_to(at("2027-03-02T08:59"))
        timers.fire_due_timers(db)
        assert notifications(db, "reminder") == []
        clock.move_to(at("2027-03-02T09:00"))
        timers.fire_due_timers(db)
        assert timers.fire_due_timers(db) == 0
        with db.reading() as session:
            mine = notifications_for(session, "sara")
            trail = [e.kind for e in audit.events_of_instance(session, meeting.id)]
        assert [(n.kind, n.recipient) for n in mine] == [("reminder", "sara")]
        assert "uiterlijk op 2027-03-05" in mine[0].message
        assert "reminder_sent" in trail
        assert named_tasks(db, "sara", "Agenda en stukken versturen")[0].id == papers.id
        complete(db, "sara", "Agenda en stukken versturen",
                 {"agenda_verzonden_op": "2027-03-04", "stukken": "Voorstel"})
    assert refresh(meeting, db).stage == "Agenda en stukken verzonden"
    assert len(notifications(db, "reminder")) == 1


# --- DEC-4, DEC-5: an overdue decision goes up --------------------------------------------


def deploy_decisions(db: Database) -> None:
    """Only the decision process: no meeting of the catalogue starts while the clock moves.
    Called at the test's first moment, so the members hold their roles from that day."""
    deploy.deploy(db, [BPMN / "decision.bpmn", BPMN / "forms"], "tester")
    make_members(db, "regiekamer", "stuurgroep", "stamtafel")


def start_decision(db: Database, orgaan: str, present: list[str],
                   item: dict | None = None) -> ProcessInstance:
    return instances.start_instance(
        db, "decision", title=f"Besluit {orgaan}", actor="sara", scope=orgaan,
        data={"orgaan": orgaan, "agendapunt": item or ITEM, "aanwezigen": present,
              "afwezigen": []})


def test_dec4_votes_missing_at_the_deadline_send_the_matter_to_the_stuurgroep(
        db: Database) -> None:
    """DEC-4: two of four members voted when the 14-day term passed (the other two were
    reminded two days before); their votes stay on record but are no majority of the members
    present, so the matter goes to the Stuurgroep and its chair is warned."""
    with time_machine.travel(at("2027-04-12T10:00"), tick=False) as clock:
        deploy_decisions(db)
        decision = start_decision(db, "regiekamer", ["anna", "bert", "carl", "vera"])
        ballot = named_tasks(db, "carl", "Stemmen")[0]
        assert ballot.due_at == at("2027-04-26T10:00")
        vote(db, {"anna": "voor", "bert": "voor"})
        clock.move_to(at("2027-04-24T10:00"))  # two days before the term ends
        assert timers.fire_due_timers(db) == 1
        assert sorted(n.recipient for n in notifications(db, "reminder")) == ["carl", "vera"]
        clock.move_to(at("2027-04-26T09:59"))
        assert timers.fire_due_timers(db) == 0
        clock.move_to(at("2027-04-26T10:00"))
        assert timers.fire_due_timers(db) == 1
        assert named_tasks(db, "carl", "Stemmen") == named_tasks(db, "vera", "Stemmen") == []
        besluit = data_of(db, decision)["besluit"]
        assert (besluit["soort"], besluit["uitkomst"], besluit["escalatie_naar"]) == (
            "escalatie", "geen besluit", "stuurgroep")
        assert (besluit["termijn_verstreken"], besluit["niet_gestemd"]) == (
            True, ["carl", "vera"])
        assert {"lid": "anna", "stem": "voor"} in besluit["stemmen"]
        assert {"lid": "carl", "stem": None} in besluit["stemmen"]
        warned = notifications(db, "escalation")
        assert [(n.role, n.scope) for n in warned] == [("Voorzitter", "stuurgroep")]
        assert "niet gestemd: carl, vera" in warned[0].message
        with db.reading() as session:
            assert [n.kind for n in notifications_for(session, "guus")] == ["escalation"]
            # The Regiekamer's own chair hears of her ballot, not of the escalation.
            assert [n.kind for n in notifications_for(session, "vera")] == ["reminder"]
        complete(db, "sara", "Voorleggen aan hoger orgaan",
                 {"voorgelegd_op": "2027-04-27", "toelichting": "Beslistermijn verstreken."})
    assert refresh(decision, db).stage == "Voorgelegd aan hoger orgaan"


def test_dec5_an_overdue_stuurgroep_decision_goes_to_the_voorzitter_dvo(db: Database) -> None:
    """DEC-5: from the Stuurgroep the matter goes to the DVO; its chair is warned. A
    beslistermijn on the agenda item replaces the default 14 days."""
    with time_machine.travel(at("2027-05-03T10:00"), tick=False) as clock:
        deploy_decisions(db)
        make_user(db, "dora", "Voorzitter DVO")
        decision = start_decision(db, "stuurgroep", ["stef", "sofie", "guus"],
                                  {**ITEM, "beslistermijn": "P7D"})
        vote(db, {"stef": "voor"})
        clock.move_to(at("2027-05-10T10:00"))
        assert timers.fire_due_timers(db) == 1
        assert data_of(db, decision)["besluit"]["escalatie_naar"] == "dvo"
        with db.reading() as session:
            assert [n.kind for n in notifications_for(session, "dora")] == ["escalation"]


def test_dec1_votes_that_already_decide_stand_when_the_term_passes(db: Database) -> None:
    """DEC-1: three of four present voted for; the silent member could not change that, so
    the decision stands (without consensus) and nobody is warned."""
    with time_machine.travel(at("2027-04-12T10:00"), tick=False) as clock:
        deploy_decisions(db)
        decision = start_decision(db, "regiekamer", ["anna", "bert", "carl", "vera"])
        vote(db, {"anna": "voor", "bert": "voor", "carl": "voor"})
        clock.move_to(at("2027-04-27T10:00"))
        assert timers.fire_due_timers(db) == 1
    done = refresh(decision, db)
    besluit = data_of(db, decision)["besluit"]
    assert (done.stage, besluit["soort"], besluit["uitkomst"]) == (
        "Besluit genomen", "besluit", "aangenomen")
    assert (besluit["consensus"], besluit["niet_gestemd"]) == (False, ["vera"])
    assert notifications(db, "escalation") == []


def test_dec2_an_absent_member_is_reminded_two_days_before_the_written_input_is_due(
        db: Database) -> None:
    """DEC-2: the written input is due in 7 days; after 5 the absent member is reminded, and
    only they: the task stays open."""
    with time_machine.travel(at("2027-04-12T10:00"), tick=False) as clock:
        deploy_decisions(db)
        instances.start_instance(
            db, "decision", title="Besluit regiekamer", actor="sara", scope="regiekamer",
            data={"orgaan": "regiekamer", "agendapunt": ITEM, "aanwezigen": ["anna", "bert"],
                  "afwezigen": ["carl"]})
        [written] = named_tasks(db, "carl", "Schriftelijke inbreng leveren")
        assert written.due_at == at("2027-04-19T10:00")
        clock.move_to(at("2027-04-17T09:59"))
        assert timers.fire_due_timers(db) == 0
        clock.move_to(at("2027-04-17T10:00"))
        assert timers.fire_due_timers(db) == 1
        assert [(n.recipient, n.task_id) for n in notifications(db, "reminder")] == [
            ("carl", written.id)]
        assert [t.id for t in named_tasks(db, "carl", "Schriftelijke inbreng leveren")] == [
            written.id]
