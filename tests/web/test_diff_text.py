"""The changes in words, Dutch by default and English on request: one sentence each, names
quoted, expressions as written, long values apart from the sentence."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale

from engine.changes import ADDED, CHANGED, REMOVED, Change, Subject
from web.processes.diff_text import line

TASK = Subject("versturen", "userTask", "Agenda en stukken versturen")
LANE = Subject("Lane_secretaris", "lane", "Netwerksecretaris")
TIMER = Subject("herinnering", "boundaryEvent", "Elke week", event="timer",
                host="Stukken versturen")
START = Subject("start_jaar", "startEvent", "Begrotingsjaar", event="timer")
FORM = Subject("budget-begroting-schema.json", "form", "Begroting", used_by=("opstellen",))


@pytest.mark.parametrize(("change", "dutch", "english"), [
    (Change(CHANGED, LANE, "name", "", "Secretaris", "Netwerksecretaris"),
     "Baan 'Secretaris' → rol 'Netwerksecretaris'",
     "Lane 'Secretaris' → role 'Netwerksecretaris'"),
    (Change(CHANGED, TIMER, "timer", "", "P7D", "P14D"),
     "Timer 'Elke week' op 'Stukken versturen': P7D → P14D",
     "Timer 'Elke week' on 'Stukken versturen': P7D → P14D"),
    (Change(CHANGED, START, "timerKind", "", "timeDate", "timeCycle"),
     "Timerstart 'Begrotingsjaar': soort timer datum → cyclus",
     "Timer start event 'Begrotingsjaar': kind of timer date → cycle"),
    (Change(CHANGED, TASK, "lane", "", "Voorzitter", "Secretaris"),
     "Gebruikerstaak 'Agenda en stukken versturen': baan 'Voorzitter' → 'Secretaris'",
     "User task 'Agenda en stukken versturen': lane 'Voorzitter' → 'Secretaris'"),
    (Change(CHANGED, TASK, "property", "dueDate", None, "vergaderdatum"),
     "Gebruikerstaak 'Agenda en stukken versturen': termijn toegevoegd: 'vergaderdatum'",
     "User task 'Agenda en stukken versturen': due date added: 'vergaderdatum'"),
    (Change(CHANGED, TASK, "property", "kleur", "rood", None),
     "Gebruikerstaak 'Agenda en stukken versturen': eigenschap 'kleur' verwijderd "
     "(was 'rood')",
     "User task 'Agenda en stukken versturen': property 'kleur' removed (was 'rood')"),
    (Change(CHANGED, FORM, "field", "toelichting", None, "optional"),
     "Formulier 'Begroting': veld 'toelichting' toegevoegd",
     "Form 'Begroting': field 'toelichting' added"),
    (Change(CHANGED, FORM, "field", "kosten", None, "required"),
     "Formulier 'Begroting': veld 'kosten' toegevoegd (verplicht)",
     "Form 'Begroting': field 'kosten' added (required)"),
    (Change(CHANGED, FORM, "field:required", "toelichting", "false", "true"),
     "Formulier 'Begroting': veld 'toelichting' is nu verplicht",
     "Form 'Begroting': field 'toelichting' is now required"),
    (Change(CHANGED, FORM, "field:enum", "keuze", "ja, nee", "ja, nee, misschien"),
     "Formulier 'Begroting': veld 'keuze': keuzes ja, nee → ja, nee, misschien",
     "Form 'Begroting': field 'keuze': choices ja, nee → ja, nee, misschien"),
    (Change(REMOVED, Subject("f9", "sequenceFlow", "", source="Start", target="Einde")),
     "Pad van 'Start' naar 'Einde' verwijderd", "Sequence flow from 'Start' to 'Einde' removed"),
    (Change(ADDED, Subject("controle", "exclusiveGateway", "")),
     "Exclusieve splitsing 'controle' toegevoegd", "Exclusive gateway 'controle' added"),
])
def test_one_sentence_per_change(sqlite_app: Flask, change: Change, dutch: str,
                                 english: str) -> None:
    with sqlite_app.test_request_context():
        assert line(change).text == dutch
        with force_locale("en"):
            assert line(change).text == english


def test_a_long_script_is_shown_apart_and_a_form_marks_the_task_that_shows_it(
        sqlite_app: Flask) -> None:
    script = Subject("rapportage", "scriptTask", "Rapportage voorbereiden")
    change = Change(CHANGED, script, "script", "", "a = 1", "a = 1\nb = 2")
    with sqlite_app.test_request_context():
        shown = line(change)
        assert shown.text == "Scripttaak 'Rapportage voorbereiden': script gewijzigd"
        assert (shown.old, shown.new, shown.element) == ("a = 1", "a = 1\nb = 2", "rapportage")
        assert line(Change(CHANGED, FORM, "title", "", "A", "B")).element == "opstellen"
