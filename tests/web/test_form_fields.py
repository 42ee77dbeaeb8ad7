"""A JSON Schema as HTML fields and a submitted form back as data (no database needed)."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from web.inbox.fields import (
    MAX_DIGITS,
    MAX_ROWS,
    fields_of,
    full_list,
    read_submission,
    renumbered,
)

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
    talk = fields_of(schema("reflection-gesprek-schema.json"), {})
    assert ("betrokken_organisaties", "lines") in [(f.name, f.widget) for f in talk]


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
    assert problems == {"basistaken": ("number", None)}
    _, problems = read_submission(schema("budget-jaarverslag-schema.json"),
                                  MultiDict({"aantal_casussen": "4,5"}), "nl")
    assert problems == {"aantal_casussen": ("integer", None)}


def test_yes_no_lists_and_empty_fields() -> None:
    data, problems = read_submission(schema("budget-voorzitter-schema.json"), MultiDict(
        {"colleges_betrokken": "true", "db_politie_betrokken": "false",
         "motivering_voorzitter": ""}), "nl")
    assert (data, problems) == ({"colleges_betrokken": True, "db_politie_betrokken": False}, {})
    data, _problems = read_submission(schema("decision-start-schema.json"), MultiDict(
        {"aanwezigen": "anna\r\n bert \n\n", "afwezigen": ""}), "nl")
    # A required list left empty is an empty list (nobody absent); minItems says when not.
    assert data == {"aanwezigen": ["anna", "bert"], "afwezigen": []}


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


def test_rows_are_the_numbers_posted_renumbered_and_capped() -> None:
    """A crafted row number (agenda-20000-...) makes one row, not 20001; more rows than the
    schema's maxItems (or MAX_ROWS) are refused on the field."""
    agenda = schema("meeting-agenda-schema.json")
    form, too_many = renumbered(agenda, MultiDict(
        {"agenda-20000-titel": "Laatste", "agenda-3-titel": "Eerste", "agenda-3-voorstel": "V",
         "agenda-x-titel": "geen rij", "agenda-99999999999-titel": "geen rij"}))
    assert too_many == {}
    assert sorted(form) == ["agenda-0-titel", "agenda-0-voorstel", "agenda-1-titel"]
    fields = fields_of(agenda, {}, form)
    assert [row[0].value for row in fields[0].rows] == ["Eerste", "Laatste"]
    data, _problems = read_submission(agenda, form, "nl")
    assert [item["titel"] for item in data["agenda"]] == ["Eerste", "Laatste"]

    crowded = MultiDict({f"agenda-{i}-titel": "x" for i in range(MAX_ROWS + 5)})
    form, too_many = renumbered(agenda, crowded)
    assert too_many == {"agenda": ("maxItems", MAX_ROWS)}
    assert len(fields_of(agenda, {}, form, extra_row="agenda")[0].rows) == MAX_ROWS
    limited = {"type": "object", "properties": {"punten": {
        "type": "array", "maxItems": 2,
        "items": {"type": "object", "properties": {"titel": {"type": "string"}}}}}}
    _form, too_many = renumbered(limited, MultiDict({f"punten-{i}-titel": "x" for i in range(3)}))
    assert too_many == {"punten": ("maxItems", 2)}
    assert full_list(limited, "punten", MultiDict({"punten-0-titel": "a", "punten-1-titel": "b"}))
    assert full_list(limited, "punten", MultiDict({"punten-0-titel": "a"})) is None


@pytest.mark.parametrize("text", ["NaN", "nan", "Infinity", "-Infinity", "sNaN", "inf"])
def test_numbers_that_are_not_finite_are_refused(text: str) -> None:
    budget = schema("budget-begroting-schema.json")
    data, problems = read_submission(budget, MultiDict({"basistaken": text}), "nl")
    assert data == {} and problems == {"basistaken": ("number", None)}


@pytest.mark.parametrize("text", ["1e27", "1E400", "1e-999999999", "1234567890123456"])
def test_numbers_with_more_than_fifteen_digits_are_refused(text: str) -> None:
    budget = schema("budget-begroting-schema.json")
    data, problems = read_submission(budget, MultiDict({"basistaken": text}), "en")
    assert data == {} and problems == {"basistaken": ("digits", MAX_DIGITS)}
    data, problems = read_submission(budget, MultiDict({"basistaken": "999999999999999"}), "nl")
    assert (data, problems) == ({"basistaken": 999999999999999}, {})


def test_enums_and_lists_of_numbers_keep_their_type() -> None:
    form = {"type": "object", "properties": {
        "cijfer": {"type": "integer", "enum": [1, 2, 3]},
        "factor": {"type": "number", "enum": [0.5, 1.5]},
        "kwartalen": {"type": "array", "items": {"type": "integer", "enum": [1, 2, 3, 4]}},
        "bedragen": {"type": "array", "items": {"type": "number"}},
        "woorden": {"type": "array", "items": {"type": "string"}}}}
    data, problems = read_submission(form, MultiDict([
        ("cijfer", "2"), ("factor", "1.5"), ("kwartalen", "1"), ("kwartalen", "4"),
        ("bedragen", "1.250,50\n3"), ("woorden", "een\ntwee")]), "nl")
    assert problems == {}
    assert data == {"cijfer": 2, "factor": 1.5, "kwartalen": [1, 4], "bedragen": [1250.5, 3],
                    "woorden": ["een", "twee"]}
    _data, problems = read_submission(form, MultiDict({"bedragen": "veel"}), "nl")
    assert problems == {"bedragen": ("number", None)}


def test_an_object_in_a_form_is_a_group_of_its_own_fields() -> None:
    """The decision's start form holds the agenda item as an object (titel, voorstel, ...)."""
    start = schema("decision-start-schema.json")
    [item] = [f for f in fields_of(start, {}) if f.name == "agendapunt"]
    assert item.widget == "group" and item.first_id == "field-agendapunt-titel"
    assert [f.name for f in item.rows[0]][:2] == ["agendapunt-titel", "agendapunt-voorstel"]
    data, problems = read_submission(start, MultiDict(
        {"agendapunt-titel": "Werkproces", "agendapunt-voorstel": "Vaststellen.",
         "aanwezigen": "anna"}), "nl")
    assert problems == {}
    assert data["agendapunt"] == {"titel": "Werkproces", "voorstel": "Vaststellen."}
    shown = fields_of(start, {}, values={"agendapunt": {"titel": "Werkproces"}})
    assert next(f for f in shown if f.name == "agendapunt").rows[0][0].value == "Werkproces"
