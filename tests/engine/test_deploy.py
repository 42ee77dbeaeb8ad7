"""Deploy: validation with clear messages, immutable numbered versions, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import deploy, instances, tasks
from engine.db import Database
from engine.diagrams import Source
from engine.errors import DeploymentRejected
from engine.models import ProcessDefinition

from ..conftest import DATA, make_user
from .hostile_diagrams import diagram

SAMPLE = (DATA / "two_lanes.bpmn").read_text()
FORMS = DATA / "forms"


def _write(tmp_path: Path, text: str, name: str = "sample.bpmn") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _problems(db: Database, *paths: Path) -> list[str]:
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy(db, [*paths, FORMS])
    return rejected.value.problems


def _versions(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_versions_are_numbered_and_only_made_when_content_changes(db: Database, tmp_path) -> None:
    first = deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    again = deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    changed = _write(tmp_path, SAMPLE.replace("Testbegroting", "Testbegroting 2"))
    second = deploy.deploy(db, [changed, FORMS])
    assert [(d.key, d.version, d.status) for d in first + again + second] == [
        ("two_lanes", 1, "new"), ("two_lanes", 1, "unchanged"), ("two_lanes", 2, "new")]


def test_a_changed_form_makes_a_new_version(db: Database, tmp_path) -> None:
    deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    forms = tmp_path / "forms"
    forms.mkdir()
    text = (FORMS / "draft-schema.json").read_text().replace("Toelichting", "Uitleg")
    (forms / "draft-schema.json").write_text(text)
    result = deploy.deploy(db, [DATA / "two_lanes.bpmn", forms])
    assert (result[0].version, result[0].status) == (2, "new")


def test_running_instances_keep_their_version(db: Database, tmp_path) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    old = instances.start_instance(db, "two_lanes", actor="mia")
    renamed = SAMPLE.replace('name="Begroting opstellen"', 'name="Concept opstellen"')
    deploy.deploy(db, [_write(tmp_path, renamed), FORMS])
    new = instances.start_instance(db, "two_lanes", actor="mia")
    assert (old.definition.version, new.definition.version) == (1, 2)
    names = sorted(t.name for t in tasks.inbox(db, "mia"))
    assert names == ["Begroting opstellen", "Concept opstellen"]
    draft = next(t for t in tasks.inbox(db, "mia") if t.instance_id == old.id)
    tasks.complete_task(db, draft.id, "mia", {"basistaken": 1, "toelichting": "x"})
    assert instances.get_instance(db, old.id).definition.version == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("<bpmn:definitions", "line 1: malformed XML"),
    ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
     '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&a;'
     "</bpmn:definitions>", "DOCTYPE and entity declarations are not allowed"),
    ("<definitions/>", "not a BPMN 2.0 file"),
])
def test_unsafe_or_broken_xml_is_rejected_with_its_own_message(db, tmp_path, text, expected):
    problems = _problems(db, _write(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'sample.bpmn'}: ")
    assert expected in problems[0]


def test_a_billion_laughs_is_refused_without_expanding(db: Database, tmp_path) -> None:
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "ha">{entities}]>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
            "&l9;</bpmn:definitions>")
    assert "DOCTYPE" in _problems(db, _write(tmp_path, bomb))[0]


def test_a_file_over_5_mb_is_refused(db: Database, tmp_path) -> None:
    big = SAMPLE.replace("<bpmn:process ", "<!--" + "x" * (5 * 1024 * 1024) + "--><bpmn:process ")
    assert _problems(db, _write(tmp_path, big)) == [
        f"{tmp_path / 'sample.bpmn'}: file is larger than 5 MB"]


def test_a_bpmn_without_an_executable_process_is_refused(db: Database, tmp_path) -> None:
    text = SAMPLE.replace('isExecutable="true"', 'isExecutable="false"')
    [problem] = _problems(db, _write(tmp_path, text))
    assert "no executable process" in problem


def test_an_unsupported_element_is_named(db: Database, tmp_path) -> None:
    text = SAMPLE.replace('<bpmn:sequenceFlow id="f1"',
                          '<bpmn:complexGateway id="cg" name="Ingewikkeld" />'
                          '<bpmn:sequenceFlow id="f1"')
    assert _problems(db, _write(tmp_path, text)) == [
        f'{tmp_path / "sample.bpmn"}: element cg "Ingewikkeld": '
        "bpmn:complexGateway is not supported by the engine"]


def test_a_user_task_outside_any_lane_is_refused(db: Database, tmp_path) -> None:
    text = SAMPLE.replace("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", "")
    assert _problems(db, _write(tmp_path, text)) == [
        f'{tmp_path / "sample.bpmn"}: element review "Begroting bespreken": user task is not '
        "in a lane: put it in the lane of the role that must do it"]


def test_a_missing_or_invalid_form_is_refused(db: Database, tmp_path) -> None:
    text = SAMPLE.replace("draft-schema.json", "missing-schema.json")
    [problem] = _problems(db, _write(tmp_path, text))
    assert 'element draft "Begroting opstellen": form "missing-schema.json" is not in' in problem
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "draft-schema.json").write_text('{"type": "object", "required": "basistaken"}')
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy(db, [DATA / "two_lanes.bpmn", forms])
    assert rejected.value.problems == [
        f"{forms / 'draft-schema.json'}: not a valid JSON Schema at required: "
        "'basistaken' is not of type 'array'"]


def test_a_condition_that_escapes_the_sandbox_is_refused(db: Database, tmp_path) -> None:
    text = SAMPLE.replace("akkoord == True", "().__class__.__base__.__subclasses__()")
    [problem] = _problems(db, _write(tmp_path, text))
    assert 'element agreed "Akkoord?": condition is not allowed' in problem
    assert '"__class__" is an invalid attribute name' in problem


def test_one_bad_file_rejects_the_whole_deployment(db: Database, tmp_path) -> None:
    deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    good = _write(tmp_path, SAMPLE.replace("Testbegroting", "Nieuw"), "good.bpmn")
    bad = _write(tmp_path, "<oops", "bad.bpmn")
    problems = _problems(db, good, bad)
    assert [p.split(":")[0] for p in problems] == [str(bad)]
    assert _versions(db) == 1  # the previous version stays in force


def test_a_call_activity_may_call_a_process_deployed_earlier(db: Database, tmp_path) -> None:
    deploy.deploy(db, [DATA / "two_lanes.bpmn", FORMS])
    caller = _write(tmp_path, CALLER)
    assert [(d.key, d.status) for d in deploy.deploy(db, [caller])] == [("caller", "new")]
    make_user(db, "mia", "Manager ZVH")
    instance = instances.start_instance(db, "caller", actor="mia")
    [task] = tasks.inbox(db, "mia")
    assert (task.instance_id, task.name) == (instance.id, "Begroting opstellen")


def test_a_call_activity_to_an_unknown_process_is_refused(db: Database, tmp_path) -> None:
    [problem] = _problems(db, _write(tmp_path, CALLER))
    assert "two_lanes" in problem and "deploy the called process first" in problem


CALLER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"
                  targetNamespace="http://govflow.example/test">
  <bpmn:process id="caller" name="Aanroeper" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>a</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="call" name="Begroting" calledElement="two_lanes">
      <bpmn:incoming>a</bpmn:incoming><bpmn:outgoing>b</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="e"><bpmn:incoming>b</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="call" />
    <bpmn:sequenceFlow id="b" sourceRef="call" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_lane_that_names_no_known_role_is_refused(db: Database, tmp_path) -> None:
    text = SAMPLE.replace('name="Portefeuillehouder ZVH"', 'name="Portefeuilehouder ZVH"')
    [problem] = _problems(db, _write(tmp_path, text))
    assert 'element review "Begroting bespreken": lane "Portefeuilehouder ZVH" is not a known ' \
        "role; known roles: Beheerder" in problem


def test_a_script_task_without_a_script_and_a_dmn_without_a_decision_are_named(
        db: Database) -> None:
    """Either used to stop the check with a Python error instead of a problem."""
    empty = ('<bpmn:scriptTask id="x" name="Rekenen"><bpmn:incoming>f1</bpmn:incoming>'
             "<bpmn:outgoing>f2</bpmn:outgoing></bpmn:scriptTask>")
    no_decision = Source("leeg.dmn", '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/'
                                     'MODEL/" id="d" name="leeg" namespace="x"/>')
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy_sources(db, [diagram("leeg", empty), no_decision], "tester")
    assert rejected.value.problems == [
        "leeg.dmn: DMN file has no decision table",
        'leeg.bpmn: element x "Rekenen": script task has no script: write one, or make it a '
        "plain task"]


def test_a_timer_start_value_that_is_not_well_written_is_one_problem(db: Database) -> None:
    """Not also "cannot be computed at deployment": the editor shows one line per cause."""
    weekly = ('<bpmn:startEvent id="weekly" name="Elke week"><bpmn:outgoing>fw</bpmn:outgoing>'
              "<bpmn:timerEventDefinition><bpmn:timeCycle>elke week</bpmn:timeCycle>"
              '</bpmn:timerEventDefinition></bpmn:startEvent><bpmn:task id="x" name="Iets">'
              '<bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>fw</bpmn:incoming>'
              '<bpmn:outgoing>f2</bpmn:outgoing></bpmn:task>'
              '<bpmn:sequenceFlow id="fw" sourceRef="weekly" targetRef="x" />')
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy_sources(db, [diagram("wekelijks", weekly, in_lane=("weekly", "x"))],
                              "tester")
    [problem] = rejected.value.problems
    assert 'timeCycle "elke week" is neither an ISO 8601 value' in problem
