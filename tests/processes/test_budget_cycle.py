"""The annual budget and annual report cycle (bpmn/budget_cycle.bpmn), driven through the engine
commands by users holding the roles of the lanes (domain.md process 1, rules BUD-1..BUD-5)."""

from __future__ import annotations

from typing import Any

import pytest

from engine import audit, deploy, instances, tasks
from engine.db import Database
from engine.errors import InvalidInput, NotAllowed
from engine.forms import FormRejected
from engine.models import HumanTask, ProcessInstance

from ..conftest import BPMN, make_user

DIAGRAM = BPMN / "budget_cycle.bpmn"
KEY = "budget_cycle"

DRAFT_BUDGET = "Begroting opstellen"
DRAFT_REPORT = "Jaarverslag opstellen"
REVIEW_MAYOR = "Concept beoordelen (namens DVO)"
REVIEW_ALDERMAN = "Concept beoordelen (namens VvG Veilig Thuis)"
CHAIR = "Beslissen bij verschil van inzicht"
DVO = "Besluit DVO vastleggen"

BUDGET = {"basistaken": 250000, "plustaken": 40000,
          "toelichting": "Basistaken als vorig jaar plus indexatie; plustaken voor de Stamtafel."}
REPORT = {"aantal_casussen": 412, "aard_casussen": "Vooral multiproblematiek en huiselijk geweld.",
          "uitgaven": 281500.5, "aandachtspunten": "Wachttijd bij de gedwongen zorg."}
AGREE_MAYOR = {"akkoord_burgemeester": "akkoord"}
AGREE_ALDERMAN = {"akkoord_wethouder": "akkoord"}
ADOPT = {"besluit_dvo": "vastgesteld", "datum_vergadering": "2026-11-12"}


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    return {
        "manager": make_user(db, "mia", "Manager ZVH"),
        "mayor": make_user(db, "bert", "Portefeuillehouder ZVH"),
        "alderman": make_user(db, "wendy", "Portefeuillehouder ZVH"),
        "chair": make_user(db, "vera", "Voorzitter DVO"),
        "dvo": make_user(db, "dirk", "Lid DVO"),
        "outsider": make_user(db, "nina", "Netwerksecretaris"),
    }


@pytest.fixture
def deployed(db: Database) -> list[deploy.Deployed]:
    # Only this diagram (with the shared forms folder): other diagrams in bpmn/ are not ours.
    return deploy.deploy(db, [DIAGRAM, BPMN / "forms"], "tester")


def _task(db: Database, username: str, name: str) -> HumanTask:
    found = [t for t in tasks.inbox(db, username) if t.name == name]
    assert len(found) == 1, [t.name for t in tasks.inbox(db, username)]
    return found[0]


def _complete(db: Database, username: str, name: str, data: dict[str, Any]) -> HumanTask:
    return tasks.complete_task(db, _task(db, username, name).id, username, data)


def _instance(db: Database, instance_id: int) -> ProcessInstance:
    return instances.get_instance(db, instance_id)


def _start(db: Database, document: str | None, actor: str = "mia") -> ProcessInstance:
    data = {"jaar": 2027} | ({"document": document} if document is not None else {})
    return instances.start_instance(db, KEY, title=f"{document or 'Stuk'} 2027", data=data,
                                    actor=actor)


def _consult(db: Database, instance_id: int, mayor: dict[str, Any],
             alderman: dict[str, Any]) -> None:
    """Both portefeuillehouders give their view; the stage waits for both (BUD-2)."""
    assert _instance(db, instance_id).stage == "Concept opgesteld"
    _complete(db, "bert", REVIEW_MAYOR, mayor)
    assert _instance(db, instance_id).stage == "Concept opgesteld"
    assert tasks.inbox(db, "dirk") == [] and tasks.inbox(db, "vera") == []
    _complete(db, "wendy", REVIEW_ALDERMAN, alderman)


def test_deploying_the_budget_cycle_with_its_forms(db: Database, deployed) -> None:
    assert [(d.key, d.version, d.status) for d in deployed] == [(KEY, 1, "new")]
    with db.reading() as session:
        definition = deploy.latest_definition(session, KEY)
        assert definition.name == "Begroting en jaarverslag"
        assert {n for n in definition.resources if n.startswith("budget-")} == {
            p.name for p in (BPMN / "forms").glob("budget-*.json")}
    again = deploy.deploy(db, [DIAGRAM, BPMN / "forms"], "tester")
    assert [(d.key, d.version, d.status) for d in again] == [(KEY, 1, "unchanged")]


