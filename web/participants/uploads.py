"""Files sent with a task's form: read from the request for the engine, the settings that
limit them, and the names of the files kept from before for the form to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage, MultiDict

from engine.outreach_models import StoredFile
from engine.papers import MEGABYTE, FileRules, Upload, file_fields

from ..inbox.fields import Field


def file_rules() -> FileRules:
    config = current_app.config
    folder = config.get("FILES_FOLDER")
    return FileRules(int(float(config["FILE_MAX_MB"]) * MEGABYTE),
                     int(float(config["TASK_FILES_MAX_MB"]) * MEGABYTE),
                     Path(folder) if folder else None)


def uploads_of(files: MultiDict[str, FileStorage], schema: dict[str, Any]) -> list[Upload]:
    """The files chosen in the form's file fields (a field left empty sends one without name).
    Each is read up to one byte past the limit, which is enough to refuse it."""
    limit = file_rules().per_file + 1
    return [Upload(name, storage.filename, storage.stream.read(limit))
            for name in file_fields(schema)
            for storage in files.getlist(name) if storage.filename]


def name_files(fields: list[Field], files: dict[str, StoredFile],
               values: dict[str, Any]) -> None:
    """Give each file field the files it held and holds, as (id, "name, version n"), to keep
    or not (the ones kept are in ``value``)."""
    for field in fields:
        if field.widget in ("file", "files"):
            held = values.get(field.name)
            ids = [held] if isinstance(held, str) else list(held or [])
            ids += [i for i in field.value if i not in ids]
            field.options = [(public_id, _("%(name)s, version %(version)d",
                                           name=files[public_id].name,
                                           version=files[public_id].version))
                             for public_id in ids if public_id in files]
