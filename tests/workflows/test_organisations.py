"""The catalogue of partner organisations: the network of the vision, admission as a partner
(ADM-3), and the table's migration."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from argon2 import PasswordHasher
from sqlalchemy import func, select

from engine import identity
from engine.db import Base, Database
from workflows.models import Organisation
from workflows.organisations import (
    KINDS,
    NETWORK,
    code_for,
    find_organisation,
    partners,
    register_partner,
    register_partner_operator,
    seed_organisations,
)
from workflows.seed import seed


def _count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Organisation))


def test_the_network_of_the_vision_is_seeded_once(db: Database) -> None:
    """The partners named in the vision ("Het netwerk aan de Stamtafel"), each once."""
    with db.transaction() as session:
        assert len(seed_organisations(session)) == len(NETWORK)
    with db.transaction() as session:
        assert seed_organisations(session) == []
    assert _count(db) == len(NETWORK) == 15
    with db.reading() as session:
        names = [p.name for p in partners(session)]
        politie = find_organisation(session, "Politie")
    assert {"Gemeenten", "Veilig Thuis", "GGZ en verslavingszorg", "Openbaar ministerie",
            "Reclassering", "Penitentiaire inrichting", "Zorgkantoor"} <= set(names)
    assert (politie.kind, politie.code, politie.is_partner) == ("veiligheid", "politie", True)
    assert all(p.kind in KINDS for p in NETWORK)
    assert len({code_for(p.name) for p in NETWORK}) == len(NETWORK)


def test_the_demo_seed_adds_the_organisations(db: Database, monkeypatch) -> None:
    # Demo users get real password hashes; cheap parameters keep the test fast.
    monkeypatch.setattr(identity, "_hasher", PasswordHasher(time_cost=1, memory_cost=64,
                                                            parallelism=1))
    seed(db, "demo-password")
    seed(db, "demo-password")
    assert _count(db) == len(NETWORK)


def test_codes_are_plain_and_stable() -> None:
    assert code_for("GGZ en verslavingszorg") == "ggz-en-verslavingszorg"
    assert code_for("Midden-IJssel/Oost-Veluwe  Coöperatie") == \
        "midden-ijssel-oost-veluwe-cooperatie"


def test_a_new_partner_is_registered_with_its_representatives(db: Database) -> None:
    """ADM-3: a partner has an administrator for the Stamtafel and an adviser for the
    Advies- en implementatieoverleg."""
    with db.transaction() as session:
        register_partner(session, name=" Stichting Tactus ", kind="zorg",
                         administrator="C. de Boer", adviser="D. Smit",
                         admitted_on=date(2027, 3, 1), sub_region="Midden-IJssel/Oost-Veluwe")
    with db.reading() as session:
        tactus = find_organisation(session, "Stichting Tactus")
        assert tactus in partners(session)
    assert (tactus.code, tactus.kind, tactus.sub_region) == (
        "stichting-tactus", "zorg", "Midden-IJssel/Oost-Veluwe")
    assert (tactus.stamtafel_administrator, tactus.adviser) == ("C. de Boer", "D. Smit")
    assert tactus.admitted_on == date(2027, 3, 1) and tactus.created_at is not None


def test_a_former_partner_is_admitted_again_but_a_partner_not_twice(db: Database) -> None:
    with db.transaction() as session:
        seed_organisations(session)
        find_organisation(session, "Vrouwenopvang").is_partner = False
    with db.transaction() as session:
        again = register_partner(session, name="Vrouwenopvang", kind="zorg",
                                 administrator="E. Bos", adviser="F. Mulder")
        assert again.is_partner and again.stamtafel_administrator == "E. Bos"
    assert _count(db) == len(NETWORK)
    with db.transaction() as session, pytest.raises(ValueError, match="already a partner"):
        register_partner(session, name="Vrouwenopvang", kind="zorg", administrator="G",
                         adviser="H")


@pytest.mark.parametrize(("fields", "message"), [
    ({"administrator": " "}, "ADM-3"),
    ({"adviser": ""}, "ADM-3"),
    ({"kind": "bank"}, "unknown kind of organisation 'bank'"),
    ({"sub_region": "Twente"}, "unknown sub-region 'Twente'"),
    ({"name": "  "}, "no name"),
])
def test_an_incomplete_registration_is_refused(db: Database, fields, message) -> None:
    values = {"name": "Stichting X", "kind": "zorg", "administrator": "A", "adviser": "B"}
    with db.transaction() as session, pytest.raises(ValueError, match=message):
        register_partner(session, **(values | fields))
    assert _count(db) == 0


def test_the_service_operator_works_only_inside_an_engine_step() -> None:
    with pytest.raises(RuntimeError, match="no engine step is running"):
        register_partner_operator(name="X", kind="zorg", administrator="A", adviser="B")


def test_the_migrations_match_the_models(db: Database) -> None:
    """The organisations table comes from migration 0002, exactly as the model describes it."""
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
