"""Small real files of the kinds papers come in, made in memory (PDF, DOCX and ODT), and a case
of the Regiekamer to attach them to."""

from __future__ import annotations

import io
import zipfile

from engine import instances
from engine.db import Database

from ..conftest import deploy_data, make_user

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


# A program, named as if it were a PDF.
PROGRAM = b"MZ\x90\x00" + b"\x00" * 200


def papers_case(db: Database) -> int:
    """A case of the Regiekamer whose secretary sara adds papers; anna is a member, stef is a
    member of the Stuurgroep."""
    make_user(db, "sara", "Secretaris", scope="regiekamer")
    make_user(db, "anna", "Lid", scope="regiekamer")
    make_user(db, "stef", "Lid", scope="stuurgroep")
    deploy_data(db, "papers.bpmn")
    return instances.start_instance(db, "papers", title="Vergadering Regiekamer", actor="sara",
                                    scope="regiekamer").id
