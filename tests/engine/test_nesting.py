"""Forms and data nested absurdly deep are refused with one line, before any parser, schema
check or encoder recurses into them (a RecursionError before); nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine import deploy, instances, tasks
from engine.db import Database
from engine.diagrams import form_problem
from engine.errors import DeploymentRejected, InvalidInput
from engine.models import ProcessDefinition, ProcessInstance
from engine.nesting import MAX_DEPTH, text_too_deep, value_too_deep

from ..conftest import DATA, make_user

DEEP = 200_000
TOO_DEEP = f"form is nested too deep (more than {MAX_DEPTH} levels)"


def nested_schema(levels: int) -> str:
    """A JSON Schema whose properties nest ``levels`` objects deep (two JSON levels each),
    written tight: 200,000 JSON levels in 2.3 MB, under the 5 MB a file may have."""
    return '{"properties":{"a":' * levels + "{}" + "}}" * levels


def nested_enum(levels: int) -> str:
    """A field whose only choice is an array ``levels`` deep (0.4 MB at 200,000)."""
    return '{"type":"object","properties":{"a":{"enum":[' + "[" * levels + "]" * levels + "]}}}"


def nested_data(levels: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for _ in range(levels):
        data = {"a": data}
    return data


def forms_with(tmp_path: Path, name: str, text: str) -> Path:
    """A forms/ folder like the tests' own, with ``name`` written as ``text``."""
    forms = tmp_path / "forms"
    forms.mkdir()
    for form in (DATA / "forms").glob("*.json"):
        (forms / form.name).write_text(form.read_text())
    (forms / name).write_text(text)
    return forms


def count(db: Database, model: type) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_depth_is_counted_without_parsing() -> None:
    assert not text_too_deep("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert text_too_deep("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert text_too_deep("[" * DEEP)  # unbalanced: counted all the same
    assert not text_too_deep('{"a": "' + "[{" * DEEP + '", "b": "\\"[["}')  # inside strings
    assert not value_too_deep(nested_data(MAX_DEPTH - 1))  # the outer {} is a level too
    assert value_too_deep(nested_data(MAX_DEPTH))
    assert value_too_deep(nested_data(DEEP))
    looped: dict[str, Any] = {}
    looped["self"] = [looped]
    assert value_too_deep(looped)


def test_a_form_nested_200000_deep_is_one_problem() -> None:
    assert form_problem(nested_schema(DEEP // 2)) == TOO_DEEP
    assert form_problem(nested_enum(DEEP)) == TOO_DEEP
    assert form_problem("[" * DEEP) == TOO_DEEP  # not even JSON: depth is said first
    assert form_problem(nested_schema(MAX_DEPTH // 2 - 1)) is None  # deep, but allowed


@pytest.mark.parametrize(("name", "text"), [
    ("draft-schema.json", nested_schema(DEEP // 2)), ("draft-schema.json", nested_enum(DEEP)),
    ("draft-uischema.json", nested_schema(DEEP // 2))], ids=["properties", "enum", "ui"])
def test_deploy_refuses_a_deeply_nested_form_and_stores_nothing(
        db: Database, tmp_path: Path, name: str, text: str) -> None:
    forms = forms_with(tmp_path, name, text)
    with pytest.raises(DeploymentRejected) as rejected:
        deploy.deploy(db, [DATA / "two_lanes.bpmn", forms])
    assert rejected.value.problems == [f"{forms / name}: {TOO_DEEP}"]
    with pytest.raises(DeploymentRejected):
        deploy.validate_files(db, [DATA / "two_lanes.bpmn", forms])
    assert count(db, ProcessDefinition) == 0


def test_a_form_nested_within_the_limit_is_deployed(db: Database, tmp_path: Path) -> None:
    schema = json.loads(nested_schema(MAX_DEPTH // 2 - 1))
    schema["properties"].update(json.loads((DATA / "forms" / "draft-schema.json").read_text())
                                ["properties"])
    forms = forms_with(tmp_path, "draft-schema.json", json.dumps(schema))
    [deployed] = deploy.deploy(db, [DATA / "two_lanes.bpmn", forms])
    assert deployed.status == "new"


def test_data_nested_200000_deep_is_refused_at_start_and_completion(db: Database) -> None:
    make_user(db, "mia", "Manager ZVH")
    deploy.deploy(db, [DATA / "two_lanes.bpmn", DATA / "forms"])
    with pytest.raises(InvalidInput, match=r"^data is nested too deep \(more than 64 levels\)$"):
        instances.start_instance(db, "two_lanes", data={"x": nested_data(DEEP)}, actor="mia")
    assert count(db, ProcessInstance) == 0
    instances.start_instance(db, "two_lanes", title="Begroting", actor="mia")
    [task] = tasks.inbox(db, "mia")
    with pytest.raises(InvalidInput, match=r"^data is nested too deep"):
        tasks.complete_task(db, task.id, "mia", {"toelichting": nested_data(DEEP)})
    assert tasks.get_task(db, task.id).state == "open"
