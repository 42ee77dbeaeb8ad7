"""The quarterly case reflection ("de praktijk als spiegel", vision ch. 3): REF-1..REF-9.

Driven through the engine commands; every task is completed by a user holding its lane role.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any

import pytest

from engine import audit, deploy, instances, tasks
from engine.db import Database
from engine.errors import InvalidInput, NotAllowed
from engine.forms import FormRejected
from engine.models import HumanTask, ProcessInstance
from workflows.subregions import (
    SUBREGIONS,
    delegation_covers,
    other_subregions,
    subregion_for,
)

from ..conftest import BPMN, data_of, make_user

DIAGRAM = BPMN / "case_reflection.bpmn"
KEY = "case_reflection"
CASE = {
    "titel": "Terugkeer na detentie zonder woonplek",
    "casustype": "zorg en veiligheid",
    "belang": "Laat zien hoe nazorg en wonen tussen gemeenten en ketenpartners schuren.",
    "centrale_vraag": "Wie neemt de regie als de zorgvraag de gemeentegrens overschrijdt?",
    "inbrengende_organisatie": "Gemeente Zutphen",
    "geanonimiseerd": True,
}
METHOD = {"gespreksleider": "Getrainde gespreksleider van het ZVH",
          "gespreksleider_getraind": True, "methode": "moreel beraad",
          "datum_gesprek": "2027-02-11"}
PROPOSAL = {
    "samenvatting": "De partners zagen elk een deel; niemand had het overzicht.",
    "opbrengst_samenwerking": "Deels: de principes zijn bekend maar niet leidend.",
    "opbrengst_kaders": "Rugdekking om af te wijken ontbreekt.",
    "voorstel": "Stamtafel: maak afspraken over regie over gemeentegrenzen heen.",
}
CHALLENGE = {
    "gezamenlijke_opgave": True,
    "conclusie": "Regie over gemeentegrenzen heen is een gezamenlijke uitdaging.",
    "prioriteit": "hoog",
    "opdracht": "Werk een regionale afspraak uit over regie bij verhuizing na detentie.",
    "opdrachtnemer": "Advies- en implementatieoverleg",
    "bestuurlijk_aanspreekpunt": "Portefeuillehouder zorg en veiligheid",
}


@pytest.fixture
def people(db: Database) -> dict[str, str]:
    deploy.deploy(db, [DIAGRAM, BPMN / "forms"], "tester")
    return {
        "secretaris": make_user(db, "nina", "Netwerksecretaris"),
        "lid": make_user(db, "lars", "Lid Stamtafel"),
        "leider": make_user(db, "gert", "Gespreksleider"),
        "voorzitter": make_user(db, "vera", "Voorzitter Stamtafel"),
        "regisseur": make_user(db, "rik", "Procesregisseur"),
    }


def _start(db: Database, year: int, quarter: int) -> ProcessInstance:
    return instances.start_instance(db, KEY, title=f"Casusreflectie {year} Q{quarter}",
                                    data={"jaar": year, "kwartaal": quarter}, actor="nina")


def _task(db: Database, instance: ProcessInstance, username: str, name: str) -> HumanTask:
    mine = [t for t in tasks.inbox(db, username) if t.instance_id == instance.id]
    assert [t.name for t in mine] == [name]
    return mine[0]


def _do(db: Database, instance: ProcessInstance, username: str, name: str,
        data: dict[str, Any]) -> str:
    """Complete the one open task ``name`` as ``username``; returns the instance stage."""
    tasks.complete_task(db, _task(db, instance, username, name).id, username, data)
    return instances.get_instance(db, instance.id).stage


def _to_stamtafel(db: Database, instance: ProcessInstance) -> None:
    """The reflection up to the bespreekvoorstel (REF-3..REF-6)."""
    assert _do(db, instance, "lars", "Casus inbrengen", CASE) == "Casus ingebracht"
    assert _do(db, instance, "nina", "Gespreksleider en methode kiezen",
               METHOD) == "Gesprek gepland"
    others = instances.instance_data(instances.get_instance(db, instance.id))["andere_subregios"]
    session = {"betrokken_organisaties": ["Reclassering", "GGZ-instelling", "Gemeente Zutphen"],
               "delegatie": [{"subregio": s, "organisatie": "Gemeente uit " + s} for s in others],
               "verloop": "Open gesprek over regie, met het dilemma van de woonplek."}
    assert _do(db, instance, "gert", "Casusreflectie voeren", session) == "Reflectie gehouden"
    assert _do(db, instance, "gert", "Bespreekvoorstel opstellen",
               PROPOSAL) == "Bespreekvoorstel ingediend"


def _report(db: Database, instance: ProcessInstance, stand: str, **extra: str) -> str:
    return _do(db, instance, "lars", "Voortgang terugkoppelen",
               {"voortgang_stand": stand, "voortgang_toelichting": "Stand van zaken", **extra})


# --- the rotation rule, a pure function -------------------------------------------------


def test_rotation_visits_the_three_subregions_in_turn_across_years() -> None:
    """REF-2: consecutive quarters, also over a year boundary, visit the sub-regions in turn."""
    quarters = [(2027, 1), (2027, 2), (2027, 3), (2027, 4), (2028, 1), (2028, 2), (2028, 3)]
    visited = [subregion_for(y, q) for y, q in quarters]
    assert visited[:3] == list(SUBREGIONS)
    assert all(visited[i] == visited[i + 3] for i in range(len(visited) - 3))
    assert all(a != b for a, b in pairwise(visited))
    assert subregion_for(2024, 1) == "Achterhoek"  # the first quarter after the vision
    assert subregion_for(2023, 4) == "Noord-Veluwe"  # the turn also runs backwards


@pytest.mark.parametrize("year, quarter", [(2027, 0), (2027, 5), (2027, True), ("2027", 1),
                                           (27, 1), (2027, 1.5)])
def test_rotation_refuses_what_is_not_a_quarter(year: Any, quarter: Any) -> None:
    """REF-1: a quarter is 1..4 of a real year."""
    with pytest.raises(ValueError, match=r"kwartaal|jaar"):
        subregion_for(year, quarter)


def test_the_delegation_comes_from_the_two_other_subregions() -> None:
    """REF-5: the other two sub-regions send a delegation."""
    assert other_subregions("Noord-Veluwe") == ["Achterhoek", "Midden-IJssel/Oost-Veluwe"]
    with pytest.raises(ValueError, match="unknown sub-region"):
        other_subregions("Veluwe")
    both = other_subregions("Achterhoek")
    assert delegation_covers([{"subregio": s, "organisatie": "x"} for s in both], both)
    assert not delegation_covers([{"subregio": both[0]}, {"subregio": both[0]}], both)
    assert not delegation_covers([], both)


# --- the diagram --------------------------------------------------------------------------


# --- through the engine -------------------------------------------------------------------


def test_six_quarters_are_six_instances_visiting_each_subregion_twice(
        db: Database, people) -> None:
    """REF-1, REF-2: one instance per quarter; the case comes from the sub-regions in rotation."""
    quarters = [(2027, 1), (2027, 2), (2027, 3), (2027, 4), (2028, 1), (2028, 2)]
    started = [_start(db, y, q) for y, q in quarters]
    assert len({i.id for i in started}) == 6
    assert all(i.status == "running" and i.stage == "Casusreflectie gestart" for i in started)
    visited = [data_of(db, i)["subregio"] for i in started]
    assert visited == [subregion_for(y, q) for y, q in quarters]
    assert Counter(visited) == dict.fromkeys(SUBREGIONS, 2)
    assert all(a != b for a, b in pairwise(visited))
    for instance, region in zip(started, visited, strict=True):
        others = data_of(db, instance)["andere_subregios"]
        assert sorted([*others, region]) == sorted(SUBREGIONS)
    inbox = tasks.inbox(db, "lars")
    assert sorted(t.instance_id for t in inbox) == sorted(i.id for i in started)
    assert {t.name for t in inbox} == {"Casus inbrengen"}


def test_a_quarter_outside_1_to_4_stops_the_instance_at_its_start(db: Database, people) -> None:
    """REF-1: the start data must name a real quarter: refused at the start, nothing stored."""
    with pytest.raises(FormRejected, match="kwartaal: maximum 4"):
        _start(db, 2027, 5)
    assert instances.list_instances(db, process=KEY) == []
    assert tasks.inbox(db, "lars") == []


def test_common_challenge_opdracht_and_follow_up_until_the_result_is_delivered(
        db: Database, people) -> None:
    """REF-3..REF-8: case, method, session, bespreekvoorstel, Stamtafel conclusion with an
    opdracht, progress reported twice and monitored, then the result delivered."""
    instance = _start(db, 2027, 1)
    _to_stamtafel(db, instance)
    stage = _do(db, instance, "vera", "Conclusie van de Stamtafel vastleggen", CHALLENGE)
    assert stage == "Opdracht verstrekt"

    assert _report(db, instance, "loopt volgens plan") == "Opdracht verstrekt"
    _do(db, instance, "vera", "Voortgang bewaken", {"bijsturen": False})
    _report(db, instance, "vertraagd")
    _do(db, instance, "vera", "Voortgang bewaken",
        {"bijsturen": True, "bijsturing": "Betrek de woningcorporaties erbij."})
    _report(db, instance, "resultaat opgeleverd", resultaat="Regionale regie-afspraak vastgesteld.")
    stage = _do(db, instance, "vera", "Resultaat bespreken",
                {"resultaat_aanvaard": True, "resultaat_oordeel": "Goed bruikbaar."})

    done = instances.get_instance(db, instance.id)
    assert (done.status, stage) == ("completed", "Resultaat opgeleverd aan de Stamtafel")
    data = instances.instance_data(done)
    assert data["subregio"] == "Achterhoek"
    assert data["methode"] == "moreel beraad"
    assert data["voorstel"] == PROPOSAL["voorstel"]
    assert (data["opdrachtnemer"], data["bestuurlijk_aanspreekpunt"]) == (
        "Advies- en implementatieoverleg", "Portefeuillehouder zorg en veiligheid")
    with db.reading() as session:
        completed = [(e.actor, e.details["task"]) for e in audit.events_of_instance(
            session, instance.id) if e.kind == "task_completed"]
    assert completed == [
        ("lars", "Casus inbrengen"), ("nina", "Gespreksleider en methode kiezen"),
        ("gert", "Casusreflectie voeren"), ("gert", "Bespreekvoorstel opstellen"),
        ("vera", "Conclusie van de Stamtafel vastleggen"),
        ("lars", "Voortgang terugkoppelen"), ("vera", "Voortgang bewaken"),
        ("lars", "Voortgang terugkoppelen"), ("vera", "Voortgang bewaken"),
        ("lars", "Voortgang terugkoppelen"), ("vera", "Resultaat bespreken"),
    ]


def test_the_stamtafel_may_send_a_delivered_result_back(db: Database, people) -> None:
    """REF-8: follow-up goes on until the Stamtafel takes the result in."""
    instance = _start(db, 2027, 2)
    _to_stamtafel(db, instance)
    _do(db, instance, "vera", "Conclusie van de Stamtafel vastleggen", CHALLENGE)
    _report(db, instance, "resultaat opgeleverd", resultaat="Eerste versie van de afspraak.")
    _do(db, instance, "vera", "Resultaat bespreken",
        {"resultaat_aanvaard": False, "resultaat_oordeel": "Nog zonder de woningcorporaties."})
    assert instances.get_instance(db, instance.id).status == "running"
    _report(db, instance, "resultaat opgeleverd", resultaat="Afspraak met de corporaties erbij.")
    stage = _do(db, instance, "vera", "Resultaat bespreken",
                {"resultaat_aanvaard": True, "resultaat_oordeel": "Akkoord."})
    assert stage == "Resultaat opgeleverd aan de Stamtafel"


def test_without_a_common_challenge_the_reflection_ends_there(db: Database, people) -> None:
    """REF-7: no common challenge: no opdracht, the instance ends."""
    instance = _start(db, 2027, 3)
    _to_stamtafel(db, instance)
    stage = _do(db, instance, "vera", "Conclusie van de Stamtafel vastleggen",
                {"gezamenlijke_opgave": False,
                 "conclusie": "Leerzaam, maar een incident; geen gezamenlijke opgave."})
    done = instances.get_instance(db, instance.id)
    assert (done.status, stage) == ("completed", "Geen gezamenlijke opgave")
    assert tasks.inbox(db, "lars") == []


def test_a_common_challenge_needs_priority_opdracht_addressee_and_contact(
        db: Database, people) -> None:
    """REF-7: with a common challenge the Stamtafel names priority, opdracht, to whom and the
    bestuurlijk aanspreekpunt."""
    instance = _start(db, 2027, 4)
    _to_stamtafel(db, instance)
    conclusion = _task(db, instance, "vera", "Conclusie van de Stamtafel vastleggen")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, conclusion.id, "vera",
                            {"gezamenlijke_opgave": True, "conclusie": "Een gedeelde opgave."})
    assert set(refused.value.problems) == {"prioriteit", "opdracht", "opdrachtnemer",
                                           "bestuurlijk_aanspreekpunt"}
    assert tasks.get_task(db, conclusion.id).state == "open"


def test_a_case_that_is_not_declared_anonymised_is_refused(db: Database, people) -> None:
    """REF-9: the case carries no personal data; the anonymisation declaration must be true."""
    instance = _start(db, 2027, 1)
    case_task = _task(db, instance, "lars", "Casus inbrengen")
    for data, field in (({**CASE, "geanonimiseerd": False}, "geanonimiseerd"),
                        ({k: v for k, v in CASE.items() if k != "geanonimiseerd"},
                         "geanonimiseerd"),
                        ({**CASE, "naam_client": "J. Jansen"}, "naam_client")):
        with pytest.raises(InvalidInput) as refused:
            tasks.complete_task(db, case_task.id, "lars", data)
        assert field in refused.value.problems
    assert tasks.get_task(db, case_task.id).state == "open"
    assert instances.get_instance(db, instance.id).stage == "Casusreflectie gestart"


def test_a_case_type_and_method_come_from_their_lists(db: Database, people) -> None:
    """REF-3, REF-4: the case type is one of the known types (a policy case is one); the method
    is moreel beraad or socratisch gesprek, led by a trained facilitator."""
    instance = _start(db, 2027, 1)
    case_task = _task(db, instance, "lars", "Casus inbrengen")
    with pytest.raises(InvalidInput) as refused:
        tasks.complete_task(db, case_task.id, "lars", {**CASE, "casustype": "anekdote"})
    assert refused.value.problems["casustype"].startswith("choose one of")
    _do(db, instance, "lars", "Casus inbrengen", {**CASE, "casustype": "beleidscasus"})
    method_task = _task(db, instance, "nina", "Gespreksleider en methode kiezen")
    for data, field in (({**METHOD, "methode": "intervisie"}, "methode"),
                        ({**METHOD, "gespreksleider_getraind": False}, "gespreksleider_getraind")):
        with pytest.raises(InvalidInput) as refused:
            tasks.complete_task(db, method_task.id, "nina", data)
        assert field in refused.value.problems
    assert _do(db, instance, "nina", "Gespreksleider en methode kiezen",
               {**METHOD, "methode": "socratisch gesprek"}) == "Gesprek gepland"


def test_the_session_needs_a_delegation_from_both_other_subregions(db: Database, people) -> None:
    """REF-5: without a delegate from each of the two other sub-regions the session record goes
    back to the facilitator."""
    instance = _start(db, 2027, 2)  # Midden-IJssel/Oost-Veluwe brings in the case
    _do(db, instance, "lars", "Casus inbrengen", CASE)
    _do(db, instance, "nina", "Gespreksleider en methode kiezen", METHOD)
    lopsided = {"betrokken_organisaties": ["Veilig Thuis"],
                "delegatie": [{"subregio": "Achterhoek", "organisatie": "Gemeente Winterswijk"},
                              {"subregio": "Achterhoek", "organisatie": "Politie Achterhoek"}],
                "verloop": "Gesprek zonder Noord-Veluwe."}
    assert _do(db, instance, "gert", "Casusreflectie voeren", lopsided) == "Gesprek gepland"
    complete = {**lopsided, "delegatie": [
        {"subregio": "Achterhoek", "organisatie": "Gemeente Winterswijk"},
        {"subregio": "Noord-Veluwe", "organisatie": "Gemeente Harderwijk"}]}
    assert _do(db, instance, "gert", "Casusreflectie voeren", complete) == "Reflectie gehouden"


def test_tasks_are_refused_to_users_without_the_lane_role(db: Database, people) -> None:
    """Each step belongs to its lane role: the case to a Stamtafel member, the conclusion to
    the chair."""
    instance = _start(db, 2027, 1)
    case_task = _task(db, instance, "lars", "Casus inbrengen")
    assert [t for t in tasks.inbox(db, "rik") if t.instance_id == instance.id] == []
    with pytest.raises(NotAllowed, match="Lid Stamtafel"):
        tasks.complete_task(db, case_task.id, "rik", CASE)
    with pytest.raises(NotAllowed):
        tasks.claim_task(db, case_task.id, "vera")
    _to_stamtafel(db, instance)
    conclusion = _task(db, instance, "vera", "Conclusie van de Stamtafel vastleggen")
    with pytest.raises(NotAllowed, match="Voorzitter Stamtafel"):
        tasks.complete_task(db, conclusion.id, "lars", CHALLENGE)
    assert tasks.get_task(db, conclusion.id).state == "open"
