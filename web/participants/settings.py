"""``/instellingen``: how each kind of mail reaches me, my language, my calendar feed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required

from engine.errors import InvalidInput
from engine.mail_settings import (
    LANGUAGES,
    choose_mail,
    mail_settings,
    renew_calendar_address,
)
from engine.outbox import ALWAYS_SENT, DELIVERIES, MAIL_KINDS

from ..database import get_db
from ..i18n import LANGUAGES as LANGUAGE_NAMES
from . import bp

KIND_LABELS = {"task": lazy_gettext("A new task for me"),
               "reminder": lazy_gettext("Reminders of a deadline"),
               "escalation": lazy_gettext("Escalations of work that is late"),
               "meeting": lazy_gettext("Meetings: invitations, changes and papers"),
               "decision": lazy_gettext("Decisions reported to my body")}
DELIVERY_LABELS = {"now": lazy_gettext("At once"), "digest": lazy_gettext("In a daily digest"),
                   "off": lazy_gettext("Not by mail")}


@bp.get("/instellingen")
@login_required
def settings() -> ResponseReturnValue:
    return _page()


def _page(problems: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    with get_db().reading() as session:
        chosen = mail_settings(session, current_user.username)
    feed = (url_for("participants.feed", token=chosen.calendar_token, _external=True)
            if chosen.calendar_token else None)
    return render_template("participants/settings.html", chosen=chosen, kinds=MAIL_KINDS,
                           always=ALWAYS_SENT, deliveries=DELIVERIES, kind_labels=KIND_LABELS,
                           delivery_labels=DELIVERY_LABELS, languages=LANGUAGES,
                           language_names=LANGUAGE_NAMES, feed=feed,
                           problems=problems or {}), status


@bp.post("/instellingen")
@login_required
def save_settings() -> ResponseReturnValue:
    deliveries = {kind: request.form.get(f"mail-{kind}", "now") for kind in MAIL_KINDS}
    try:
        hour = int(request.form.get("digest_hour", ""))
    except ValueError:
        hour = -1
    try:
        choose_mail(get_db(), current_user.username, deliveries, digest_hour=hour,
                    language=request.form.get("language", ""))
    except InvalidInput as err:
        flash(_("Your choices were not saved: check the marked fields."), "error")
        return _page(err.problems, 422)
    flash(_("Your mail choices are saved."), "success")
    return redirect(url_for("participants.settings"))


@bp.post("/instellingen/agenda")
@login_required
def renew_feed() -> ResponseReturnValue:
    renew_calendar_address(get_db(), current_user.username)
    flash(_("Your calendar has a new address; the old one no longer works."), "success")
    return redirect(url_for("participants.settings") + "#agenda")
