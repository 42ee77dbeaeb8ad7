"""Signing in and out with a local account: sessions, CSRF protection, the sign-in limits.

The session cookie is HttpOnly and SameSite=Lax (config), and Secure whenever the request came
over HTTPS; it lapses after ``PERMANENT_SESSION_LIFETIME`` without a request. Each session
carries the user's ``session_version``: signing out raises it, so a copy of the cookie is
worthless afterwards. How often one may try to sign in is ``sign_in_limit``'s (per address,
per address and username, and a slowdown per username that the right password gets past;
counted in the database). A wrong password and an unknown user get the same message and take
the same time.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from flask_wtf.csrf import CSRFError, CSRFProtect

from engine import identity
from engine.attempts import parse_rate

from . import sign_in_limit
from .database import get_db
from .i18n import local_path

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()
LIMIT_SETTINGS = ("LOGIN_ADDRESS_RATE_LIMIT", "LOGIN_RATE_LIMIT", "LOGIN_USER_RATE_LIMIT")


class Participant(UserMixin):
    """The signed-in user as the pages know it; the engine is asked by ``username``."""

    def __init__(self, username: str, display_name: str, session_version: int) -> None:
        self.username = username
        self.display_name = display_name
        self.session_version = session_version

    def get_id(self) -> str:
        return f"{self.session_version}:{self.username}"

    @classmethod
    def of(cls, user: Any) -> Participant:
        return cls(user.username, user.display_name, user.session_version)


class SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        # Secure over HTTPS (behind a proxy, werkzeug's ProxyFix makes is_secure see it).
        secure = bool(app.config["SESSION_COOKIE_SECURE"])
        return secure or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    for setting in LIMIT_SETTINGS:  # a mistyped limit stops the start, not a sign-in
        parse_rate(str(app.config[setting]))
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, form_expired)


@login_manager.user_loader
def _load_participant(session_id: str) -> Participant | None:
    version, _colon, username = session_id.partition(":")
    with get_db().reading() as db_session:
        user = identity.signed_in_user(db_session, username)
        if user is None or str(user.session_version) != version:
            return None  # unknown, inactive, or signed out since
        return Participant.of(user)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()
    if request.method != "POST":
        return render_template("sign_in.html", username=username, error=None)
    if not sign_in_limit.admit(username):
        return _too_many_attempts(username)
    sign_in_limit.slow_down(username)
    user = identity.verify_password(get_db(), username, request.form.get("password", ""))
    if user is not None:
        sign_in_limit.succeeded(username)
        _start_session(Participant.of(user))
        return redirect(local_path(request.args.get("next")) or url_for("inbox.index"))
    if sign_in_limit.failed(username):
        return _too_many_attempts(username)
    return render_template("sign_in.html", username=username,
                           error=_("The username or the password is not right."))


def _start_session(participant: Participant) -> None:
    language = session.get("language")
    session.clear()  # a fresh session on sign-in: nothing carried over from before
    if language:
        session["language"] = language
    session.permanent = True  # lapses after PERMANENT_SESSION_LIFETIME without a request
    login_user(participant)


@bp.post("/sign-out")
@login_required
def sign_out() -> ResponseReturnValue:
    language = session.get("language")
    identity.end_sessions(get_db(), current_user.username)
    logout_user()
    session.clear()
    if language:
        session["language"] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"))


def form_expired(error: CSRFError) -> ResponseReturnValue:
    message = _("This form has expired or did not come from this site. Please try again.")
    return render_template("error.html", title=_("Form expired"), message=message), 400


def _too_many_attempts(username: str) -> ResponseReturnValue:
    message = _("Too many failed attempts to sign in. Wait a minute and try again.")
    return render_template("sign_in.html", username=username, error=message), 429
