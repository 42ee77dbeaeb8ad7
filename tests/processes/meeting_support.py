"""Shared by the meeting and decision tests: deployment, the members of three bodies, and
finding and completing a user's task by name through the engine commands."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from engine import deploy, instances, tasks
from engine.db import Database
from engine.models import HumanTask, ProcessInstance
from engine.workflow_store import read_workflow

from ..conftest import BPMN, make_user

# Members per body: (username, roles). Roles are held with the body as scope.
MEMBERS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "regiekamer": [("anna", ("Lid",)), ("bert", ("Lid",)), ("carl", ("Lid",)),
                   ("dirk", ("Lid",)), ("vera", ("Voorzitter", "Lid")), ("sara", ("Secretaris",))],
    "stuurgroep": [("stef", ("Lid",)), ("sofie", ("Lid",)), ("guus", ("Voorzitter", "Lid")),
                   ("gerda", ("Secretaris",))],
    "stamtafel": [("tom", ("Lid",)), ("tineke", ("Lid",)), ("theo", ("Voorzitter", "Lid")),
                  ("nina", ("Secretaris",))],
    "regiegroep_gedwongen_zorg": [("rik", ("Lid",)), ("roos", ("Voorzitter", "Lid")),
                                  ("ruud", ("Secretaris",))],
}


def deploy_governance(db: Database) -> list[deploy.Deployed]:
    return deploy.deploy(db, [BPMN / "decision.bpmn", BPMN / "meeting.bpmn", BPMN / "forms"],
                         "tester")


def make_members(db: Database, *bodies: str) -> None:
    for body in bodies:
        for username, roles in MEMBERS[body]:
            make_user(db, username, *roles, scope=body)


def named_tasks(db: Database, username: str, name: str) -> list[HumanTask]:
    return [t for t in tasks.inbox(db, username) if t.name == name]


def complete(db: Database, username: str, name: str, data: dict[str, Any] | None = None,
             ) -> HumanTask:
    """Complete the (first) task called ``name`` in the user's inbox."""
    found = named_tasks(db, username, name)
    assert found, f"{username} has no task {name!r}: {[t.name for t in tasks.inbox(db, username)]}"
    return tasks.complete_task(db, found[0].id, username, data or {})


def vote(db: Database, votes: dict[str, str], item: str | None = None) -> None:
    """Every member in ``votes`` completes their open vote tasks (on ``item`` only, if given)."""
    for username, choice in votes.items():
        for task in named_tasks(db, username, "Stemmen"):
            if item is None or item_of(db, task) == item:
                tasks.complete_task(db, task.id, username, {"stemkeuze": choice})


def refresh(instance: ProcessInstance, db: Database) -> ProcessInstance:
    return instances.get_instance(db, instance.id)


def data_of(db: Database, instance: ProcessInstance) -> dict[str, Any]:
    return instances.instance_data(instances.get_instance(db, instance.id))


def item_of(db: Database, task: HumanTask) -> str:
    """The title of the agenda item a task of a decision inside a meeting is about."""
    instance = instances.get_instance(db, task.instance_id)
    spiff_task = read_workflow(instance).get_task_from_id(UUID(task.spiff_task_id))
    return spiff_task.data["agendapunt"]["titel"]
