"""The roles of the network (Dutch names, as users speak them and lanes name them).

Membership of a body is one model: a person holds a body role (Voorzitter, Secretaris, Lid)
for one body, from a date until a date. A name such as "Lid DVO" is not a role of its own but
"Lid" held for the DVO: a lane may use it when the work belongs to that body whatever the
case is about (the DVO decides on every budget).
"""

from __future__ import annotations

from engine.identity import ADMIN_ROLE
from engine.process_owners import PROCESS_OWNER_ROLE
from engine.roles import RoleDefinition

CHAIR, SECRETARY, MEMBER = "Voorzitter", "Secretaris", "Lid"
BODY_ROLES = (CHAIR, SECRETARY, MEMBER)

# domain.md, "Who is who".
ROLES: list[RoleDefinition] = [
    RoleDefinition("Manager ZVH", "Dagelijkse leiding van het Zorg- en Veiligheidshuis; stelt "
                                  "begroting en jaarverslag op"),
    RoleDefinition("Portefeuillehouder ZVH", "Burgemeester (namens het DVO) of wethouder zorg "
                                             "(namens de VvG Veilig Thuis); beslist over "
                                             "toetreding, adviseert over begroting"),
    RoleDefinition("Netwerksecretaris", "Ondersteunt de Stamtafel, bereidt de agenda voor, volgt "
                                        "afspraken op"),
    RoleDefinition("Portefeuillehouder gedwongen zorg", "Bestuurlijk aanspreekpunt voor het "
                                                        "Wvggz-overleg"),
    RoleDefinition("Procesregisseur", "Operationele rol van het ZVH"),
    RoleDefinition("Casusregisseur", "Operationele rol van het ZVH"),
    RoleDefinition("Procesondersteuner", "Operationele rol van het ZVH"),
    RoleDefinition("Informatiecoördinator", "Operationele rol van het ZVH"),
    RoleDefinition("Gespreksleider", "In moreel beraad of socratische gespreksvoering getrainde "
                                     "begeleider van de casusreflectie"),
    # The roles of a body, always held for one body (scope: the body's code, e.g. "regiekamer").
    RoleDefinition(CHAIR, "Voorzitter van een orgaan; leidt vergadering en besluitvorming, "
                          "stelt het verslag vast", needs_scope=True),
    RoleDefinition(SECRETARY, "Secretaris van een orgaan; stelt de agenda op, maakt het verslag "
                              "en informeert het hogere orgaan", needs_scope=True),
    RoleDefinition(MEMBER, "Lid van een orgaan; draagt agendapunten aan, stemt en levert bij "
                           "afwezigheid schriftelijke inbreng", needs_scope=True),
    # Body roles of one body, by the names the diagrams' lanes use.
    RoleDefinition("Voorzitter DVO", "Voorzitter van het DVO; beslist bij verschil van inzicht "
                                     "tussen portefeuillehouders en manager",
                   base_role=CHAIR, fixed_scope="dvo"),
    RoleDefinition("Lid DVO", "Burgemeester in het Districtelijk Veiligheidsoverleg; besluit over "
                              "begroting en jaarverslag", base_role=MEMBER, fixed_scope="dvo"),
    RoleDefinition("Voorzitter Stamtafel", "Onafhankelijk voorzitter van de Stamtafel zorg en "
                                           "veiligheid", base_role=CHAIR, fixed_scope="stamtafel"),
    RoleDefinition("Lid Stamtafel", "Bestuurder van een partnerorganisatie aan de Stamtafel",
                   base_role=MEMBER, fixed_scope="stamtafel"),
    RoleDefinition("Lid VvG Veilig Thuis", "Wethouder (of burgemeester) in de Vergadering van "
                                           "Gemeenten Veilig Thuis; wijst de wethouder zorg als "
                                           "portefeuillehouder aan",
                   base_role=MEMBER, fixed_scope="vvg_veilig_thuis"),
    RoleDefinition(ADMIN_ROLE, "Beheert gebruikers, rollen en processen"),
    # Art. 5.5a: the Manager ZVH "richt de werkprocessen in"; with the netwerksecretaris they
    # draw, change and deploy the processes.
    RoleDefinition(PROCESS_OWNER_ROLE, "Richt de werkprocessen in: tekent, wijzigt en publiceert "
                                       "processen en voegt rollen toe"),
]
