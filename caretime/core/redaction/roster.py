"""The clinic's roster: its people, their credentials, the forms their names take in a review
("Jane Doe", "Jane", "Doe", "Jane D.", "Jenny" for Jennifer, "Jane Doe, DPT", "Doe PT"), and
where the tokens of a text spell one of those forms.

Whether a one-word form that is also an ordinary word ("Will", "Grace") is the name where it
stands is for the screening to judge (``caretime.core.redaction.screening``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from caretime.core.redaction.found import THE_ASSISTANT, THE_THERAPIST
from caretime.core.redaction.tokens import WORD, Token, spaced
from caretime.core.redaction.words import fold, nicknames

# Credentials of licensed assistants; every other credential is a therapist's.
ASSISTANT_CREDENTIALS = frozenset({"PTA", "LPTA", "COTA", "COTA/L", "OTA", "SLPA", "SLP-A", "CSLPA"})


@dataclass(frozen=True, slots=True)
class RosterPerson:
    first_name: str
    last_name: str
    credential: str = ""  # e.g. "PT", "DPT", "PTA", "OTR/L", "COTA", "CCC-SLP", "SLPA"

    @property
    def role(self) -> str:
        """How the review names this person instead: "the assistant" for a licensed
        assistant's credential, "the therapist" otherwise."""
        credentials = {part.upper() for part in re.split(r"[\s,;]+", self.credential) if part}
        return THE_ASSISTANT if credentials & ASSISTANT_CREDENTIALS else THE_THERAPIST


# Credentials written after a name: "Jane Doe, DPT", "Doe PT". Also business words in a
# clinic's name ("Kelly Sports PT"), but after a person's name they are a credential.
CREDENTIALS: tuple[str, ...] = (
    "CCC-SLP",
    "CF-SLP",
    "OTR/L",
    "COTA/L",
    "PA-C",
    "DPT",
    "MPT",
    "MSPT",
    "PTA",
    "LPTA",
    "COTA",
    "OTA",
    "OTR",
    "OTD",
    "SLPA",
    "SLP",
    "ATC",
    "CSCS",
    "OCS",
    "SCS",
    "NCS",
    "GCS",
    "CHT",
    "LMT",
    "PhD",
    "MD",
    "RN",
    "NP",
    "PT",
    "OT",
    "MS",
)
_CREDENTIAL = "|".join(re.escape(c) for c in sorted(CREDENTIALS, key=len, reverse=True))
CREDENTIALS_AFTER = re.compile(rf"(?:(?:\s*,\s*|\s+)(?:{_CREDENTIAL})(?![\w/-]))+")

# A form of a roster name as token keys, the person, and whether it is a full name.
Form = tuple[tuple[str, ...], RosterPerson, bool]


@functools.lru_cache(maxsize=256)
def roster_forms(roster: tuple[RosterPerson, ...]) -> dict[str, list[Form]]:
    """Each roster person's forms as token keys, by first key, longest first. The flag says
    whether the form is a full name (always a name) or one word of it (checked in context)."""
    forms: dict[str, list[Form]] = {}

    def add(keys: tuple[str, ...], person: RosterPerson, full: bool) -> None:
        if keys and all(len(k) > 1 or full for k in keys):
            forms.setdefault(keys[0], []).append((keys, person, full))

    for person in roster:
        first = tuple(fold(w) for w in WORD.findall(person.first_name))
        last = tuple(fold(w) for w in WORD.findall(person.last_name))
        firsts = {first} if first else set()
        if len(first) == 1:
            firsts |= {(short,) for short in nicknames().get(first[0], ())}
        if len(first) > 1:
            firsts.add(first[:1])
        lasts = {last} if last else set()
        if len(last) > 1 and len(last[-1]) > 2:
            lasts.add(last[-1:])
        for f in firsts:
            for la in lasts:
                add(f + la, person, True)
            add(f, person, False)
        for la in lasts:
            add(la, person, len(la) > 1)
    for entries in forms.values():
        entries.sort(key=lambda entry: (-len(entry[0]), not entry[2]))
    return forms


def first_keys(person: RosterPerson) -> tuple[str, ...]:
    return tuple(fold(w) for w in WORD.findall(person.first_name))


@dataclass(frozen=True, slots=True)
class RosterMatch:
    person: RosterPerson
    last: int  # token index of the last word of the form (or of the initial after it)
    end: int  # character end: an initial's full stop and credentials included
    full: bool  # a full name, always a name; otherwise one word of it, to be judged in context
    credentials: bool  # credentials follow ("Doe PT", "Jane, DPT")


def roster_matches(
    text: str, tokens: Sequence[Token], taken: Sequence[bool], forms: dict[str, list[Form]], i: int
) -> Iterator[RosterMatch]:
    """The roster forms spelled by the tokens from ``i`` on, longest first; none of their
    tokens ``taken`` (inside a number, an address or a clinic name)."""
    token = tokens[i]
    for keys, person, full in forms.get(token.key, ()):
        n = len(keys)
        if i + n > len(tokens):
            continue
        if any(tokens[i + m].key != keys[m] or taken[i + m] for m in range(n)):
            continue
        if any(not spaced(text, tokens[i + m], tokens[i + m + 1]) for m in range(n - 1)):
            continue
        last = i + n - 1
        # "Jane D." and "Jane A. Doe".
        if not full and last + 1 < len(tokens) and keys == first_keys(person):
            nxt = tokens[last + 1]
            if (
                len(nxt.text) == 1
                and nxt.capitalised
                and spaced(text, tokens[last], nxt)
                and nxt.key == fold(person.last_name)[:1]
            ):
                last += 1
        end = tokens[last].end
        credentials = CREDENTIALS_AFTER.match(text, end) if not tokens[last].possessive else None
        if tokens[last].end != tokens[last].after:
            credentials = None
        initial = len(tokens[last].text) == 1 and text[end : end + 1] == "."
        if initial:
            end += 1
        if credentials is not None:
            end = max(end, credentials.end())
        yield RosterMatch(person, last, end, full, credentials is not None)