def test_bud1_bud2_bud4_agreed_budget_goes_to_the_dvo_which_adopts_it(
        db: Database, people, deployed) -> None:
    """BUD-1: the manager drafts basistaken and plustaken with toelichting; BUD-2: both
    portefeuillehouders are consulted before the DVO; BUD-4: the DVO decides."""
    instance = _start(db, "begroting")
    assert (instance.status, instance.stage) == ("running", "Cyclus gestart")

    draft = _task(db, "mia", DRAFT_BUDGET)
    assert draft.role == "Manager ZVH"
    assert "basistaken" in draft.documentation and "plustaken" in draft.documentation
    assert draft.form == "budget-begroting-schema.json"
    assert tasks.inbox(db, "bert") == []
    _complete(db, "mia", DRAFT_BUDGET, BUDGET)

    # Each portefeuillehouder sees both views to give; each gives one.
    assert {t.name for t in tasks.inbox(db, "bert")} == {REVIEW_MAYOR, REVIEW_ALDERMAN}
    assert {t.role for t in tasks.inbox(db, "wendy")} == {"Portefeuillehouder ZVH"}
    _consult(db, instance.id, AGREE_MAYOR, AGREE_ALDERMAN | {"opmerkingen_wethouder": "Prima."})
    assert _instance(db, instance.id).stage == "Portefeuillehouders akkoord"
    assert tasks.inbox(db, "vera") == []  # no disagreement: the voorzitter is not involved

    decision = _task(db, "dirk", DVO)
    assert decision.role == "Lid DVO"
    _complete(db, "dirk", DVO, ADOPT)

    finished = _instance(db, instance.id)
    assert (finished.status, finished.stage) == ("completed", "Vastgesteld door DVO")
    data = instances.instance_data(finished)
    assert data["document"] == "begroting"
    assert (data["basistaken"], data["plustaken"]) == (250000, 40000)
    assert data["besluit_dvo"] == "vastgesteld"
    with db.reading() as session:
        trail = audit.events_of_instance(session, instance.id)
    assert [(e.kind, e.actor) for e in trail if e.kind == "task_completed"] == [
        ("task_completed", "mia"), ("task_completed", "bert"), ("task_completed", "wendy"),
        ("task_completed", "dirk")]


def test_bud3_disagreement_goes_to_the_voorzitter_dvo_and_then_to_the_dvo(
        db: Database, people, deployed) -> None:
    """BUD-3: when a portefeuillehouder does not agree, the voorzitter DVO decides (recording
    whether the colleges or the DB Politie were involved), and then the DVO decides (BUD-4)."""
    instance = _start(db, "begroting")
    _complete(db, "mia", DRAFT_BUDGET, BUDGET)
    _consult(db, instance.id, AGREE_MAYOR,
             {"akkoord_wethouder": "niet akkoord",
              "opmerkingen_wethouder": "De plustaken zijn te hoog voor de gemeenten."})
    assert _instance(db, instance.id).stage == "Verschil van inzicht"
    assert tasks.inbox(db, "dirk") == []  # the DVO waits for the voorzitter

    chair = _task(db, "vera", CHAIR)
    assert (chair.role, chair.form) == ("Voorzitter DVO", "budget-voorzitter-schema.json")
    assert "DB Politie" in chair.documentation
    _complete(db, "vera", CHAIR, {
        "besluit_voorzitter": "voorstel van de manager",
        "motivering_voorzitter": "De plustaken volgen uit afspraken aan de Stamtafel.",
        "colleges_betrokken": True, "db_politie_betrokken": False})
    assert _instance(db, instance.id).stage == "Besluit voorzitter DVO"

    _complete(db, "dirk", DVO, ADOPT)
    finished = _instance(db, instance.id)
    assert (finished.status, finished.stage) == ("completed", "Vastgesteld door DVO")
    data = instances.instance_data(finished)
    assert (data["colleges_betrokken"], data["db_politie_betrokken"]) == (True, False)
    assert data["akkoord_wethouder"] == "niet akkoord"


