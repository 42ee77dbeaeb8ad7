"""The engine's deploy problems read in Dutch by the process owner: each problem is harvested
from a real broken diagram, and none falls back to the engine's English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from engine.diagrams import Catalogue, Source, read_sources
from web.processes.problem_text import in_words

from ..engine.hostile_diagrams import (
    diagram,
    flow,
    multi_instance,
    script_task,
    service_task,
    timer,
)

FALLBACK = "De procesengine meldt"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@pytest.fixture
def app(sqlite_app: Flask) -> Flask:
    """SQLite only: translating needs a request, not a database."""
    return sqlite_app


def _problems(*sources: Source, roles: frozenset[str] = frozenset({"Manager ZVH"})) -> list[str]:
    catalogue = Catalogue(list(sources), known_roles=set(roles))
    catalogue.check()
    return [problem.message for problem in catalogue.problems.found]


def _changed(old: str, new: str, key: str = "p") -> Source:
    text = diagram(key, script_task("x = 1")).text
    assert old in text
    return Source(f"{key}.bpmn", text.replace(old, new))


def _with_properties(**properties: str) -> Source:
    listed = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>'
                     for k, v in properties.items())
    return _changed('<bpmn:userTask id="wait" name="Wachten">',
                    '<bpmn:userTask id="wait" name="Wachten"><bpmn:extensionElements>'
                    f"<spiffworkflow:properties>{listed}</spiffworkflow:properties>"
                    "</bpmn:extensionElements>")


def _pre_script(code: str) -> Source:
    return _changed('<bpmn:userTask id="wait" name="Wachten">',
                    '<bpmn:userTask id="wait" name="Wachten"><bpmn:extensionElements>'
                    f"<spiffworkflow:preScript>{code}</spiffworkflow:preScript>"
                    "</bpmn:extensionElements>")


def _start_timer(kind: str, value: str) -> Source:
    return _changed("<bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>",
                    "<bpmn:outgoing>f1</bpmn:outgoing><bpmn:timerEventDefinition>"
                    f"<bpmn:{kind}>{value}</bpmn:{kind}></bpmn:timerEventDefinition>"
                    "</bpmn:startEvent>")


def _duration(value: str) -> Source:
    return diagram("p", timer(value).replace("timeDate", "timeDuration"))


def _element(xml: str) -> Source:
    return diagram("p", xml)


def _task(tag: str, inner: str = "", attributes: str = "") -> str:
    return (f'<bpmn:{tag} id="x" name="Stap"{attributes}><bpmn:incoming>f1</bpmn:incoming>'
            f"<bpmn:outgoing>f2</bpmn:outgoing>{inner}</bpmn:{tag}>")


def _gateway(condition: str | None, default: bool) -> Source:
    gateway = ('<bpmn:exclusiveGateway id="x" name="Keuze"' + (' default="f2"' if default else "")
               + "><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>"
               "<bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>")
    return diagram("p", gateway + flow("f4", "x", "end", condition))


def _sub_process(inner: str) -> Source:
    return diagram("p", _task("subProcess", inner))


def _caller_of_a_process_that_is_not_executable() -> list[Source]:
    callee = diagram("q", script_task("x = 1")).text.replace('isExecutable="true"',
                                                               'isExecutable="false"')
    return [diagram("p", _task("callActivity", attributes=' calledElement="q"')),
            Source("q.bpmn", callee)]


def _same_process_twice() -> list[Source]:
    twin = diagram("p", script_task("x = 1")).text.replace('id="d_p"', 'id="d_twin"')
    return [diagram("p", script_task("x = 1")), Source("twin.bpmn", twin)]


def _form(text: str) -> list[Source]:
    return [Source("forms/f-schema.json", text)]


# (what is broken, the sources, a Dutch fragment of its problem, a value that must stay as is)
CASES: list[tuple[str, Callable[[], list[Source]], str, str]] = [
    ("due date", lambda: [_with_properties(dueDate="P14D")], "Fout in de termijn", '"P14D"'),
    ("due date expression", lambda: [_with_properties(dueDate="open(1)")],
     "De waarde \"open(1)\" bij de termijn", "open()"),
    ("due date empty", lambda: [_with_properties(dueDate="${ }")],
     "Er is niets ingevuld bij de termijn", "2027-03-01T10:00"),
    ("duration", lambda: [_duration("P1M2")], "geen tijdsduur volgens ISO 8601", '"P1M2"'),
    ("half days", lambda: [_duration("P1.5D")], "dagen moeten hele getallen", '"P1.5D"'),
    ("half months", lambda: [_duration("P1.5M")], "jaren en maanden", '"P1.5M"'),
    ("zero duration", lambda: [_duration("P0D")], "langer dan nul", '"P0D"'),
    ("date", lambda: [_element(timer("2027-13-01T10:00"))], "geen datum of tijdstip",
     '"2027-13-01T10:00"'),
    ("timer empty", lambda: [_element(timer(""))], "niets ingevuld bij de timer (tijdstip)",
     "2027-03-01T10:00"),
    ("timer expression", lambda: [_element(timer("open('x')"))], "geen toegestane expressie",
     "open() is niet beschikbaar"),
    ("date as code", lambda: [_element(timer("2027-01-15/P1D"))], "niet met een 0 beginnen",
     "2027-01-15/P1D"),
    ("zero repeats", lambda: [_start_timer("timeCycle", "R0/P1D")], "herhaalt nul keer",
     '"R0/P1D"'),
    ("cycle to a date", lambda: [_start_timer("timeCycle", "R3/P1D/2027-01-01")],
     "op een datum eindigt", '"R3/P1D/2027-01-01"'),
    ("cycle of four parts", lambda: [_start_timer("timeCycle", "R4/2027-01-15/P1D/x")],
     "geen herhaling", '"R4/2027-01-15/P1D/x"'),
    ("cycle without duration", lambda: [_start_timer("timeCycle", "R4/2027-01-15T09:00")],
     "geen tijdsduur", '"2027-01-15T09:00"'),
    ("start repetitions", lambda: [_start_timer("timeCycle", "'Rx/P1D'")],
     "Bij het publiceren kan de timer (herhaling)", '"x" is geen getal'),
    ("start number", lambda: [_start_timer("timeDate", "5")], "5 is geen datum of tijdstip", "5"),
    ("start duration number", lambda: [_start_timer("timeDuration", "5")], "5 is geen tijdsduur",
     "5"),
    ("start cycle number", lambda: [_start_timer("timeCycle", "5")], "5 is geen herhaling",
     "R4/2027-01-15T09:00/P3M"),
    ("start division", lambda: [_start_timer("timeDuration", "1/0")], "delen door nul",
     "ZeroDivisionError"),
    ("start unknown name", lambda: [_start_timer("timeCycle", "foo")], "is onbekend", "'foo'"),
    ("syntax", lambda: [_element(script_task("x = ("))], "wordt nergens gesloten", "'x = ('"),
    ("colon", lambda: [_element(script_task("if x\n  y = 1"))], "hier ontbreekt ':'", "'if x'"),
    ("indent", lambda: [_element(script_task("x = 1\n  y = 2"))], "onverwacht in", "'y = 2'"),
    ("string", lambda: [_element(script_task("x = 'abc"))], "niet afgesloten", "x = 'abc"),
    ("dictionary", lambda: [_element(script_task("x = {1: }"))], "ontbreekt een waarde",
     "x = {1: }"),
    ("comma", lambda: [_element(script_task("x = f(a b)"))], "ontbreekt er een komma",
     "x = f(a b)"),
    ("parentheses", lambda: [_element(script_task("x = " + "(" * 300 + "1" + ")" * 300))],
     "te veel haakjes", "x = ((("),
    ("yield", lambda: [_element(script_task("yield 1"))], "mag alleen in een functie",
     "'yield'"),
    ("attribute", lambda: [_element(script_task("x = ().__class__"))], "Het attribuut",
     '"__class__"'),
    ("underscore", lambda: [_element(script_task("_x = 1"))], "De naam", '"_x"'),
    ("several", lambda: [_element(script_task("_x = 1\n_y = 2"))], "; Regel 2", '"_y"'),
    ("exec", lambda: [_element(script_task("exec('1')"))], "exec() aanroepen", "exec()"),
    ("eval", lambda: [_element(script_task("x = eval('1')"))], "eval() aanroepen", "eval()"),
    ("statement", lambda: [_element(script_task("async def f(): pass"))], "Opdrachten van het",
     "AsyncFunctionDef"),
    ("import", lambda: [_element(script_task("import os"))], "Importeren (import)", "import"),
    ("class", lambda: [_element(script_task("class A:\n    pass"))], "klassen", "class A"),
    ("builtin", lambda: [_element(script_task("x = open('a')"))],
     "Niet toegestaan in het script", "open()"),
    ("operator in a script", lambda: [_element(script_task("x = escalate('a')"))],
     "alleen een servicetaak", "escalate()"),
    ("condition", lambda: [_gateway("a ==", default=True)], "Niet toegestaan in de voorwaarde",
     "'a =='"),
    ("gateway without default", lambda: [_gateway(None, default=False)], "standaardroute", ""),
    ("cardinality", lambda: [_element(multi_instance(cardinality="open('x')"))],
     "het aantal keren (meervoudige taak)", "open()"),
    ("completion", lambda: [_element(_task("scriptTask", "<bpmn:multiInstanceLoopCharacteristics>"
                                             "<bpmn:loopCardinality>3</bpmn:loopCardinality>"
                                             "<bpmn:completionCondition>open(1)"
                                             "</bpmn:completionCondition>"
                                             "</bpmn:multiInstanceLoopCharacteristics>"
                                             "<bpmn:script>y = 1</bpmn:script>"))],
     "de afrondvoorwaarde", "open()"),
    ("pre-script", lambda: [_pre_script("import os")], "het voorscript", "import"),
    ("assignee", lambda: [_with_properties(assignee="open(1)")],
     "de expressie voor de behandelaar", "open()"),
    ("parameter", lambda: [_element(service_task("send_reminder", to="open('x')"))],
     "parameter to van de bewerking send_reminder", "open()"),
    ("unknown operator", lambda: [_element(service_task("grant_everything"))],
     "onbekende bewerking", "'grant_everything'"),
    ("operator of another process", lambda: [diagram("budget_cycle", service_task("escalate"))],
     "mag de bewerking escalate niet gebruiken", "decision"),
    ("no operator", lambda: [_element(_task("serviceTask"))], "moet een bewerking noemen", ""),
    ("no lane", lambda: [_changed("<bpmn:flowNodeRef>wait</bpmn:flowNodeRef>", "")],
     "baan (lane)", ""),
    ("unknown role", lambda: [diagram("p", script_task("x = 1"), role="Nobody")],
     "geen bekende rol", '"Nobody"'),
    ("missing form", lambda: [_with_properties(formJsonSchemaFilename="nope-schema.json")],
     "Het formulier", '"nope-schema.json"'),
    ("not executable", lambda: [_changed('isExecutable="true"', 'isExecutable="false"')],
     "geen uitvoerbaar proces", 'isExecutable="true"'),
    ("unsupported", lambda: [_changed("<bpmn:endEvent", '<bpmn:complexGateway id="cg"/>'
                                      "<bpmn:endEvent")],
     "niet ondersteund", "bpmn:complexGateway"),
    ("unknown callee", lambda: [_element(_task("callActivity",
                                               attributes=' calledElement="nope"'))],
     "publiceer het aangeroepen proces", "'nope'"),
    ("callee not executable", _caller_of_a_process_that_is_not_executable, "niet uitvoerbaar",
     "q"),
    ("no called element", lambda: [_element(_task("callActivity"))], "calledElement ontbreekt",
     ""),
    ("same process twice", _same_process_twice, "komt twee keer voor", "p"),
    ("duplicate id", lambda: [_changed('<bpmn:endEvent id="end">', '<bpmn:endEvent id="wait">')],
     "geen geldige id", "'wait'"),
    ("id with a digit first", lambda: [_changed('<bpmn:endEvent id="end">',
                                                '<bpmn:endEvent id="1end">')],
     "bpmn:endEvent", "'1end'"),
    ("missing attribute", lambda: [_changed('sourceRef="wait" targetRef="end"',
                                            'sourceRef="wait"')],
     "verplichte attribuut targetRef", "bpmn:sequenceFlow"),
    ("unexpected element", lambda: [_changed('<bpmn:endEvent id="end">', '<bpmn:endEvent '
                                             'id="end"><bpmn:script>1</bpmn:script>')],
     "hoort hier niet", "bpmn:script"),
    ("missing child", lambda: [_element(_task("intermediateCatchEvent",
                                              "<bpmn:conditionalEventDefinition/>"))],
     "ontbreekt iets", "bpmn:condition"),
    ("flow to nowhere", lambda: [_changed('targetRef="end"', 'targetRef="nowhere"')],
     "De pijl naar nowhere", "nowhere"),
    ("no start", lambda: [_changed('<bpmn:startEvent id="start"><bpmn:outgoing>f1'
                                   "</bpmn:outgoing></bpmn:startEvent>", "")],
     "geen startgebeurtenis", ""),
    ("sub-process without start", lambda: [_sub_process('<bpmn:endEvent id="ie"/>')],
     "precies één startgebeurtenis", "0"),
    ("sub-process without end", lambda: [_sub_process('<bpmn:startEvent id="is"/>')],
     "eindgebeurtenis", ""),
    ("multi-instance of nothing", lambda: [_element(_task(
        "scriptTask", "<bpmn:multiInstanceLoopCharacteristics/><bpmn:script>y = 1</bpmn:script>"))],
     "meervoudige taak", "loopCardinality"),
    ("multi-instance of both", lambda: [_element(_task(
        "scriptTask", "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3"
        "</bpmn:loopCardinality><bpmn:loopDataInputRef>a</bpmn:loopDataInputRef>"
        "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>y = 1</bpmn:script>"))],
     "niet allebei", "loopDataInputRef"),
    ("loop", lambda: [_element(_task("scriptTask", "<bpmn:standardLoopCharacteristics/>"
                                     "<bpmn:script>y = 1</bpmn:script>"))],
     "herhalende taak", "loopMaximum"),
    ("decision", lambda: [_element(_task("businessRuleTask").replace(
        "<bpmn:incoming>", "<bpmn:extensionElements><spiffworkflow:calledDecisionId>nope"
        "</spiffworkflow:calledDecisionId></bpmn:extensionElements><bpmn:incoming>"))],
     "beslistabel", '"nope"'),
    ("malformed", lambda: [Source("p.bpmn", "<oops")], "Regel 1: Het bestand is geen geldige XML",
     "oops"),
    ("doctype", lambda: [Source("p.bpmn", '<?xml version="1.0"?><!DOCTYPE x><a/>')],
     "DOCTYPE", ""),
    ("not bpmn", lambda: [Source("p.bpmn", "<a/>")], "geen BPMN 2.0-bestand", "bpmn:definitions"),
    ("not dmn", lambda: [Source("p.dmn", "<a/>")], "geen DMN-bestand", "dmn:definitions"),
    ("no process", lambda: [Source("p.bpmn", f'<bpmn:definitions xmlns:bpmn="{BPMN_NS}"/>')],
     "verplichte attribuut targetNamespace", "bpmn:definitions"),
    ("large", lambda: [Source("p.bpmn", "x" * (6 * 1024 * 1024))], "groter dan 5 MB", "5 MB"),
    ("form json", lambda: _form("{x"), "geen geldige JSON", "Expecting property name"),
    ("form list", lambda: _form("[]"), "JSON Schema-object", ""),
    ("form schema", lambda: _form('{"type": "object", "required": "a"}'),
     "geen geldig JSON Schema bij required", "'a'"),
    ("form depth", lambda: _form("[" * 70 + "]" * 70), "te diep genest", "64"),
    ("form earliest", lambda: _form('{"type": "object", "properties": {"d": {"type": "string", '
                                    '"formatMinimum": "gisteren"}}}'),
     "vroegste datum", '"gisteren"'),
]


@pytest.mark.parametrize(("sources", "dutch", "kept"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_every_problem_of_a_broken_diagram_reads_in_dutch(
        app: Flask, sources: Callable[[], list[Source]], dutch: str, kept: str) -> None:
    problems = _problems(*sources())
    assert problems
    with app.test_request_context():
        words = [in_words(problem) for problem in problems]
    assert [w for w in words if w.startswith(FALLBACK)] == []
    assert any(dutch in w and kept in w for w in words), (problems, words)


def test_the_problems_of_reading_files_read_in_dutch(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "latin.bpmn").write_bytes("<café/>".encode("latin-1"))
    _sources, problems = read_sources([tmp_path / "missing.bpmn", tmp_path / "notes.txt",
                                       tmp_path / "latin.bpmn"])
    with app.test_request_context():
        words = [in_words(problem.message) for problem in problems.found]
    assert words == ["Dit bestand of deze map bestaat niet",
                     "Onbekend soort bestand: verwacht wordt .bpmn, .dmn of .json (een formulier)",
                     "Het bestand is geen UTF-8-tekst"]


def test_no_roles_yet_says_how_to_make_them(app: Flask) -> None:
    [problem] = _problems(diagram("p", script_task("x = 1"), role="Nobody"), roles=frozenset())
    with app.test_request_context():
        assert in_words(problem) == ('De baan (lane) "Nobody" is geen bekende rol; er zijn nog '
                                     "geen rollen (de beheerder maakt ze aan met govflow seed)")


def test_english_stays_the_engines_english(app: Flask) -> None:
    problems = [*_problems(_with_properties(dueDate="P14D")),
                *_problems(_element(script_task("x = open('a')"))),
                *_problems(_element(service_task("send_reminder", to="_x"))),
                *_problems(_start_timer("timeCycle", "'Rx/P1D'"))]
    assert len(problems) == 4
    with app.test_request_context(), force_locale("en"):
        assert [in_words(problem) for problem in problems] == problems


def test_unknown_text_keeps_the_engines_words_in_a_sentence_of_the_language(app: Flask) -> None:
    with app.test_request_context():
        assert in_words("the flux capacitor is cold") == (
            "De procesengine meldt: the flux capacitor is cold")
        # A known frame around unknown words says only what it knows.
        assert in_words("line 3: the flux capacitor is cold") == (
            "De procesengine meldt: line 3: the flux capacitor is cold")
        assert in_words("script is not allowed: the flux capacitor is cold") == (
            "Niet toegestaan in het script: the flux capacitor is cold")
        with force_locale("en"):
            assert in_words("the flux capacitor is cold") == (
                "The engine reports: the flux capacitor is cold")


def test_a_failed_step_of_a_running_instance_reads_in_dutch(app: Flask) -> None:
    """The error a manager reads on a failed instance, as engine.runtime and engine.sandbox
    put it together (the demo year's failed admission has it: ADM-3, the Reclassering is
    already a partner); a reason no rule knows stays the engine's inside Dutch words."""
    message = ("the process stopped with an error at \"Registreren als partner\": the service "
               "'register_partner' failed: ValueError: 'Reclassering' is already a partner of "
               "the covenant")
    with app.test_request_context():
        assert in_words(message) == ("het proces stopte bij “Registreren als partner”: de dienst "
                                     "register_partner is mislukt: Reclassering is al partner "
                                     "van het convenant")
        assert in_words("the process stopped with an error: the flux capacitor is cold") == (
            "het proces stopte: the flux capacitor is cold")
