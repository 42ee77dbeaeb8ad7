"""The partner organisations of the network: the catalogue and admission as a partner (ADM-3)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import today
from engine.runtime import current_step

from .models import Organisation
from .subregions import SUBREGIONS

KINDS = ("gemeente", "zorg", "veiligheid", "justitie", "financier", "ervaringsperspectief")
# What the admission form offers for an organisation that works in all three sub-regions.
REGION_WIDE = "Heel Noord- en Oost-Gelderland"


@dataclass(frozen=True)
class Partner:
    name: str
    kind: str


# The network at the Stamtafel as the vision names it ("Het netwerk aan de Stamtafel",
# ch. 2a i; ch. 4 makes every one of them name an administrator and an adviser). The vision
# names kinds of organisation, not the individual organisations, nor the 22 municipalities.
NETWORK: tuple[Partner, ...] = (
    Partner("Gemeenten", "gemeente"),
    Partner("Maatschappelijke Opvang en Beschermd Thuis", "zorg"),
    Partner("Vrouwenopvang", "zorg"),
    Partner("Veilig Thuis", "zorg"),
    Partner("GGZ en verslavingszorg", "zorg"),
    Partner("Verstandelijk gehandicaptenzorg", "zorg"),
    Partner("Jeugdzorg", "zorg"),
    Partner("Ouderenzorg", "zorg"),
    Partner("Het ervarings- en herstelperspectief", "ervaringsperspectief"),
    Partner("Politie", "veiligheid"),
    Partner("Openbaar ministerie", "justitie"),
    Partner("Reclassering", "justitie"),
    Partner("Penitentiaire inrichting", "justitie"),
    # "Financiers van zorg (gemeenten, zorgkantoor, zorgverzekeraar)": the municipalities
    # are listed above already.
    Partner("Zorgkantoor", "financier"),
    Partner("Zorgverzekeraar", "financier"),
)


def code_for(name: str) -> str:
    """A stable code from a name: 'GGZ en verslavingszorg' -> 'ggz-en-verslavingszorg'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60]


def seed_organisations(session: Session) -> list[Organisation]:
    """Add the partners of the network that are missing (by code); returns those added."""
    known = set(session.scalars(select(Organisation.code)))
    added = []
    for partner in NETWORK:
        code = code_for(partner.name)
        if code not in known:
            organisation = Organisation(code=code, name=partner.name, kind=partner.kind,
                                        is_partner=True)
            session.add(organisation)
            added.append(organisation)
            known.add(code)
    session.flush()
    return added


def partners(session: Session) -> list[Organisation]:
    """The partners of the covenant, by name."""
    return list(session.scalars(
        select(Organisation).where(Organisation.is_partner.is_(True)).order_by(Organisation.name)))


def find_organisation(session: Session, name: str) -> Organisation | None:
    return session.scalars(select(Organisation).where(
        (Organisation.name == name) | (Organisation.code == code_for(name)))).first()


def register_partner(session: Session, *, name: str, kind: str, administrator: str,
                     adviser: str, admitted_on: date | None = None,
                     sub_region: str | None = None) -> Organisation:
    """ADM-3: make an admitted organisation a partner with its two representatives.

    An organisation already in the catalogue (e.g. one that left earlier) becomes a partner
    again with the new representatives; a partner cannot be admitted twice.
    """
    name, administrator, adviser = name.strip(), administrator.strip(), adviser.strip()
    _check(name, kind, administrator, adviser, sub_region)
    organisation = find_organisation(session, name)
    if organisation is None:
        organisation = Organisation(code=code_for(name), name=name)
        session.add(organisation)
    elif organisation.is_partner:
        raise ValueError(f"{name!r} is already a partner of the covenant")
    organisation.kind, organisation.sub_region = kind, sub_region
    organisation.is_partner, organisation.admitted_on = True, admitted_on or today()
    organisation.stamtafel_administrator, organisation.adviser = administrator, adviser
    session.flush()
    return organisation


def _check(name: str, kind: str, administrator: str, adviser: str,
           sub_region: str | None) -> None:
    if not name or not code_for(name):
        raise ValueError("the organisation has no name")
    if kind not in KINDS:
        raise ValueError(f"unknown kind of organisation {kind!r}; one of: {', '.join(KINDS)}")
    if not administrator or not adviser:
        raise ValueError("ADM-3: a partner names its administrator for the Stamtafel and its "
                         "adviser for the Advies- en implementatieoverleg")
    if sub_region is not None and sub_region not in SUBREGIONS:
        raise ValueError(f"unknown sub-region {sub_region!r}; one of: {', '.join(SUBREGIONS)}")


def register_partner_operator(name: str, kind: str, administrator: str, adviser: str,
                              admitted_on: str | None = None,
                              sub_region: str | None = None) -> dict[str, Any]:
    """The service task of member_admission: registers in the step's own transaction."""
    session, _actor = current_step()
    organisation = register_partner(
        session, name=name, kind=kind, administrator=administrator, adviser=adviser,
        admitted_on=date.fromisoformat(admitted_on) if admitted_on else None,
        sub_region=None if sub_region in (None, "", REGION_WIDE) else sub_region)
    return {"code": organisation.code, "name": organisation.name,
            "admitted_on": organisation.admitted_on.isoformat()}
