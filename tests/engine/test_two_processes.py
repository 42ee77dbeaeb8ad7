"""Two application processes on one database take turns on one instance: each keeps its own
workflows between steps, and each sees the other's steps (the cache never serves a stale one)."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from multiprocessing.connection import Connection

import pytest
import time_machine

from engine import audit, instances, tasks
from engine.db import Database

from ..conftest import deploy_data, make_user

pytestmark = pytest.mark.processes

MONDAY = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TURNS = 6
DRAFT = {"basistaken": 1000, "plustaken": 250, "toelichting": "Zoals vorig jaar."}


def take_turns(url: str, instance_id: int, username: str, data: dict, turns: Connection,
               done: Connection) -> None:
    """A process of its own: on each turn, complete the instance's open task."""
    db = Database(url)
    try:
        with time_machine.travel(MONDAY, tick=False):
            while turns.recv():
                (task,) = [t for t in tasks.tasks_of_instance(db, instance_id)
                           if t.state == "open"]
                tasks.complete_task(db, task.id, username, dict(data))
                done.send(task.name)
    except Exception as err:  # the parent reads what went wrong
        done.send(f"error: {err}")
    finally:
        db.dispose()


def test_two_processes_take_turns_on_one_instance(db: Database) -> None:
    with time_machine.travel(MONDAY, tick=False):
        make_user(db, "mia", "Manager ZVH")
        make_user(db, "piet", "Portefeuillehouder ZVH")
        deploy_data(db, "two_lanes.bpmn")
        instance = instances.start_instance(db, "two_lanes", actor="mia")
    spawn = multiprocessing.get_context("spawn")
    workers = []
    for username, data in (("mia", DRAFT), ("piet", {"akkoord": False})):
        turn, turn_in = spawn.Pipe()
        done_out, done = spawn.Pipe()
        process = spawn.Process(target=take_turns,
                                args=(db.url, instance.id, username, data, turn_in, done))
        process.start()
        workers.append((process, turn, done_out))
    answers = []
    try:
        for _ in range(TURNS):
            for _process, turn, done_out in workers:
                turn.send(True)
                assert done_out.poll(60), "a process did not answer"
                answers.append(done_out.recv())
    finally:
        for process, turn, _done in workers:
            turn.send(False)
            process.join(30)
    assert answers == ["Begroting opstellen", "Begroting bespreken"] * TURNS
    with db.reading() as session:
        completed = [e for e in audit.events_of_instance(session, instance.id)
                     if e.kind == "task_completed"]
    assert [e.actor for e in completed] == ["mia", "piet"] * TURNS
    (open_task,) = [t for t in tasks.tasks_of_instance(db, instance.id) if t.state == "open"]
    assert open_task.name == "Begroting opstellen"
