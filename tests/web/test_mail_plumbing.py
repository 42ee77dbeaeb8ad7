"""What carries the mail besides the sender: the scheduler's job, the demo's sink, the demo's
clean-up of its invented past, claims that lapse, and the outbox command; and the inbox's
query, which never reads a serialized workflow."""

from __future__ import annotations

import mailbox
import smtplib
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import time_machine
from sqlalchemy import event, select

from engine import instances, tasks
from engine.db import Database
from engine.inbox_query import inbox_page
from engine.mail_queue import LEASE, claim_mail, discard_unsent, keep_claim
from engine.outreach_models import OutgoingMail
from web.mail.sink import start_sink
from web.scheduler import build_scheduler

from ..conftest import deploy_data, make_user, reads_state
from .mail_support import SmtpServer, free_port, send_through, smtp

__all__ = ["smtp"]
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _a_task_for_mia(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor="mia")


def _statuses(db: Database) -> list[str]:
    with db.reading() as session:
        return list(session.scalars(select(OutgoingMail.status).order_by(OutgoingMail.id)))


def test_the_scheduler_of_the_app_delivers_the_mail(app, db: Database, smtp: SmtpServer) -> None:
    send_through(app, smtp)
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db)
        scheduler = build_scheduler(db, 30, blocking=False, app=app)
        job = scheduler.get_job("deliver_mail")
        job.func(*job.args)
    assert [m["To"] for m in smtp.inbox.messages] == ["mia@zvh.example"]
    assert _statuses(db) == ["sent"]


def test_the_demo_sink_keeps_each_message_in_a_maildir(tmp_path: Path) -> None:
    port = free_port()
    sink = start_sink(tmp_path / "mail", port)
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@x.example", "b@x.example", "Hoi"
        message.set_content("Tekst")
        with smtplib.SMTP("127.0.0.1", port) as connection:
            connection.send_message(message)
    finally:
        sink.stop()
    [kept] = list(mailbox.Maildir(tmp_path / "mail"))
    assert kept["Subject"] == "Hoi"


def test_the_demo_drops_its_unsent_past_but_not_the_work_still_open(db: Database) -> None:
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db)
        [draft] = tasks.inbox(db, "mia")
        make_user(db, "piet", "Portefeuillehouder ZVH", email="piet@zvh.example")
        tasks.complete_task(db, draft.id, "mia", {"basistaken": 100, "toelichting": "Ok."})
    with db.reading() as session:
        before = list(session.scalars(select(OutgoingMail.task_id).order_by(OutgoingMail.id)))
    assert before[0] == draft.id and len(before) == 2
    assert discard_unsent(db, START + timedelta(days=1)) == 1  # the draft is done
    with db.reading() as session:
        assert list(session.scalars(select(OutgoingMail.task_id))) == before[1:]


def test_a_claim_that_lapsed_and_was_taken_again_is_not_sent(db: Database) -> None:
    with time_machine.travel(START, tick=False) as clock:
        _a_task_for_mia(db)
        [first] = claim_mail(db)
        clock.move_to(START + LEASE + timedelta(seconds=1))
        [second] = claim_mail(db)  # the first sender took too long
        assert (first.id, first.claim != second.claim) == (second.id, True)
        assert not keep_claim(db, first)
        assert keep_claim(db, second)


def test_the_outbox_command_lists_the_messages(cli, db: Database) -> None:
    _a_task_for_mia(db)
    result = cli("outbox")
    assert "queued: 1" in result.output
    assert "task" in result.output and "mia@zvh.example" in result.output


def test_the_inbox_never_reads_a_serialized_workflow(db: Database) -> None:
    _a_task_for_mia(db)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        with db.reading() as session:
            page = inbox_page(session, "mia")
            assert [t.instance.title for t in page.tasks]
        tasks.inbox(db, "mia")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if reads_state(s)]
