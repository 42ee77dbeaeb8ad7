"""The roles of the network (Dutch names, as users speak them and lanes name them)."""

from __future__ import annotations

from engine.identity import ADMIN_ROLE

# (role, what it does) — domain.md, "Who is who".
ROLES: list[tuple[str, str]] = [
    ("Manager ZVH", "Dagelijkse leiding van het Zorg- en Veiligheidshuis; stelt begroting en "
                    "jaarverslag op"),
    ("Portefeuillehouder ZVH", "Burgemeester (namens het DVO) of wethouder zorg (namens de VvG "
                               "Veilig Thuis); beslist over toetreding, adviseert over begroting"),
    ("Voorzitter DVO", "Beslist bij verschil van inzicht tussen portefeuillehouders en manager"),
    ("Lid DVO", "Burgemeester in het Districtelijk Veiligheidsoverleg; besluit over begroting "
                "en jaarverslag"),
    ("Netwerksecretaris", "Ondersteunt de Stamtafel, bereidt de agenda voor, volgt afspraken op"),
    ("Voorzitter Stamtafel", "Onafhankelijk voorzitter van de Stamtafel zorg en veiligheid"),
    ("Lid Stamtafel", "Bestuurder van een partnerorganisatie aan de Stamtafel"),
    ("Portefeuillehouder gedwongen zorg", "Bestuurlijk aanspreekpunt voor het Wvggz-overleg"),
    ("Procesregisseur", "Operationele rol van het ZVH"),
    ("Casusregisseur", "Operationele rol van het ZVH"),
    ("Procesondersteuner", "Operationele rol van het ZVH"),
    ("Informatiecoördinator", "Operationele rol van het ZVH"),
    ("Gespreksleider", "In moreel beraad of socratische gespreksvoering getrainde begeleider "
                       "van de casusreflectie"),
    ("Lid VvG Veilig Thuis", "Wethouder (of burgemeester) in de Vergadering van Gemeenten Veilig "
                             "Thuis; wijst de wethouder zorg als portefeuillehouder aan"),
    # Generic roles of a body, always held with the body as scope (e.g. Lid, scope "regiekamer").
    ("Voorzitter", "Voorzitter van een orgaan (per orgaan toegekend); leidt vergadering en "
                   "besluitvorming, stelt het verslag vast"),
    ("Secretaris", "Secretaris van een orgaan (per orgaan toegekend); stelt de agenda op, "
                   "maakt het verslag en informeert het hogere orgaan"),
    ("Lid", "Lid van een orgaan (per orgaan toegekend); draagt agendapunten aan, stemt en levert "
            "bij afwezigheid schriftelijke inbreng"),
    (ADMIN_ROLE, "Beheert gebruikers, rollen en processen"),
]
