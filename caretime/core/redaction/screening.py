"""The screening itself: ``screen`` finds the names of people in a review and replaces each by
the role of the person, and removes what ``contacts`` finds.

A name is found in one of three ways (see the package's docstring for what each covers): a
form of a roster name (``roster``), a title before a name ("Dr. Smith"), or another personal
name, by its position after a role noun or a request ("my therapist Kayla", "ask for Bo") or
because it is on the list of first names (``words.first_names``). Words that are also ordinary
words are names only where they stand as one; what names a clinic stays (``clinics``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from caretime.core.redaction.clinics import clinic_spans
from caretime.core.redaction.contacts import contacts
from caretime.core.redaction.found import (
    A_STAFF_MEMBER,
    THE_COACH,
    THE_DOCTOR,
    THE_FRONT_DESK,
    THE_NURSE,
    THE_THERAPIST,
    Found,
    Kind,
    Screened,
)
from caretime.core.redaction.roster import (
    CREDENTIALS_AFTER,
    Form,
    RosterPerson,
    resembled,
    roster_forms,
    roster_matches,
)
from caretime.core.redaction.tokens import Token, between, spaced, tokenise
from caretime.core.redaction.words import (
    ABBREVIATED_TITLES,
    AMBIGUOUS,
    BARE_CREDENTIAL_KEYS,
    BUSINESS_MODIFIERS,
    BUSINESS_WORDS,
    DETERMINERS,
    EPONYM_NOUNS,
    EPONYMS,
    FULL_TITLES,
    NAME_FOLLOWERS,
    NOT_NAME_ENDINGS,
    PLACE_NOUNS,
    RECEPTION_NOUNS,
    ROLE_MODIFIERS,
    ROLE_NOUNS,
    STOPWORDS,
    first_names,
    fold,
    last_names,
    ordinary_words,
)

# --- the public interface -----------------------------------------------------------------


def screen(text: str, *, roster: Sequence[RosterPerson] = (), clinic_names: Sequence[str] = ()) -> Screened:
    """``text`` with every name, phone number, e-mail address and record number replaced."""
    return screen_with(DEFAULT_OPTIONS, text, roster=roster, clinic_names=clinic_names)


# --- options (for the evaluation of the choices made here) --------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """Which sources the screening uses. The defaults are the ones chosen; the others are kept
    so that the evaluation set can compare them (``tests/core/redaction_eval.py``)."""

    first_names: str = "wide"  # "none": roster, titles and positions only; "en_US"; "wide"


DEFAULT_OPTIONS = Options()


# How many times a text is read at most (see ``screen_with``). Of 3,000 random texts like the
# property test's, the first reading found something in 978, the second in 26, the third in none.
READINGS = 4


def screen_with(
    options: Options, text: str, *, roster: Sequence[RosterPerson] = (), clinic_names: Sequence[str] = ()
) -> Screened:
    """``screen`` with the given sources of names and numbers.

    The screened text is screened again until nothing more is found: a replacement can make
    what follows it readable as a name ("Dr. A, Kayla" becomes "The doctor, Kayla", a role and
    a name). So screening a screened text changes nothing, which the re-screening of published
    reviews after a roster grows relies on. What a later reading finds is mapped back onto the
    text as written, so every ``Found`` points into ``text``."""
    found: list[Found] = []
    screened = text
    for _ in range(READINGS):
        more = _Screening(screened, tuple(roster), tuple(clinic_names), options).run()
        if not more:
            break
        found = _compose(found, more, screened, len(text))
        screened = _applied(text, found)
    return Screened(screened, tuple(found))


def _applied(text: str, found: Sequence[Found]) -> str:
    pieces: list[str] = []
    at = 0
    for item in found:
        pieces.append(text[at : item.start])
        pieces.append(item.replacement)
        at = item.end
    pieces.append(text[at:])
    return "".join(pieces)


def _compose(earlier: list[Found], later: list[Found], screened: str, length: int) -> list[Found]:
    """The finds of a reading of the screened text, as finds in the text as written: a span
    that covers part of an earlier replacement covers the whole of what it replaced, and takes
    its place."""
    # Where each character of the screened text came from: (start, end) in the text as written.
    origin: list[tuple[int, int]] = []
    at = 0
    for item in earlier:
        origin += [(k, k + 1) for k in range(at, item.start)]
        origin += [(item.start, item.end)] * len(item.replacement)
        at = item.end
    origin += [(k, k + 1) for k in range(at, length)]
    mapped: list[Found] = []
    previous_end = 0  # of the last later find, in the screened text
    for item in later:
        start, end = origin[item.start][0], origin[item.end - 1][1]
        if mapped and start < mapped[-1].end:
            # Two finds in one earlier replacement become one, with what lies between them.
            joined = mapped.pop()
            gap = screened[previous_end : item.start]
            replacement = joined.replacement + gap + item.replacement
            mapped.append(Found(joined.kind, joined.start, max(end, joined.end), replacement))
        else:
            mapped.append(Found(item.kind, start, end, item.replacement))
        previous_end = item.end
    kept = [f for f in earlier if not any(f.start < m.end and m.start < f.end for m in mapped)]
    return sorted(kept + mapped, key=lambda f: f.start)


# --- titles and roles -------------------------------------------------------------------

# Titles before a name, and how the person is named instead when not on the roster.
TITLES: dict[str, str] = {
    "dr": THE_DOCTOR,
    "doctor": THE_DOCTOR,
    "doc": THE_DOCTOR,
    "mr": A_STAFF_MEMBER,
    "mrs": A_STAFF_MEMBER,
    "ms": A_STAFF_MEMBER,
    "miss": A_STAFF_MEMBER,
    "mx": A_STAFF_MEMBER,
    "prof": A_STAFF_MEMBER,
    "professor": A_STAFF_MEMBER,
    "nurse": THE_NURSE,
    "therapist": THE_THERAPIST,
    "coach": THE_COACH,
}

# After "Jane" these place her at the front desk ("Grace at the front desk was rude").
_DESK_AFTER = re.compile(
    r"\s+(?:at|from|on|behind|in|working|who\s+works\s+(?:at|in))\s+(?:the\s+)?"
    r"(?:front(?:\s+|-)desk|desk|reception|check-?in|billing|scheduling|front\s+office|office)\b",
    re.IGNORECASE,
)
# After "Jane" these name her role: "Jane, the PTA," / "Jane (my therapist)".
_ROLE_AFTER = re.compile(
    r"\s*,\s*(?P<role>(?:the|my|our|a|an|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?P<noun>[\w-]+))(?P<comma>\s*,)?",
    re.IGNORECASE,
)


# --- the screening ------------------------------------------------------------------------


@dataclass(slots=True)
class _Name:
    kind: Kind
    first: int  # token index of the name's first word
    last: int  # token index of its last word
    end: int  # character end, credentials included, possessive excluded
    role: str
    titled: bool = False


@dataclass(slots=True)
class _Screening:
    text: str
    roster: tuple[RosterPerson, ...]
    clinic_names: tuple[str, ...]
    options: Options
    tokens: list[Token] = field(default_factory=list)
    taken: list[bool] = field(default_factory=list)  # token inside a clinic's name
    names: frozenset[str] = frozenset()
    forms: dict[str, list[Form]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)  # each token's key as read (see _reading_key)

    def run(self) -> list[Found]:
        contact = contacts(self.text)
        # Words are read with the numbers and addresses taken out, as the screened text will
        # have them: "JANE'A000000" is "JANE'" and a record number, so the name is found now
        # and not only when the screened text is screened again.
        self.text = _masked(self.text, contact)
        self.tokens = tokenise(self.text)
        self.names = first_names(self.options.first_names)
        self.forms = roster_forms(self.roster)
        self.keys = [self._reading_key(t) for t in self.tokens]
        clinics = clinic_spans(self.text, self.tokens, self.clinic_names, self._person_word)
        self.taken = [_overlaps(t.start, t.after, clinics) for t in self.tokens]
        found = contact + self._names()
        found.sort(key=lambda f: (f.start, -f.end))
        kept: list[Found] = []
        for item in found:
            if kept and item.start < kept[-1].end:
                continue
            kept.append(item)
        return kept

    def _reading_key(self, token: Token) -> str:
        """The token's key, or the roster word it misspells or spells as it sounds
        ("Witfield", "Kathryn"): only for a capitalised word that is no roster word, no
        ordinary word and no name that is also a word."""
        key = token.key
        if (
            not self.roster
            or key in self.forms
            or not token.capitalised
            or key in ordinary_words()
            or key in AMBIGUOUS
            or key in TITLES
            or key in ROLE_NOUNS
        ):
            return key
        return resembled(self.roster, key) or key

    def _person_word(self, token: Token) -> bool:
        """A roster word or a listed first name: "Doe PT" is a name and a credential, where
        "Johnson PT" would be a clinic."""
        return token.key in self.forms or token.key in self.names

    # names

    def _names(self) -> list[Found]:
        found: list[Found] = []
        tokens = self.tokens
        i = 0
        last_end = 0
        while i < len(tokens):
            if self.taken[i] or tokens[i].start < last_end:
                i += 1
                continue
            item, next_i = self._cued(i, last_end)
            if item is None:
                name = self._name_at(i, context=self._context(i))
                if name is not None:
                    item, next_i = self._plain(name), name.last + 1
            if item is None:
                i += 1
                continue
            found.append(item)
            last_end = item.end
            i = max(next_i, i + 1)
        return found

    def _context(self, i: int) -> str:
        """ "placed" after "ask for", "asked for", "request": a name is expected there."""
        tokens = self.tokens
        if i >= 1 and tokens[i - 1].key in ("request", "requested") and spaced(self.text, tokens[i - 1], tokens[i]):
            return "placed"
        if (
            i >= 2
            and tokens[i - 1].key == "for"
            and tokens[i - 2].key in ("ask", "asked", "asking")
            and spaced(self.text, tokens[i - 2], tokens[i - 1])
            and spaced(self.text, tokens[i - 1], tokens[i])
        ):
            return "placed"
        return "plain"

    def _plain(self, name: _Name) -> Found:
        """A name replaced by the role: "Jane's" → "the therapist's"."""
        tokens, text = self.tokens, self.text
        first, last = tokens[name.first], tokens[name.last]
        end = name.end
        replacement = name.role
        desk = _DESK_AFTER.match(text, last.after) if name.end == last.end and not last.possessive else None
        role_after = _ROLE_AFTER.match(text, name.end) if not last.possessive else None
        if desk is not None and name.kind is not Kind.ROSTER_NAME and not name.titled:
            replacement = A_STAFF_MEMBER
        elif role_after is not None and role_after.group("noun").casefold() in ROLE_NOUNS:
            # "Jane, my PT, was great" → "My PT was great".
            end = role_after.end()
            replacement = role_after.group("role")
            return Found(name.kind, first.start, end, _sentence_case(replacement, first.sentence_start))
        if last.possessive == "'" and name.end == last.end:
            end, replacement = last.after, replacement + "'s"
        return Found(name.kind, first.start, end, _sentence_case(replacement, first.sentence_start))

    def _cued(self, i: int, last_end: int) -> tuple[Found | None, int]:
        """A role noun and the name after it: "my therapist Kayla" → "my therapist"."""
        tokens, text = self.tokens, self.text
        cue = tokens[i]
        if cue.key not in ROLE_NOUNS or cue.possessive or i + 1 >= len(tokens):
            return None, i
        if cue.key in TITLES and cue.capitalised and cue.key in FULL_TITLES and not cue.all_caps:
            return None, i  # "Nurse Kim" is a title, read by _name_at
        j = i + 1
        gap = between(text, cue, tokens[j])
        connector = gap.strip().casefold()
        if "\n" in gap or len(gap) > 4:
            if tokens[j].key in ("named", "called") and spaced(text, cue, tokens[j]):
                connector = tokens[j].key
                j += 1
                if j >= len(tokens) or not spaced(text, tokens[j - 1], tokens[j]):
                    return None, i
            else:
                return None, i
        elif connector == "" and tokens[j].key in ("named", "called") and j + 1 < len(tokens):
            if not spaced(text, tokens[j], tokens[j + 1]):
                return None, i
            connector = tokens[j].key
            j += 1
        elif connector not in ("", ",", ":", "-", "–", "—"):
            return None, i
        if self.taken[j]:
            return None, i
        name = self._name_at(j, context="cued", comma=connector == ",")
        if name is None:
            return None, i
        if (
            name.kind is Kind.OTHER_NAME
            and cue.capitalised
            and not cue.all_caps
            and not cue.sentence_start
            and tokens[j].key not in self.names
        ):
            return None, i  # "the National Provider Identifier": a name in title case
        # The name's end: "the PT, Jane, was" loses the comma after the name too.
        end = name.end
        last = tokens[name.last]
        possessive = last.possessive if end == last.end else ""
        if connector in (",", ":", "-", "–", "—") and not possessive:
            after = re.match(r"\s*[,)\-–—]", text[end:])
            if after and connector == ",":
                end += after.end()
            elif after is None and connector != ",":
                return None, i
        if possessive == "'":
            end = last.after
        # The noun phrase: "my physical therapist" keeps itself; "Physical therapist Jane" has
        # no determiner and becomes "the physical therapist".
        k = i
        while k > 0 and tokens[k - 1].key in ROLE_MODIFIERS and spaced(text, tokens[k - 1], tokens[k]):
            k -= 1
        determiner = k > 0 and tokens[k - 1].key in DETERMINERS and spaced(text, tokens[k - 1], tokens[k])
        if determiner:
            start, replacement = cue.start, text[cue.start : cue.end]
        else:
            start = tokens[k].start
            if start < last_end or any(self.taken[m] for m in range(k, i)):
                start, k = cue.start, i
            phrase = text[start : cue.end]
            if cue.key in RECEPTION_NOUNS and cue.key != "front":
                phrase = THE_FRONT_DESK
            elif cue.key in ("doctor", "doc"):
                phrase = THE_DOCTOR
            else:
                words = [w if not w[:1].isupper() or w.isupper() else w.lower() for w in phrase.split(" ")]
                phrase = "the " + " ".join(words)
            replacement = phrase
        if possessive == "'":
            replacement += "'s"
        sentence_start = tokens[k].sentence_start if not determiner else False
        return Found(name.kind, start, end, _sentence_case(replacement, sentence_start)), name.last + 1

    def _name_at(self, i: int, *, context: str, comma: bool = False) -> _Name | None:
        """The name starting at token ``i``, if any: a title and a name, a roster name, a
        first name on the list (with a surname), or after a cue any capitalised word."""
        tokens, text = self.tokens, self.text
        token = tokens[i]
        if self.taken[i]:
            return None
        # Titles: "Dr. Smith", "dr smith", "Nurse Kim", "Therapist Jane".
        if (
            context != "titled"
            and token.key in TITLES
            and not token.possessive
            and i + 1 < len(tokens)
            and not self.taken[i + 1]
        ):
            gap = between(text, token, tokens[i + 1])
            # "dr smith" is a title in any case; "ms" and "MS" are milliseconds and sclerosis.
            written = token.key == "dr" or (token.capitalised and not token.all_caps)
            abbreviated = token.key in ABBREVIATED_TITLES and gap.strip() in ("", ".") and written
            full = token.key in FULL_TITLES and token.capitalised and not token.all_caps and gap.strip() == ""
            if (abbreviated or full) and "\n" not in gap and len(gap) <= 3 and gap:
                titled = self._name_at(i + 1, context="titled")
                if titled is not None and (tokens[i + 1].capitalised or token.key in ("dr", "doctor")):
                    role = titled.role if titled.kind is Kind.ROSTER_NAME else TITLES[token.key]
                    kind = Kind.ROSTER_NAME if titled.kind is Kind.ROSTER_NAME else Kind.TITLED_NAME
                    return _Name(kind, i, titled.last, titled.end, role, titled=True)
        roster = self._roster_at(i, context)
        if roster is not None:
            return roster
        return self._other_at(i, context, comma=comma)

    def _titled_initial(self, i: int, context: str) -> bool:
        """ "Dr. D.", "Ms. K": a capital letter after a title stands for a surname (but "Dr. I
        think" does not)."""
        token = self.tokens[i]
        if context != "titled" or not token.capitalised:
            return False
        return self.text[token.end : token.end + 1] == "." or token.key not in ("i", "a")

    def _initial_end(self, i: int) -> int:
        end = self.tokens[i].end
        return end + 1 if self.text[end : end + 1] == "." else end

    def _roster_at(self, i: int, context: str) -> _Name | None:
        if self._titled_initial(i, context):
            # "Dr. D.": the roster's people whose surname begins with a D, if they share a role.
            roles = {p.role for p in self.roster if fold(p.last_name)[:1] == self.tokens[i].key}
            if len(roles) == 1:
                return _Name(Kind.ROSTER_NAME, i, i, self._initial_end(i), roles.pop())
        for match in roster_matches(self.text, self.tokens, self.keys, self.taken, self.forms, i):
            if not match.full and not self._roster_word_counts(i, match.last, context, match.credentials):
                continue
            if match.nickname and context == "plain" and self._eponym_after(match.last, possessive=True):
                continue  # "Tommy John surgery", "Bell's palsy" with a Thomas and a William on the roster
            return _Name(Kind.ROSTER_NAME, i, match.last, match.end, match.person.role)
        return None

    def _roster_word_counts(self, i: int, last: int, context: str, credentials: bool) -> bool:
        """Whether a one-word roster match that is also an ordinary word ("Will", "Grace",
        "Young") is the name here."""
        token = self.tokens[i]
        if token.key not in AMBIGUOUS and token.key not in ordinary_words():
            return True
        if context == "plain" and self._part_of_other_proper_noun(i, last):
            return False
        if context != "plain" or credentials or self._name_like_after(last):
            return True
        following = self.tokens[last + 1] if last + 1 < len(self.tokens) else None
        name_follows = (
            following is not None
            and spaced(self.text, token, following)
            and (following.key in NAME_FOLLOWERS or (following.key.endswith("ed") and len(following.key) > 4))
        )
        if not token.capitalised:
            # "victoria rushed me": a sentence begun in lower case, a name's verb after it.
            return token.sentence_start and name_follows
        if token.all_caps and self._in_capitals(i):
            return False  # "WILL THEY CALL BACK"; but "I trust FRANK" shouts a name
        if token.possessive or not token.sentence_start:
            return True
        return name_follows

    def _in_capitals(self, i: int) -> bool:
        """ "KAYLA WAS GREAT": an all-capitals word among others; alone it is an acronym."""
        tokens = self.tokens
        neighbours = [tokens[k] for k in (i - 1, i + 1) if 0 <= k < len(tokens)]
        return any(t.all_caps and t.key not in BARE_CREDENTIAL_KEYS for t in neighbours)

    def _unlisted_full_name(self, i: int) -> bool:
        """ "Tamika Reynolds": a first name not on the list, before a listed surname, in the
        middle of a sentence."""
        tokens, text = self.tokens, self.text
        token = tokens[i]
        if token.sentence_start or token.possessive or token.all_caps or i + 1 >= len(tokens):
            return False
        if token.key in ordinary_words() or token.key in AMBIGUOUS or token.key in last_names():
            return False
        nxt = tokens[i + 1]
        return (
            nxt.capitalised
            and not nxt.all_caps
            and spaced(text, token, nxt)
            and nxt.key in last_names()
            and nxt.key not in AMBIGUOUS
            and nxt.key not in ordinary_words()
            and not (i + 2 < len(tokens) and tokens[i + 2].capitalised and spaced(text, nxt, tokens[i + 2]))
        )

    def _eponym_after(self, last: int, *, possessive: bool = False) -> bool:
        """A method, condition or brand follows, one or two capitalised words on; with
        ``possessive``, also after "'s" ("Bell's palsy")."""
        tokens, text = self.tokens, self.text
        k = last
        for _ in range(3):
            if k + 1 >= len(tokens):
                return False
            gap = between(text, tokens[k], tokens[k + 1])
            joined = spaced(text, tokens[k], tokens[k + 1]) or (possessive and gap == " " and k == last)
            if not joined:
                return False
            if tokens[k + 1].key in EPONYM_NOUNS:
                return True
            if not tokens[k + 1].capitalised:
                return False
            k += 1
        return False

    def _part_of_other_proper_noun(self, i: int, last: int) -> bool:
        """ "Angel Park", "Park Avenue": a roster word that is also an ordinary word, inside
        another proper noun."""
        tokens, text = self.tokens, self.text
        if i > 0 and not tokens[i].sentence_start and spaced(text, tokens[i - 1], tokens[i]):
            before = tokens[i - 1]
            ordinary_first = before.sentence_start and before.key in ordinary_words()  # "Give Joy a raise"
            if before.capitalised and before.key not in STOPWORDS and before.key not in TITLES and not ordinary_first:
                return True
        if last + 1 < len(tokens) and spaced(text, tokens[last], tokens[last + 1]):
            after = tokens[last + 1]
            if after.capitalised and after.key in PLACE_NOUNS:
                return True
        return False

    def _placed_by_role(self, i: int) -> bool:
        """ "Keiko at the front desk", "Dmitri, the PTA,": a capitalised word that is no
        ordinary word, placed as a person by what follows it."""
        token = self.tokens[i]
        if token.possessive or token.key in ordinary_words() or token.key in AMBIGUOUS:
            return False
        return self._role_after(token.end)

    def _role_after(self, at: int) -> bool:
        """A desk or a role right after ``at``: "at the front desk", ", the PTA,"."""
        if _DESK_AFTER.match(self.text, at):
            return True
        role = _ROLE_AFTER.match(self.text, at)
        return role is not None and role.group("noun").casefold() in ROLE_NOUNS

    def _name_like_after(self, last: int) -> bool:
        """ "Grace at the front desk", "Grace, the PTA," and "Grace Smith, PTA" place a name."""
        token = self.tokens[last]
        if token.possessive:
            return False
        return self._role_after(token.end) or bool(CREDENTIALS_AFTER.match(self.text, token.end))

    def _other_at(self, i: int, context: str, *, comma: bool = False) -> _Name | None:
        """A name not on the roster. ``context``: "plain" (only a listed first name that is
        no ordinary word), "placed" ("ask for Kayla"), "cued" (after a role noun) or "titled"
        (after a title): there any capitalised word that is not an ordinary one."""
        tokens, text = self.tokens, self.text
        token = tokens[i]
        key = token.key
        ordinary = ordinary_words()
        listed = key in self.names
        ambiguous = key in AMBIGUOUS
        if self._titled_initial(i, context):
            return _Name(Kind.TITLED_NAME, i, i, self._initial_end(i), A_STAFF_MEMBER)
        if len(key) < 2:
            return None
        if key in BUSINESS_WORDS or key in BUSINESS_MODIFIERS or key in EPONYMS:
            return None
        if key in STOPWORDS and not (ambiguous and context != "plain" and token.capitalised):
            return None
        after = text[token.after :]
        if context == "plain":
            if not token.capitalised or len(key) < 3 or (token.all_caps and not self._in_capitals(i)):
                return None
            if not listed and not self._unlisted_full_name(i) and not self._placed_by_role(i):
                return None
        elif not listed and len(key) > 6 and "-" not in key and key.endswith(NOT_NAME_ENDINGS):
            return None  # "Provider Enumeration", "Therapist Training"
        elif context == "titled":
            if not token.capitalised and (key in ordinary or key in ROLE_NOUNS):
                return None
            if token.capitalised and key in ordinary and not ambiguous and not listed:
                return None
        else:
            if not token.capitalised and not (listed and context == "cued"):
                return None
            if key in ordinary and not ambiguous and not listed:
                return None
            if ambiguous and re.match(r"\s*\d", after):
                return None  # "the PT May 3rd" is a date
            if comma and not listed and not token.capitalised:
                return None
            if comma and ambiguous and not (self._name_like_after(i) or re.match(r"\s*(?:[,.!?;)]|$)", after)):
                return None  # "the PT, Grace period aside" is no name
        last = i
        # A surname, or an initial: "Kayla Brooks", "Kayla B."
        surname_listed = False
        if i + 1 < len(tokens) and not token.possessive and not self.taken[i + 1]:
            nxt = tokens[i + 1]
            if nxt.capitalised and spaced(text, token, nxt):
                if len(nxt.text) == 1:
                    surname = text[nxt.end : nxt.end + 1] == "."
                elif nxt.all_caps or nxt.key in STOPWORDS or nxt.key in BUSINESS_WORDS or nxt.key in ROLE_NOUNS:
                    surname = False
                else:
                    surname_listed = nxt.key in last_names() and nxt.key not in AMBIGUOUS
                    surname = surname_listed or (
                        nxt.key not in ordinary and nxt.key not in AMBIGUOUS and nxt.key not in self.names
                    )
                if surname:
                    last = i + 1
        if context == "plain":
            if ambiguous and not (surname_listed or self._name_like_after(last)):
                return None  # "Grace period", "Austin traffic", "Summer hours"
            if self._eponym_after(last):
                return None  # "Tommy John surgery", "the Kayla method"
        end = tokens[last].end
        if len(tokens[last].text) == 1 and text[end : end + 1] == ".":
            end += 1
        elif not tokens[last].possessive:
            credentials = CREDENTIALS_AFTER.match(text, end)
            if credentials is not None:
                end = credentials.end()
        kind = Kind.TITLED_NAME if context == "titled" else Kind.OTHER_NAME
        return _Name(kind, i, last, end, A_STAFF_MEMBER)


# What stands for a removed number or address while names are read: neither a letter, a
# digit nor punctuation that ends a sentence.
_MASK = "\ufffc"


def _masked(text: str, found: Sequence[Found]) -> str:
    chars = list(text)
    for item in found:
        chars[item.start : item.end] = _MASK * (item.end - item.start)
    return "".join(chars)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _sentence_case(replacement: str, sentence_start: bool) -> str:
    if sentence_start and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
