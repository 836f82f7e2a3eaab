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

import jellyfish

from caretime.core.redaction.found import THE_ASSISTANT, THE_THERAPIST
from caretime.core.redaction.tokens import WORD, Token, between, spaced
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

# A form of a roster name as token keys, the person, whether it is a full name, and whether it
# is a short form from the nickname table rather than a name the roster writes.
Form = tuple[tuple[str, ...], RosterPerson, bool, bool]


@functools.lru_cache(maxsize=256)
def roster_forms(roster: tuple[RosterPerson, ...]) -> dict[str, list[Form]]:
    """Each roster person's forms as token keys, by first key, longest first. The flag says
    whether the form is a full name (always a name) or one word of it (checked in context)."""
    forms: dict[str, list[Form]] = {}

    def add(keys: tuple[str, ...], person: RosterPerson, full: bool, nickname: bool = False) -> None:
        if keys and all(len(k) > 1 or full for k in keys):
            forms.setdefault(keys[0], []).append((keys, person, full, nickname))

    for person in roster:
        first = tuple(fold(w) for w in WORD.findall(person.first_name))
        last = tuple(fold(w) for w in WORD.findall(person.last_name))
        firsts = {first} if first else set()
        others = {(other,) for other in nicknames().get(first[0], ())} if len(first) == 1 else set()
        firsts |= others
        if len(first) > 1:
            firsts.add(first[:1])
        lasts = {last} if last else set()
        if len(last) > 1 and len(last[-1]) > 2:
            lasts.add(last[-1:])
        for f in firsts:
            for la in lasts:
                add(f + la, person, True)
                add(("-".join(f + la),), person, True)  # "Jane-Doe", one word
            add(f, person, False, nickname=f in others and f != first)
        for la in lasts:
            add(la, person, len(la) > 1)
            if first:
                add((first[0][:1], *la), person, True)  # "J. Doe", "J Doe"
    for entries in forms.values():
        entries.sort(key=lambda entry: (-len(entry[0]), not entry[2]))
    return forms


@functools.lru_cache(maxsize=256)
def roster_words(roster: tuple[RosterPerson, ...]) -> frozenset[str]:
    """The words of the roster's names that a misspelling or a sound-alike spelling is judged
    against: each word of a first or last name of 4 letters or more."""
    words = {fold(w) for p in roster for w in WORD.findall(f"{p.first_name} {p.last_name}")}
    return frozenset(w for w in words if len(w) >= 4 and w.isalpha())


# How far a written word may be from a roster word of at least this many letters and still be
# read as a misspelling of it: one letter off (dropped, added, changed, two swapped) from 5
# letters on, two letters off from 8 on. Shorter names one letter off are other names ("Jon",
# "Joan", "Jan") or words.
MISSPELLING_DISTANCE = ((8, 2), (5, 1))
# A sound-alike spelling has the same Metaphone key as a roster word of at least 5 letters and
# is at most one edit in three letters from it ("Kathryn" for "Katherine", "Filippa" for
# "Philippa"); shorter names sound like too many others ("John" and "Jane").
SOUND_ALIKE_LETTERS = 5
SOUND_ALIKE_LETTERS_PER_EDIT = 3


@functools.lru_cache(maxsize=65536)
def resembled(roster: tuple[RosterPerson, ...], key: str) -> str | None:
    """The roster word that ``key`` (a folded word not on the roster) misspells or spells the
    way it sounds, if any."""
    if len(key) < 4 or not key.isalpha():
        return None
    best: tuple[int, str] | None = None
    sound = jellyfish.metaphone(key)
    for word in roster_words(roster):
        distance = jellyfish.damerau_levenshtein_distance(key, word)
        allowed = next((d for n, d in MISSPELLING_DISTANCE if len(word) >= n), 0)
        misspelt = distance <= allowed and key[0] == word[0]
        sounds = (
            len(word) >= SOUND_ALIKE_LETTERS
            and distance <= len(word) // SOUND_ALIKE_LETTERS_PER_EDIT
            and jellyfish.metaphone(word) == sound
        )
        if (misspelt or sounds) and (best is None or (distance, word) < best):
            best = (distance, word)
    return best[1] if best else None


def first_keys(person: RosterPerson) -> tuple[str, ...]:
    return tuple(fold(w) for w in WORD.findall(person.first_name))


@dataclass(frozen=True, slots=True)
class RosterMatch:
    person: RosterPerson
    last: int  # token index of the last word of the form (or of the initial after it)
    end: int  # character end: an initial's full stop and credentials included
    full: bool  # a full name, always a name; otherwise one word of it, to be judged in context
    nickname: bool  # a short form from the nickname table ("Jenny" for Jennifer), not the roster's
    credentials: bool  # credentials follow ("Doe PT", "Jane, DPT")


def roster_matches(
    text: str,
    tokens: Sequence[Token],
    keys: Sequence[str],
    taken: Sequence[bool],
    forms: dict[str, list[Form]],
    i: int,
) -> Iterator[RosterMatch]:
    """The roster forms spelled by the tokens from ``i`` on, longest first; none of their
    tokens ``taken`` (inside a clinic's name). ``keys`` are the tokens'
    keys as read: a misspelt roster word's is the roster word's."""
    for form, person, full, nickname in forms.get(keys[i], ()):
        n = len(form)
        if i + n > len(tokens):
            continue
        if any(keys[i + m] != form[m] or taken[i + m] for m in range(n)):
            continue
        if any(not _together(text, tokens[i + m], tokens[i + m + 1]) for m in range(n - 1)):
            continue
        last = i + n - 1
        # "Jane D." and "Jane A. Doe".
        if not full and last + 1 < len(tokens) and form == first_keys(person):
            nxt = tokens[last + 1]
            if (
                len(nxt.text) == 1
                and (nxt.capitalised or text[nxt.end : nxt.end + 1] == ".")  # "Jane D.", "jane d."
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
        yield RosterMatch(person, last, end, full, nickname, credentials is not None)


# What may join the words of a name written as one: "Jane.Doe", "Jane/Doe", "Jane_Doe".
_JOINERS = frozenset({".", "/", "_", "·"})


def _together(text: str, left: Token, right: Token) -> bool:
    """The words of one name: spaces between them, an initial's full stop ("J. Doe"), or
    one joining mark and nothing else ("Jane.Doe")."""
    if spaced(text, left, right):
        return True
    gap = between(text, left, right)
    if left.possessive or "\n" in gap:
        return False
    if len(left.text) == 1 and gap[:1] == "." and (gap[1:] == "" or (gap[1:].isspace() and len(gap) <= 3)):
        return True
    return gap in _JOINERS
