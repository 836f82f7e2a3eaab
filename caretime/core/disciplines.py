"""Therapy disciplines and how provider taxonomy codes map to them.

Codes come from the NUCC Health Care Provider Taxonomy (copyright AMA/NUCC); only the
codes this project needs are named here.
"""

from __future__ import annotations

import enum

from caretime.core.text import gettext_noop


class Discipline(enum.StrEnum):
    PHYSICAL_THERAPY = "pt"
    OCCUPATIONAL_THERAPY = "ot"
    SPEECH_LANGUAGE_PATHOLOGY = "slp"

    @property
    def label(self) -> str:
        return DISCIPLINE_LABELS[self]


# English, marked for the catalogue; pages translate a label where they show it.
DISCIPLINE_LABELS: dict[Discipline, str] = {
    Discipline.PHYSICAL_THERAPY: gettext_noop("Physical therapy"),
    Discipline.OCCUPATIONAL_THERAPY: gettext_noop("Occupational therapy"),
    Discipline.SPEECH_LANGUAGE_PATHOLOGY: gettext_noop("Speech-language pathology"),
}

# Exact codes, for clinicians and clinics.
TAXONOMY_DISCIPLINES: dict[str, frozenset[Discipline]] = {
    "225100000X": frozenset({Discipline.PHYSICAL_THERAPY}),  # Physical Therapist
    "225200000X": frozenset({Discipline.PHYSICAL_THERAPY}),  # Physical Therapy Assistant
    "225X00000X": frozenset({Discipline.OCCUPATIONAL_THERAPY}),  # Occupational Therapist
    "224Z00000X": frozenset({Discipline.OCCUPATIONAL_THERAPY}),  # OT Assistant
    "235Z00000X": frozenset({Discipline.SPEECH_LANGUAGE_PATHOLOGY}),  # SLP
    "2355S0801X": frozenset({Discipline.SPEECH_LANGUAGE_PATHOLOGY}),  # Speech-Language Assistant
    "261QP2000X": frozenset({Discipline.PHYSICAL_THERAPY}),  # Clinic/Center: Physical Therapy
    # A rehabilitation clinic or CORF offers therapy in general; it is listed under all
    # three disciplines until its roster or its own profile says otherwise.
    "261QR0400X": frozenset(Discipline),  # Clinic/Center: Rehabilitation
    "261QR0401X": frozenset(Discipline),  # Clinic/Center: Rehabilitation, CORF
    "261QH0700X": frozenset({Discipline.SPEECH_LANGUAGE_PATHOLOGY}),  # Hearing and Speech
}

# Subspecialty families: 2251xxxxxX is a physical therapist subspecialty, and so on.
_PREFIX_DISCIPLINES: tuple[tuple[str, Discipline], ...] = (
    ("2251", Discipline.PHYSICAL_THERAPY),
    ("225X", Discipline.OCCUPATIONAL_THERAPY),
    ("224Z", Discipline.OCCUPATIONAL_THERAPY),
)


def disciplines_for_taxonomy(code: str) -> frozenset[Discipline]:
    """The disciplines a taxonomy code stands for; empty when it is not a therapy code."""
    code = code.strip().upper()
    if code in TAXONOMY_DISCIPLINES:
        return TAXONOMY_DISCIPLINES[code]
    for prefix, discipline in _PREFIX_DISCIPLINES:
        if code.startswith(prefix) and len(code) == 10:
            return frozenset({discipline})
    return frozenset()


def disciplines_for_taxonomies(codes: list[str]) -> frozenset[Discipline]:
    found: set[Discipline] = set()
    for code in codes:
        found |= disciplines_for_taxonomy(code)
    return frozenset(found)
