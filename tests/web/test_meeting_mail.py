"""A meeting reaches its people by mail and calendar: the invitation with the meeting attached
(METHOD:REQUEST), the changed invitation when it moves (same uid, next sequence), word that
the papers are ready, the decisions reported to the higher body (MTG-7), the cancellation; and
each user's calendar feed, read by icalendar and by vobject."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import icalendar
import pytest
import time_machine
import vobject
from flask import Flask
from sqlalchemy import update

from engine import instances
from engine.clock import LOCAL_ZONE
from engine.db import Database
from engine.mail_settings import renew_calendar_address
from engine.models import ProcessInstance, User
from engine.notifications import notifications_for

from ..processes.meeting_support import complete, deploy_governance, make_members, vote
from .mail_support import SmtpServer, body_of, deliver, send_through, smtp, subject

__all__ = ["smtp"]
PREPARING = datetime(2027, 2, 8, 9, 0, tzinfo=LOCAL_ZONE)
REGIEKAMER = ["anna", "bert", "carl", "dirk", "vera"]
ITEM = {"titel": "Werkproces complexe casuïstiek", "voorstel": "Vaststellen.", "bron": "lid",
        "ingebracht_door": "anna"}


@pytest.fixture
def meeting_people(app: Flask, db: Database, smtp: SmtpServer) -> Iterator[Database]:
    send_through(app, smtp)
    with time_machine.travel(PREPARING, tick=True):
        deploy_governance(db)
        make_members(db, "regiekamer", "stuurgroep", "stamtafel")
        with db.transaction() as session:
            session.execute(update(User).values(email=User.username + "@zvh.example"))
        yield db


def _start_and_plan(db: Database, *, guests: list[str] | None = None) -> ProcessInstance:
    meeting = instances.start_instance(db, "meeting", title="Vergadering regiekamer",
                                       actor="sara", scope="regiekamer",
                                       data={"orgaan": "regiekamer"})
    complete(db, "sara", "Vergadering plannen", {
        "vergaderdatum": "2027-03-15", "aanvang": "19:30", "locatie": "Stadhuis Zutphen",
        "aanleiding": "regulier", "leden": REGIEKAMER, "gasten": guests or []})
    return meeting


def _attached_event(message) -> tuple[str, icalendar.Event]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    cal = icalendar.Calendar.from_ical(part.get_content())
    [event] = cal.walk("VEVENT")
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    return str(cal["METHOD"]), event


def _subjects(smtp: SmtpServer, address: str) -> list[str]:
    return [subject(m) for m in smtp.inbox.to(address)]


def _the_mail(smtp: SmtpServer, username: str, starting: str):
    """The one mail to ``username`` whose subject starts with ``starting``."""
    [found] = [m for m in smtp.inbox.to(f"{username}@zvh.example")
               if subject(m).startswith(starting)]
    return found


def test_mtg7_a_meeting_invites_moves_sends_papers_and_reports(app: Flask, meeting_people,
                                                               smtp: SmtpServer) -> None:
    db = meeting_people
    meeting = _start_and_plan(db, guests=["tom"])
    deliver(app, db)
    invited = [m for m in smtp.inbox.messages if subject(m).startswith("Uitnodiging")]
    assert sorted(m["To"] for m in invited) == sorted(
        f"{u}@zvh.example" for u in [*REGIEKAMER, "tom"])
    [first] = [m for m in smtp.inbox.to("anna@zvh.example") if m in invited]
    assert subject(first) == ("Uitnodiging: Vergadering Regiekamer ZVH, "
                                "maandag 15 maart 2027, 19:30")
    assert "in Stadhuis Zutphen" in body_of(first)
    method, event = _attached_event(first)
    assert method == "REQUEST"
    assert str(event["UID"]) == f"meeting-{meeting.id}@govflow.local"
    assert event.decoded("DTSTART") == datetime(2027, 3, 15, 19, 30, tzinfo=LOCAL_ZONE)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert (event["SEQUENCE"], str(event["LOCATION"])) == (0, "Stadhuis Zutphen")
    assert not smtp.inbox.to("stef@zvh.example")  # another body's member is not invited

    for member in REGIEKAMER:
        complete(db, member, "Agendapunten aandragen", {"voorgestelde_punten": []})
    complete(db, "sara", "Inbreng andere organen vastleggen", {"punten_andere_organen": []})
    complete(db, "sara", "Agenda opstellen", {"agenda": [ITEM]})
    complete(db, "sara", "Agenda en stukken versturen",
             {"agenda_verzonden_op": "2027-03-10", "stukken": "Voorstel"})  # too late
    complete(db, "vera", "Vergadering verplaatsen",
             {"vergaderdatum": "2027-03-25", "aanvang": "19:30",
              "reden_verplaatsing": "stukken te laat verzonden"})
    deliver(app, db)
    moved = _the_mail(smtp, "anna", "Gewijzigd")
    assert subject(moved) == ("Gewijzigd: Vergadering Regiekamer ZVH, nu donderdag 25 maart "
                              "2027, 19:30")
    method, event = _attached_event(moved)
    assert (method, str(event["UID"]), event["SEQUENCE"]) == (
        "REQUEST", f"meeting-{meeting.id}@govflow.local", 1)
    assert event.decoded("DTSTART") == datetime(2027, 3, 25, 19, 30, tzinfo=LOCAL_ZONE)

    complete(db, "sara", "Agenda en stukken versturen",
             {"agenda_verzonden_op": "2027-03-10", "stukken": "Voorstel"})
    deliver(app, db)
    papers = _the_mail(smtp, "tom", "Agenda en stukken")
    assert subject(papers).startswith("Agenda en stukken: Vergadering Regiekamer ZVH")
    assert f"https://govflow.zvh.example/zaken/{meeting.id}/stukken" in body_of(papers)
    assert "Voorstel" not in body_of(papers)  # what the papers say stays in govflow

    complete(db, "sara", "Aanwezigheid registreren", {"aanwezigen": REGIEKAMER})
    vote(db, dict.fromkeys(REGIEKAMER, "voor"))
    complete(db, "sara", "Verslag opstellen", {"verslag": "Verslag.", "actiepunten": []})
    complete(db, "vera", "Verslag vaststellen", {"verslag_akkoord": True})
    complete(db, "sara", "Verslag aan de leden sturen", {"verslag_verzonden_op": "2027-03-26"})
    complete(db, "sara", "Actiepunten opvolgen", {"stand_actiepunten": "geen actiepunten"})
    complete(db, "sara", "Hoger orgaan schriftelijk informeren",
             {"rapportage_verzonden_op": "2027-03-29", "samenvatting": "Werkproces vastgesteld."})
    deliver(app, db)
    for member in ("stef", "sofie", "guus"):
        report = _the_mail(smtp, member, "Besluiten gemeld")
        assert "Werkproces vastgesteld" not in body_of(report)
    assert not [s for s in _subjects(smtp, "gerda@zvh.example") if s.startswith("Besluiten")]
    with db.reading() as session:
        [notice] = [n for n in notifications_for(session, "stef") if n.kind == "decision"]
    assert notice.message == "Vergadering Regiekamer ZVH: Werkproces vastgesteld."


def test_a_cancelled_meeting_is_called_off_and_stays_in_the_feed(app: Flask, meeting_people,
                                                                smtp: SmtpServer) -> None:
    db = meeting_people
    meeting = _start_and_plan(db)
    instances.cancel_instance(db, meeting.id, "sara")
    deliver(app, db)
    called_off = _the_mail(smtp, "bert", "Vervallen")
    assert subject(called_off) == ("Vervallen: Vergadering Regiekamer ZVH, "
                                   "maandag 15 maart 2027, 19:30")
    method, event = _attached_event(called_off)
    assert (method, str(event["STATUS"]), event["SEQUENCE"]) == ("CANCEL", "CANCELLED", 1)
    token = renew_calendar_address(db, "bert")
    feed = app.test_client().get(f"/agenda/{token}.ics")
    [listed] = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert (str(listed["UID"]), str(listed["STATUS"])) == (event["UID"], "CANCELLED")


def test_the_feed_has_my_meetings_and_due_dates_for_two_readers(app: Flask,
                                                                meeting_people) -> None:
    db = meeting_people
    meeting = _start_and_plan(db)
    token = renew_calendar_address(db, "anna")
    client = app.test_client()
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"

    cal = icalendar.Calendar.from_ical(response.data)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    meeting_event = events["Vergadering Regiekamer ZVH"]
    assert meeting_event.decoded("DTSTART") == datetime(2027, 3, 15, 19, 30, tzinfo=LOCAL_ZONE)
    assert str(meeting_event["URL"]).endswith(f"/zaken/{meeting.id}/stukken")
    due = events["Uiterste datum: Agendapunten aandragen (Vergadering regiekamer)"]
    assert due.decoded("DTSTART") == date(2027, 2, 15)  # seven days to bring in points (MTG-5)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]

    second = vobject.readOne(response.data.decode())
    by_summary = {e.summary.value: e for e in second.vevent_list}
    assert by_summary["Vergadering Regiekamer ZVH"].dtstart.value.isoformat() == \
        "2027-03-15T19:30:00+01:00"
    assert set(by_summary) == set(events)

    stef = renew_calendar_address(db, "stef")  # the Stuurgroep: not this meeting
    assert "Regiekamer" not in client.get(f"/agenda/{stef}.ics").data.decode()
    renewed = renew_calendar_address(db, "anna")
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    assert client.get(f"/agenda/{renewed}.ics").status_code == 200
    assert client.get("/agenda/nothing.ics").status_code == 404


def test_a_meeting_that_took_place_is_not_called_off(app: Flask, meeting_people,
                                                      smtp: SmtpServer) -> None:
    db = meeting_people
    meeting = _start_and_plan(db)
    with time_machine.travel(datetime(2027, 3, 15, 21, 0, tzinfo=LOCAL_ZONE), tick=False):
        instances.cancel_instance(db, meeting.id, "sara")
        deliver(app, db)
    assert not [m for m in smtp.inbox.messages if subject(m).startswith("Vervallen")]
    token = renew_calendar_address(db, "bert")
    feed = app.test_client().get(f"/agenda/{token}.ics")
    [listed] = icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
    assert str(listed["STATUS"]) == "CONFIRMED"
