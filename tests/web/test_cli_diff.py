"""``govflow diff KEY A B`` prints the lines of the diff page: the changes, then what only
moved on the drawing; ``--json`` gives scripts the structured changes as well."""

from __future__ import annotations

import json

from engine.db import Database

from .meeting_versions import KEY, deploy_two_meetings


def test_diff_prints_the_lines_of_the_diff_page(cli, db: Database) -> None:
    deploy_two_meetings(db)
    result = cli("diff", KEY, "1", "2")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Timer 'Termijn inbreng verstreken' op 'Agendapunten aandragen': P7D → P14D",
        "Exclusieve splitsing 'Verslag akkoord?': het standaardpad gaat nu naar "
        "'Verslag vastgesteld' (was naar 'Verslag opstellen')",
        "Pad 'ja' van 'Verslag akkoord?' naar 'Verslag vastgesteld': voorwaarde verwijderd "
        "(was verslag_akkoord == True)",
        "Pad 'nee' van 'Verslag akkoord?' naar 'Verslag opstellen': voorwaarde toegevoegd: "
        "verslag_akkoord != True",
        "Formulier 'Vergadering plannen': veld 'toelichting' toegevoegd",
        "",
        "Alleen verplaatst op de tekening:",
        "Procesaanroep 'Besluitvorming per agendapunt' verplaatst op de tekening",
    ]
    english = cli("diff", KEY, "1", "2", "--language", "en").output.splitlines()
    assert english[0] == ("Timer 'Termijn inbreng verstreken' on 'Agendapunten aandragen': "
                          'P7D → P14D')


def test_diff_as_json_and_of_an_unknown_version(cli, db: Database) -> None:
    deploy_two_meetings(db)
    listed = json.loads(cli("diff", KEY, "1", "2", "--json").output)
    assert listed[0] == {
        "kind": "changed", "element": "termijn_agenda_verstreken", "type": "boundaryEvent",
        "name": "Termijn inbreng verstreken", "aspect": "timer", "detail": "", "old": '"P7D"',
        "new": '"P14D"', "text": listed[0]["text"]}
    assert listed[1]["aspect"] == "default" and listed[1]["new"] == "Verslag vastgesteld"
    assert listed[-1]["kind"] == "moved" and listed[-1]["element"] == "besluitvorming"
    unknown = cli("diff", KEY, "1", "3")
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "error: process 'meeting' has no version 3"
