"""The domain's own tables: the partner organisations of the network."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base
from engine.models import UTCDateTime, utcnow


class Organisation(Base):
    """An organisation of the network; ``is_partner`` once it has joined the covenant."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    # One of workflows.organisations.KINDS: gemeente, zorg, veiligheid, justitie, ...
    kind: Mapped[str] = mapped_column(String(40))
    # Achterhoek, Midden-IJssel/Oost-Veluwe or Noord-Veluwe; None when it works region-wide.
    sub_region: Mapped[str | None] = mapped_column(String(60))
    is_partner: Mapped[bool] = mapped_column(default=False)
    admitted_on: Mapped[date | None] = mapped_column(Date)
    # ADM-3: its administrator at the Stamtafel and its adviser or manager for the
    # Advies- en implementatieoverleg (unknown for the founding partners until they name them).
    stamtafel_administrator: Mapped[str | None] = mapped_column(String(300))
    adviser: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
