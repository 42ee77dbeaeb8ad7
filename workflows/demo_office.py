"""The demo users at work: who does an open task of the demo year, on which day, with what.

Meetings follow their plan (demo_meetings); votes on a decision come the day after it is put;
the other work is done a few days after it arrives. Some work is left on purpose: the
appointment of the portefeuillehouders waits for the DVO and the VvG, a secretary decides
later what to do about a body that falls short, and a reflection's progress is still to come.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import LOCAL_ZONE
from engine.instances import instance_data
from engine.models import HumanTask, ProcessInstance

from .demo_cast import doer
from .demo_meetings import PREPARATION, MeetingPlan, meeting_step

DELAY = timedelta(days=4)
LEFT_OPEN = {"portfolio_appointment", "meeting_frequency"}
BUDGET = {
    "Begroting opstellen": {"basistaken": 250000, "plustaken": 40000,
                            "toelichting": "Basistaken als vorig jaar plus indexatie; "
                                           "plustaken voor de Stamtafel."},
    "Jaarverslag opstellen": {"aantal_casussen": 412,
                              "aard_casussen": "Vooral multiproblematiek en huiselijk geweld.",
                              "uitgaven": 281500.5,
                              "aandachtspunten": "Wachttijd bij de gedwongen zorg."},
    "Concept beoordelen (namens DVO)": {"akkoord_burgemeester": "akkoord"},
    "Concept beoordelen (namens VvG Veilig Thuis)": {"akkoord_wethouder": "akkoord"},
}
CASE_TYPES = ("multiproblematiek", "zorg en veiligheid", "huiselijk geweld", "gedwongen zorg")
PROPOSAL = {"samenvatting": "De partners zagen elk een deel; niemand had het overzicht.",
            "opbrengst_samenwerking": "Deels: de principes zijn bekend maar niet leidend.",
            "opbrengst_kaders": "Rugdekking om af te wijken ontbreekt.",
            "voorstel": "Maak afspraken over regie over gemeentegrenzen heen."}
CHALLENGE = {"gezamenlijke_opgave": True,
             "conclusie": "Regie over gemeentegrenzen heen is een gezamenlijke uitdaging.",
             "prioriteit": "hoog",
             "opdracht": "Werk een regionale afspraak uit over regie bij verhuizing.",
             "opdrachtnemer": "Advies- en implementatieoverleg",
             "bestuurlijk_aanspreekpunt": "Portefeuillehouder gedwongen zorg"}
ADVICE = {"volledig": True, "advies": "toelaten",
          "toelichting_advies": "Versterkt de samenwerking aan de Stamtafel."}


@dataclass(frozen=True)
class OpenTask:
    """An open task with what the office needs of its instance (no serialized workflow)."""

    id: int
    instance_id: int
    name: str
    role: str | None
    assignee: str | None
    personal: bool
    created_at: datetime
    process_key: str
    scope: str | None


def open_tasks(session: Session, skip: set[int]) -> list[OpenTask]:
    rows = session.execute(
        select(HumanTask.id, HumanTask.instance_id, HumanTask.name, HumanTask.role,
               HumanTask.assignee, HumanTask.personal, HumanTask.created_at,
               ProcessInstance.process_key, ProcessInstance.scope)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.state == "open", ProcessInstance.status.in_(("running", "waiting")))
        .order_by(HumanTask.id))
    return [OpenTask(*row) for row in rows if row.id not in skip]


@dataclass
class Office:
    """Everyone's habits, and the plans of the meetings under way."""

    plans: dict[int, MeetingPlan] = field(default_factory=dict)
    reflections: int = 0

    def work(self, session: Session, task: OpenTask, today: date,
             ) -> tuple[str, dict[str, Any]] | None:
        """Who completes ``task`` today with which data; None when it waits (or stays)."""
        if task.process_key in LEFT_OPEN:
            return None
        user = task.assignee or doer(session, task.name, task.role, task.scope)
        if task.process_key == "meeting":
            data = self._meeting(task, today)
        elif task.process_key == "decision":
            data = self._decision(task, today)
        elif _arrived(task) + DELAY > today:
            return None
        else:
            data = self._routine(session, task, today)
        return None if data is None else (user, data)

    def _meeting(self, task: OpenTask, today: date) -> dict[str, Any] | None:
        plan = self.plans.setdefault(task.instance_id, MeetingPlan(today + PREPARATION))
        return meeting_step(task.name, task.scope or "", plan, today)

    @staticmethod
    def _decision(task: OpenTask, today: date) -> dict[str, Any] | None:
        if _arrived(task) >= today:
            return None
        return {"Stemmen": {"stemkeuze": "voor"},
                "Advies adresseren": {"advies_aan": "vvg_veilig_thuis",
                                      "advies": "Het voorstel overnemen."}}.get(task.name)

    def _routine(self, session: Session, task: OpenTask, today: date) -> dict[str, Any] | None:
        if task.name in BUDGET:
            return BUDGET[task.name]
        by_name = {
            "Besluit DVO vastleggen": lambda: {"besluit_dvo": "vastgesteld",
                                               "datum_vergadering": today.isoformat()},
            "Casus inbrengen": lambda: self._case(today),
            "Gespreksleider en methode kiezen": lambda: {
                "gespreksleider": "Getrainde gespreksleider van het ZVH",
                "gespreksleider_getraind": True, "methode": "moreel beraad",
                "datum_gesprek": (today + DELAY).isoformat()},
            "Casusreflectie voeren": lambda: self._conversation(session, task),
            "Bespreekvoorstel opstellen": lambda: PROPOSAL,
            "Conclusie van de Stamtafel vastleggen": self._conclusion,
            "Aanvraag beoordelen": lambda: ADVICE | {"soort": self._kind(session, task)},
            "Besluiten over toetreding": lambda: {"besluit": "toelaten",
                                                  "motivering": "Past bij de opgaven."},
            "Ondertekening en vertegenwoordigers vastleggen": lambda: {
                "ondertekend": True, "ondertekend_op": today.isoformat(),
                "bestuurder_stamtafel": "Mr. A. Jansen", "adviseur_aio": "B. Peters",
                "subregio": "Achterhoek"},
        }
        make = by_name.get(task.name)
        return make() if make else None

    def _case(self, today: date) -> dict[str, Any]:
        kind = CASE_TYPES[(today.month - 1) // 3]
        return {"titel": f"Casus {kind} uit het kwartaal", "casustype": kind,
                "belang": "Laat zien waar partners en gemeenten schuren.",
                "centrale_vraag": "Wie neemt de regie als de zorgvraag de grens overschrijdt?",
                "inbrengende_organisatie": "Gemeente Zutphen", "geanonimiseerd": True}

    @staticmethod
    def _conversation(session: Session, task: OpenTask) -> dict[str, Any]:
        others = instance_data(session.get(ProcessInstance, task.instance_id))["andere_subregios"]
        return {"betrokken_organisaties": ["Reclassering", "GGZ-instelling"],
                "delegatie": [{"subregio": s, "organisatie": "Gemeente uit " + s}
                              for s in others],
                "verloop": "Open gesprek over de regie, met het dilemma van de woonplek."}

    def _conclusion(self) -> dict[str, Any]:
        self.reflections += 1
        if self.reflections == 2:  # one reflection becomes an assignment that is followed up
            return CHALLENGE
        return {"gezamenlijke_opgave": False, "conclusie": "Geen gezamenlijke opgave."}

    @staticmethod
    def _kind(session: Session, task: OpenTask) -> str:
        return instance_data(session.get(ProcessInstance, task.instance_id))["soort"]


def _arrived(task: OpenTask) -> date:
    return task.created_at.astimezone(LOCAL_ZONE).date()
