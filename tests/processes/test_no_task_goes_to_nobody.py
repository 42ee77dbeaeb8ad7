"""Every user task of every catalogue process lands in the inbox of someone who may do it.

The demo organisation of ``govflow seed`` works through each process of bpmn/ started by
hand (each body's meeting, each kind of budget document, ...), accepting what the forms
propose and choosing the first option, or in some runs the last one or a steered answer, with
the clock moved to each timer. Each new task must be in the inbox of a demo user who holds its
role for its body (or of the person it names); at the end every user task of the catalogue was
met (issue 9).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from jsonschema import Draft202012Validator
from lxml import etree
from sqlalchemy import select

from engine import deploy, instances, tasks, timers
from engine.clock import LOCAL_ZONE, today
from engine.db import Database
from engine.forms import form_schema, form_values
from engine.models import HumanTask, ProcessInstance, RoleAssignment, User
from engine.roles import role_catalogue
from workflows.seed import DEMO_USERS, seed

from ..conftest import BPMN

MOMENT = datetime(2027, 1, 11, 9, 0, tzinfo=LOCAL_ZONE)  # a Monday in January
MAX_STEPS = 120
# Fields whose answer must name a particular person of the demo organisation.
PEOPLE = {"burgemeester": "portefeuillehouder.zvh", "wethouder": "portefeuillehouder.zorg",
          "gespreksleider": "gespreksleider"}


@dataclass(frozen=True)
class Run:
    """One start by hand; ``steer``: answers given the first time a field is asked (to take a
    path the plain answers do not); ``silent``: tasks nobody does, so their timers run out."""

    process: str
    scope: str | None
    data: dict[str, Any]
    steer: dict[str, Any] = field(default_factory=dict)
    silent: frozenset[str] = frozenset()
    last: bool = False  # choose the last option of each choice, not the first


def runs(year: int) -> list[Run]:
    bodies = json.loads((BPMN / "forms" / "meeting-start-schema.json").read_text())[
        "properties"]["orgaan"]["enum"]
    item = {"titel": "Werkproces", "voorstel": "Vaststellen.", "bron": "lid"}

    def late() -> str:  # five days before a meeting planned today (see Answers.value)
        return (today() + timedelta(days=25)).isoformat()

    return [
        Run("budget_cycle", None, {"document": "begroting", "jaar": year + 1}),
        Run("budget_cycle", None, {"document": "begroting", "jaar": year + 1}, last=True),
        Run("budget_cycle", None, {"document": "jaarverslag", "jaar": year - 1}),
        Run("budget_cycle", None, {"jaar": year + 1}),  # the manager chooses the document
        Run("case_reflection", None, {"jaar": year, "kwartaal": 1}),
        Run("case_reflection", None, {"jaar": year, "kwartaal": 2}, last=True),
        Run("member_admission", None, {"organisatie": "Stichting Demo", "soort": "zorg"}),
        Run("member_admission", None, {"organisatie": "Stichting Drie", "soort": "zorg"},
            last=True),
        Run("member_admission", None, {"organisatie": "Stichting Twee", "soort": "zorg"},
            steer={"advies": "afwijzen", "besluit": "afwijzen"}),
        Run("portfolio_appointment", None, {"verkiezingsjaar": 2026}),
        Run("meeting_frequency", "stuurgroep", {"orgaan": "stuurgroep", "jaar": year}),
        Run("meeting_frequency", "regiekamer", {"orgaan": "regiekamer", "jaar": year},
            last=True),
        Run("decision", "regiekamer", {"orgaan": "regiekamer", "agendapunt": item,
                                       "aanwezigen": ["lid.regiekamer", "voorzitter.regiekamer"],
                                       "afwezigen": ["lid2.regiekamer"]}),
        # DEC-3: the absent member is strongly affected and gives no written input.
        Run("decision", "regiekamer", {"orgaan": "regiekamer",
                                       "agendapunt": {**item, "sterk_betrokken_lid":
                                                      "lid2.regiekamer"},
                                       "aanwezigen": ["lid.regiekamer", "voorzitter.regiekamer"],
                                       "afwezigen": ["lid2.regiekamer"]},
            silent=frozenset({"inbreng_leveren"})),
        Run("decision", "regiekamer", {"orgaan": "regiekamer", "agendapunt": item,
                                       "aanwezigen": ["lid.regiekamer", "voorzitter.regiekamer"],
                                       "afwezigen": []}, last=True),
        Run("meeting", "regiekamer", {"orgaan": "regiekamer"},
            steer={"agenda_verzonden_op": late}),  # the papers go out too late
        Run("meeting", "stamtafel", {"orgaan": "stamtafel"}, last=True),
        *[Run("meeting", body, {"orgaan": body}) for body in bodies],
    ]


@dataclass
class Answers:
    """Answers to a form from its JSON Schema: ``last`` picks the last option of each choice
    (and no to yes/no questions) instead of the first; proposed values are taken as they are.
    A step done again (a loop) is answered the other way, so that the loop ends."""

    strategy: bool
    met: set[str] = field(default_factory=set)
    done: dict[tuple[int, str], int] = field(default_factory=dict)
    last: bool = False
    steer: dict[str, Any] = field(default_factory=dict)

    def for_task(self, db: Database, task: HumanTask) -> dict[str, Any]:
        key = (task.instance_id, task.element_id)
        self.done[key] = self.done.get(key, 0) + 1
        self.last = self.strategy != (self.done[key] % 2 == 0)
        self.met.add(task.element_id)
        with db.reading() as session:  # the form comes with the task's version
            task = session.get(HumanTask, task.id)
            # What the form proposes is accepted the first time; a step done again is
            # answered afresh (it proposes the answers that led into the loop).
            proposed = form_values(task) if self.done[key] == 1 else {}
            schema = form_schema(task) or {}
            steered = {name: value() if callable(value) else value
                       for name, value in self.steer.items()
                       if name in schema.get("properties", {}) and self.done[key] == 1}
            return self.form(schema, proposed) | steered

    def form(self, schema: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
        answers = {}
        for name, prop in schema.get("properties", {}).items():
            if proposed.get(name) not in (None, "", []) and not self.last:
                answers[name] = proposed[name]
            elif name in PEOPLE:  # before the first choice, and again on a repeat
                answers[name] = PEOPLE[name]
            elif name in schema.get("required", []):
                answers[name] = self.value(prop)
        condition = schema.get("if")
        if condition is not None and Draft202012Validator(condition).is_valid(answers):
            for name in schema.get("then", {}).get("required", []):
                answers.setdefault(name, self.value(schema["properties"][name]))
        return answers

    def value(self, prop: dict[str, Any]) -> Any:
        options = self._options(prop)
        if "const" in prop:
            return prop["const"]
        if options:
            return options[-1] if self.last else options[0]
        kind = prop.get("type")
        if kind == "object":
            return self.form(prop, {})
        if kind == "array":
            return self._list(prop)
        if kind == "boolean":
            return not self.last
        if kind in ("integer", "number"):
            return max(prop.get("minimum", 1), min(prop.get("maximum", 1), 1))
        if prop.get("format") == "date":
            later = "formatMinimum" in prop
            return (today() + timedelta(days=30 if later else 0)).isoformat()
        text = "demo" if prop.get("pattern") else "Demo-antwoord"
        return text.ljust(prop.get("minLength", 0), "x")[:prop.get("maxLength", 2000)]

    def _list(self, prop: dict[str, Any]) -> list[Any]:
        items = prop.get("items", {})
        options = self._options(items)
        if options:
            return options if not self.last else options[-1:]
        if items.get("type") == "object":
            return self._rows(items, prop.get("minItems", 1), prop.get("maxItems", 10))
        return [self.value(items) for _ in range(max(prop.get("minItems", 0), 1))]

    def _rows(self, items: dict[str, Any], least: int, most: int) -> list[Any]:
        """One row; where several are needed, one per option of the rows' first choice (a
        delegation from every sub-region)."""
        choice = next((name for name, p in items.get("properties", {}).items()
                       if self._options(p)), None)
        options = self._options(items["properties"][choice]) if choice else []
        count = max(least, len(options)) if least > 1 else 1
        rows = []
        for i in range(min(count, most)):
            row = self.form(items, {})
            if choice:
                row[choice] = options[i % len(options)]
            rows.append(row)
        return rows

    @staticmethod
    def _options(prop: dict[str, Any]) -> list[Any]:
        if "enum" in prop:
            return list(prop["enum"])
        return [a["const"] for a in prop.get("anyOf", []) if isinstance(a, dict) and "const" in a]


def who_sees(db: Database, task: HumanTask) -> list[str]:
    """The demo users in whose inbox the task is (the inbox asked only of those who hold the
    task's role on the day, or whom it names)."""
    day = today()
    with db.reading() as session:
        catalogue = role_catalogue(session)
        held: dict[str, list[RoleAssignment]] = {}
        for username, assignment in session.execute(
                select(User.username, RoleAssignment).join(RoleAssignment.user)):
            if assignment.is_valid_on(day):
                held.setdefault(username, []).append(assignment)
    likely = [d.username for d in DEMO_USERS if task.assignee in (None, d.username)
              and catalogue.covers(held.get(d.username, []), task.role, task.instance.scope)]
    return [u for u in likely if task.id in {t.id for t in tasks.inbox(db, u)}]


def open_tasks(db: Database) -> list[HumanTask]:
    with db.reading() as session:
        return list(session.scalars(select(HumanTask).where(HumanTask.state == "open")
                                    .order_by(HumanTask.id)))


def next_timer(db: Database, instance_id: int) -> datetime | None:
    with db.reading() as session:
        return session.get(ProcessInstance, instance_id).next_timer_at


def work_through(db: Database, clock: Any, answers: Answers, run: Run, instance_id: int,
                 seen: set[int]) -> None:
    """Do the tasks of ``instance_id`` until it ends; every task that turns up in any
    instance meanwhile (timer starts too) must be in someone's inbox."""
    for _step in range(MAX_STEPS):
        if instances.get_instance(db, instance_id).status in ("completed", "failed"):
            return
        waiting = open_tasks(db)
        for task in waiting:
            if task.id not in seen:
                seen.add(task.id)
                assert who_sees(db, task), (
                    f'nobody sees "{task.name}" ({task.element_id}) of {task.instance.title}: '
                    f"role {task.role}, body {task.instance.scope}, for {task.assignee}")
        mine = [t for t in waiting
                if t.instance_id == instance_id and t.element_id not in run.silent]
        if mine:
            task = mine[0]
            data = answers.for_task(db, task)
            tasks.complete_task(db, task.id, who_sees(db, task)[0], data)
            continue
        due = next_timer(db, instance_id)
        assert due is not None, "nothing to do and no timer to wait for"
        clock.move_to(due + timedelta(minutes=1))
        timers.fire_due_timers(db)
    pytest.fail(f"instance {instance_id} did not end in {MAX_STEPS} steps")


def user_tasks_of_the_catalogue() -> set[str]:
    found = set()
    for diagram in BPMN.glob("*.bpmn"):
        tree = etree.parse(str(diagram))
        found |= set(tree.xpath("//bpmn:userTask/@id", namespaces={
            "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}))
    return found


@pytest.mark.usefixtures("without_state_checks")
def test_every_user_task_of_the_catalogue_reaches_someone_who_may_do_it(
        sqlite_db: Database) -> None:
    """SQLite only: the catalogue and the demo data are tested here, not the database."""
    db = sqlite_db
    met: set[str] = set()
    with time_machine.travel(MOMENT, tick=False) as clock:
        seed(db, "demo-wachtwoord")
        deploy.deploy(db, [BPMN], "tester")
        year = today().year
        seen: set[int] = set()
        for run in runs(year):
            answers = Answers(run.last, steer=run.steer)
            instance = instances.start_instance(db, run.process, data=run.data,
                                                scope=run.scope, actor="netwerksecretaris")
            assert instance.status != "failed", (run, instance.error)
            work_through(db, clock, answers, run, instance.id, seen)
            ended = instances.get_instance(db, instance.id)
            assert ended.status == "completed", (run, ended.error)
            met |= answers.met
    assert user_tasks_of_the_catalogue() - met == set()
