"""What the screening finds (a kind and a span) and what it puts in its place."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from caretime.core.text import gettext_noop


class Kind(enum.StrEnum):
    ROSTER_NAME = "roster_name"
    TITLED_NAME = "titled_name"
    OTHER_NAME = "other_name"
    PHONE = "phone"
    EMAIL = "email"
    RECORD_NUMBER = "record_number"


NAME_KINDS = frozenset({Kind.ROSTER_NAME, Kind.TITLED_NAME, Kind.OTHER_NAME})

THE_THERAPIST = gettext_noop("the therapist")
THE_ASSISTANT = gettext_noop("the assistant")
THE_DOCTOR = gettext_noop("the doctor")
THE_NURSE = gettext_noop("the nurse")
THE_COACH = gettext_noop("the coach")
THE_FRONT_DESK = gettext_noop("the front desk")
A_STAFF_MEMBER = gettext_noop("a staff member")
PHONE_REMOVED = gettext_noop("[phone number removed]")
EMAIL_REMOVED = gettext_noop("[e-mail address removed]")
NUMBER_REMOVED = gettext_noop("[number removed]")


@dataclass(frozen=True, slots=True)
class Found:
    kind: Kind
    start: int  # span in the original text
    end: int
    replacement: str  # e.g. "the therapist", "[phone number removed]"


@dataclass(frozen=True, slots=True)
class Screened:
    text: str  # the text with every Found replaced
    found: tuple[Found, ...]  # in text order, non-overlapping

    @property
    def changed(self) -> bool:
        return bool(self.found)
