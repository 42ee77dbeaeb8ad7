"""Decision on one agenda item (bpmn/decision.bpmn), driven through the engine commands by the
members of the body (domain.md process 5, rules DEC-1..DEC-6, MTG-8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from engine import audit, instances, tasks, timers
from engine.clock import LOCAL_ZONE, now
from engine.db import Database
from engine.errors import Conflict, InvalidInput, NotAllowed
from engine.forms import FormRejected
from engine.models import ProcessInstance

from .meeting_support import (
    complete,
    data_of,
    deploy_governance,
    make_members,
    named_tasks,
    refresh,
    vote,
)

ITEM = {"titel": "Werkproces complexe casuïstiek", "voorstel": "Het werkproces vaststellen.",
        "bron": "lid"}
INPUT = {"standpunt": "instemming onder voorwaarden", "toelichting": "Mits de GGZ aansluit."}
# A Monday in March 2027: no meeting of the catalogue starts in the week after it.
MONDAY = datetime(2027, 3, 8, 10, 0, tzinfo=LOCAL_ZONE)


@pytest.fixture(autouse=True)
def setup(db: Database) -> Iterator[None]:
    """The governance deployed and the members appointed on MONDAY; the test goes on from
    there (the clock ticks), so the terms of a decision and the meetings' starts count from it."""
    with time_machine.travel(MONDAY, tick=True):
        deploy_governance(db)
        make_members(db, "regiekamer", "stuurgroep", "stamtafel")
        yield


def start(db: Database, orgaan: str, present: list[str], absent: list[str] | None = None,
          item: dict[str, Any] | None = None, actor: str = "sara") -> ProcessInstance:
    return instances.start_instance(
        db, "decision", title=f"Besluit {orgaan}", actor=actor, scope=orgaan,
        data={"orgaan": orgaan, "agendapunt": item or ITEM, "aanwezigen": present,
              "afwezigen": absent or []})


def test_an_absent_member_gives_written_input_before_the_present_members_vote(db) -> None:
    """DEC-2: the absent member gets a personal written-input task; DEC-1: majority decides."""
    decision = start(db, "regiekamer", ["anna", "bert", "carl"], ["dirk"])
    assert decision.stage == "Agendapunt in behandeling"
    written = named_tasks(db, "dirk", "Schriftelijke inbreng leveren")
    assert [(t.assignee, t.personal, t.role) for t in written] == [("dirk", True, "Lid")]
    assert named_tasks(db, "anna", "Stemmen") == []  # the vote waits for the input

    complete(db, "dirk", "Schriftelijke inbreng leveren", INPUT)
    ballots = {u: named_tasks(db, u, "Stemmen") for u in ("anna", "bert", "carl", "dirk")}
    assert {u: [t.assignee for t in ts] for u, ts in ballots.items()} == {
        "anna": ["anna"], "bert": ["bert"], "carl": ["carl"], "dirk": []}
    vote(db, {"anna": "voor", "bert": "voor", "carl": "tegen"})

    done = refresh(decision, db)
    assert (done.status, done.stage) == ("completed", "Besluit genomen")
    besluit = data_of(db, decision)["besluit"]
    assert besluit["soort"] == "besluit" and besluit["bindend"] is True
    assert (besluit["uitkomst"], besluit["voor"], besluit["tegen"]) == ("aangenomen", 2, 1)
    assert besluit["consensus"] is False
    assert besluit["schriftelijke_inbreng"] == [{"lid": "dirk", **INPUT}]
    assert {"lid": "carl", "stem": "tegen"} in besluit["stemmen"]
    with db.reading() as session:
        votes = [e for e in audit.events_of_instance(session, decision.id)
                 if e.kind == "task_completed" and e.details["task"] == "Stemmen"]
    assert sorted((e.actor, e.details["data"]["stemkeuze"]) for e in votes) == [
        ("anna", "voor"), ("bert", "voor"), ("carl", "tegen")]


