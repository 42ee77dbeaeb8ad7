"""/instellingen: a participant chooses how each kind of mail reaches them, and gets the
address of their calendar feed; ``govflow outbox`` shows what waits."""

from __future__ import annotations

from flask import Flask

from engine.db import Database
from engine.mail_settings import mail_settings

from ..conftest import make_user
from .test_inbox import csrf_of, sign_in


def _choices(db: Database, username: str):
    with db.reading() as session:
        return mail_settings(session, username)


def test_a_participant_chooses_per_kind_and_the_digest_hour(app: Flask, db: Database) -> None:
    make_user(db, "anna", "Lid", scope="regiekamer", email="anna@zvh.example")
    client = app.test_client()
    sign_in(client, "anna")
    page = client.get("/instellingen")
    assert page.status_code == 200 and "anna@zvh.example" in page.text
    assert 'value="off"' in page.text and "Deze e-mail kunt u niet uitzetten." in page.text
    assert 'id="mail-reminder-off"' not in page.text  # no way to switch a reminder off
    saved = client.post("/instellingen", data={
        "csrf_token": csrf_of(page.text), "mail-task": "digest", "mail-meeting": "off",
        "mail-reminder": "now", "mail-escalation": "digest", "mail-decision": "now",
        "digest_hour": "7", "language": "en"})
    assert saved.status_code == 302
    chosen = _choices(db, "anna")
    assert chosen.deliveries == {"task": "digest", "reminder": "now", "escalation": "digest",
                                 "meeting": "off", "decision": "now"}
    assert (chosen.digest_hour, chosen.language) == (7, "en")


def test_a_forged_choice_is_refused_and_nothing_changes(app: Flask, db: Database) -> None:
    make_user(db, "anna", "Lid", scope="regiekamer", email="anna@zvh.example")
    client = app.test_client()
    sign_in(client, "anna")
    token = csrf_of(client.get("/instellingen").text)
    refused = client.post("/instellingen", data={
        "csrf_token": token, "mail-task": "digest", "mail-escalation": "off",
        "digest_hour": "25", "language": "nl"})
    assert refused.status_code == 422
    assert "Uw keuzes zijn niet opgeslagen" in refused.text
    assert _choices(db, "anna").deliveries["task"] == "now"


def test_the_calendar_address_is_made_and_renewed(app: Flask, db: Database) -> None:
    make_user(db, "anna", "Lid", scope="regiekamer")
    client = app.test_client()
    sign_in(client, "anna")
    page = client.get("/instellingen")
    assert "govflow heeft geen e-mailadres van u" in page.text
    client.post("/instellingen/agenda", data={"csrf_token": csrf_of(page.text)})
    first = _choices(db, "anna").calendar_token
    page = client.get("/instellingen")
    assert f"/agenda/{first}.ics" in page.text
    assert client.get(f"/agenda/{first}.ics").status_code == 200
    client.post("/instellingen/agenda", data={"csrf_token": csrf_of(page.text)})
    assert client.get(f"/agenda/{first}.ics").status_code == 404


def test_the_outbox_command_says_there_is_no_server(cli, db: Database) -> None:
    make_user(db, "anna", "Lid", scope="regiekamer", email="anna@zvh.example")
    result = cli("outbox")
    assert "no SMTP server is set (GOVFLOW_SMTP_HOST)" in result.output
    assert "the outbox is empty" in result.output
    added = cli("user", "add", "bert", "--role", "Manager ZVH", "--email", "bert@zvh.example")
    assert added.exit_code == 0
