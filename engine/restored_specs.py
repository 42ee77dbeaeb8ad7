"""Specs restored once and shared by the workflows of one version as they are loaded.

SpiffWorkflow's specs hold nothing of a workflow, so the instances whose stored specs are the
same text (one version of a process and what it calls) can share one restored copy; loading
an instance then restores its tasks and attributes only. Not a process with an event
sub-process, whose spec changes when that starts.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from threading import Lock
from typing import Any

from .spiff import SERIALIZER, has_event_subprocess

_TOP = ""  # the process's own spec among its sub-process specs

# By the text they were restored from (a digest), the most recently used.
_specs_restored: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
_SPECS_KEPT = 64
_specs_lock = Lock()
_SPEC_REFERENCE = "GovflowRestoredSpec"  # stands in the dictionary for a spec restored before


class _RestoredSpec:
    """Never made: the registry needs a class to restore a reference by."""


SERIALIZER.registry.register(_RestoredSpec, lambda _spec: {},
                             lambda reference: reference["spec"], _SPEC_REFERENCE)


def spec_references(specs: str | None) -> dict[str, Any]:
    """The specs part for SpiffWorkflow's dictionary: references to specs restored once."""
    if specs is None:
        return {}
    key = hashlib.blake2b(specs.encode(), digest_size=16).digest()
    with _specs_lock:
        restored = _specs_restored.get(key)
        if restored is not None:
            _specs_restored.move_to_end(key)
    if restored is None:
        parts = json.loads(specs)
        restored = {_TOP: SERIALIZER.registry.restore(parts["spec"]),
                    **{name: SERIALIZER.registry.restore(spec)
                       for name, spec in parts["subprocess_specs"].items()}}
        if not any(has_event_subprocess(spec) for spec in restored.values()):
            with _specs_lock:
                _specs_restored[key] = restored
                while len(_specs_restored) > _SPECS_KEPT:
                    _specs_restored.popitem(last=False)

    def reference(name: str) -> dict[str, Any]:  # the spec itself, not JSON: never stored
        return {"typename": _SPEC_REFERENCE, "spec": restored[name]}

    return {"spec": reference(_TOP),
            "subprocess_specs": {name: reference(name) for name in restored if name != _TOP}}
