"""The govflow command: a process driven from the shell, JSON for scripts, one-line errors."""

from __future__ import annotations

import json

from ..conftest import DATA, make_user
from ..engine.test_nesting import forms_with, nested_schema


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_drive_a_process_from_the_shell(cli, db) -> None:
    make_user(db, "mia", "Manager ZVH")
    make_user(db, "piet", "Portefeuillehouder ZVH")
    deployed = _json(cli("deploy", str(DATA / "two_lanes.bpmn"), str(DATA / "forms"), "--json"))
    assert deployed == [{"process": "two_lanes", "version": 1, "status": "new"}]
    again = cli("deploy", str(DATA / "two_lanes.bpmn"), str(DATA / "forms"))
    assert again.output.strip() == "two_lanes: version 1 (unchanged)"

    started = _json(cli("start", "two_lanes", "--title", "Begroting 2027", "--data",
                        '{"jaar": 2027}', "--as", "mia", "--json"))
    assert started["status"] == "running" and isinstance(started["id"], int)

    [task] = _json(cli("tasks", "--as", "mia", "--json"))
    assert {k: task[k] for k in ("name", "role", "instance_id", "state")} == {
        "name": "Begroting opstellen", "role": "Manager ZVH", "instance_id": started["id"],
        "state": "open"}
    claimed = _json(cli("claim", str(task["id"]), "--as", "mia", "--json"))
    assert (claimed["state"], claimed["assignee"]) == ("claimed", "mia")
    done = cli("complete", str(task["id"]), "--as", "mia", "--data",
               '{"basistaken": 10, "toelichting": "x"}')
    assert done.exit_code == 0 and "completed by mia" in done.output

    [review] = _json(cli("tasks", "--as", "piet", "--json"))
    cli("complete", str(review["id"]), "--as", "piet", "--data", '{"akkoord": true}')
    shown = _json(cli("show", str(started["id"]), "--json"))
    assert {k: shown[k] for k in ("id", "status", "process", "version")} == {
        "id": started["id"], "status": "completed", "process": "two_lanes", "version": 1}
    assert shown["data"]["jaar"] == 2027
    listed = _json(cli("instances", "--process", "two_lanes", "--status", "completed", "--json"))
    assert [i["id"] for i in listed] == [started["id"]]
    trail = _json(cli("audit", str(started["id"]), "--json"))
    assert [e["kind"] for e in trail] == [
        "instance_started", "task_claimed", "task_completed", "task_completed"]


def test_errors_are_one_line_on_stderr_with_a_non_zero_exit(cli, db) -> None:
    make_user(db, "mia", "Manager ZVH")
    result = cli("start", "nope", "--as", "mia")
    assert result.exit_code == 1
    assert result.output == ("error: no process with key 'nope' is deployed; nothing is "
                             "deployed yet (run govflow deploy)\n")
    assert "Traceback" not in result.output
    bad_json = cli("start", "nope", "--as", "mia", "--data", "{oops")
    assert bad_json.exit_code == 2 and "not valid JSON" in bad_json.output
    assert cli("complete", "999", "--as", "mia").output == "error: no task 999\n"
    not_json = cli("start", "nope", "--as", "mia", "--data", '{"bedrag": NaN}')
    assert not_json.exit_code == 1
    assert not_json.output.startswith("error: data cannot be stored as JSON: Out of range float")


def test_validate_prints_one_line_per_problem(cli, tmp_path) -> None:
    broken = tmp_path / "broken.bpmn"
    broken.write_text((DATA / "two_lanes.bpmn").read_text()
                      .replace("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", ""))
    result = cli("validate", str(broken), str(DATA / "forms"))
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f'{broken}: element review "Begroting bespreken": user task is not in a lane: '
        "put it in the lane of the role that must do it"]
    ok = cli("validate", str(DATA / "two_lanes.bpmn"), str(DATA / "forms"))
    assert ok.exit_code == 0 and "process two_lanes is valid" in ok.output


def test_users_and_user_add(cli, db) -> None:
    added = cli("user", "add", "sam", "--role", "Netwerksecretaris")
    assert added.exit_code == 0 and "password: " in added.output
    assert cli("user", "add", "sam", "--role", "Netwerksecretaris").output == \
        "error: user 'sam' already exists\n"
    unknown = cli("user", "add", "tom", "--role", "Koning")
    assert unknown.exit_code == 1 and "unknown role 'Koning'; known roles:" in unknown.output
    users = _json(cli("users", "--json"))
    assert [(u["username"], u["roles"]) for u in users] == [("sam", ["Netwerksecretaris"])]


def test_seed_is_idempotent_and_prints_the_demo_logins(cli) -> None:
    first = cli("seed")
    assert first.exit_code == 0 and "manager.zvh" in first.output
    second = cli("seed")
    assert "(already there)" in second.output


def test_health(app) -> None:
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok",
                                   "scheduler": "no run completed yet"}


def test_health_says_when_the_database_is_not_migrated(tmp_path) -> None:
    from web import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert "not migrated" in response.get_json()["database"]


def test_a_command_on_a_database_that_is_not_migrated_says_so(tmp_path) -> None:
    from web import create_app
    from web.cli import main

    app = create_app({"TESTING": True, "SECRET_KEY": "t",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    result = app.test_cli_runner().invoke(main, ["validate", str(DATA / "two_lanes.bpmn")])
    assert result.exit_code == 1
    assert result.output.startswith("error: the database refused (no such table: roles)")
    assert "govflow migrate" in result.output
    assert "Traceback" not in result.output


def test_a_deeply_nested_form_or_data_is_one_line_not_a_traceback(cli, db, tmp_path) -> None:
    make_user(db, "mia", "Manager ZVH")
    forms = forms_with(tmp_path, "draft-schema.json", nested_schema(200_000 // 2))
    expected = f"{forms / 'draft-schema.json'}: form is nested too deep (more than 64 levels)\n"
    for command in ("validate", "deploy"):
        result = cli(command, str(DATA / "two_lanes.bpmn"), str(forms))
        assert (result.exit_code, result.output) == (1, expected), result.exception
    deployed = cli("deploy", str(DATA / "two_lanes.bpmn"), str(DATA / "forms"))
    assert deployed.exit_code == 0  # nothing of the refused deployment was kept
    assert deployed.output == "two_lanes: version 1 (new)\n"

    deep = '{"a": ' * 200_000 + "1" + "}" * 200_000
    started = cli("start", "two_lanes", "--as", "mia", "--data", deep)
    assert started.exit_code == 2, started.exception
    assert started.output.endswith("Error: Invalid value for '--data': the JSON is nested too "
                                   "deep (more than 64 levels)\n")
    assert cli("instances").output == "no instances\n"
