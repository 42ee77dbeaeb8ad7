"""The form editor's command: a form saved into the draft (checked, deployed with it), and a
field that the diagram reads is never removed or renamed silently."""

from __future__ import annotations

import json

import pytest

from engine import deploy, drafts
from engine.db import Database
from engine.errors import InvalidInput, NotAllowed
from engine.form_drafts import FieldsInUse, opened_form, save_form
from engine.form_readers import readers_of
from engine.process_owners import PROCESS_OWNER_ROLE

from ..conftest import BPMN, make_user

KEY = "budget_cycle"
FORM = "budget-oordeel-burgemeester-schema.json"


@pytest.fixture
def owner(db: Database) -> str:
    deploy.deploy(db, [BPMN / "budget_cycle.bpmn", BPMN / "forms"], "tester")
    return make_user(db, "olga", PROCESS_OWNER_ROLE)


def _schema(db: Database, name: str = FORM) -> dict:
    with db.reading() as session:
        return json.loads(opened_form(session, KEY, name).schema)


def test_a_saved_form_goes_into_the_draft_and_deploys_with_it(db: Database, owner: str) -> None:
    schema = _schema(db)
    schema["properties"]["toelichting_extra"] = {"type": "string", "title": "Nog iets?"}
    schema["required"] = [*schema.get("required", []), "toelichting_extra"]
    saved = save_form(db, KEY, FORM, json.dumps(schema), None, owner, None)
    assert saved.problems == []
    with db.reading() as session:
        opened = drafts.editable(session, KEY)
        assert "toelichting_extra" in json.loads(opened.resources[FORM])["properties"]
        assert opened_form(session, KEY, FORM).revision == saved.revision
    done = drafts.deploy_draft(db, KEY, owner, "Extra veld", opened.revision)
    with db.reading() as session:
        latest = deploy.latest_definition(session, KEY)
        assert done.version == latest.version == 2
        assert "toelichting_extra" in json.loads(latest.resources[FORM])["required"]


def test_saving_a_form_does_not_make_an_open_diagram_editor_stale(
        db: Database, owner: str) -> None:
    with db.reading() as session:
        xml = drafts.editable(session, KEY).xml
    first = drafts.save_draft(db, KEY, xml, owner, None)
    save_form(db, KEY, FORM, json.dumps(_schema(db)), None, owner, None)
    again = drafts.save_draft(db, KEY, xml.replace("Begroting opstellen", "Begroting maken"),
                              owner, first.revision)
    assert again.revision == first.revision + 1


@pytest.mark.parametrize(("text", "problem"), [
    ("{", "the form is not valid JSON"),
    ('{"type": "object", "properties": {"a": {}, "a": {}}}', "names a more than once"),
    ('{"type": "object", "properties": {"mijn veld": {"type": "string"}}}',
     'field name "mijn veld" is not a valid name'),
    ('{"type": "object", "properties": {"class": {"type": "string"}}}',
     'field name "class" is not a valid name'),
    ('{"type": "array"}', 'a form is a JSON Schema of "type": "object"'),
    ('{"type": "object", "properties": {"n": {"type": "getal"}}}', "not a valid JSON Schema"),
])
def test_a_form_that_is_not_a_usable_schema_is_refused_and_nothing_is_saved(
        db: Database, owner: str, text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_form(db, KEY, FORM, text, None, owner, None)
    assert problem in refused.value.message
    with db.reading() as session:
        assert opened_form(session, KEY, FORM).revision is None


def test_a_field_that_a_condition_reads_is_not_removed_silently(db: Database, owner: str) -> None:
    """The gateway after the reviews reads akkoord_burgemeester (BUD-3)."""
    schema = _schema(db)
    schema["properties"]["akkoord"] = schema["properties"].pop("akkoord_burgemeester")
    schema["required"] = ["akkoord" if r == "akkoord_burgemeester" else r
                          for r in schema.get("required", [])]
    with pytest.raises(FieldsInUse) as refused:
        save_form(db, KEY, FORM, json.dumps(schema), None, owner, None)
    [reader] = refused.value.readers
    assert (reader.field, reader.what) == ("akkoord_burgemeester", "condition")
    with db.reading() as session:
        assert opened_form(session, KEY, FORM).revision is None
    saved = save_form(db, KEY, FORM, json.dumps(schema), None, owner, None,
                      removals_confirmed=True)
    assert saved.revision == 1


def test_two_owners_saving_one_form_from_the_same_copy_conflict(db: Database, owner: str) -> None:
    make_user(db, "otto", PROCESS_OWNER_ROLE)
    save_form(db, KEY, FORM, json.dumps(_schema(db)), None, owner, None)
    with pytest.raises(drafts.DraftConflict):
        save_form(db, KEY, FORM, json.dumps(_schema(db)), None, "otto", None)


def test_only_process_owners_save_forms(db: Database, owner: str) -> None:
    make_user(db, "mia", "Manager ZVH")
    with pytest.raises(NotAllowed):
        save_form(db, KEY, FORM, json.dumps(_schema(db)), None, "mia", None)


def test_the_readers_of_fields_are_conditions_scripts_properties_and_collections() -> None:
    xml = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">
      <bpmn:process id="p">
        <bpmn:sequenceFlow id="f" name="Akkoord"><bpmn:conditionExpression>uitslag == "ja"
          </bpmn:conditionExpression></bpmn:sequenceFlow>
        <bpmn:scriptTask id="s" name="Rekenen"><bpmn:script>totaal = bedrag * 2</bpmn:script>
        </bpmn:scriptTask>
        <bpmn:userTask id="u" name="Stemmen"><bpmn:extensionElements>
          <spiffworkflow:properties>
            <spiffworkflow:property name="assignee" value="lid"/></spiffworkflow:properties>
          <spiffworkflow:postScript>x = data.get("opmerking")</spiffworkflow:postScript>
          </bpmn:extensionElements>
          <bpmn:multiInstanceLoopCharacteristics>
            <bpmn:loopDataInputRef>leden</bpmn:loopDataInputRef>
          </bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
      </bpmn:process></bpmn:definitions>"""
    found = {(r.field, r.element, r.what) for r in readers_of(
        xml, {"uitslag", "bedrag", "lid", "opmerking", "leden", "ongelezen"})}
    assert found == {("uitslag", "f", "condition"), ("bedrag", "s", "script"),
                     ("lid", "u", "property assignee"), ("opmerking", "u", "script after"),
                     ("leden", "u", "multi-instance")}
