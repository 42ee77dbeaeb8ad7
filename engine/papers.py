"""Papers attached at a task: a meeting's agenda and papers, a draft budget, the minutes.

A task's form names its file fields (``"format": "file"`` on a text, or on the items of a
list). The files arrive with the completion and are stored in its transaction, so that a
refused completion stores nothing. Only PDF, Office and ODF files are taken, and only when
their content is what their name says; each file and all files of one completion are held to
a size limit. A file is served by a random name to those who may see its instance (MTG-8),
and each download is in the audit trail.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import filetype
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .errors import InvalidInput
from .models import HumanTask
from .outreach_models import StoredFile

MEGABYTE = 1024 * 1024
# What each name may hold, by its extension: the media type its content must have.
ALLOWED = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    field: str
    name: str
    content: bytes


@dataclass(frozen=True)
class FileRules:
    """Settings: the largest file, the most all files of one completion may weigh, and the
    folder that keeps the content (None: the database)."""

    per_file: int = 20 * MEGABYTE
    per_task: int = 50 * MEGABYTE
    folder: Path | None = None


DEFAULT_RULES = FileRules()


class FileRefused(InvalidInput):
    """A file that is not taken; ``problems`` maps its field to the reason and ``file`` names it:
    ``type`` (not allowed), ``content`` (not what its name says), ``size``, ``total``,
    ``empty``, ``several`` (more than one for a field of one file), ``unknown`` (a kept file
    that is not of this field)."""

    def __init__(self, field: str, reason: str, name: str) -> None:
        super().__init__(f"the file {name!r} of {field!r} is refused: {reason}", {field: reason})
        self.field, self.reason, self.file = field, reason, name


def file_fields(schema: dict[str, Any] | None) -> dict[str, bool]:
    """The form's file fields, each with whether it takes several files."""
    found = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        if prop.get("type") == "string" and prop.get("format") == "file":
            found[name] = False
        elif prop.get("type") == "array" and items.get("format") == "file" \
                and items.get("type") == "string":
            found[name] = True
    return found


def misplaced_file_field(schema: dict[str, Any]) -> str | None:
    """A file field anywhere but among the form's own fields (or as the items of one of them)
    is refused at deployment: files come with the form's top level only."""
    allowed = set()
    for prop in (schema.get("properties") or {}).values():
        if isinstance(prop, dict):
            allowed.add(id(prop))
            if isinstance(prop.get("items"), dict):
                allowed.add(id(prop["items"]))
    for part in _parts(schema):
        if part.get("format") == "file" and id(part) not in allowed:
            return ('a file field ("format": "file") must be a field of the form itself, '
                    "not inside a group or a row")
        if part.get("format") == "file" and part.get("type") != "string":
            return 'a file field ("format": "file") must have "type": "string"'
    return None


def _parts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _parts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _parts(inner)


