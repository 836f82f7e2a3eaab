"""Screening review text before it is stored for publication: reviews are of the clinic, never
of its clinicians.

``screen`` replaces the names of individual people by their role ("the therapist", "the
front desk", "a staff member") and removes phone numbers, e-mail addresses and record, claim
or member numbers. It knows three sources of names:

* the clinic's roster, in every usual form: "Jane Doe", "Jane", "Doe", "Dr. Doe", "Jane D.",
  "J. Doe", "Dr. D.", "Jane Doe, DPT", "Doe PT", "Jane's", "Jane.Doe", "J a n e", short forms
  from a published nickname table ("Jenny" for Jennifer, and back), misspellings and
  sound-alike spellings ("Whitfeild", "Kathryn" for Katherine), any case;
* titles: "Dr. Smith", "Mr. Lee", "Nurse Kim", "Therapist Jane";
* other personal names, by position ("my therapist Kayla", "an aide named Bo", "Grace at the
  front desk", "Tina, the PTA,") or because they are on a list of first names: the
  census-derived first names of the US and of a few more English- and Spanish-speaking
  countries, taken from Faker 40.54.0 and kept with the package (``data/``, see
  ``data/SOURCES.md``).

Phone numbers are found by patterns: the US forms ("(312) 555-0199", "312.555.0199",
"+1 312 555 0199", "3125550199", "555-0199" after "call" or "number"), and a plus sign with
8 to 15 digits for other countries.

What must stay: the clinic's own names (anything inside an occurrence of one of
``clinic_names``), a capitalised word directly followed by a business word ("Johnson
Physical Therapy", "Martin Rehab", "Dr. Lee's Rehab Center"), and ordinary words that are
also names ("Will they call back?", "Grace period", "in May", "Austin traffic") unless they
are on the roster, titled, or in a clearly name-like position.

The modules, each depending only on those above it:

* ``words``: the word lists, read from the package's data files once, on first use;
* ``found``: what is found (``Kind``, ``Found``, ``Screened``) and the wording put in its place;
* ``tokens``: the words of a text, with their keys, case and sentence starts;
* ``contacts``: phone numbers, e-mail addresses and record numbers;
* ``roster``: the roster's people, the forms of their names, and the roster word a misspelt
  word stands for;
* ``clinics``: what stays because it names a clinic;
* ``screening``: the screening itself, ``screen`` and ``screen_with``.

Screening a screened text changes nothing (``screen_with`` reads its own result again until
nothing more is found), so a stored text can be screened again whenever the roster grows.

Nothing here touches the network or Django.
"""

from __future__ import annotations

from caretime.core.redaction.found import (
    A_STAFF_MEMBER,
    EMAIL_REMOVED,
    NAME_KINDS,
    NUMBER_REMOVED,
    PHONE_REMOVED,
    THE_ASSISTANT,
    THE_COACH,
    THE_DOCTOR,
    THE_FRONT_DESK,
    THE_NURSE,
    THE_THERAPIST,
    Found,
    Kind,
    Screened,
)
from caretime.core.redaction.roster import RosterPerson
from caretime.core.redaction.screening import Options, screen, screen_with
from caretime.core.redaction.words import first_names, last_names

__all__: list[str] = [
    "A_STAFF_MEMBER",
    "EMAIL_REMOVED",
    "NAME_KINDS",
    "NUMBER_REMOVED",
    "PHONE_REMOVED",
    "THE_ASSISTANT",
    "THE_COACH",
    "THE_DOCTOR",
    "THE_FRONT_DESK",
    "THE_NURSE",
    "THE_THERAPIST",
    "Found",
    "Kind",
    "Options",
    "RosterPerson",
    "Screened",
    "first_names",
    "last_names",
    "screen",
    "screen_with",
]
