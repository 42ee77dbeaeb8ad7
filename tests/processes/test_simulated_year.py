"""A simulated year 2027 of the whole catalogue, driven by the scheduler and the people.

The clock moves day by day at 09:00; each day the scheduler fires what is due
(``fire_due_timers``) and everyone does the tasks in their inbox that are due that day, through
the engine commands. Nobody starts anything by hand: every instance comes from a timer start
(BUD-6, REF-1, MTG-1..MTG-4). One secretary waits until the papers deadline (a reminder,
MTG-5); two Regiekamer members do not vote (an escalation to the Stuurgroep, DEC-4).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from sqlalchemy import select

from engine import deploy, instances, tasks, timers
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.models import HumanTask, Notification, ProcessInstance
from workflows.compliance import frequency_report

from ..conftest import BPMN, make_user
from .meeting_support import MEMBERS, make_members
from .test_budget_cycle import ADOPT, AGREE_ALDERMAN, AGREE_MAYOR, BUDGET, REPORT
from .test_case_reflection import CASE, METHOD, PROPOSAL

YEAR = 2027
REGIEGROEP = "regiegroep_gedwongen_zorg"
# Who does the tasks of the other lanes (a name such as "Lid DVO" is Lid held for the DVO).
NETWORK = {"Manager ZVH": "mia", "Voorzitter DVO": "dora", "Lid DVO": "dave",
           "Netwerksecretaris": "nora", "Lid Stamtafel": "lars", "Gespreksleider": "gert",
           "Voorzitter Stamtafel": "tess"}
HOLDERS = {"Concept beoordelen (namens DVO)": "bas",
           "Concept beoordelen (namens VvG Veilig Thuis)": "wendy"}
PREPARATION = timedelta(weeks=6)  # from the timer start to the meeting date
ITEM = {"titel": "Jaarplan", "voorstel": "Het jaarplan vaststellen.", "bron": "secretaris",
        "ingebracht_door": "secretaris"}
OVERDUE_ITEM = {"titel": "Uitbreiding casusregie", "voorstel": "Twee extra casusregisseurs.",
                "bron": "lid", "ingebracht_door": "anna"}


def people(db: Database) -> None:
    make_members(db, *MEMBERS)
    for role, username in NETWORK.items():
        make_user(db, username, role)
    for username in HOLDERS.values():
        make_user(db, username, "Portefeuillehouder ZVH")


def holder(role: str, scope: str | None) -> str:
    if scope in MEMBERS:
        return next(u for u, roles in MEMBERS[scope] if role in roles)
    return NETWORK[role]


def members_of(body: str) -> list[str]:
    return [u for u, roles in MEMBERS[body] if "Lid" in roles]


class Office:
    """Everyone at work: who does an open task, on which day, with which data."""

    def __init__(self) -> None:
        self.meetings: dict[int, dict[str, Any]] = {}  # instance id -> plan of the meeting

    def work(self, db: Database, task: HumanTask, instance: ProcessInstance, today: date,
             ) -> tuple[str, dict[str, Any]] | None:
        if instance.process_key == "meeting":
            return self._meeting(db, task, instance, today)
        if instance.process_key == "budget_cycle":
            return self._budget(task)
        return self._reflection(db, task, instance)

    def _plan(self, instance: ProcessInstance, today: date) -> dict[str, Any]:
        body = instance.scope
        quarter = sum(1 for m in self.meetings.values() if m["body"] == body) + 1
        plan = {"body": body, "date": today + PREPARATION,
                "late_papers": body == "stamtafel" and quarter == 1,      # MTG-5 reminder
                "overdue_vote": body == "regiekamer" and quarter == 2}    # DEC-4 escalation
        self.meetings[instance.id] = plan
        return plan

    def _meeting(self, db: Database, task: HumanTask, instance: ProcessInstance,
                 today: date) -> tuple[str, dict[str, Any]] | None:
        plan = self.meetings.get(instance.id) or self._plan(instance, today)
        meeting_day, body = plan["date"], instance.scope
        user = task.assignee or holder(task.role, body)
        deadline = meeting_day - timedelta(days=10)
        send_on = deadline if plan["late_papers"] else meeting_day - timedelta(weeks=4)
        item = OVERDUE_ITEM if plan["overdue_vote"] else ITEM
        on_the_day = {
            "Vergadering plannen": {"vergaderdatum": meeting_day.isoformat(),
                                    "locatie": "Zutphen", "aanleiding": "regulier",
                                    "leden": members_of(body)},
            "Agendapunten aandragen": {"voorgestelde_punten": []},
            "Inbreng andere organen vastleggen": {"punten_andere_organen": []},
            "Agenda opstellen": {"agenda": [item]},
            "Voorleggen aan hoger orgaan": {"voorgelegd_op": today.isoformat(),
                                            "toelichting": "Beslistermijn verstreken."},
        }
        if task.name in on_the_day:
            return user, on_the_day[task.name]
        if task.name == "Agenda en stukken versturen":
            return (user, {"agenda_verzonden_op": today.isoformat(), "stukken": "Voorstellen"}) \
                if today >= send_on else None
        if today < meeting_day:
            return None
        if task.name == "Aanwezigheid registreren":
            return user, {"aanwezigen": members_of(body)}
        if task.name == "Stemmen":
            silent = plan["overdue_vote"] and user not in ("anna", "bert")
            return None if silent else (user, {"stemkeuze": "voor"})
        if task.name == "Advies adresseren":
            return user, {"advies_aan": "vvg_veilig_thuis", "advies": "Overnemen."}
        if today < meeting_day + timedelta(days=2):
            return None
        return user, {
            "Verslag opstellen": {"verslag": "Verslag.", "actiepunten": []},
            "Verslag vaststellen": {"verslag_akkoord": True},
            "Verslag aan de leden sturen": {"verslag_verzonden_op": today.isoformat()},
            "Actiepunten opvolgen": {"stand_actiepunten": "geen actiepunten"},
            "Hoger orgaan schriftelijk informeren": {
                "rapportage_verzonden_op": today.isoformat(), "samenvatting": "Besluiten."},
        }[task.name]

    @staticmethod
    def _budget(task: HumanTask) -> tuple[str, dict[str, Any]]:
        data = {"Begroting opstellen": BUDGET, "Jaarverslag opstellen": REPORT,
                "Concept beoordelen (namens DVO)": AGREE_MAYOR,
                "Concept beoordelen (namens VvG Veilig Thuis)": AGREE_ALDERMAN,
                "Besluit DVO vastleggen": ADOPT}[task.name]
        return HOLDERS.get(task.name) or NETWORK[task.role], data

    @staticmethod
    def _reflection(db: Database, task: HumanTask, instance: ProcessInstance,
                    ) -> tuple[str, dict[str, Any]]:
        if task.name == "Casusreflectie voeren":
            others = instances.instance_data(
                instances.get_instance(db, instance.id))["andere_subregios"]
            data = {"betrokken_organisaties": ["Reclassering", "GGZ-instelling"],
                    "delegatie": [{"subregio": s, "organisatie": "Gemeente uit " + s}
                                  for s in others],
                    "verloop": "Open gesprek."}
        else:
            data = {"Casus inbrengen": CASE, "Gespreksleider en methode kiezen": METHOD,
                    "Bespreekvoorstel opstellen": PROPOSAL,
                    "Conclusie van de Stamtafel vastleggen": {
                        "gezamenlijke_opgave": False, "conclusie": "Geen gezamenlijke opgave."},
                    }[task.name]
        return NETWORK[task.role], data


def open_tasks(db: Database) -> list[tuple[HumanTask, ProcessInstance]]:
    with db.reading() as session:
        rows = session.execute(select(HumanTask, ProcessInstance).join(ProcessInstance)
                               .where(HumanTask.state == "open").order_by(HumanTask.id)).all()
    return [(task, instance) for task, instance in rows]


def work_the_day(db: Database, office: Office, today: date) -> None:
    """Everyone does what is due today; completing one task may bring the next."""
    done: set[int] = set()
    while True:
        todo = [(t, i) for t, i in open_tasks(db) if t.id not in done]
        progress = False
        for task, instance in todo:
            done.add(task.id)
            work = office.work(db, task, instance, today)
            if work is None:
                continue
            user, data = work
            if not task.personal:
                tasks.claim_task(db, task.id, user)
            tasks.complete_task(db, task.id, user, data)
            progress = True
        if not progress:
            return


def notified(db: Database, kind: str) -> list[Notification]:
    with db.reading() as session:
        return list(session.scalars(select(Notification).where(Notification.kind == kind)))


@pytest.mark.usefixtures("without_state_checks")
def test_a_simulated_year_meets_every_frequency(db: Database, cli) -> None:
    """BUD-6, REF-1, MTG-1..MTG-4 (MTG-3: each Stamtafel preceded by the regiegroep), a
    reminder before a papers deadline (MTG-5), reminders of ballots and one escalation (DEC-4);
    at the end the compliance report shows every body at or above its minimum."""
    office = Office()
    first = datetime.combine(date(YEAR, 1, 1), time(9), LOCAL_ZONE)
    with time_machine.travel(first - timedelta(hours=1), tick=False) as clock:
        people(db)  # holding their roles from New Year's Day, whatever the real date
        deploy.deploy(db, [BPMN], "tester")
        for offset in range(365):
            clock.move_to(first + timedelta(days=offset))
            timers.fire_due_timers(db)
            work_the_day(db, office, (first + timedelta(days=offset)).date())

    everything = instances.list_instances(db)
    assert [(i.process_key, i.title, i.status) for i in everything
            if i.status != "completed"] == []
    meetings = [i for i in everything if i.process_key == "meeting"]
    assert Counter(m.scope for m in meetings) == {
        "stamtafel": 4, REGIEGROEP: 4, "regiekamer": 4, "stuurgroep": 2}
    dates = {body: sorted(p["date"] for p in office.meetings.values() if p["body"] == body)
             for body in ("stamtafel", REGIEGROEP)}
    assert all(r < s for r, s in zip(dates[REGIEGROEP], dates["stamtafel"], strict=True))
    budget = [instances.instance_data(instances.get_instance(db, i.id)) for i in everything
              if i.process_key == "budget_cycle"]
    assert sorted((d["document"], d["jaar"]) for d in budget) == [
        ("begroting", YEAR + 1), ("jaarverslag", YEAR - 1)]
    assert sum(i.process_key == "case_reflection" for i in everything) == 4
    # Unclaimed until sent, so the papers reminder goes to the Stamtafel's secretaries; the
    # Regiekamer members who let the vote run out were each reminded of their ballot first.
    reminders = notified(db, "reminder")
    assert [(n.role, n.scope) for n in reminders if n.role] == [("Secretaris", "stamtafel")]
    silent = sorted(set(members_of("regiekamer")) - {"anna", "bert"})
    assert sorted(n.recipient for n in reminders if n.recipient) == silent
    assert [(n.role, n.scope) for n in notified(db, "escalation")] == [
        ("Voorzitter", "stuurgroep")]

    report = {row.body: row for row in frequency_report(db, YEAR)}
    assert {body: row.held for body, row in report.items()} == {
        "stamtafel": 4, REGIEGROEP: 4, "regiekamer": 4, "stuurgroep": 2}
    assert all(row.held >= row.minimum for row in report.values())
    shown = cli("compliance", "--year", str(YEAR), "--json")
    assert shown.exit_code == 0, shown.output
    rows = json.loads(shown.output)["bodies"]
    assert len(rows) == 4 and all(row["held"] >= row["minimum"] for row in rows)
    assert "SHORT" not in cli("compliance", "--year", str(YEAR)).output
