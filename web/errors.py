"""Error pages in the layout and language of the site, for every HTTP error the app gives."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    titles = {
        400: _("Bad request"),
        403: _("Not allowed"),
        404: _("Page not found"),
        405: _("Not possible here"),
        413: _("Too much sent"),
    }
    texts = {
        400: _("The request could not be understood. Please go back and try again."),
        403: _("You may not do this."),
        404: _("This page does not exist, or it is not meant for you."),
        405: _("This page cannot be used this way. Please go back and use the page's buttons."),
        413: _("What you sent is too large. Please send less at a time."),
    }
    title = titles.get(status, _("Something went wrong"))
    message = texts.get(status, _("Please go back and try again."))
    return render_template("error.html", title=title, message=message), status


def _server_error(error: InternalServerError) -> ResponseReturnValue:
    title = _("Something went wrong")
    message = _("Something went wrong on our side. Please try again later; if it keeps "
                "happening, tell the administrator.")
    try:
        return render_template("error.html", title=title, message=message), 500
    except Exception:  # the page itself fails (the database is down): plain text then
        log.exception("the error page could not be shown")
        return f"{title}. {message}", 500, {"Content-Type": "text/plain; charset=utf-8"}