def test_a_decision_strongly_affecting_an_absent_unheard_party_waits_until_it_is_heard(
        db) -> None:
    """DEC-3: no written input from the affected absent party: postponed until it is heard."""
    item = {**ITEM, "sterk_betrokken_lid": "dirk"}
    with time_machine.travel(now(), tick=False) as clock:
        decision = start(db, "regiekamer", ["anna", "bert"], ["carl", "dirk"], item=item)
        complete(db, "carl", "Schriftelijke inbreng leveren", INPUT)
        assert refresh(decision, db).next_timer_at is not None
        clock.shift(timedelta(days=8))  # dirk lets the 7-day deadline pass
        assert timers.fire_due_timers(db) == 1

    postponed = refresh(decision, db)
    assert (postponed.status, postponed.stage) == ("running", "Besluit aangehouden")
    assert [t.state for t in tasks.tasks_of_instance(db, decision.id)
            if t.assignee == "dirk"] == ["cancelled"]
    assert named_tasks(db, "anna", "Stemmen") == []
    hearing = named_tasks(db, "vera", "Partij horen")[0]
    assert named_tasks(db, "anna", "Partij horen") == []  # the chair's task
    with pytest.raises(NotAllowed, match="Voorzitter"):
        tasks.complete_task(db, hearing.id, "anna", {})

    complete(db, "vera", "Partij horen", {"gehoord_op": "2027-03-20", "wijze": "gesprek",
                                          "zienswijze": "Dirk kan leven met het voorstel."})
    assert refresh(decision, db).stage == "Partij gehoord"
    vote(db, {"anna": "voor", "bert": "voor"})
    besluit = data_of(db, decision)["besluit"]
    assert (besluit["soort"], besluit["consensus"]) == ("besluit", True)
    assert besluit["partij_gehoord"]["lid"] == "dirk"
    assert {"lid": "dirk", "standpunt": "geen inbreng", "toelichting": ""} in \
        besluit["schriftelijke_inbreng"]


def test_an_affected_absent_party_that_gave_written_input_is_heard(db) -> None:
    """DEC-3: with written input the decision is taken without postponement."""
    decision = start(db, "regiekamer", ["anna"], ["dirk"],
                     item={**ITEM, "sterk_betrokken_lid": "dirk"})
    complete(db, "dirk", "Schriftelijke inbreng leveren", INPUT)
    assert refresh(decision, db).stage == "Agendapunt in behandeling"
    vote(db, {"anna": "voor"})
    assert refresh(decision, db).stage == "Besluit genomen"


def test_a_tie_in_the_regiekamer_goes_to_the_stuurgroep(db) -> None:
    """DEC-4: no decision in the Regiekamer: the secretary submits it to the Stuurgroep."""
    decision = start(db, "regiekamer", ["anna", "bert"])
    vote(db, {"anna": "voor", "bert": "tegen"})
    assert data_of(db, decision)["escalatie_naar"] == "stuurgroep"
    assert refresh(decision, db).stage == "Agendapunt in behandeling"
    complete(db, "sara", "Voorleggen aan hoger orgaan",
             {"voorgelegd_op": "2027-03-21", "toelichting": "Staken der stemmen."})
    done = refresh(decision, db)
    assert (done.status, done.stage) == ("completed", "Voorgelegd aan hoger orgaan")
    data = data_of(db, decision)
    assert data["escalatie_naar"] == "stuurgroep"
    assert (data["besluit"]["soort"], data["besluit"]["uitkomst"]) == ("escalatie", "geen besluit")
    assert data["besluit"]["bindend"] is False
    assert data["besluit"]["toelichting_voorleggen"] == "Staken der stemmen."


def test_no_decision_in_the_stuurgroep_goes_to_the_dvo_and_db_politie(db) -> None:
    """DEC-5: no majority in the Stuurgroep: the DVO (and/or the DB Politie) decide."""
    decision = start(db, "stuurgroep", ["stef", "sofie", "guus"], actor="gerda")
    vote(db, {"stef": "voor", "sofie": "tegen", "guus": "onthouding"})
    complete(db, "gerda", "Voorleggen aan hoger orgaan",
             {"voorgelegd_op": "2027-05-02", "toelichting": "Geen meerderheid."})
    besluit = data_of(db, decision)["besluit"]
    assert besluit["escalatie_naar"] == "dvo"
    assert "DB Politie" in besluit["escalatie_toelichting"]