def clean_name(name: str) -> str:
    """The file's own name, without a folder, control characters or surrounding space."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[-MAX_NAME:]


def check_uploads(uploads: Sequence[Upload], rules: FileRules) -> list[tuple[Upload, str]]:
    """Each upload with its media type; FileRefused for the first that is not taken."""
    checked, total = [], 0
    for upload in uploads:
        name = upload.name
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in ALLOWED:
            raise FileRefused(upload.field, "type", name)
        if not upload.content:
            raise FileRefused(upload.field, "empty", name)
        if len(upload.content) > rules.per_file:
            raise FileRefused(upload.field, "size", name)
        total += len(upload.content)
        if total > rules.per_task:
            raise FileRefused(upload.field, "total", name)
        if not _is(upload.content, extension):
            raise FileRefused(upload.field, "content", name)
        checked.append((upload, ALLOWED[extension]))
    return checked


# The old Office formats are one container (OLE2) whose kind filetype cannot always tell:
# a .doc, .xls or .ppt is taken when it is that container and nothing else is recognised.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LEGACY = {"doc", "xls", "ppt"}


def _is(content: bytes, extension: str) -> bool:
    guessed = filetype.guess_mime(content)
    if guessed == ALLOWED[extension]:
        return True
    return (extension in LEGACY and content.startswith(OLE2)
            and guessed in (None, *(ALLOWED[e] for e in LEGACY)))


def attach_files(session: Session, task: HumanTask, schema: dict[str, Any] | None,
                 data: dict[str, Any], uploads: Sequence[Upload], actor: str,
                 rules: FileRules, written: list[Path]) -> dict[str, Any]:
    """``data`` with each file field holding the files kept from before and the new ones; a
    new file with the name of an earlier one of the field is its next version and takes its
    place. Paths of content written to the folder are added to ``written``."""
    fields = file_fields(schema)
    uploads = [Upload(u.field, clean_name(u.name), u.content) for u in uploads]
    for upload in uploads:
        if upload.field not in fields:
            raise FileRefused(upload.field, "type", upload.name)
    for field, several in fields.items():
        sent = [u for u in uploads if u.field == field]
        if not several and len(sent) > 1:
            raise FileRefused(field, "several", sent[1].name)
    checked = check_uploads(uploads, rules)
    result = dict(data)
    for field, several in fields.items():
        kept = _kept(session, task.instance_id, field, data.get(field))
        new = [_store(session, task, field, u, media, actor, rules, written)
               for u, media in checked if u.field == field]
        names = {f.name for f in new}
        files = [f for f in kept if f.name not in names] + new
        if several:
            result[field] = [f.public_id for f in files]
        elif files:
            result[field] = files[-1].public_id
        else:
            result.pop(field, None)
    return result


def _kept(session: Session, instance_id: int, field: str, value: Any) -> list[StoredFile]:
    if value is None:
        wanted = []
    elif isinstance(value, str):
        wanted = [value]
    elif isinstance(value, list):
        wanted = value
    else:
        raise FileRefused(field, "unknown", str(value)[:60])
    if not all(isinstance(v, str) for v in wanted):
        raise FileRefused(field, "unknown", str(wanted)[:60])
    if not wanted:
        return []
    found = {f.public_id: f for f in session.scalars(select(StoredFile).where(
        StoredFile.public_id.in_(wanted), StoredFile.instance_id == instance_id,
        StoredFile.field == field))}
    missing = [v for v in wanted if v not in found]
    if missing:
        raise FileRefused(field, "unknown", missing[0])
    return [found[v] for v in wanted]


def _store(session: Session, task: HumanTask, field: str, upload: Upload, media: str,
           actor: str, rules: FileRules, written: list[Path]) -> StoredFile:
    digest = hashlib.sha256(upload.content).hexdigest()
    latest = session.scalar(select(func.max(StoredFile.version)).where(
        StoredFile.instance_id == task.instance_id, StoredFile.field == field,
        StoredFile.name == upload.name)) or 0
    stored = StoredFile(public_id=secrets.token_urlsafe(24), instance_id=task.instance_id,
                        task_id=task.id, field=field, name=upload.name, media_type=media,
                        size=len(upload.content), sha256=digest, version=latest + 1,
                        uploaded_by=actor)
    if rules.folder is None:
        stored.content = upload.content
    else:  # a file of its own: a failed completion removes exactly what it wrote
        path = stored_path(rules.folder, stored)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as out:
            out.write(upload.content)
        os.replace(temporary, path)
        written.append(path)
    session.add(stored)
    session.flush()
    return stored


@contextmanager
def removed_on_failure(written: list[Path]) -> Iterator[None]:
    """Content written to the folder by a completion that then failed is taken away again."""
    try:
        yield
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def files_of(session: Session, instance_id: int) -> list[StoredFile]:
    """The instance's files, newest version first within each name (no content)."""
    return list(session.scalars(select(StoredFile).where(StoredFile.instance_id == instance_id)
                                .order_by(StoredFile.field, StoredFile.name,
                                          StoredFile.version.desc())))


def stored_path(folder: Path, stored: StoredFile) -> Path:
    """Where the folder keeps a file: by its random id, never by its name."""
    return folder / stored.public_id[:2] / stored.public_id


def content_of(stored: StoredFile, rules: FileRules) -> bytes:
    if stored.content is not None:
        return stored.content
    if rules.folder is None:
        raise FileNotFoundError(f"the content of {stored.name!r} is in no folder")
    return stored_path(rules.folder, stored).read_bytes()

