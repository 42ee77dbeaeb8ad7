"""The diff between two versions: each kind of change that matters for execution is found, by
element id, with its old and new value; what only moved on the drawing is reported apart."""

from __future__ import annotations

import json

import pytest

from engine.changes import ADDED, CHANGED, MOVED, REMOVED, Change
from engine.diagram_diff import diff_versions

from ..conftest import BPMN

MEETING = (BPMN / "meeting.bpmn").read_text()
BUDGET = (BPMN / "budget_cycle.bpmn").read_text()
FORMS = {path.name: path.read_text() for path in (BPMN / "forms").glob("*.json")}


def _changes(new_xml: str, old_xml: str = MEETING, old_forms: dict | None = None,
             new_forms: dict | None = None) -> list[Change]:
    diff = diff_versions(old_xml, old_forms or FORMS, new_xml, new_forms or FORMS)
    assert not diff.moved, "an edit of the XML alone moves nothing"
    return list(diff.changes)


def _edit(old: str, new: str, xml: str = MEETING) -> str:
    assert xml.count(old) == 1, f"{old!r} is not once in the diagram"
    return xml.replace(old, new)


def _one(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def _facts(change: Change) -> tuple:
    return (change.kind, change.subject.id, change.aspect, change.detail, change.old,
            change.new)


def test_the_same_version_twice_has_no_changes() -> None:
    diff = diff_versions(MEETING, FORMS, MEETING, FORMS)
    assert diff.changes == () and diff.moved == ()


def test_a_new_name() -> None:
    change = _one(_changes(_edit('name="Agenda opstellen"', 'name="Agenda maken"')))
    assert _facts(change) == (CHANGED, "agenda_opstellen", "name", "", "Agenda opstellen",
                              "Agenda maken")
    assert change.subject.type == "userTask" and change.subject.name == "Agenda maken"


def test_a_lane_is_a_role_and_a_task_may_move_to_another_lane() -> None:
    renamed = _one(_changes(_edit('name="Secretaris"', 'name="Netwerksecretaris"')))
    assert _facts(renamed) == (CHANGED, "Lane_secretaris", "name", "", "Secretaris",
                               "Netwerksecretaris")
    moved = _edit("<bpmn:flowNodeRef>verplaatsen</bpmn:flowNodeRef>\n", "")
    moved = _edit("<bpmn:flowNodeRef>afronden</bpmn:flowNodeRef>",
                  "<bpmn:flowNodeRef>afronden</bpmn:flowNodeRef>"
                  "<bpmn:flowNodeRef>verplaatsen</bpmn:flowNodeRef>", moved)
    change = _one(_changes(moved))
    assert _facts(change) == (CHANGED, "verplaatsen", "lane", "", "Voorzitter", "Secretaris")


def test_a_timer_duration_and_where_its_event_sits() -> None:
    change = _one(_changes(_edit('"P7D"', '"P14D"')))
    assert _facts(change) == (CHANGED, "termijn_agenda_verstreken", "timer", "", '"P7D"',
                              '"P14D"')
    assert change.subject.event == "timer"
    assert change.subject.host == "Agendapunten aandragen"


def test_a_timer_of_another_kind() -> None:
    xml = _edit("<bpmn:timeDuration>\"P7D\"</bpmn:timeDuration>",
                "<bpmn:timeDate>2027-03-01T10:00</bpmn:timeDate>")
    changes = {change.aspect: change for change in _changes(xml)}
    assert (changes["timerKind"].old, changes["timerKind"].new) == ("timeDuration", "timeDate")
    assert (changes["timer"].old, changes["timer"].new) == ('"P7D"', "2027-03-01T10:00")


def test_a_condition() -> None:
    change = _one(_changes(_edit("sent_in_time(agenda_verzonden_op, vergaderdatum)",
                                 "True")))
    assert _facts(change) == (CHANGED, "f11", "condition", "",
                              "sent_in_time(agenda_verzonden_op, vergaderdatum)", "True")
    assert (change.subject.name, change.subject.source, change.subject.target) == (
        "ja", "Ten minste 10 dagen voor de vergadering?", "Genodigden op de stukken wijzen")


def test_a_default_flow_by_where_it_leads() -> None:
    change = _one(_changes(_edit('default="f22"', 'default="f21"')))
    assert _facts(change) == (CHANGED, "akkoord_gw", "default", "", "Verslag opstellen",
                              "Verslag vastgesteld")


def test_scripts_of_a_script_task_and_after_a_task() -> None:
    xml = _edit("rapportage = decisions_report(orgaan, besluiten)",
                "rapportage = decisions_report(orgaan, besluiten[:3])")
    xml = _edit('<spiffworkflow:postScript>orgaan = "stamtafel"</spiffworkflow:postScript>',
                '<spiffworkflow:postScript>orgaan = "stuurgroep"</spiffworkflow:postScript>', xml)
    assert [_facts(change) for change in _changes(xml)] == [
        (CHANGED, "start_stamtafel", "postScript", "", 'orgaan = "stamtafel"',
         'orgaan = "stuurgroep"'),
        (CHANGED, "rapportage_voorbereiden", "script", "",
         "rapportage = decisions_report(orgaan, besluiten)",
         "rapportage = decisions_report(orgaan, besluiten[:3])")]


def test_spiffworkflow_properties_changed_added_and_removed() -> None:
    xml = _edit('value="end_of_day(vergaderdatum)"', 'value="vergaderdatum"')
    xml = _edit('<spiffworkflow:property name="scopeField" value="orgaan"/>', "", xml)
    xml = _edit('<spiffworkflow:property name="assignee" value="lid"/>',
                '<spiffworkflow:property name="assignee" value="lid"/>'
                '<spiffworkflow:property name="separateFrom" value="plannen"/>', xml)
    assert [_facts(change) for change in _changes(xml)] == [
        (CHANGED, "start", "property", "scopeField", "orgaan", None),
        (CHANGED, "punten_aandragen", "property", "separateFrom", None, "plannen"),
        (CHANGED, "aanwezigheid", "property", "dueDate", "end_of_day(vergaderdatum)",
         "vergaderdatum")]


def test_the_form_of_a_task_and_a_service_operator_parameter() -> None:
    xml = _edit('value="meeting-actiepunten-schema.json"',
                'value="meeting-rapporteren-schema.json"')
    operator = ('resultVariable="uitnodiging">\n          <spiffworkflow:parameters>\n'
                '            <spiffworkflow:parameter id="orgaan" type="str" value="orgaan')
    xml = _edit(operator + '"/>', operator + '_code"/>', xml)
    assert [_facts(change) for change in _changes(xml)] == [
        (CHANGED, "voorbereiden", "parameter", "orgaan", "orgaan", "orgaan_code"),
        (CHANGED, "actiepunten", "form", "", "meeting-actiepunten-schema.json",
         "meeting-rapporteren-schema.json")]


def test_a_called_process_a_collection_and_documentation() -> None:
    xml = _edit('calledElement="decision"', 'calledElement="decision_v2"')
    xml = _edit("<bpmn:loopDataInputRef>agenda</bpmn:loopDataInputRef>",
                "<bpmn:loopDataInputRef>agendapunten</bpmn:loopDataInputRef>", xml)
    xml = _edit("Legt de voorgestelde punten vast met de naam van het lid.",
                "Legt de punten vast.", xml)
    assert [(c.subject.id, c.aspect, c.old, c.new) for c in _changes(xml)] == [
        ("inbreng_lid_vastleggen", "documentation",
         "Legt de voorgestelde punten vast met de naam van het lid.", "Legt de punten vast."),
        ("besluitvorming", "calledElement", "decision", "decision_v2"),
        ("besluitvorming", "loopInput", "agenda", "agendapunten")]


def test_an_unknown_attribute_still_counts() -> None:
    change = _one(_changes(_edit('cancelActivity="false"', 'cancelActivity="true"')))
    assert _facts(change) == (CHANGED, "stukken_herinnering", "attribute", "cancelActivity",
                              "false", "true")


def test_added_and_removed_elements_and_their_markers() -> None:
    xml = _edit('<bpmn:intermediateThrowEvent id="besloten" name="Besluiten genomen">',
                '<bpmn:intermediateThrowEvent id="besluiten_genomen" name="Besluiten genomen">')
    xml = xml.replace('sourceRef="besloten"', 'sourceRef="besluiten_genomen"').replace(
        'targetRef="besloten"', 'targetRef="besluiten_genomen"')
    diff = diff_versions(MEETING, FORMS, xml, FORMS)
    kinds = {(c.kind, c.subject.id, c.aspect) for c in diff.changes}
    assert {(ADDED, "besluiten_genomen", ""), (REMOVED, "besloten", ""),
            (CHANGED, "f17", "target"), (CHANGED, "f18", "source")} <= kinds
    newer, older = diff.markers()
    assert newer["besluiten_genomen"] == ADDED and newer["f17"] == CHANGED
    assert older["besloten"] == REMOVED and "besloten" not in newer


def test_a_move_on_the_drawing_only_is_apart() -> None:
    xml = _edit('<dc:Bounds x="2310" y="590" width="100" height="80"/>',
                '<dc:Bounds x="2330" y="600" width="100" height="80"/>')
    xml = _edit('<di:waypoint x="2228" y="150"/>', '<di:waypoint x="2230" y="150"/>', xml)
    diff = diff_versions(MEETING, FORMS, xml, FORMS)
    assert diff.changes == ()
    assert [(c.kind, c.subject.id) for c in diff.moved] == [(MOVED, "besluitvorming"),
                                                            (MOVED, "f16")]
    assert diff.markers()[0] == {"besluitvorming": MOVED, "f16": MOVED}


def _form(name: str, edit) -> dict[str, str]:
    schema = json.loads(FORMS[name])
    edit(schema)
    return {**FORMS, name: json.dumps(schema)}


def test_a_form_field_added_is_one_change_on_the_form_and_marks_its_tasks() -> None:
    begroting = "budget-begroting-schema.json"
    old = _form(begroting, lambda schema: schema["properties"].pop("toelichting"))
    diff = diff_versions(BUDGET, old, BUDGET, FORMS)
    change = _one(list(diff.changes))
    # Its value says whether it is required, the one rule a reader needs with it.
    assert _facts(change) == (CHANGED, begroting, "field", "toelichting", None, "required")
    assert change.subject.type == "form" and change.subject.name == "Begroting opstellen"
    assert change.subject.used_by and all(diff.markers()[0][element] == CHANGED
                                          for element in change.subject.used_by)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda s: s["properties"]["locatie"].update(title="Locatie"),
     ("field:title", "locatie", "Plaats", "Locatie")),
    (lambda s: s["required"].append("gasten"), ("field:required", "gasten", "false", "true")),
    (lambda s: s["properties"]["aanleiding"]["enum"].append("extra"),
     ("field:enum", "aanleiding", "regulier, op verzoek van een partij",
      "regulier, op verzoek van een partij, extra")),
    (lambda s: s["properties"]["locatie"].update(type="number"),
     ("field:type", "locatie", "string", "number")),
])
def test_a_form_field_title_required_choices_and_type(edit, expected) -> None:
    name = "meeting-plannen-schema.json"
    change = _one(_changes(MEETING, new_forms=_form(name, edit)))
    assert (change.aspect, change.detail, change.old, change.new) == expected


def test_a_form_that_a_version_no_longer_ships_is_removed() -> None:
    name = "meeting-verplaatsen-schema.json"
    fewer = {key: text for key, text in FORMS.items() if key != name}
    change = _one(_changes(MEETING, new_forms=fewer))
    assert (change.kind, change.subject.id, change.subject.used_by) == (
        REMOVED, name, ("verplaatsen",))