def test_a_higher_contribution_goes_to_the_dvo_even_with_a_majority(db) -> None:
    """DEC-5: a higher contribution of the partners is not the Stuurgroep's to decide."""
    decision = start(db, "stuurgroep", ["stef", "sofie"], actor="gerda",
                     item={**ITEM, "hogere_bijdrage": True})
    vote(db, {"stef": "voor", "sofie": "voor"})
    assert data_of(db, decision)["escalatie_naar"] == "dvo"
    assert named_tasks(db, "gerda", "Voorleggen aan hoger orgaan")


def test_unanimity_is_noted_as_consensus(db) -> None:
    """DEC-1: consensus is sought; a unanimous vote is recorded as consensus."""
    decision = start(db, "regiekamer", ["anna", "bert", "carl", "vera"])
    vote(db, {"anna": "voor", "bert": "voor", "carl": "voor", "vera": "voor"})
    besluit = data_of(db, decision)["besluit"]
    assert (besluit["uitkomst"], besluit["consensus"], besluit["voor"]) == ("aangenomen", True, 4)


def test_the_stamtafel_gives_advice_not_a_binding_decision(db) -> None:
    """DEC-6: the Stamtafel addresses its outcome as advice to the responsible body."""
    decision = start(db, "stamtafel", ["tom", "tineke", "theo"], actor="nina")
    vote(db, {"tom": "voor", "tineke": "voor", "theo": "tegen"})
    assert refresh(decision, db).status == "running"
    complete(db, "nina", "Advies adresseren",
             {"advies_aan": "dvo", "advies": "Het DVO wordt geadviseerd het werkproces vast te "
                                             "stellen."})
    done = refresh(decision, db)
    assert (done.status, done.stage) == ("completed", "Advies uitgebracht")
    besluit = data_of(db, decision)["besluit"]
    assert (besluit["soort"], besluit["bindend"], besluit["advies_aan"]) == ("advies", False, "dvo")
    assert data_of(db, decision)["escalatie_naar"] is None


def test_a_vote_is_personal_and_only_for_members_of_the_body(db) -> None:
    """MTG-8: only members see their body's work; DEC-1: nobody votes for someone else."""
    decision = start(db, "regiekamer", ["anna", "bert"])
    ballot = named_tasks(db, "anna", "Stemmen")[0]
    assert tasks.inbox(db, "stef") == []  # a Stuurgroep member sees no Regiekamer work
    with pytest.raises(NotAllowed, match="Lid"):
        tasks.complete_task(db, ballot.id, "stef", {"stemkeuze": "voor"})
    with pytest.raises(Conflict, match="anna"):
        tasks.complete_task(db, ballot.id, "bert", {"stemkeuze": "voor"})
    with pytest.raises(InvalidInput) as forged:
        tasks.complete_task(db, ballot.id, "anna", {"stemkeuze": "voor", "lid": "bert"})
    assert "lid" in forged.value.problems
    assert tasks.get_task(db, ballot.id).state == "open"
    assert refresh(decision, db).status == "running"


def test_an_unknown_body_is_refused_at_the_start(db) -> None:
    with pytest.raises(FormRejected, match="orgaan: choose one of: stamtafel"):
        start(db, "kookclub", ["anna"])
    assert instances.list_instances(db, process="decision") == []


def test_a_tie_in_the_stamtafel_ends_without_a_decision(db) -> None:
    """DEC-1, DEC-6: no majority at the Stamtafel, which has no higher body to escalate to:
    the item ends without a decision (and without advice)."""
    decision = start(db, "stamtafel", ["tom", "tineke"], actor="nina")
    vote(db, {"tom": "voor", "tineke": "tegen"})
    done = refresh(decision, db)
    assert (done.status, done.stage) == ("completed", "Geen besluit")
    besluit = data_of(db, decision)["besluit"]
    assert (besluit["soort"], besluit["escalatie_naar"]) == ("geen besluit", None)