def test_bud4_dvo_sends_the_budget_back_and_the_revision_is_consulted_again(
        db: Database, people, deployed) -> None:
    """BUD-4: the DVO may send the draft back; the manager revises it, and the revision goes
    past both portefeuillehouders again (BUD-2) before the DVO adopts it."""
    instance = _start(db, "begroting")
    _complete(db, "mia", DRAFT_BUDGET, BUDGET)
    _consult(db, instance.id, AGREE_MAYOR, AGREE_ALDERMAN)
    _complete(db, "dirk", DVO, {"besluit_dvo": "teruggestuurd",
                                "datum_vergadering": "2026-11-12",
                                "toelichting_dvo": "Plustaken apart onderbouwen."})
    assert _instance(db, instance.id).stage == "Teruggestuurd door DVO"
    assert tasks.inbox(db, "dirk") == []

    revised = BUDGET | {"plustaken": 30000, "toelichting": "Plustaken onderbouwd per taak."}
    _complete(db, "mia", DRAFT_BUDGET, revised)
    _consult(db, instance.id, AGREE_MAYOR, AGREE_ALDERMAN)
    assert _instance(db, instance.id).stage == "Portefeuillehouders akkoord"
    _complete(db, "dirk", DVO, ADOPT | {"datum_vergadering": "2026-12-10"})

    finished = _instance(db, instance.id)
    assert (finished.status, finished.stage) == ("completed", "Vastgesteld door DVO")
    data = instances.instance_data(finished)
    assert (data["plustaken"], data["datum_vergadering"]) == (30000, "2026-12-10")
    done = [t.name for t in tasks.tasks_of_instance(db, instance.id)]
    assert done == [DRAFT_BUDGET, REVIEW_MAYOR, REVIEW_ALDERMAN, DVO,
                    DRAFT_BUDGET, REVIEW_MAYOR, REVIEW_ALDERMAN, DVO]


def _route(db: Database, instance_id: int) -> list[tuple[str, str]]:
    return [(t.role, t.name) for t in tasks.tasks_of_instance(db, instance_id)]


def test_bud5_the_annual_report_takes_the_same_route(db: Database, people, deployed) -> None:
    """BUD-5: the annual report (size and nature of the cases, expenditure) goes past the
    same portefeuillehouders, voorzitter DVO and DVO as the budget."""
    routes = {}
    for document, draft_name, draft in (("begroting", DRAFT_BUDGET, BUDGET),
                                        ("jaarverslag", DRAFT_REPORT, REPORT)):
        instance = _start(db, document)
        draft_task = _task(db, "mia", draft_name)
        assert draft_task.role == "Manager ZVH"
        _complete(db, "mia", draft_name, draft)
        _consult(db, instance.id, {"akkoord_burgemeester": "niet akkoord",
                                   "opmerkingen_burgemeester": "Te weinig over wachttijden."},
                 AGREE_ALDERMAN)
        assert _instance(db, instance.id).stage == "Verschil van inzicht"
        _complete(db, "vera", CHAIR, {"besluit_voorzitter": "standpunt van de portefeuillehouders",
                                      "motivering_voorzitter": "Aanvullen in de DVO-stukken.",
                                      "colleges_betrokken": False,
                                      "db_politie_betrokken": True})
        _complete(db, "dirk", DVO, ADOPT)
        finished = _instance(db, instance.id)
        assert (finished.status, finished.stage) == ("completed", "Vastgesteld door DVO")
        routes[document] = _route(db, instance.id)[1:]

    assert routes["jaarverslag"] == routes["begroting"]
    report_data = instances.instance_data(finished)
    assert (report_data["aantal_casussen"], report_data["uitgaven"]) == (412, 281500.5)
    assert "aard_casussen" in report_data


def test_without_a_known_document_the_manager_chooses_it(db: Database, people, deployed) -> None:
    """BUD-5: one diagram for both documents; a missing or misspelt start value is asked for."""
    first = _start(db, None)
    choose = _task(db, "mia", "Soort document kiezen")
    assert choose.form == "budget-document-schema.json"
    tasks.complete_task(db, choose.id, "mia", {"document": "jaarverslag"})
    assert _task(db, "mia", DRAFT_REPORT).instance_id == first.id

    # A misspelt one is refused at the start, naming the choices, and nothing is stored.
    with pytest.raises(FormRejected, match="document: choose one of: begroting, jaarverslag"):
        _start(db, " Begroting ")
    assert [i.id for i in instances.list_instances(db, process=KEY)] == [first.id]


