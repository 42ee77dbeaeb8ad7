"""The portefeuillehouders ZVH: their term (POR-2) and their appointment (POR-1).

After each municipal election the DVO appoints a burgemeester and the VvG Veilig Thuis a
wethouder zorg as "Portefeuillehouder ZVH" (covenant art. 4.1). The appointment is a change of
role assignments, dated: the new holder holds the role from the appointment date until the end
of the council term, the one who leaves holds it until the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.identity import find_user, holds_role
from engine.models import RoleAssignment, User
from engine.runtime import current_step

PORTFOLIO_ROLE = "Portefeuillehouder ZVH"
# Regular municipal elections are held every four years in March: 2022, 2026, 2030, ...
FIRST_REGULAR_ELECTION = 2022
WEDNESDAY = 2


def council_term_start(election_year: int) -> date:
    """The day the council elected in ``election_year`` takes office.

    Kieswet art. C 4: the sitting councils step down together on the Wednesday between
    29 March and 4 April, and the new council starts that day.
    """
    _check_election_year(election_year)
    first = date(election_year, 3, 29)
    return first + timedelta(days=(WEDNESDAY - first.weekday()) % 7)


def council_term_end(election_year: int) -> date:
    """POR-2: the last day of the council term that starts after the election of that year.

    The day before the next council takes office; elections for a municipal merger
    (herindeling) are left out: the network follows the regular term.
    """
    _check_election_year(election_year)
    return council_term_start(election_year + 4) - timedelta(days=1)


def _check_election_year(year: int) -> None:
    if year < FIRST_REGULAR_ELECTION or year % 4 != FIRST_REGULAR_ELECTION % 4:
        raise ValueError(f"{year} is not the year of a regular municipal election "
                         f"(every four years: {FIRST_REGULAR_ELECTION}, "
                         f"{FIRST_REGULAR_ELECTION + 4}, ...)")


def council_term_end_iso(election_year: int) -> str:
    """``council_term_end`` for diagram scripts (instance data holds ISO dates)."""
    return council_term_end(int(election_year)).isoformat()


@dataclass(frozen=True)
class Appointment:
    """One portefeuillehouder appointed by its body, optionally naming whom they succeed."""

    username: str
    on: date
    predecessor: str | None = None


def appointee_problem(session: Session, username: str, member_role: str, on: date,
                      term_end: date, predecessor: str | None = None) -> str:
    """Why an appointment cannot be carried out (in Dutch, for the form), or "" when it can."""
    user = find_user(session, username)
    if user is None or not user.is_active:
        return f"Gebruiker {username!r} bestaat niet of is niet actief."
    if not holds_role(session, username, member_role):
        # POR-1: the DVO appoints one of its mayors, the VvG Veilig Thuis one of its aldermen.
        return f"{username} is geen {member_role} en kan daarom niet namens hen worden aangewezen."
    if on > term_end:
        return f"De benoemingsdatum {on.isoformat()} ligt na het einde van de zittingstermijn " \
               f"({term_end.isoformat()})."
    if predecessor and not _open_assignments(session, predecessor, on):
        return f"{predecessor} is op {on.isoformat()} geen {PORTFOLIO_ROLE}."
    return ""


def change_portfolio_holders(session: Session, appointments: list[Appointment], term_end: date,
                             actor: str | None = None) -> list[RoleAssignment]:
    """Give the role to the appointed from their date until ``term_end``; end the previous holders.

    A named predecessor (and a re-appointed holder's current assignment) ends the day before
    the successor starts. Holders nobody named leave when the new pair is complete: the day
    before the later appointment, so that no seat is ever empty.
    """
    users = {a.username: _require_user(session, a.username) for a in appointments}
    for a in appointments:
        if a.on > term_end:
            raise ValueError(f"{a.username} cannot start on {a.on} after the term ends "
                             f"({term_end})")
        if a.predecessor and not _open_assignments(session, a.predecessor, a.on):
            raise ValueError(f"{a.predecessor} holds no {PORTFOLIO_ROLE!r} assignment to end")
        for leaving in {a.username, a.predecessor} - {None}:
            _end(session, _open_assignments(session, leaving, a.on), a.on, actor)
    complete_on = max(a.on for a in appointments)
    _end(session, _open_assignments(session, None, complete_on), complete_on, actor)
    new = []
    for a in appointments:
        assignment = RoleAssignment(role=PORTFOLIO_ROLE, valid_from=a.on, valid_until=term_end)
        users[a.username].assignments.append(assignment)
        new.append(assignment)
        audit.record(session, "role_assigned", actor, details={
            "username": a.username, "role": PORTFOLIO_ROLE, "scope": None,
            "valid_from": a.on.isoformat(), "valid_until": term_end.isoformat()})
    session.flush()
    return new


def _require_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None or not user.is_active:
        raise ValueError(f"no active user {username!r} to appoint as {PORTFOLIO_ROLE}")
    return user


def _open_assignments(session: Session, username: str | None, on: date) -> list[RoleAssignment]:
    """The role's assignments (of one user, or of all) that started before ``on`` and run on."""
    query = select(RoleAssignment).where(
        RoleAssignment.role == PORTFOLIO_ROLE, RoleAssignment.valid_from < on,
        (RoleAssignment.valid_until.is_(None)) | (RoleAssignment.valid_until >= on))
    if username is not None:
        query = query.join(RoleAssignment.user).where(User.username == username)
    return list(session.scalars(query))


def _end(session: Session, assignments: list[RoleAssignment], on: date,
         actor: str | None) -> None:
    for assignment in assignments:
        assignment.valid_until = on - timedelta(days=1)
        audit.record(session, "role_ended", actor, details={
            "username": assignment.user.username, "role": assignment.role,
            "scope": assignment.scope, "valid_until": assignment.valid_until.isoformat()})
    session.flush()


# The operators of portfolio_appointment's service tasks: they work in the step's transaction.

def check_appointee(username: str, member_role: str, appointed_on: str, term_end: str,
                    predecessor: str | None = None) -> str:
    session, _actor = current_step()
    return appointee_problem(session, username.strip(), member_role,
                             date.fromisoformat(appointed_on), date.fromisoformat(term_end),
                             (predecessor or "").strip() or None)


def change_portfolio_holders_operator(mayor: str, mayor_on: str, alderman: str,
                                      alderman_on: str, term_end: str,
                                      mayor_predecessor: str | None = None,
                                      alderman_predecessor: str | None = None
                                      ) -> list[dict[str, Any]]:
    session, actor = current_step()
    appointments = [
        Appointment(mayor.strip(), date.fromisoformat(mayor_on),
                    (mayor_predecessor or "").strip() or None),
        Appointment(alderman.strip(), date.fromisoformat(alderman_on),
                    (alderman_predecessor or "").strip() or None),
    ]
    new = change_portfolio_holders(session, appointments, date.fromisoformat(term_end), actor)
    return [{"gebruiker": a.username, "van": n.valid_from.isoformat(),
             "tot_en_met": term_end} for a, n in zip(appointments, new, strict=True)]
