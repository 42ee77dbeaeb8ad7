"""Two versions of the meeting process for the diff's tests: version 2 waits 14 days for the
members' agenda points instead of 7; its gateway "Verslag akkoord?" takes "ja" by default and
"nee" on a condition (version 1 the other way round); its planning form asks for an
explanation; and it draws the decision-making a little further to the right."""

from __future__ import annotations

import json

from engine import deploy
from engine.db import Database
from engine.diagrams import Source, read_sources

from ..conftest import BPMN

KEY = "meeting"
PLAN_FORM = "meeting-plannen-schema.json"
EDITS = (('"P7D"', '"P14D"'),
         ('default="f22"', 'default="f21"'),
         ("<bpmn:conditionExpression>verslag_akkoord == True</bpmn:conditionExpression>", ""),
         ('<bpmn:sequenceFlow id="f22" name="nee" sourceRef="akkoord_gw" '
          'targetRef="verslag_opstellen"/>',
          '<bpmn:sequenceFlow id="f22" name="nee" sourceRef="akkoord_gw" '
          'targetRef="verslag_opstellen"><bpmn:conditionExpression>verslag_akkoord != True'
          '</bpmn:conditionExpression></bpmn:sequenceFlow>'),
         ('<dc:Bounds x="2310" y="590" width="100" height="80"/>',
          '<dc:Bounds x="2340" y="590" width="100" height="80"/>'))


def deploy_two_meetings(db: Database) -> None:
    deploy.deploy(db, [BPMN / "decision.bpmn", BPMN / "meeting.bpmn", BPMN / "forms"], "tester",
                  note="Eerste versie")
    xml = (BPMN / "meeting.bpmn").read_text()
    for old, new in EDITS:
        assert xml.count(old) == 1
        xml = xml.replace(old, new)
    forms, problems = read_sources([BPMN / "forms"])
    assert not problems
    deploy.deploy_sources(db, [Source("meeting.bpmn", xml), *map(_with_explanation, forms)],
                          "tester", note="Langere termijn, ander standaardpad")


def _with_explanation(form: Source) -> Source:
    if form.resource_name != PLAN_FORM:
        return form
    schema = json.loads(form.text)
    schema["properties"]["toelichting"] = {"type": "string", "title": "Toelichting"}
    return Source(form.name, json.dumps(schema, ensure_ascii=False))
