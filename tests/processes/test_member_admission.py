"""Admission of a new member organisation (bpmn/member_admission.bpmn), driven through the engine
commands by users holding the roles of the lanes (domain.md process 3, rules ADM-1..ADM-3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from engine import audit, deploy, instances, tasks
from engine.db import Database
from engine.errors import InvalidInput, NotAllowed
from engine.models import HumanTask, ProcessInstance, RoleAssignment, User
from engine.runtime import StepFailed
from workflows.models import Organisation
from workflows.organisations import partners, seed_organisations

from ..conftest import BPMN

DIAGRAM = BPMN / "member_admission.bpmn"
KEY = "member_admission"
CHECK = "Aanvraag beoordelen"
INCOMPLETE = "Aanvrager informeren over onvolledige aanvraag"
DECIDE = "Besluiten over toetreding"
CHAIR = "Beslissen bij verschil van inzicht"
SIGN = "Ondertekening en vertegenwoordigers vastleggen"
REFUSE = "Afwijzing motiveren en versturen"

APPLICATION = {"organisatie": "Stichting Herstelacademie Oost", "soort": "ervaringsperspectief",
               "motivatie": "Wij brengen het ervarings- en herstelperspectief aan tafel.",
               "contactpersoon": "Hanna de Wit, 06-12345678"}
ADVISE_ADMIT = {"volledig": True, "soort": "ervaringsperspectief", "advies": "toelaten",
                "toelichting_advies": "Versterkt het ervaringsperspectief aan de Stamtafel."}
ADVISE_REFUSE = ADVISE_ADMIT | {"advies": "afwijzen",
                                "toelichting_advies": "Buiten de scope van zorg en veiligheid."}
ADMIT = {"besluit": "toelaten", "motivering": "Past bij de gezamenlijke opgaven."}
REFUSAL = {"besluit": "afwijzen", "motivering": "Geen rol in de aanpak van zorg en veiligheid."}
SIGNED = {"ondertekend": True, "ondertekend_op": "2027-02-01",
          "bestuurder_stamtafel": "Mr. A. Jansen", "adviseur_aio": "B. Peters",
          "subregio": "Achterhoek"}
REASON = {"reden": "De organisatie werkt niet in Noord- en Oost-Gelderland.",
          "verzonden_op": "2027-02-03"}


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    """One user per lane and an outsider (rows written directly: no password hashing)."""
    people = {"manager": ("mia", "Manager ZVH", None),
              "holder": ("bert", "Portefeuillehouder ZVH", None),
              "chair": ("vera", "Voorzitter", "dvo"),
              "outsider": ("nina", "Netwerksecretaris", None)}
    with db.transaction() as session:
        for username, role, scope in people.values():
            session.add(User(username=username, display_name=username, assignments=[
                RoleAssignment(role=role, scope=scope, valid_from=date(2020, 1, 1))]))
    return {key: username for key, (username, _role, _scope) in people.items()}


@pytest.fixture
def deployed(db: Database) -> list[deploy.Deployed]:
    return deploy.deploy(db, [DIAGRAM, BPMN / "portfolio_appointment.bpmn", BPMN / "forms"],
                         "tester")


def _task(db: Database, username: str, name: str) -> HumanTask:
    found = [t for t in tasks.inbox(db, username) if t.name == name]
    assert len(found) == 1, [t.name for t in tasks.inbox(db, username)]
    return found[0]


def _complete(db: Database, username: str, name: str, data: dict[str, Any]) -> HumanTask:
    return tasks.complete_task(db, _task(db, username, name).id, username, data)


def _instance(db: Database, instance_id: int) -> ProcessInstance:
    return instances.get_instance(db, instance_id)


def _apply(db: Database, application: dict[str, Any] = APPLICATION) -> ProcessInstance:
    return instances.start_instance(db, KEY, title=f"Toetreding {application['organisatie']}",
                                    data=application, actor="mia")


def _organisation(db: Database, name: str) -> Organisation | None:
    with db.reading() as session:
        return session.scalars(select(Organisation).where(Organisation.name == name)).first()


# --- the diagram --------------------------------------------------------------------------


# --- through the engine -------------------------------------------------------------------


def test_an_admitted_organisation_becomes_a_partner_with_its_representatives(
        db: Database, people, deployed) -> None:
    """ADM-1: the portefeuillehouders decide; ADM-3: on admission the organisation signs and
    names its administrator for the Stamtafel and its adviser for the Advies- en
    implementatieoverleg, and appears in the catalogue of partners."""
    instance = _apply(db)
    assert (instance.status, instance.stage) == ("running", "Aanvraag ontvangen")
    assert tasks.inbox(db, "bert") == []

    _complete(db, "mia", CHECK, ADVISE_ADMIT)
    assert _instance(db, instance.id).stage == "Voorgelegd aan portefeuillehouders"
    assert tasks.inbox(db, "mia") == []
    _complete(db, "bert", DECIDE, ADMIT)
    assert _instance(db, instance.id).stage == "Toelating besloten"
    assert tasks.inbox(db, "vera") == []  # agreement: the voorzitter DVO is not involved
    assert _organisation(db, APPLICATION["organisatie"]) is None

    sign = _task(db, "mia", SIGN)
    assert "bestuurder" in sign.documentation and "ADM-3" in sign.documentation
    tasks.complete_task(db, sign.id, "mia", SIGNED)

    done = _instance(db, instance.id)
    assert (done.status, done.stage) == ("completed", "Toegelaten")
    partner = _organisation(db, APPLICATION["organisatie"])
    assert partner is not None and partner.is_partner
    assert (partner.kind, partner.sub_region) == ("ervaringsperspectief", "Achterhoek")
    assert (partner.stamtafel_administrator, partner.adviser) == ("Mr. A. Jansen", "B. Peters")
    assert partner.admitted_on.isoformat() == "2027-02-01"
    assert instances.instance_data(done)["partner"]["code"] == "stichting-herstelacademie-oost"
    with db.reading() as session:
        assert APPLICATION["organisatie"] in [p.name for p in partners(session)]
        trail = audit.events_of_instance(session, instance.id)
    assert [(e.kind, e.actor) for e in trail if e.kind == "task_completed"] == [
        ("task_completed", "mia"), ("task_completed", "bert"), ("task_completed", "mia")]


def test_a_region_wide_partner_has_no_sub_region(db: Database, people, deployed) -> None:
    instance = _apply(db)
    _complete(db, "mia", CHECK, ADVISE_ADMIT)
    _complete(db, "bert", DECIDE, ADMIT)
    _complete(db, "mia", SIGN, SIGNED | {"subregio": "Heel Noord- en Oost-Gelderland"})
    assert _instance(db, instance.id).stage == "Toegelaten"
    assert _organisation(db, APPLICATION["organisatie"]).sub_region is None


def test_a_refused_application_tells_the_applicant_why(db: Database, people, deployed) -> None:
    """ADM-1: the portefeuillehouders refuse in line with the manager's advice; the manager
    sends the reasoned refusal, and the reason is required."""
    instance = _apply(db)
    _complete(db, "mia", CHECK, ADVISE_REFUSE)
    _complete(db, "bert", DECIDE, REFUSAL)
    assert _instance(db, instance.id).stage == "Afwijzing besloten"
    refusal = _task(db, "mia", REFUSE)
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, refusal.id, "mia", {"verzonden_op": "2027-02-03"})
    assert refused.value.problems == {"reden": "required"}
    with pytest.raises(InvalidInput) as empty:
        tasks.complete_task(db, refusal.id, "mia", REASON | {"reden": ""})
    assert "reden" in empty.value.problems

    tasks.complete_task(db, refusal.id, "mia", REASON)
    done = _instance(db, instance.id)
    assert (done.status, done.stage) == ("completed", "Afgewezen")
    assert instances.instance_data(done)["reden"] == REASON["reden"]
    assert _organisation(db, APPLICATION["organisatie"]) is None
    assert tasks.inbox(db, "vera") == []


@pytest.mark.parametrize(("advice", "holders", "chair", "next_task", "stage"), [
    (ADVISE_ADMIT, REFUSAL, "afwijzen", REFUSE, "Afwijzing besloten"),
    (ADVISE_REFUSE, ADMIT, "toelaten", SIGN, "Toelating besloten"),
])
def test_disagreement_with_the_manager_goes_to_the_voorzitter_dvo(
        db: Database, people, deployed, advice, holders, chair, next_task, stage) -> None:
    """ADM-2: when the portefeuillehouders and the manager disagree, the voorzitter DVO
    decides, and that decision counts."""
    instance = _apply(db)
    _complete(db, "mia", CHECK, advice)
    _complete(db, "bert", DECIDE, holders)
    assert _instance(db, instance.id).stage == "Voorgelegd aan voorzitter DVO"
    assert tasks.inbox(db, "mia") == [] and tasks.inbox(db, "bert") == []
    decision = _task(db, "vera", CHAIR)
    assert "ADM-2" in decision.documentation
    tasks.complete_task(db, decision.id, "vera", {
        "besluit": chair, "motivering_voorzitter": "Na overleg met de colleges.",
        "colleges_betrokken": True, "db_politie_betrokken": False})
    assert _instance(db, instance.id).stage == stage
    assert [t.name for t in tasks.inbox(db, "mia")] == [next_task]


def test_an_incomplete_application_is_not_considered(db: Database, people, deployed) -> None:
    instance = _apply(db, {"organisatie": "Onbekende stichting"})
    with pytest.raises(InvalidInput) as refused:
        _complete(db, "mia", CHECK, {"volledig": True, "toelichting_advies": "Zie aanvraag."})
    assert set(refused.value.problems) == {"soort", "advies"}  # needed once it is complete
    _complete(db, "mia", CHECK, {"volledig": False,
                                 "toelichting_advies": "Motivatie en contactpersoon ontbreken."})
    assert tasks.inbox(db, "bert") == []  # not put to the portefeuillehouders
    _complete(db, "mia", INCOMPLETE, {"reden": "Motivatie en contactpersoon ontbreken.",
                                      "verzonden_op": "2027-01-10"})
    done = _instance(db, instance.id)
    assert (done.status, done.stage) == ("completed", "Buiten behandeling")


def test_signing_needs_both_representatives(db: Database, people, deployed) -> None:
    """ADM-3: the administrator for the Stamtafel and the adviser are both required."""
    instance = _apply(db)
    _complete(db, "mia", CHECK, ADVISE_ADMIT)
    _complete(db, "bert", DECIDE, ADMIT)
    sign = _task(db, "mia", SIGN)
    without = {k: v for k, v in SIGNED.items() if k not in ("bestuurder_stamtafel", "adviseur_aio")}
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, sign.id, "mia", without)
    assert {"bestuurder_stamtafel", "adviseur_aio"} <= set(refused.value.problems)
    with pytest.raises(InvalidInput):
        tasks.complete_task(db, sign.id, "mia", SIGNED | {"ondertekend": False})
    assert _instance(db, instance.id).status == "running"
    assert _organisation(db, APPLICATION["organisatie"]) is None


def test_tasks_are_refused_to_users_without_the_lane_role(db: Database, people, deployed) -> None:
    """ADM-1 and ADM-2: only a portefeuillehouder decides, only the voorzitter DVO breaks a tie."""
    instance = _apply(db)
    check = _task(db, "mia", CHECK)
    with pytest.raises(NotAllowed, match="Manager ZVH"):
        tasks.complete_task(db, check.id, "nina", ADVISE_ADMIT)
    tasks.complete_task(db, check.id, "mia", ADVISE_ADMIT)
    decide = _task(db, "bert", DECIDE)
    for user in ("mia", "vera", "nina"):
        with pytest.raises(NotAllowed, match="Portefeuillehouder ZVH"):
            tasks.complete_task(db, decide.id, user, ADMIT)
    tasks.complete_task(db, decide.id, "bert", REFUSAL)
    chair = _task(db, "vera", CHAIR)
    with pytest.raises(NotAllowed, match="Voorzitter DVO"):
        tasks.complete_task(db, chair.id, "bert", {
            "besluit": "afwijzen", "motivering_voorzitter": "x", "colleges_betrokken": False,
            "db_politie_betrokken": False})
    assert _instance(db, instance.id).stage == "Voorgelegd aan voorzitter DVO"


def test_a_partner_is_not_admitted_twice_and_nothing_is_written(
        db: Database, people, deployed) -> None:
    """The registration runs in the step's transaction: when it fails, the instance fails with
    the reason and the catalogue is unchanged."""
    with db.transaction() as session:
        seed_organisations(session)
    instance = _apply(db, APPLICATION | {"organisatie": "Reclassering", "soort": "justitie"})
    _complete(db, "mia", CHECK, ADVISE_ADMIT | {"soort": "justitie"})
    _complete(db, "bert", DECIDE, ADMIT)
    sign = _task(db, "mia", SIGN)
    with pytest.raises(StepFailed, match="already a partner"):
        tasks.complete_task(db, sign.id, "mia", SIGNED)
    failed = _instance(db, instance.id)
    assert failed.status == "failed" and "Registreren als partner" in failed.error
    reclassering = _organisation(db, "Reclassering")
    assert reclassering.stamtafel_administrator is None and reclassering.adviser is None
    assert tasks.get_task(db, sign.id).state == "open"
