"""Papers attached at a task (MTG-8): what is taken, how it is stored and versioned, who may
read it (another body's member gets 404), and that each download is recorded."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import instances, tasks
from engine.db import Database
from engine.models import AuditEvent, HumanTask
from engine.outreach_models import StoredFile

from .paper_files import PDF, PROGRAM, docx, odt, papers_case
from .test_inbox import csrf_of, sign_in


@pytest.fixture
def case(db: Database) -> int:
    return papers_case(db)


def _open_task(db: Database, username: str) -> HumanTask:
    [task] = tasks.inbox(db, username)
    return task


def _send(client: FlaskClient, task_id: int, files: list[tuple[bytes, str]],
          field: str = "stukken", kept: list[str] | None = None,
          rows: dict[str, str] | None = None):
    page = client.get(f"/tasks/{task_id}")
    data = {"csrf_token": csrf_of(page.text), field: [(io.BytesIO(c), n) for c, n in files],
            **(rows or {})}
    if kept:
        data["stukken"] = [*kept, *data.get("stukken", [])] if field == "stukken" else kept
    return client.post(f"/tasks/{task_id}", data=data, content_type="multipart/form-data")


def _stored(db: Database) -> list[StoredFile]:
    with db.reading() as session:
        return list(session.scalars(select(StoredFile).order_by(StoredFile.id)))


def test_mtg8_papers_are_stored_and_read_by_the_members_only(app: Flask, db: Database,
                                                            case: int) -> None:
    task = _open_task(db, "sara")
    secretary = app.test_client()
    sign_in(secretary, "sara")
    sent = _send(secretary, task.id, [(PDF, "agenda.pdf"), (docx(), "voorstel.docx")])
    assert sent.status_code == 302
    agenda, proposal = _stored(db)
    assert (proposal.name, proposal.media_type) == (
        "voorstel.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert (agenda.name, agenda.media_type, agenda.version, agenda.uploaded_by) == (
        "agenda.pdf", "application/pdf", 1, "sara")
    assert len(agenda.public_id) >= 32 and agenda.size == len(PDF)
    assert agenda.sha256 == hashlib.sha256(PDF).hexdigest()

    member = app.test_client()
    sign_in(member, "anna")
    listing = member.get(f"/zaken/{case}/stukken")
    assert listing.status_code == 200
    assert "agenda.pdf" in listing.text and "voorstel.docx" in listing.text
    download = member.get(f"/stukken/{agenda.public_id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="agenda.pdf"')
    with db.reading() as session:
        [read] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "file_downloaded"))
    assert (read.actor, read.instance_id, read.details["file"], read.details["name"]) == (
        "anna", case, agenda.public_id, "agenda.pdf")

    outsider = app.test_client()
    sign_in(outsider, "stef")
    assert outsider.get(f"/stukken/{agenda.public_id}").status_code == 404
    assert outsider.get(f"/zaken/{case}/stukken").status_code == 404
    assert member.get("/stukken/no-such-file").status_code == 404
    assert app.test_client().get(f"/stukken/{agenda.public_id}").status_code == 302  # sign in
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.kind == "file_downloaded")) == 1


@pytest.mark.parametrize(("content", "name", "message"), [
    (PROGRAM, "agenda.exe", "“agenda.exe” is geen soort bestand dat wordt aangenomen"),
    (PROGRAM, "agenda.pdf", "De inhoud van “agenda.pdf” is niet wat de naam zegt"),
    (PDF, "agenda.docx", "De inhoud van “agenda.docx” is niet wat de naam zegt"),
    (b"", "leeg.pdf", "“leeg.pdf” is leeg."),
    (PDF + b"x" * 3000, "groot.pdf", "“groot.pdf” is te groot: ten hoogste 0,002 MB per bestand"),
])
def test_a_file_that_is_not_taken_gets_a_message_and_nothing_is_stored(
        app: Flask, db: Database, case: int, content: bytes, name: str, message: str) -> None:
    app.config["FILE_MAX_MB"] = 0.002
    task = _open_task(db, "sara")
    client = app.test_client()
    sign_in(client, "sara")
    refused = _send(client, task.id, [(odt(), "goed.odt"), (content, name)])
    assert refused.status_code == 422
    assert message in refused.text
    assert _stored(db) == []
    assert _open_task(db, "sara").id == task.id  # still open


def test_all_files_of_one_completion_are_held_to_a_limit(app: Flask, db: Database,
                                                          case: int) -> None:
    app.config["TASK_FILES_MAX_MB"] = 0.0002  # one PDF fits, two do not
    client = app.test_client()
    sign_in(client, "sara")
    refused = _send(client, _open_task(db, "sara").id, [(PDF, "a.pdf"), (PDF, "b.pdf")])
    assert refused.status_code == 422 and "samen te groot" in refused.text
    assert _stored(db) == []


def test_a_file_sent_again_by_its_name_is_its_next_version(app: Flask, db: Database,
                                                           case: int) -> None:
    client = app.test_client()
    sign_in(client, "sara")
    _send(client, _open_task(db, "sara").id, [(PDF, "agenda.pdf"), (odt(), "bijlage.odt")],
          rows={"punten-0-titel": "Werkproces"})
    first, attachment = _stored(db)
    revise = _open_task(db, "sara")
    page = client.get(f"/tasks/{revise.id}")
    assert page.status_code == 200
    assert "agenda.pdf, versie 1" in page.text and "bijlage.odt, versie 1" in page.text
    newer = PDF.replace(b"Count 0", b"Count 1")
    assert _send(client, revise.id, [(newer, "agenda.pdf")],
                 kept=[first.public_id, attachment.public_id]).status_code == 302
    files = _stored(db)
    assert [(f.name, f.version) for f in files] == [("agenda.pdf", 1), ("bijlage.odt", 1),
                                                     ("agenda.pdf", 2)]
    data = instances.instance_data(instances.get_instance(db, case))
    assert data["stukken"] == [attachment.public_id, files[2].public_id]
    reader = app.test_client()
    sign_in(reader, "anna")
    assert reader.get(f"/stukken/{first.public_id}").data == PDF  # the old version stays
    assert reader.get(f"/stukken/{files[2].public_id}").data == newer


def test_a_kept_file_must_be_one_of_the_case(app: Flask, db: Database, case: int) -> None:
    other = instances.start_instance(db, "papers", title="Andere zaak", actor="sara",
                                     scope="regiekamer")
    client = app.test_client()
    sign_in(client, "sara")
    first, second = sorted(tasks.inbox(db, "sara"), key=lambda t: t.instance_id)
    assert _send(client, second.id, [(PDF, "geheim.pdf")]).status_code == 302
    [secret] = _stored(db)
    assert secret.instance_id == other.id
    refused = _send(client, first.id, [], kept=[secret.public_id])
    assert refused.status_code == 422 and "hoort niet bij deze zaak" in refused.text


def test_papers_kept_in_a_folder_by_their_hash(db: Database, case: int, tmp_path: Path) -> None:
    from engine.forms import FormRejected
    from engine.papers import FileRefused, FileRules, Upload

    rules = FileRules(folder=tmp_path / "files")
    task = _open_task(db, "sara")
    tasks.complete_task(db, task.id, "sara", {}, files=[Upload("stukken", "a.pdf", PDF)],
                        file_rules=rules)
    [stored] = _stored(db)
    with db.reading() as session:
        assert session.get(StoredFile, stored.id).content is None
    assert (tmp_path / "files" / stored.public_id[:2] / stored.public_id).read_bytes() == PDF

    revise = _open_task(db, "sara")
    with pytest.raises(FormRejected):  # the file is written, then the form refused: removed
        tasks.complete_task(db, revise.id, "sara", {"stukken": []},
                            files=[Upload("verslag", "v.odt", odt())], file_rules=rules)
    with pytest.raises(FileRefused, match="several"):
        tasks.complete_task(db, revise.id, "sara", {"stukken": [stored.public_id]},
                            files=[Upload("verslag", "v.odt", odt()),
                                   Upload("verslag", "w.odt", odt())], file_rules=rules)
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [
        stored.public_id]


def test_a_file_field_inside_a_group_or_row_is_refused_at_deployment() -> None:
    from engine.forms import schema_problem

    nested = {"type": "object", "properties": {"punten": {"type": "array", "items": {
        "type": "object", "properties": {"bijlage": {"type": "string", "format": "file"}}}}}}
    assert "must be a field of the form itself" in (schema_problem(nested) or "")
    assert schema_problem({"type": "object", "properties": {
        "stukken": {"type": "array", "items": {"type": "string", "format": "file"}}}}) is None


def test_old_office_files_are_taken_by_their_container() -> None:
    from engine.papers import FileRules, Upload, check_uploads

    # An OLE2 container whose first sector is a FAT sector: filetype may call it any of them.
    sector = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"\xfd\xff\xff\xff"
              + b"\x00" * 600)
    for name in ("oud.doc", "oud.xls", "oud.ppt"):
        [(_upload, media)] = check_uploads([Upload("stukken", name, sector)], FileRules())
        assert media.startswith("application/")
