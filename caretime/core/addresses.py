"""Recognising one street address written two ways ("100 North Main Street, Suite 2" and
"100 N MAIN ST STE 2"), so that records from different public files meet at one clinic."""

from __future__ import annotations

import re

_WORDS = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "DRIVE": "DR",
    "BOULEVARD": "BLVD",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "CIRCLE": "CIR",
    "TERRACE": "TER",
    "SQUARE": "SQ",
    "SUITE": "STE",
    "BUILDING": "BLDG",
    "FLOOR": "FL",
    "ROOM": "RM",
    "APARTMENT": "APT",
    "UNIT": "UNIT",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
_NOT_WORD = re.compile(r"[^A-Z0-9 ]+")


def normalise_street(line: str) -> str:
    """Upper case, punctuation dropped ('#' included), common words abbreviated the USPS way."""
    words = _NOT_WORD.sub(" ", line.upper().replace("#", " ")).split()
    return " ".join(_WORDS.get(word, word) for word in words)


def address_key(line1: str, zip_code: str) -> str:
    """One key per street address within a 5-digit ZIP code; suites are part of the key
    only when they are on the first line, as the public files write them."""
    return f"{normalise_street(line1)}|{zip_code.strip()[:5]}"


def zip5(postal_code: str) -> str:
    """The 5-digit ZIP code of a 5- or 9-digit postal code ('606141234', '60614-1234')."""
    digits = postal_code.strip()
    return digits[:5] if len(digits) >= 5 and digits[:5].isdigit() else ""
