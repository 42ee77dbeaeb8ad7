"""Translations: the Dutch catalogue is complete, and a stale compiled catalogue is rebuilt."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from web.i18n import TRANSLATIONS, compile_catalogues

WEB = Path(__file__).parents[2] / "web"


def test_every_message_in_the_code_has_a_dutch_translation() -> None:
    """Extracted afresh (as babel.cfg says), so a new message without translation fails here."""
    found = extract_from_dir(WEB, method_map=[("**.py", "python"),
                                              ("**/templates/**.html", "jinja2")],
                             keywords={**DEFAULT_KEYWORDS, "lazy_gettext": None})
    wanted = {m[2] if isinstance(m[2], str) else m[2][0] for m in found}
    with (TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as dutch:
        catalogue = read_po(dutch)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue
                  if m.id and m.string and not m.fuzzy}
    assert len(wanted) > 50
    assert wanted <= translated, sorted(wanted - translated)


def test_a_missing_or_stale_mo_is_compiled(tmp_path: Path) -> None:
    shutil.copytree(TRANSLATIONS, tmp_path / "t")
    for mo in (tmp_path / "t").rglob("*.mo"):
        mo.unlink()
    written = compile_catalogues(tmp_path / "t")
    assert [p.name for p in written] == ["messages.mo"]
    assert compile_catalogues(tmp_path / "t") == []  # up to date: nothing to do
    po = written[0].with_suffix(".po")
    os.utime(po, (written[0].stat().st_mtime + 10,) * 2)
    assert compile_catalogues(tmp_path / "t") == written


def test_a_catalogue_is_replaced_whole_or_not_at_all(tmp_path: Path, monkeypatch) -> None:
    """A write that fails halfway (a full disk, a crash) leaves the old .mo as it was."""
    shutil.copytree(TRANSLATIONS, tmp_path / "t")
    [mo] = compile_catalogues(tmp_path / "t") or list((tmp_path / "t").rglob("*.mo"))
    before = mo.read_bytes()
    os.utime(mo.with_suffix(".po"), (mo.stat().st_mtime + 10,) * 2)

    def half_written(file, catalogue):
        file.write(b"\xde\x12\x04\x95 half")
        raise OSError("no space left on device")

    monkeypatch.setattr("web.i18n.write_mo", half_written)
    assert compile_catalogues(tmp_path / "t") == []
    assert mo.read_bytes() == before
    assert sorted(p.name for p in mo.parent.iterdir()) == ["messages.mo", "messages.po"]
