"""One meeting of a body (bpmn/meeting.bpmn, calling bpmn/decision.bpmn per agenda item), driven
through the engine commands by the members of the body (domain.md process 4, MTG-5..MTG-8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import time_machine

from engine import instances, tasks, timers
from engine.clock import LOCAL_ZONE, now
from engine.db import Database
from engine.errors import NotAllowed
from engine.forms import FormRejected, form_schema, form_values
from engine.models import ProcessInstance

from ..conftest import BPMN
from .meeting_support import (
    complete,
    data_of,
    deploy_governance,
    item_of,
    make_members,
    named_tasks,
    refresh,
    vote,
)

REGIEKAMER = ["anna", "bert", "carl", "dirk", "vera"]
REGIEKAMER_BY_NAME = sorted(REGIEKAMER)  # as the choices are offered: by display name
WORKFLOW = {"titel": "Werkproces complexe casuïstiek", "voorstel": "Vaststellen.", "bron": "lid",
            "ingebracht_door": "anna"}
ANNUAL_PLAN = {"titel": "Uitvoering jaarplan", "voorstel": "Twee extra casusregisseurs.",
               "bron": "ander orgaan", "ingebracht_door": "stuurgroep"}
NO_ITEMS = {"voorgestelde_punten": []}
# Five weeks before the meetings of 2027-03-15, and no meeting of the catalogue starts in the
# week after it.
PREPARING = datetime(2027, 2, 8, 9, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture
def governance(db: Database) -> Iterator[Database]:
    """The governance deployed and the members appointed while the meetings are prepared; the
    test goes on from there, so the meeting dates lie ahead and the terms count from it. (The
    clock ticks: instance data is the data of the task that completed last.)"""
    with time_machine.travel(PREPARING, tick=True):
        deploy_governance(db)
        make_members(db, "regiekamer", "stuurgroep", "stamtafel")
        yield db


def start(db: Database, orgaan: str, actor: str) -> ProcessInstance:
    return instances.start_instance(db, "meeting", title=f"Vergadering {orgaan}", actor=actor,
                                    scope=orgaan, data={"orgaan": orgaan})


def plan(db: Database, secretary: str, members: list[str], date: str = "2027-03-15") -> None:
    complete(db, secretary, "Vergadering plannen", {
        "vergaderdatum": date, "locatie": "Zutphen", "aanleiding": "regulier", "leden": members})


def prepare_agenda(db: Database, secretary: str, agenda: list[dict]) -> None:
    """From the gathered input to a finished agenda, sent 15 days before 2027-03-15."""
    complete(db, secretary, "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
    complete(db, secretary, "Agenda opstellen", {"agenda": agenda})
    complete(db, secretary, "Agenda en stukken versturen",
             {"agenda_verzonden_op": "2027-02-28", "stukken": "Agenda en voorstellen"})


def minutes_and_follow_up(db: Database, secretary: str, chair: str) -> None:
    complete(db, secretary, "Verslag opstellen", {"verslag": "Verslag.", "actiepunten": []})
    complete(db, chair, "Verslag vaststellen", {"verslag_akkoord": True})
    complete(db, secretary, "Verslag aan de leden sturen", {"verslag_verzonden_op": "2027-03-22"})
    complete(db, secretary, "Actiepunten opvolgen", {"stand_actiepunten": "geen actiepunten"})


@pytest.mark.usefixtures("governance")
def test_a_regiekamer_meeting_with_two_items_reports_to_the_stuurgroep(db: Database) -> None:
    """MTG-5 agenda from members and other bodies, 10-day rule, attendance, DEC-2 written
    input, one decision and one tie (DEC-4), MTG-6 minutes, MTG-7 report to the Stuurgroep."""
    meeting = start(db, "regiekamer", "sara")
    assert (meeting.status, meeting.stage) == ("running", "Vergadercyclus gestart")
    plan(db, "sara", REGIEKAMER)

    # MTG-5: every member is asked personally; another body's input is recorded too.
    asked = {u: [(t.assignee, t.personal) for t in named_tasks(db, u, "Agendapunten aandragen")]
             for u in REGIEKAMER}
    assert asked == {u: [(u, True)] for u in REGIEKAMER}
    complete(db, "anna", "Agendapunten aandragen", {"voorgestelde_punten": [
        {"titel": WORKFLOW["titel"], "behandeling": "besluitvorming"}]})
    for member in ("bert", "carl", "dirk", "vera"):
        complete(db, member, "Agendapunten aandragen", NO_ITEMS)
    complete(db, "sara", "Inbreng andere organen vastleggen", {"punten_andere_organen": [
        {"titel": ANNUAL_PLAN["titel"], "orgaan": "stuurgroep"}]})
    gathered = data_of(db, meeting)
    assert {"lid": "anna", "punten": [{"titel": WORKFLOW["titel"],
                                       "behandeling": "besluitvorming"}]} \
        in gathered["inbreng_leden"]
    complete(db, "sara", "Agenda opstellen", {"agenda": [WORKFLOW, ANNUAL_PLAN]})

    # Sent five days ahead: too late, the chair moves the meeting and the papers go again.
    complete(db, "sara", "Agenda en stukken versturen",
             {"agenda_verzonden_op": "2027-03-10", "stukken": "Voorstellen"})
    assert refresh(meeting, db).stage == "Vergadercyclus gestart"
    complete(db, "vera", "Vergadering verplaatsen",
             {"vergaderdatum": "2027-03-25", "reden_verplaatsing": "stukken te laat verzonden"})
    complete(db, "sara", "Agenda en stukken versturen",
             {"agenda_verzonden_op": "2027-03-10", "stukken": "Voorstellen"})
    assert refresh(meeting, db).stage == "Agenda en stukken verzonden"

    complete(db, "sara", "Aanwezigheid registreren",
             {"aanwezigen": ["anna", "bert", "carl", "vera"]})  # dirk is absent
    assert refresh(meeting, db).stage == "Vergadering geopend"

    # One decision per agenda item; the absent member gives written input on both (DEC-2).
    written = named_tasks(db, "dirk", "Schriftelijke inbreng leveren")
    assert sorted(item_of(db, t) for t in written) == sorted([WORKFLOW["titel"],
                                                              ANNUAL_PLAN["titel"]])
    for task in written:
        tasks.complete_task(db, task.id, "dirk", {"standpunt": "instemming", "toelichting": "Ok."})
    vote(db, {"anna": "voor", "bert": "voor", "carl": "voor", "vera": "voor"},
         item=WORKFLOW["titel"])
    vote(db, {"anna": "voor", "bert": "tegen", "carl": "tegen", "vera": "voor"},
         item=ANNUAL_PLAN["titel"])
    complete(db, "sara", "Voorleggen aan hoger orgaan",
             {"voorgelegd_op": "2027-03-26", "toelichting": "Staken der stemmen."})
    assert refresh(meeting, db).stage == "Besluiten genomen"

    # MTG-6: minutes drafted, sent back once by the chair, then approved and sent.
    complete(db, "sara", "Verslag opstellen", {"verslag": "Concept.", "actiepunten": [
        {"omschrijving": "Werkproces publiceren", "eigenaar": "anna", "uiterlijk": "2027-04-15"}]})
    complete(db, "vera", "Verslag vaststellen",
             {"verslag_akkoord": False, "opmerkingen_verslag": "Stemverhouding noemen."})
    assert refresh(meeting, db).stage == "Besluiten genomen"
    minutes_and_follow_up(db, "sara", "vera")
    assert refresh(meeting, db).stage == "Verslag vastgesteld"

    # MTG-7: the secretary informs the Stuurgroep in writing.
    report = data_of(db, meeting)["rapportage"]
    assert (report["aan"], report["aan_naam"]) == ("stuurgroep", "Stuurgroep ZVH")
    assert {b["agendapunt"]: b["soort"] for b in report["besluiten"]} == {
        WORKFLOW["titel"]: "besluit", ANNUAL_PLAN["titel"]: "escalatie"}
    complete(db, "sara", "Hoger orgaan schriftelijk informeren",
             {"rapportage_verzonden_op": "2027-03-29", "samenvatting": "Werkproces vastgesteld; "
              "jaarplan voorgelegd aan de Stuurgroep."})
    done = refresh(meeting, db)
    assert (done.status, done.stage) == ("completed", "Vergadercyclus afgerond")
    decisions = {b["agendapunt"]: b for b in data_of(db, meeting)["besluiten"]}
    assert decisions[WORKFLOW["titel"]]["consensus"] is True
    assert decisions[ANNUAL_PLAN["titel"]]["escalatie_naar"] == "stuurgroep"
    assert decisions[ANNUAL_PLAN["titel"]]["voorgelegd_op"] == "2027-03-26"
    assert all(t.state == "completed" for t in tasks.tasks_of_instance(db, meeting.id))


@pytest.mark.usefixtures("governance")
def test_a_stamtafel_meeting_advises_and_has_no_higher_body_to_report_to(db: Database) -> None:
    """DEC-6 inside a meeting; MTG-7: the Stamtafel reports to no higher body."""
    meeting = start(db, "stamtafel", "nina")
    plan(db, "nina", ["tom", "tineke"])
    for member in ("tom", "tineke"):
        complete(db, member, "Agendapunten aandragen", NO_ITEMS)
    prepare_agenda(db, "nina", [{**WORKFLOW, "ingebracht_door": "nina", "bron": "secretaris"}])
    complete(db, "nina", "Aanwezigheid registreren", {"aanwezigen": ["tom", "tineke"]})
    vote(db, {"tom": "voor", "tineke": "voor"})
    complete(db, "nina", "Advies adresseren", {"advies_aan": "vvg_veilig_thuis",
                                               "advies": "Werkproces overnemen."})
    minutes_and_follow_up(db, "nina", "theo")

    done = refresh(meeting, db)
    assert (done.status, done.stage) == ("completed", "Vergadercyclus afgerond")
    data = data_of(db, meeting)
    assert data["rapportage"]["aan"] is None
    assert [(b["soort"], b["bindend"], b["advies_aan"]) for b in data["besluiten"]] == [
        ("advies", False, "vvg_veilig_thuis")]
    assert "Hoger orgaan schriftelijk informeren" not in {
        t.name for t in tasks.tasks_of_instance(db, meeting.id)}


@pytest.mark.usefixtures("governance")
def test_a_member_who_lets_the_deadline_pass_does_not_hold_up_the_agenda(db: Database) -> None:
    """MTG-5: the agenda is built from the input that came in within 7 days."""
    # The clock ticks: instance data is the data of the task that completed last.
    with time_machine.travel(now(), tick=True) as clock:
        meeting = start(db, "regiekamer", "sara")
        plan(db, "sara", ["anna", "bert"])
        complete(db, "anna", "Agendapunten aandragen", NO_ITEMS)
        clock.shift(timedelta(days=8))
        assert timers.fire_due_timers(db) == 1
    assert named_tasks(db, "bert", "Agendapunten aandragen") == []
    assert {"lid": "bert", "punten": []} in data_of(db, meeting)["inbreng_leden"]
    complete(db, "sara", "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
    assert named_tasks(db, "sara", "Agenda opstellen")


@pytest.mark.usefixtures("governance")
def test_only_members_of_the_body_see_and_do_its_meeting_work(db: Database) -> None:
    """MTG-8: meetings are not public; another body's member neither sees nor does the work,
    and cannot be named as a member."""
    start(db, "regiekamer", "sara")
    planning = named_tasks(db, "sara", "Vergadering plannen")[0]
    assert tasks.inbox(db, "gerda") == []  # the Stuurgroep's secretary
    with pytest.raises(NotAllowed, match="Secretaris"):
        tasks.complete_task(db, planning.id, "gerda", {})
    with pytest.raises(NotAllowed, match="Secretaris"):
        tasks.complete_task(db, planning.id, "anna", {})  # a member, not the secretary

    with pytest.raises(FormRejected) as refused:  # stef sits in the Stuurgroep
        plan(db, "sara", ["anna", "stef", "onbekend.persoon"])
    assert refused.value.rules == {"leden.1": ("enum", REGIEKAMER_BY_NAME),
                                   "leden.2": ("enum", REGIEKAMER_BY_NAME)}
    assert named_tasks(db, "sara", "Vergadering plannen")[0].id == planning.id
    assert tasks.inbox(db, "stef") == []


@pytest.mark.usefixtures("governance")
def test_the_members_of_the_body_are_proposed_and_guests_chosen_from_the_users(
        db: Database) -> None:
    """MTG-5: the invitation comes from the body's membership: every member is proposed (and
    can be unticked), every other user can be a guest; a guest is asked for nothing."""
    start(db, "regiekamer", "sara")
    planning = named_tasks(db, "sara", "Vergadering plannen")[0]
    fields = form_schema(planning)["properties"]
    members = [o["const"] for o in fields["leden"]["items"]["anyOf"]]
    guests = [o["const"] for o in fields["gasten"]["items"]["anyOf"]]
    assert sorted(members) == sorted(REGIEKAMER)
    assert "sara" not in members and {"sara", "stef", "tom"} <= set(guests)
    assert not set(members) & set(guests)
    assert form_values(planning) == {"leden": members, "aanvang": "09:00", "gasten": []}
    complete(db, "sara", "Vergadering plannen", {
        "vergaderdatum": "2027-03-15", "locatie": "Zutphen", "aanleiding": "regulier",
        "leden": ["anna", "bert"], "gasten": ["stef"]})
    assert {t.assignee for t in named_tasks(db, "anna", "Agendapunten aandragen")} == {"anna"}
    assert named_tasks(db, "carl", "Agendapunten aandragen") == []  # unticked
    assert tasks.inbox(db, "stef") == []
    for member in ("anna", "bert"):
        complete(db, member, "Agendapunten aandragen", NO_ITEMS)
    prepare_agenda(db, "sara", [WORKFLOW])
    [attendance] = named_tasks(db, "sara", "Aanwezigheid registreren")
    options = form_schema(attendance)["properties"]["aanwezigen"]["items"]["anyOf"]
    assert [o["const"] for o in options] == ["anna", "bert"]  # the invited members only
    assert form_values(attendance) == {"aanwezigen": ["anna", "bert"]}
    complete(db, "sara", "Aanwezigheid registreren", {"aanwezigen": ["anna"]})
    [written] = tasks.inbox(db, "bert")
    assert written.name == "Schriftelijke inbreng leveren"
    # The called decision's forms came with the meeting's version: the page shows them and
    # the engine checks them.
    assert "standpunt" in form_schema(tasks.get_task(db, written.id))["properties"]
    with pytest.raises(FormRejected):
        tasks.complete_task(db, written.id, "bert", {})


@pytest.mark.usefixtures("governance")
def test_a_meeting_date_in_the_past_is_refused(db: Database) -> None:
    start(db, "regiekamer", "sara")
    with pytest.raises(FormRejected) as refused:
        plan(db, "sara", ["anna"], date="2020-01-01")
    assert refused.value.problems == {"vergaderdatum": "must be 2027-02-08 or later"}
    plan(db, "sara", ["anna"], date="2027-02-08")  # today is allowed


def test_a_body_without_members_cannot_meet(db: Database) -> None:
    with time_machine.travel(PREPARING, tick=False):
        deploy_governance(db)
        make_members(db, "stuurgroep")
        meeting = start(db, "regiekamer", "gerda")
    assert meeting.status == "failed"
    assert "Regiekamer ZVH has no members on 2027-02-08" in meeting.error


# The diagrams themselves: what process owners open in the editor.
DIAGRAMS = [BPMN / "meeting.bpmn", BPMN / "decision.bpmn"]