def test_tasks_are_refused_to_users_without_the_lane_role(db: Database, people, deployed) -> None:
    """Every step is done by the role of its lane (BUD-1 manager, BUD-2 portefeuillehouders,
    BUD-3 voorzitter DVO, BUD-4 DVO); others are refused and nothing changes."""
    instance = _start(db, "begroting")
    draft = _task(db, "mia", DRAFT_BUDGET)
    with pytest.raises(NotAllowed, match="Manager ZVH"):
        tasks.complete_task(db, draft.id, "nina", BUDGET)
    with pytest.raises(NotAllowed):
        tasks.claim_task(db, draft.id, "bert")
    assert tasks.get_task(db, draft.id).state == "open"
    tasks.complete_task(db, draft.id, "mia", BUDGET)

    review = _task(db, "bert", REVIEW_MAYOR)
    with pytest.raises(NotAllowed, match="Portefeuillehouder ZVH"):
        tasks.complete_task(db, review.id, "mia", AGREE_MAYOR)  # the manager cannot approve
    tasks.complete_task(db, review.id, "bert", {"akkoord_burgemeester": "niet akkoord",
                                                "opmerkingen_burgemeester": "Nee."})
    _complete(db, "wendy", REVIEW_ALDERMAN, AGREE_ALDERMAN)

    chair = _task(db, "vera", CHAIR)
    for someone in ("bert", "dirk", "mia"):
        with pytest.raises(NotAllowed, match="Voorzitter DVO"):
            tasks.complete_task(db, chair.id, someone, {
                "besluit_voorzitter": "voorstel van de manager", "motivering_voorzitter": "x",
                "colleges_betrokken": False, "db_politie_betrokken": False})
    tasks.complete_task(db, chair.id, "vera", {
        "besluit_voorzitter": "voorstel van de manager", "motivering_voorzitter": "Zo doen we het.",
        "colleges_betrokken": False, "db_politie_betrokken": False})

    decision = _task(db, "dirk", DVO)
    with pytest.raises(NotAllowed, match="Lid DVO"):
        tasks.complete_task(db, decision.id, "vera", ADOPT)
    assert _instance(db, instance.id).stage == "Besluit voorzitter DVO"


def test_invalid_form_data_is_refused_and_the_task_stays_open(
        db: Database, people, deployed) -> None:
    """The forms demand what the rules need: BUD-1 amounts and toelichting, BUD-2/BUD-3 a
    reason when not agreeing, BUD-4 a reason when sending back."""
    instance = _start(db, "begroting")
    draft = _task(db, "mia", DRAFT_BUDGET)
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, draft.id, "mia", {"basistaken": 250000, "plustaken": -1})
    assert refused.value.problems == {
        "plustaken": "minimum 0: -1 is less than the minimum of 0", "toelichting": "required"}
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, draft.id, "mia", BUDGET | {"besluit_dvo": "vastgesteld"})
    assert "besluit_dvo" in str(refused.value)  # a form cannot set another step's decision
    assert tasks.get_task(db, draft.id).state == "open"
    tasks.complete_task(db, draft.id, "mia", BUDGET)

    review = _task(db, "wendy", REVIEW_ALDERMAN)
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, review.id, "wendy", {"akkoord_wethouder": "niet akkoord"})
    assert refused.value.problems == {"opmerkingen_wethouder": "required"}
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, review.id, "wendy", {"akkoord_wethouder": "ja hoor"})
    assert refused.value.problems == {
        "akkoord_wethouder": "choose one of: akkoord, niet akkoord"}
    assert tasks.get_task(db, review.id).state == "open"
    _consult(db, instance.id, AGREE_MAYOR, AGREE_ALDERMAN)

    decision = _task(db, "dirk", DVO)
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, decision.id, "dirk", {"besluit_dvo": "teruggestuurd",
                                                      "datum_vergadering": "2026-11-12"})
    assert refused.value.problems == {"toelichting_dvo": "required"}
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, decision.id, "dirk", {"besluit_dvo": "vastgesteld"})
    assert refused.value.problems == {"datum_vergadering": "required"}
    assert tasks.get_task(db, decision.id).state == "open"
    assert _instance(db, instance.id).stage == "Portefeuillehouders akkoord"


# --- The diagram itself: what the engine does not check but the modeler and the users need.

def test_bud2_one_portefeuillehouder_cannot_give_both_opinions(
        db: Database, people, deployed) -> None:
    """BUD-2: the draft is discussed with *both* portefeuillehouders: two people, four eyes."""
    instance = _start(db, "begroting")
    _complete(db, "mia", DRAFT_BUDGET, BUDGET)
    _complete(db, "bert", REVIEW_ALDERMAN, AGREE_ALDERMAN)
    # The inbox no longer offers bert the other review, and doing it anyway is refused.
    assert REVIEW_MAYOR not in [t.name for t in tasks.inbox(db, "bert")]
    other_review = _task(db, "wendy", REVIEW_MAYOR)
    with pytest.raises(NotAllowed, match="someone other than"):
        tasks.complete_task(db, other_review.id, "bert", AGREE_MAYOR)
    assert _instance(db, instance.id).stage == "Concept opgesteld"
    _complete(db, "wendy", REVIEW_MAYOR, AGREE_MAYOR)
    assert _instance(db, instance.id).stage == "Portefeuillehouders akkoord"
