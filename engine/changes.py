"""The changes between two versions of a process, as structured records: what changed
(``Subject``), how (``kind``, ``aspect``, ``detail``) and from what to what. Pages, the CLI
and the API put them in words; the engine never does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .diagram_facts import Facts

ADDED, REMOVED, CHANGED, MOVED = "added", "removed", "changed", "moved"
# Resources of a version: the forms, their layouts and the decision tables it ships with.
RESOURCE_TYPES = frozenset({"form", "uiSchema", "dmn", "file"})


@dataclass(frozen=True)
class Subject:
    """An element of the diagram (by id) or a resource (by file name), with what a reader
    needs to recognise it: names, not ids, wherever the diagram gives one."""

    id: str
    type: str  # the BPMN element ("userTask", "lane"), or a resource type
    name: str = ""
    event: str = ""  # events: the kind of their definition ("timer", "message")
    host: str = ""  # boundary events: the name of the activity they are attached to
    source: str = ""  # sequence and message flows: the names of both ends
    target: str = ""
    used_by: tuple[str, ...] = ()  # resources: the elements that show the form

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_resource(self) -> bool:
        return self.type in RESOURCE_TYPES


@dataclass(frozen=True)
class Change:
    """One change. For ``changed``, ``aspect``/``detail`` say what changed; ``old`` is None
    when it was added, ``new`` None when it was removed."""

    kind: str
    subject: Subject
    aspect: str = ""
    detail: str = ""
    old: str | None = None
    new: str | None = None


@dataclass(frozen=True)
class Diff:
    """What matters for execution, in the order of the newer diagram, and apart from it what
    only moved on the drawing."""

    changes: tuple[Change, ...]
    moved: tuple[Change, ...]

    def markers(self) -> tuple[dict[str, str], dict[str, str]]:
        """Element id -> kind, for the newer diagram and for the older one (whose removed
        elements the newer does not have)."""
        rank = {ADDED: 3, CHANGED: 2, MOVED: 1}
        newer: dict[str, str] = {}
        older: dict[str, str] = {}

        def mark(element: str, kind: str) -> None:
            if rank[kind] > rank.get(newer.get(element, ""), 0):
                newer[element] = kind

        for change in self.moved:
            mark(change.subject.id, MOVED)
        for change in self.changes:
            subject = change.subject
            if subject.is_resource:
                for element in subject.used_by:
                    mark(element, CHANGED)
            elif change.kind == REMOVED:
                older[subject.id] = REMOVED
            else:
                mark(subject.id, change.kind)
                if change.kind == CHANGED:
                    older[subject.id] = CHANGED
        return newer, older


Shown = Callable[[str, str | None], str | None]


def compare_facts(subject: Subject, before: Facts, after: Facts,
                  shown_before: Shown | None = None,
                  shown_after: Shown | None = None) -> list[Change]:
    """One change per fact that differs, in the order of the newer facts; ``shown_*`` turn a
    fact into what a reader sees (a lane's id into its name)."""
    def plain(aspect: str, value: str | None) -> str | None:
        return value

    before_text, after_text = shown_before or plain, shown_after or plain
    changes = []
    for key in list(after) + [key for key in before if key not in after]:
        if before.get(key) != after.get(key):
            aspect, detail = key
            changes.append(Change(CHANGED, subject, aspect, detail,
                                  before_text(aspect, before.get(key)),
                                  after_text(aspect, after.get(key))))
    return changes
