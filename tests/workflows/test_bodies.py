"""The bodies catalogue and its decision rules (workflows/bodies.py): pure functions."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BPMN
from workflows import bodies
from workflows.bodies import (
    BODIES,
    decision_outcome,
    decisions_report,
    escalation_target,
    frequency_met,
    majority_outcome,
    may_decide,
    must_hear,
    sent_in_time,
    written_input,
)
from workflows.catalogue import ROLES
from workflows.helpers import HELPERS

ITEM = {"titel": "Werkproces", "voorstel": "Vaststellen."}


def test_the_eight_bodies_with_their_dutch_names() -> None:
    assert {code: b.name for code, b in BODIES.items()} == {
        "stamtafel": "Stamtafel zorg en veiligheid",
        "dvo": "Districtelijk Veiligheidsoverleg (DVO)",
        "vvg_veilig_thuis": "Vergadering van Gemeenten Veilig Thuis",
        "regiekamer": "Regiekamer ZVH",
        "stuurgroep": "Stuurgroep ZVH",
        "regiegroep_gedwongen_zorg": "Regiegroep gedwongen zorg (Wvggz/Wzd)",
        "advies_implementatieoverleg": "Advies- en implementatieoverleg",
        "secretarissenoverleg": "Secretarissenoverleg",
    }


def test_minimum_meetings_per_year() -> None:
    """MTG-1 Stamtafel 4, MTG-2 Regiekamer ~4, MTG-3 regiegroep quarterly, MTG-4 Stuurgroep 2."""
    minimum = {code: b.min_meetings_per_year for code, b in BODIES.items()}
    assert (minimum["stamtafel"], minimum["regiekamer"], minimum["regiegroep_gedwongen_zorg"],
            minimum["stuurgroep"]) == (4, 4, 4, 2)
    assert minimum["dvo"] is None
    assert frequency_met("stuurgroep", 2) and not frequency_met("stamtafel", 3)
    assert frequency_met("secretarissenoverleg", 0)


def test_the_stamtafel_takes_no_binding_decisions() -> None:
    """DEC-6."""
    assert not may_decide("stamtafel")
    assert may_decide("regiekamer") and may_decide("stuurgroep") and may_decide("dvo")


def test_escalation_goes_from_regiekamer_to_stuurgroep_to_dvo() -> None:
    """DEC-4: Regiekamer -> Stuurgroep; DEC-5: Stuurgroep -> DVO (and/or the DB Politie)."""
    assert escalation_target("regiekamer") == "stuurgroep"
    assert escalation_target("stuurgroep") == "dvo"
    assert "DB Politie" in BODIES["stuurgroep"].escalation_note
    assert escalation_target("dvo") is None
    assert escalation_target("stamtafel") is None


def test_an_unknown_body_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: stamtafel"):
        escalation_target("kookclub")


@pytest.mark.parametrize(("votes", "result", "consensus"), [
    (["voor", "voor", "tegen"], "aangenomen", False),
    (["tegen", "tegen", "voor"], "verworpen", False),
    (["voor", "voor", "voor"], "aangenomen", True),
    (["tegen", "tegen"], "verworpen", True),
    (["voor", "tegen"], "geen besluit", False),
    (["voor", "voor", "tegen", "onthouding"], "geen besluit", False),
    (["onthouding", "onthouding"], "geen besluit", False),
    ([], "geen besluit", False),
])
def test_the_majority_of_votes_cast_decides(votes, result, consensus) -> None:
    """DEC-1: a majority of the votes cast; unanimity is consensus; a tie is no decision."""
    outcome = majority_outcome([{"lid": f"lid{i}", "stem": v} for i, v in enumerate(votes)])
    assert (outcome["uitkomst"], outcome["consensus"]) == (result, consensus)
    assert outcome["voor"] + outcome["tegen"] + outcome["onthouding"] == len(votes)
    assert majority_outcome(votes) == outcome  # plain votes count the same


def test_an_unknown_vote_is_refused() -> None:
    with pytest.raises(ValueError, match="misschien"):
        majority_outcome(["voor", "misschien"])


def test_a_party_must_be_heard_only_when_absent_affected_and_silent() -> None:
    """DEC-3."""
    affected = {**ITEM, "sterk_betrokken_lid": "dirk"}
    silent = [written_input("dirk")]
    assert must_hear(affected, ["dirk"], silent)
    assert must_hear(affected, ["dirk"], [])
    assert not must_hear(affected, ["dirk"], [written_input("dirk", "bezwaar", "Nee.")])
    assert not must_hear(affected, ["carl"], [])  # dirk was present
    assert not must_hear({**affected, "partij_gehoord": True}, ["dirk"], silent)
    assert not must_hear(ITEM, ["dirk"], silent)


def test_the_outcome_of_a_decision_per_body() -> None:
    """DEC-1, DEC-4, DEC-5, DEC-6 in one record."""
    adopted = decision_outcome("regiekamer", ITEM, ["voor", "voor"])
    assert (adopted["soort"], adopted["bindend"], adopted["escalatie_naar"]) == \
        ("besluit", True, None)
    tie = decision_outcome("regiekamer", ITEM, ["voor", "tegen"])
    assert (tie["soort"], tie["escalatie_naar"]) == ("escalatie", "stuurgroep")
    costly = decision_outcome("stuurgroep", {**ITEM, "hogere_bijdrage": True}, ["voor"])
    assert (costly["soort"], costly["uitkomst"], costly["escalatie_naar"]) == \
        ("escalatie", "aangenomen", "dvo")
    advice = decision_outcome("stamtafel", ITEM, ["voor", "voor", "tegen"])
    assert (advice["soort"], advice["bindend"]) == ("advies", False)
    nowhere = decision_outcome("stamtafel", ITEM, ["voor", "tegen"])
    assert (nowhere["soort"], nowhere["escalatie_naar"]) == ("geen besluit", None)


def test_the_report_to_the_next_body() -> None:
    """MTG-7: binding decisions and escalations are reported; advice and nothing are not."""
    outcomes = [decision_outcome("regiekamer", ITEM, ["voor"]),
                decision_outcome("regiekamer", {**ITEM, "titel": "B"}, ["voor", "tegen"])]
    report = decisions_report("regiekamer", outcomes)
    assert (report["aan"], report["aan_naam"]) == ("stuurgroep", "Stuurgroep ZVH")
    assert [b["soort"] for b in report["besluiten"]] == ["besluit", "escalatie"]
    assert decisions_report("stamtafel", [])["aan"] is None


def test_the_agenda_goes_out_at_least_ten_days_ahead() -> None:
    assert sent_in_time("2027-03-05", "2027-03-15")
    assert not sent_in_time("2027-03-06", "2027-03-15")


def test_scripts_reach_the_functions_through_helpers() -> None:
    for name in ("escalation_target", "majority_outcome", "must_hear", "written_input",
                 "decision_outcome", "decisions_report", "sent_in_time", "body_name"):
        assert HELPERS[name] is getattr(bodies, name)


def test_the_generic_body_roles_exist() -> None:
    assert {"Voorzitter", "Secretaris", "Lid"} <= {role.name for role in ROLES}


def test_the_forms_offer_the_codes_of_the_catalogue() -> None:
    """Forms are static JSON: their lists of bodies must follow the catalogue."""
    forms = BPMN / "forms"
    other_bodies = json.loads((forms / "meeting-inbreng-organen-schema.json").read_text())
    item = other_bodies["properties"]["punten_andere_organen"]["items"]
    assert set(item["properties"]["orgaan"]["enum"]) == set(BODIES)
    advice = json.loads((forms / "decision-advies-schema.json").read_text())
    addressees = set(advice["properties"]["advies_aan"]["enum"])
    assert {code for code, b in BODIES.items() if b.binding} <= addressees
    assert addressees - set(BODIES) == {"landelijk gremium", "partnerorganisaties"}
    votes = json.loads((forms / "decision-stemmen-schema.json").read_text())
    assert votes["properties"]["stemkeuze"]["enum"] == [bodies.FOR, bodies.AGAINST, bodies.ABSTAIN]
