"""Languages: Dutch by default, English by a switch on every page (kept in the session).

Messages are written in English and translated in ``web/translations/<lang>/LC_MESSAGES``.
The compiled ``.mo`` files are build output (not in git): ``make install`` compiles them, and
the application compiles a catalogue whose ``.mo`` is missing or older than its ``.po`` when it
starts, so a fresh clone works without a build step.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_babel import Babel, get_locale

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT_LANGUAGE = "nl"
# The language of the diagrams' texts (task names, documentation, form labels): pages mark
# them with it, so that a screen reader in English still reads them as Dutch.
DIAGRAM_LANGUAGE = "nl"
TRANSLATIONS = Path(__file__).parent / "translations"
_SESSION_KEY = "language"

babel = Babel()
bp = Blueprint("i18n", __name__)
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam")
    compile_catalogues()
    babel.init_app(app, locale_selector=_chosen_language)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language,
                                 DIAGRAM_LANGUAGE=DIAGRAM_LANGUAGE)


def compile_catalogues(folder: Path = TRANSLATIONS) -> list[Path]:
    """Compile every ``.po`` whose ``.mo`` is missing or stale; returns the files written."""
    written = []
    for po_path in sorted(folder.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            with po_path.open("rb") as po_file:
                catalogue = read_po(po_file)
            _write_atomically(mo_path, catalogue)
        except OSError as err:  # a read-only installation: run `make install` to compile
            log.warning("cannot compile %s: %s", po_path, err)
            continue
        written.append(mo_path)
    return written


def _write_atomically(mo_path: Path, catalogue: Catalog) -> None:
    """Write to a file beside it, then rename: two workers starting at once, or a crash midway,
    never leave a half-written catalogue that the app would read."""
    handle, temporary = tempfile.mkstemp(dir=mo_path.parent, prefix=".", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as mo_file:
            write_mo(mo_file, catalogue)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; a catalogue is not
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _chosen_language() -> str:
    chosen = session.get(_SESSION_KEY)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


@bp.post("/language")
def switch_language() -> ResponseReturnValue:
    language = request.form.get("language", "")
    if language in LANGUAGES:
        session[_SESSION_KEY] = language
    return redirect(local_path(request.form.get("next")) or "/")


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (never another host: no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target):
        return None
    return target
