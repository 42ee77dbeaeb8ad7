"""The three sub-regions of Noord- en Oost-Gelderland and the rotation of the case reflection.

REF-2: every quarter the case comes from one of the sub-regions, in turn. The turn follows a
running quarter index, so the rotation carries on across year boundaries (Q4 -> next Q1).
"""

from __future__ import annotations

from typing import Any

# In the order of the vision (ch. 3); the rotation visits them in this order.
SUBREGIONS: tuple[str, ...] = ("Achterhoek", "Midden-IJssel/Oost-Veluwe", "Noord-Veluwe")

# The first quarter of the case reflection (the vision was adopted in December 2023);
# it comes from the first sub-region.
FIRST_QUARTER: tuple[int, int] = (2024, 1)


def quarter_index(year: int, quarter: int) -> int:
    """Quarters counted from FIRST_QUARTER (negative before it)."""
    for name, value in (("jaar", year), ("kwartaal", quarter)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError(f"{name} must be a whole number, not {value!r}")
    if not 1 <= quarter <= 4:
        raise ValueError(f"kwartaal must be 1, 2, 3 or 4, not {quarter}")
    if not 2000 <= year <= 2200:
        raise ValueError(f"jaar must be a year such as 2027, not {year}")
    first_year, first_quarter = FIRST_QUARTER
    return (year - first_year) * 4 + (quarter - first_quarter)


def subregion_for(year: int, quarter: int) -> str:
    """REF-2: the sub-region whose turn it is to bring in the case of this quarter."""
    return SUBREGIONS[quarter_index(year, quarter) % len(SUBREGIONS)]


def other_subregions(name: str) -> list[str]:
    """REF-5: the two sub-regions that send a small delegation to the conversation."""
    if name not in SUBREGIONS:
        raise ValueError(f"unknown sub-region {name!r}; one of: {', '.join(SUBREGIONS)}")
    return [s for s in SUBREGIONS if s != name]


def delegation_covers(delegation: list[dict[str, Any]], subregions: list[str]) -> bool:
    """REF-5: the recorded delegation includes someone from each of the given sub-regions."""
    present = {member.get("subregio") for member in delegation or []
               if isinstance(member, dict)}
    return set(subregions) <= present
