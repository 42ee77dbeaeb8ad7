"""Signing in and out with a local account: sessions, CSRF protection, the sign-in rate limit.

The session cookie is HttpOnly and SameSite=Lax (config), and Secure whenever the request came
over HTTPS; it lapses after ``PERMANENT_SESSION_LIFETIME`` without a request. Each session
carries the user's ``session_version``: signing out raises it, so a copy of the cookie is
worthless afterwards. Sign-in attempts are counted before the password is checked (so parallel
attempts cannot slip past): per address and username (``LOGIN_RATE_LIMIT``, cleared by a
successful sign-in) and, more loosely, per username (``LOGIN_USER_RATE_LIMIT``), so nobody
locks a known user out from one address. A wrong password and an unknown user get the same
message and take the same time.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
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
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
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

from .database import get_db
from .i18n import local_path

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://",
                  headers_enabled=True)


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
    limiter.init_app(app)
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, form_expired)
    app.register_error_handler(429, _too_many_attempts)


@login_manager.user_loader
def _load_participant(session_id: str) -> Participant | None:
    version, _colon, username = session_id.partition(":")
    with get_db().reading() as db_session:
        user = identity.find_user(db_session, username)
        if user is None or not user.is_active or str(user.session_version) != version:
            return None  # unknown, inactive, or signed out since
        return Participant.of(user)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _login_user_limit() -> str:
    return str(current_app.config["LOGIN_USER_RATE_LIMIT"])


def _username() -> str:
    return request.form.get("username", "").strip().lower()


def _address_and_username_key() -> str:
    return f"{get_remote_address()} {_username()}"


def _username_key() -> str:
    return "user:" + _username()


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_address_and_username_key)
@limiter.limit(_login_user_limit, methods=["POST"], key_func=_username_key)
def sign_in() -> ResponseReturnValue:
    username = request.form.get("username", "").strip()
    if request.method == "POST":
        user = identity.verify_password(get_db(), username, request.form.get("password", ""))
        if user is not None:
            _forget_attempts()
            _start_session(Participant.of(user))
            return redirect(local_path(request.args.get("next")) or url_for("inbox.index"))
        return render_template("sign_in.html", username=username,
                               error=_("The username or the password is not right."))
    return render_template("sign_in.html", username=username, error=None)


def _forget_attempts() -> None:
    """The right password clears this address's count for the user (not the per-user one)."""
    key = _address_and_username_key()
    for counted in limiter.current_limits:
        if key in counted.request_args:
            limiter.limiter.clear(counted.limit, *counted.request_args)


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


def _too_many_attempts(error: Exception) -> ResponseReturnValue:
    message = _("Too many failed attempts to sign in. Wait a minute and try again.")
    return render_template("sign_in.html", username=request.form.get("username", ""),
                           error=message), 429
