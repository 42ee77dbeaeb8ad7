"""Demo data: the role catalogue, the partner organisations and demo users.

The demo users follow the one model of membership: a body's chair, secretary and members hold
their body role for that body, besides the catalogue roles some of them hold. Every body has
a chair, a secretary and members, so every process of the catalogue has somebody to do each
of its tasks (tests/processes/test_everyone_has_work.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.db import Database
from engine.identity import add_user
from engine.models import User
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.roles import ensure_roles

from .catalogue import CHAIR, MEMBER, ROLES, SECRETARY
from .organisations import seed_organisations


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    # (role, body or None)
    roles: tuple[tuple[str, str | None], ...]

    def described(self) -> str:
        return ", ".join(f"{role} ({scope})" if scope else role for role, scope in self.roles)


def _body(code: str, title: str) -> list[DemoUser]:
    """A chair, a secretary and two members for one body."""
    return [DemoUser(f"voorzitter.{code}", f"Voorzitter {title}", ((CHAIR, code), (MEMBER, code))),
            DemoUser(f"secretaris.{code}", f"Secretaris {title}", ((SECRETARY, code),)),
            DemoUser(f"lid.{code}", f"Lid {title}", ((MEMBER, code),)),
            DemoUser(f"lid2.{code}", f"Tweede lid {title}", ((MEMBER, code),))]


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("manager.zvh", "Manager ZVH", (("Manager ZVH", None), (PROCESS_OWNER_ROLE, None))),
    # POR-1: a burgemeester for the DVO and a wethouder zorg for the VvG Veilig Thuis; both sit
    # at the Stamtafel as well.
    DemoUser("portefeuillehouder.zvh", "Burgemeester, portefeuillehouder ZVH",
             (("Portefeuillehouder ZVH", None), (MEMBER, "dvo"), (MEMBER, "stamtafel"))),
    DemoUser("portefeuillehouder.zorg", "Wethouder zorg, portefeuillehouder ZVH",
             (("Portefeuillehouder ZVH", None), (MEMBER, "vvg_veilig_thuis"),
              (MEMBER, "stamtafel"))),
    # The netwerksecretaris supports the Stamtafel and the VvG Veilig Thuis, chairs the
    # Advies- en implementatieoverleg and sits in the Secretarissenoverleg.
    DemoUser("netwerksecretaris", "Netwerksecretaris",
             (("Netwerksecretaris", None), (PROCESS_OWNER_ROLE, None), (SECRETARY, "stamtafel"),
              (SECRETARY, "vvg_veilig_thuis"), (CHAIR, "advies_implementatieoverleg"),
              (CHAIR, "secretarissenoverleg"), (SECRETARY, "secretarissenoverleg"),
              (MEMBER, "secretarissenoverleg"))),
    # The Stamtafel's chair is independent: chair, not member.
    DemoUser("voorzitter.stamtafel", "Onafhankelijk voorzitter Stamtafel",
             ((CHAIR, "stamtafel"),)),
    DemoUser("lid.stamtafel", "Lid Stamtafel", ((MEMBER, "stamtafel"),)),
    DemoUser("voorzitter.dvo", "Voorzitter DVO", ((CHAIR, "dvo"), (MEMBER, "dvo"))),
    DemoUser("secretaris.dvo", "Secretaris DVO", ((SECRETARY, "dvo"),
                                                  (MEMBER, "secretarissenoverleg"))),
    DemoUser("lid.dvo", "Burgemeester, lid DVO", ((MEMBER, "dvo"),)),
    DemoUser("voorzitter.vvg_veilig_thuis", "Voorzitter VvG Veilig Thuis",
             ((CHAIR, "vvg_veilig_thuis"), (MEMBER, "vvg_veilig_thuis"))),
    DemoUser("lid.vvg_veilig_thuis", "Wethouder, lid VvG Veilig Thuis",
             ((MEMBER, "vvg_veilig_thuis"),)),
    *_body("regiekamer", "Regiekamer"),
    *_body("stuurgroep", "Stuurgroep"),
    *_body("regiegroep_gedwongen_zorg", "regiegroep gedwongen zorg"),
    DemoUser("portefeuillehouder.gedwongen.zorg", "Portefeuillehouder gedwongen zorg",
             (("Portefeuillehouder gedwongen zorg", None), (MEMBER, "stamtafel"))),
    DemoUser("gespreksleider", "Gespreksleider casusreflectie", (("Gespreksleider", None),)),
    # The operational roles; they also form the Advies- en implementatieoverleg.
    DemoUser("procesregisseur", "Procesregisseur",
             (("Procesregisseur", None), (MEMBER, "advies_implementatieoverleg"))),
    DemoUser("casusregisseur", "Casusregisseur",
             (("Casusregisseur", None), (MEMBER, "advies_implementatieoverleg"))),
    DemoUser("procesondersteuner", "Procesondersteuner",
             (("Procesondersteuner", None), (SECRETARY, "advies_implementatieoverleg"))),
    DemoUser("informatiecoordinator", "Informatiecoördinator",
             (("Informatiecoördinator", None), (MEMBER, "advies_implementatieoverleg"))),
    DemoUser("beheerder", "Beheerder", (("Beheerder", None),)),
)


# The demo's addresses are in a domain reserved for examples (RFC 2606): nobody gets them.
DEMO_MAIL_DOMAIN = "govflow.example"


def demo_address(username: str) -> str:
    return f"{username}@{DEMO_MAIL_DOMAIN}"


def seed(db: Database, demo_password: str) -> list[tuple[DemoUser, bool]]:
    """Create the roles, partner organisations and the demo users that are missing; each holds
    its roles from today. Returns each demo user and whether it was created now."""
    with db.transaction() as session:
        ensure_roles(session, ROLES)
        seed_organisations(session)
        existing = set(session.scalars(select(User.username)))
    result = []
    for demo in DEMO_USERS:
        created = demo.username not in existing
        if created:
            add_user(db, demo.username, display_name=demo.name, password=demo_password,
                     email=demo_address(demo.username), roles=demo.roles, actor="seed")
        result.append((demo, created))
    return result

