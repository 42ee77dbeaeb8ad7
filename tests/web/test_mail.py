"""Mail to participants: written in the step's transaction, delivered once over real SMTP
(aiosmtpd on loopback), in the recipient's language, with no case content (MTG-8, REF-9)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from engine import instances, tasks
from engine.db import Database
from engine.mail_queue import GIVE_UP_AFTER
from engine.mail_settings import choose_mail
from engine.models import User
from engine.outreach_models import OutgoingMail
from engine.runtime import StepFailed

from ..conftest import deploy_data, make_user
from .mail_support import SmtpServer, body_of, deliver, free_port, send_through, smtp, subject

__all__ = ["smtp"]
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _outbox(db: Database) -> list[OutgoingMail]:
    with db.reading() as session:
        return list(session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)))


def _a_task_for_mia(db: Database, address: str = "mia@zvh.example") -> None:
    """mia, the Manager ZVH, and a new task of her role: one message for her."""
    make_user(db, "mia", "Manager ZVH", email=address)
    deploy_data(db, "two_lanes.bpmn")
    instances.start_instance(db, "two_lanes", actor="mia")


def _two_managers(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
    make_user(db, "max", "Manager ZVH", email="max@zvh.example")
    make_user(db, "nomail", "Manager ZVH")


def test_a_new_task_reaches_the_holders_of_its_role_in_dutch(app, db: Database,
                                                            smtp: SmtpServer) -> None:
    send_through(app, smtp)
    with time_machine.travel(START, tick=False):
        _two_managers(db)
        deploy_data(db, "two_lanes.bpmn")
        instance = instances.start_instance(db, "two_lanes", title="Begroting 2028",
                                            actor="mia")
        [task] = tasks.inbox(db, "mia")
        done = deliver(app, db)
    assert (done.sent, done.failed) == (2, 0)
    [mail] = smtp.inbox.to("mia@zvh.example")
    assert subject(mail) == "Nieuwe taak: Begroting opstellen"
    text = body_of(mail)
    assert "“Begroting opstellen”, voor “Begroting 2028”" in text
    assert f"https://govflow.zvh.example/tasks/{task.id}" in text
    assert "https://govflow.zvh.example/instellingen" in text
    assert smtp.inbox.to("max@zvh.example") and not smtp.inbox.to("nomail")
    rows = _outbox(db)
    assert {(m.status, m.task_id, m.instance_id) for m in rows} == {
        ("sent", task.id, instance.id)}
    assert all(m.sent_at == START for m in rows)


def test_the_mail_is_in_the_language_the_recipient_chose(app, db: Database,
                                                         smtp: SmtpServer) -> None:
    send_through(app, smtp)
    with time_machine.travel(START, tick=False):
        make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
        choose_mail(db, "mia", {}, digest_hour=8, language="en")
        deploy_data(db, "two_lanes.bpmn")
        instances.start_instance(db, "two_lanes", title="Begroting 2028", actor="mia")
        deliver(app, db)
    [mail] = smtp.inbox.messages
    assert subject(mail) == "New task: Begroting opstellen"
    assert "You have a new task in govflow" in body_of(mail)


def test_a_step_that_fails_after_queuing_mail_sends_nothing(app, db: Database,
                                                          smtp: SmtpServer) -> None:
    """The reminder of the second step is written, then the step fails: it is rolled back."""
    send_through(app, smtp)
    with time_machine.travel(START, tick=False):
        make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
        deploy_data(db, "reminder_then_failure.bpmn")
        instances.start_instance(db, "reminder_then_failure", actor="mia")
        deliver(app, db)  # the two new tasks
        before = len(smtp.inbox.messages)
        first = next(t for t in tasks.inbox(db, "mia") if t.element_id == "first")
        with pytest.raises(StepFailed):
            tasks.complete_task(db, first.id, "mia", {"aantal": 0})
        done = deliver(app, db)
    assert before == 2 and done.sent == 0 and len(smtp.inbox.messages) == 2
    assert [m.kind for m in _outbox(db)] == ["task", "task"]


def test_a_server_that_is_down_gets_the_mail_when_it_is_back(app, db: Database) -> None:
    server = SmtpServer(port=free_port())
    send_through(app, server)
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db)
        down = deliver(app, db)
    assert (down.sent, down.retrying) == (0, 1)
    [waiting] = _outbox(db)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "ConnectionRefusedError" in (waiting.last_error or "")
    assert waiting.send_after == START + timedelta(minutes=2)
    server.start()
    try:
        with time_machine.travel(START + timedelta(minutes=1), tick=False):
            assert deliver(app, db).sent == 0  # not yet: it waits for its next attempt
        with time_machine.travel(START + timedelta(minutes=3), tick=False):
            assert deliver(app, db).sent == 1
            assert deliver(app, db).sent == 0
    finally:
        server.stop()
    assert len(server.inbox.messages) == 1
    [sent] = _outbox(db)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)


def test_after_two_days_of_attempts_the_failure_is_recorded(app, db: Database) -> None:
    send_through(app, SmtpServer(port=free_port()))
    at = START
    with time_machine.travel(at, tick=False) as clock:
        _a_task_for_mia(db)
        while at < START + GIVE_UP_AFTER:
            assert deliver(app, db).failed == 0
            at += timedelta(hours=6, minutes=1)
            clock.move_to(at)
        assert deliver(app, db).failed == 1
    [mail] = _outbox(db)
    assert mail.status == "failed" and mail.attempts > 8


def test_a_server_that_refuses_our_sign_in_keeps_the_mail(app, db: Database,
                                                          smtp: SmtpServer) -> None:
    """A setting of ours (a password the server does not take) refuses no message for good."""
    send_through(app, smtp)
    app.config.update(SMTP_USER="govflow", SMTP_PASSWORD="wrong")  # the server has no AUTH
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db)
        done = deliver(app, db)
    [mail] = _outbox(db)
    assert (done.retrying, mail.status, mail.attempts) == (1, "queued", 1)


def test_which_refusals_are_final() -> None:
    import smtplib

    from web.mail.smtp import is_final

    assert is_final(smtplib.SMTPRecipientsRefused({"a@b.example": (550, b"no such user")}))
    assert not is_final(smtplib.SMTPRecipientsRefused({"a@b.example": (451, b"later")}))
    assert is_final(smtplib.SMTPDataError(554, b"rejected as spam"))
    assert not is_final(smtplib.SMTPDataError(451, b"try later"))
    assert not is_final(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert not is_final(smtplib.SMTPSenderRefused(550, b"not our domain", "x@y.example"))
    assert not is_final(ConnectionRefusedError())


def test_a_refused_address_fails_at_once(app, db: Database, smtp: SmtpServer) -> None:
    send_through(app, smtp)

    async def refuse(server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        return "550 no such mailbox"

    smtp.inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    smtp.stop()
    smtp.start()
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db, "gone@zvh.example")
        done = deliver(app, db)
    [mail] = _outbox(db)
    assert done.failed == 1 and mail.status == "failed" and "550" in (mail.last_error or "")


@pytest.mark.postgres
def test_two_senders_at_once_send_each_message_once(app, db: Database, smtp: SmtpServer) -> None:
    """Two schedulers on one PostgreSQL database: every message arrives exactly once."""
    if not db.is_postgres:
        pytest.skip("two senders claim with FOR UPDATE SKIP LOCKED on PostgreSQL")
    send_through(app, smtp)
    with time_machine.travel(START, tick=False):
        for i in range(40):
            make_user(db, f"m{i}", "Manager ZVH", email=f"m{i}@zvh.example")
        deploy_data(db, "two_lanes.bpmn")
        for _ in range(3):
            instances.start_instance(db, "two_lanes")
    barrier = threading.Barrier(2)
    results = []

    def sender() -> None:
        barrier.wait()
        with time_machine.travel(START + timedelta(seconds=1), tick=False):
            while True:
                done = deliver(app, db)
                results.append(done.sent)
                if not done.sent:
                    return

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [m["Message-ID"] for m in smtp.inbox.messages]
    assert len(ids) == 120 and len(set(ids)) == 120 and sum(results) == 120
    assert {m.status for m in _outbox(db)} == {"sent"}


def test_a_digest_gathers_the_days_mail_at_the_chosen_hour(app, db: Database,
                                                          smtp: SmtpServer) -> None:
    send_through(app, smtp)
    with time_machine.travel(START, tick=False) as clock:  # 10:00 in Amsterdam
        make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
        choose_mail(db, "mia", {"task": "digest"}, digest_hour=17, language="nl")
        deploy_data(db, "two_lanes.bpmn")
        instances.start_instance(db, "two_lanes", title="Begroting 2028", actor="mia")
        instances.start_instance(db, "two_lanes", title="Begroting 2029", actor="mia")
        assert deliver(app, db).sent == 0
        clock.move_to(datetime(2027, 3, 1, 16, 1, tzinfo=UTC))  # 17:01 in Amsterdam
        assert deliver(app, db).sent == 1
    [digest] = smtp.inbox.messages
    assert subject(digest) == "govflow: 2 berichten"
    assert body_of(digest).count("Nieuwe taak: Begroting opstellen") == 2
    assert sorted(m.status for m in _outbox(db)) == ["digested", "digested", "sent"]


def test_a_kind_switched_off_is_not_written(app, db: Database) -> None:
    with time_machine.travel(START, tick=False):
        make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
        choose_mail(db, "mia", {"task": "off"}, digest_hour=8, language="nl")
        deploy_data(db, "two_lanes.bpmn")
        instances.start_instance(db, "two_lanes", actor="mia")
    assert _outbox(db) == []


def test_a_reminder_cannot_be_switched_off(db: Database) -> None:
    from engine.errors import InvalidInput

    make_user(db, "mia", "Manager ZVH", email="mia@zvh.example")
    with pytest.raises(InvalidInput, match="reminder: cannot be switched off"):
        choose_mail(db, "mia", {"reminder": "off", "task": "off"}, digest_hour=8,
                    language="nl")
    with db.reading() as session:
        user = session.scalars(select(User).where(User.username == "mia")).one()
        assert user.language == "nl"


def test_without_a_server_the_mail_waits_in_the_outbox(app, db: Database) -> None:
    app.config["SMTP_HOST"] = None
    with time_machine.travel(START, tick=False):
        _a_task_for_mia(db)
        done = deliver(app, db)
    assert not done.configured
    assert [m.status for m in _outbox(db)] == ["queued"]

