"""A JSON Schema as HTML fields and a submitted form back as data (no database needed)."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from web.inbox.fields import fields_of, read_submission

from ..conftest import BPMN


def schema(name: str) -> dict:
    return json.loads((BPMN / "forms" / name).read_text())


def test_widgets_follow_the_schema_and_the_ui_schema() -> None:
    chair = fields_of(schema("budget-voorzitter-schema.json"),
                      schema("budget-voorzitter-uischema.json"))
    assert [(f.name, f.widget, f.required) for f in chair] == [
        ("besluit_voorzitter", "radio", True), ("motivering_voorzitter", "textarea", True),
        ("colleges_betrokken", "yesno", True), ("db_politie_betrokken", "yesno", True)]
    assert chair[2].value == "false"  # the schema's default
    dvo = fields_of(schema("budget-dvo-besluit-schema.json"), {})
    assert [f.widget for f in dvo] == ["radio", "date", "textarea"]
    presence = fields_of(schema("meeting-aanwezigheid-schema.json"), {})
    assert [f.widget for f in presence] == ["lines", "lines"]


def test_numbers_are_read_as_people_of_the_language_write_them() -> None:
    budget = schema("budget-begroting-schema.json")
    data, problems = read_submission(budget, MultiDict(
        {"basistaken": "250.000", "plustaken": "1.234,50", "toelichting": " Zo. "}), "nl")
    assert (data, problems) == ({"basistaken": 250000, "plustaken": 1234.5,
                                 "toelichting": "Zo."}, {})
    data, _problems = read_submission(budget, MultiDict({"basistaken": "281500.5"}), "nl")
    assert data == {"basistaken": 281500.5}
    data, _problems = read_submission(budget, MultiDict({"basistaken": "1,250.50"}), "en")
    assert data == {"basistaken": 1250.5}
    _, problems = read_submission(budget, MultiDict({"basistaken": "veel"}), "nl")
    assert problems == {"basistaken": "number"}
    _, problems = read_submission(schema("budget-jaarverslag-schema.json"),
                                  MultiDict({"aantal_casussen": "4,5"}), "nl")
    assert problems == {"aantal_casussen": "integer"}


def test_yes_no_lists_and_empty_fields() -> None:
    data, problems = read_submission(schema("budget-voorzitter-schema.json"), MultiDict(
        {"colleges_betrokken": "true", "db_politie_betrokken": "false",
         "motivering_voorzitter": ""}), "nl")
    assert (data, problems) == ({"colleges_betrokken": True, "db_politie_betrokken": False}, {})
    data, _problems = read_submission(schema("meeting-aanwezigheid-schema.json"), MultiDict(
        {"aanwezigen": "anna\r\n bert \n\n", "afwezigen": ""}), "nl")
    assert data == {"aanwezigen": ["anna", "bert"]}


@pytest.mark.parametrize("extra_row", [None, "agenda"])
def test_a_list_of_objects_has_rows_and_empty_rows_are_no_items(extra_row) -> None:
    agenda = schema("meeting-agenda-schema.json")
    submitted = MultiDict({"agenda-0-titel": "Werkproces", "agenda-0-voorstel": "Vaststellen",
                           "agenda-0-bron": "lid", "agenda-0-partij_gehoord": "false",
                           "agenda-1-titel": "", "agenda-1-voorstel": ""})
    fields = fields_of(agenda, {}, submitted, extra_row)
    assert len(fields[0].rows) == (3 if extra_row else 2)
    assert fields[0].rows[0][0].value == "Werkproces"
    assert fields[0].rows[1][0].html_id == "field-agenda-1-titel"
    data, problems = read_submission(agenda, submitted, "nl")
    assert problems == {}
    assert data == {"agenda": [{"titel": "Werkproces", "voorstel": "Vaststellen", "bron": "lid",
                                "partij_gehoord": False}]}
