"""`govflow start` with the data a process needs: its start form says what, bad data is refused
with the field and the reason, a failed start is an error (issue 9)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from engine import deploy, instances, tasks
from engine.db import Database
from engine.errors import DeploymentRejected
from engine.models import AuditEvent, ProcessInstance

from ..conftest import BPMN, make_user

MOMENT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)  # 10:30 in the Netherlands


@pytest.fixture(autouse=True)
def catalogue(db: Database):
    with time_machine.travel(MOMENT, tick=False):
        make_user(db, "nina", "Netwerksecretaris")
        deploy.deploy(db, [BPMN], "tester")
        yield


def _stored(db: Database) -> tuple[int, int]:
    """How many instances and instance audit events there are."""
    with db.reading() as session:
        return (session.scalar(select(func.count()).select_from(ProcessInstance)),
                session.scalar(select(func.count()).select_from(AuditEvent)
                               .where(AuditEvent.instance_id.is_not(None))))


@pytest.mark.parametrize(("key", "data", "problem"), [
    ("meeting", None, "orgaan: required"),
    ("decision", '{"orgaan": "kookclub"}', "orgaan: choose one of: stamtafel"),
    ("budget_cycle", '{"jaar": "volgend jaar"}', "jaar: must be of type integer"),
    ("case_reflection", '{"jaar": 2027, "kwartaal": 5}', "kwartaal: maximum 4"),
    ("member_admission", '{}', "organisatie: required"),
    ("portfolio_appointment", '{"verkiezingsjaar": 2027}', "verkiezingsjaar: choose one of"),
    ("meeting_frequency", '{"orgaan": "stuurgroep"}', "jaar: required"),
])
def test_a_start_with_the_wrong_data_is_refused_and_stores_nothing(
        db: Database, cli, key: str, data: str | None, problem: str) -> None:
    args = ["start", key, "--as", "nina"] + (["--data", data] if data else [])
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {key} cannot start with this data: ")
    assert problem in result.stderr and "Traceback" not in result.output
    assert _stored(db) == (0, 0)


def test_a_start_that_fails_after_its_data_is_an_error_with_the_reason(db: Database,
                                                                        cli) -> None:
    """The data fits, but the body has no members yet: the failed instance is kept (so a
    manager sees it), and the command says so and exits 1."""
    result = cli("start", "meeting", "--data", '{"orgaan": "stuurgroep"}', "--as", "nina")
    assert result.exit_code == 1
    failed = re.match(r"error: instance (\d+) of meeting failed at its start: ", result.stderr)
    assert failed, result.stderr
    assert "Stuurgroep ZVH has no members" in result.stderr
    assert instances.get_instance(db, int(failed.group(1))).status == "failed"


def test_help_data_says_what_each_start_event_needs(cli) -> None:
    result = cli("start", "case_reflection", "--help-data")  # no --as needed
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("case_reflection (version 1): ")
    assert "taken when no --start-event is given" in text
    assert "jaar                   required whole number (2000 to 2100)" in text
    assert "kwartaal               required whole number (1 to 4)" in text
    assert "start event start_kwartaal" in text and "the engine supplies: occurrence" in text
    assert "e.g. govflow start case_reflection --data '{\"jaar\": 2000, \"kwartaal\": 1}'" \
        in text
    unknown = cli("start", "kookclub", "--help-data")
    assert unknown.exit_code == 1 and unknown.stderr.startswith("error: ")
    missing = cli("start", "case_reflection")
    assert missing.exit_code == 2 and "Missing option '--as'" in missing.output


def test_a_start_by_hand_at_a_timer_start_event_gets_its_occurrence(db: Database, cli) -> None:
    """As the scheduler gives it: the local date and time, here of the start by hand."""
    with time_machine.travel(MOMENT, tick=False):
        result = cli("start", "case_reflection", "--start-event", "start_kwartaal", "--as",
                     "nina", "--json")
    assert result.exit_code == 0, result.output
    instance = instances.get_instance(db, json.loads(result.output)["id"])
    data = instances.instance_data(instance)
    assert data["occurrence"] == "2027-03-01T10:30:00+01:00"
    assert (data["jaar"], data["kwartaal"]) == (2027, 1)


def test_validate_one_diagram_finds_the_forms_beside_it(cli) -> None:
    result = cli("validate", str(BPMN / "meeting.bpmn"))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{BPMN / 'meeting.bpmn'}: process meeting is valid"


def test_a_start_form_missing_from_the_deployment_is_named(db: Database,
                                                           tmp_path: Path) -> None:
    diagram = tmp_path / "budget_cycle.bpmn"  # no forms/ beside it
    diagram.write_text((BPMN / "budget_cycle.bpmn").read_text())
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.validate_files(db, [diagram])
    assert any('element start_cycle "Cyclus gestart": form "budget-start-schema.json" is not '
               "in this deployment" in p for p in rejected.value.problems)


def test_a_meeting_is_about_the_body_its_start_data_names(db: Database, cli) -> None:
    """MTG-8: started without --scope, a meeting is still its body's work (not nobody's)."""
    with time_machine.travel(MOMENT, tick=False):
        make_user(db, "gerda", "Secretaris", scope="stuurgroep")
        make_user(db, "stef", "Lid", scope="stuurgroep")
        started = cli("start", "meeting", "--data", '{"orgaan": "stuurgroep"}', "--as", "gerda",
                      "--json")
        assert started.exit_code == 0, started.output
        assert json.loads(started.output)["scope"] == "stuurgroep"
        assert [t.name for t in tasks.inbox(db, "gerda")] == ["Vergadering plannen"]
        refused = cli("start", "meeting", "--data", '{"orgaan": "stuurgroep"}', "--scope",
                      "regiekamer", "--as", "gerda")
    assert refused.exit_code == 1
    assert "the scope 'regiekamer' and the start data's orgaan 'stuurgroep' differ" \
        in refused.stderr
