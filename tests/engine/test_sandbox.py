"""The script sandbox: diagram code reaches the instance data and the helpers, nothing else."""

from __future__ import annotations

import pytest

from engine.sandbox import SandboxEnvironment, ScriptRefused

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "[c for c in ().__class__.__mro__[1].__subclasses__()]",
    "__import__('os')",
    "getattr(1, '__class__')",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x = 1')",
    "'{0.__class__}'.format(1)",
    "type(1)",
    "globals()",
    "(lambda: 1).__globals__",
    "data.__class__",
]


@pytest.fixture
def sandbox() -> SandboxEnvironment:
    return SandboxEnvironment({"double": lambda x: 2 * x})


@pytest.mark.parametrize("code", ESCAPES)
def test_escapes_are_refused(sandbox: SandboxEnvironment, code: str) -> None:
    with pytest.raises((ScriptRefused, NameError, NotImplementedError, SyntaxError)):
        sandbox.evaluate(code, {"data": {}})


@pytest.mark.parametrize("script", ["import os", "from os import path", "import subprocess"])
def test_imports_are_refused(sandbox: SandboxEnvironment, script: str) -> None:
    with pytest.raises(ImportError):
        sandbox.execute(script, {})


def test_ordinary_scripts_work_on_the_data(sandbox: SandboxEnvironment) -> None:
    data = {"bedragen": [3, 1, 2], "teller": 1}
    sandbox.execute(
        "totaal = sum(bedragen)\nteller += 1\nbedragen.append(double(teller))\n"
        "overzicht = {'max': max(bedragen)}\noverzicht['gesorteerd'] = sorted(bedragen)\n"
        "for i, b in enumerate(bedragen):\n    laatste = (i, b)\n",
        data,
    )
    assert data == {"bedragen": [3, 1, 2, 4], "teller": 2, "totaal": 6,
                    "overzicht": {"max": 4, "gesorteerd": [1, 2, 3, 4]}, "laatste": (3, 4),
                    "i": 3, "b": 4}
    assert sandbox.evaluate("totaal > 5 and len(bedragen) == 4", data) is True


def test_a_data_field_may_not_hide_a_helper(sandbox: SandboxEnvironment) -> None:
    with pytest.raises(ScriptRefused, match="double"):
        sandbox.execute("x = 1", {"double": 3})
