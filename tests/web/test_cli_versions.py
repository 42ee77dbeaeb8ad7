"""``govflow versions KEY`` lists what the version page lists; ``deploy --note`` keeps a note."""

from __future__ import annotations

import json

from engine import drafts, instances
from engine.process_owners import PROCESS_OWNER_ROLE

from ..conftest import DATA, make_user


def test_versions_lists_notes_deployers_running_instances_and_the_draft(cli, db) -> None:
    make_user(db, "mia", "Manager ZVH")
    make_user(db, "olga", PROCESS_OWNER_ROLE)
    files = (str(DATA / "two_lanes.bpmn"), str(DATA / "forms"))
    assert cli("deploy", *files, "--as", "tester", "--note", "Eerste versie").exit_code == 0
    instances.start_instance(db, "two_lanes", title="Begroting 2027", data={"jaar": 2027},
                             actor="mia")
    xml = (DATA / "two_lanes.bpmn").read_text()
    saved = drafts.save_draft(db, "two_lanes", xml.replace("Begroting opstellen", "Opstellen"),
                              "olga", None)
    drafts.deploy_draft(db, "two_lanes", "olga", "Taak hernoemd\nvoor de duidelijkheid",
                        saved.revision)
    drafts.save_draft(db, "two_lanes", xml, "olga", None)

    listed = json.loads(cli("versions", "two_lanes", "--json").output)
    assert [(v["version"], v["deployed_by"], v["change_note"], v["running"]) for v in listed] == [
        (2, "olga", "Taak hernoemd\nvoor de duidelijkheid", 0), (1, "tester", "Eerste versie", 1)]
    text = cli("versions", "two_lanes").output.splitlines()
    assert text[0].split()[0] == "2" and text[0].endswith("Taak hernoemd voor de duidelijkheid")
    assert "running: 1" in text[1]
    assert text[2].startswith("draft: revision 1, saved by olga")


def test_versions_of_an_unknown_process_is_one_line(cli, db) -> None:
    result = cli("versions", "onbekend")
    assert result.exit_code == 1
    assert result.output.strip() == "error: no process with key 'onbekend'"
