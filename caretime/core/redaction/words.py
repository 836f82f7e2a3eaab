"""The word lists of the screening, each read once from a text file of the package's
``data/`` (one entry per line; ``data/SOURCES.md`` says where each comes from): the project's
own lists when the package is imported, the long lists of names and words on first use.

Words are compared by ``fold``: no accents, case-folded, one kind of apostrophe.
"""

from __future__ import annotations

import csv
import functools
import io
import unicodedata
from importlib import resources


@functools.lru_cache(maxsize=65536)  # a review's words are few and repeat; each is read twice
def fold(word: str) -> str:
    """The key a word is compared by: no accents, case-folded, one kind of apostrophe."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("’", "'")


@functools.cache
def entries(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.txt``, one a line (blank lines and surrounding spaces dropped)."""
    text = (resources.files("caretime.core.redaction") / "data" / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def word_set(name: str) -> frozenset[str]:
    """The folded words of ``data/<name>.txt``."""
    return frozenset(fold(word) for word in entries(name))


# --- the project's own lists --------------------------------------------------------------

# Names that are also ordinary words, months or places: never taken as a name on their own,
# only when on the roster, titled, or in a name-like position.
AMBIGUOUS = word_set("ambiguous")
# Names of methods, conditions and brands ("the McKenzie exercises", "Tommy John surgery"):
# a first name right before one of these words is not a person here.
EPONYM_NOUNS = word_set("eponym_nouns")
# Endings of ordinary words that no name not on the list has ("Enumeration", "Training").
NOT_NAME_ENDINGS = (
    "tion",
    "sion",
    "ment",
    "ness",
    "ity",
    "ology",
    "onomy",
    "ing",
    "ance",
    "ence",
    "ship",
    "able",
    "ible",
    "ical",
    "ism",
)
# Words that make a place of the roster word before them ("Park Avenue", "Lee Street").
PLACE_NOUNS = word_set("place_nouns")
# Names of methods and brands that are never a person here ("McKenzie", "Pilates").
EPONYMS = word_set("eponyms")

# Ordinary words a name is never: after "my therapist" or "Dr." these are not names.
STOPWORDS = word_set("stopwords")

# Words a clinic's name is made of: a capitalised word directly before one of these is a
# business name ("Johnson Physical Therapy", "Kelly Sports PT", "Martin Rehab").
BUSINESS_WORDS = word_set("business_words")
# Words that make a business name only with one of the above after them ("Smith Physical
# Therapy"): on their own after a name they mean nothing.
BUSINESS_MODIFIERS = word_set("business_modifiers")
# Credentials that are also a clinic's business words ("Kelly Sports PT"): after a person's
# name they are a credential.
BARE_CREDENTIAL_KEYS = frozenset({"pt", "ot", "slp", "dpt", "pta", "cota", "ota", "slpa", "otr"})

# Titles written before a name. An abbreviation counts with or without its full stop; a title
# written in full counts only when capitalised ("Nurse Kim", not "a nurse Kim").
ABBREVIATED_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof"})
FULL_TITLES = frozenset({"doctor", "doc", "miss", "professor", "nurse", "therapist", "coach"})

# The head nouns of a role: a name right after one is a person's ("my therapist Kayla", "the
# PT, Jane,", "an aide named Bo"). Family and friends are people too.
ROLE_NOUNS = word_set("role_nouns")
# Words between a determiner and a role noun ("my physical therapist", "the front desk").
ROLE_MODIFIERS = word_set("role_modifiers")
DETERMINERS = frozenset(
    {
        "a",
        "an",
        "the",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "this",
        "that",
        "one",
        "another",
        "whose",
        "every",
        "each",
    }
)
RECEPTION_NOUNS = frozenset({"receptionist", "receptionists", "secretary", "desk", "reception", "front"})
# Words that follow a name more often than the ordinary word ("Grace was great" but not
# "Grace period"); they let a sentence-initial roster name that is also a word count.
NAME_FOLLOWERS = word_set("name_followers")


@functools.cache
def nicknames() -> dict[str, frozenset[str]]:
    """The other forms of a first name, by the folded name: its short forms when it is a full
    name ("jennifer": "jen", "jenny", ...), and the full names it is a short form of ("jenny":
    "jennifer", ...). The roster says "Jennifer", the review says "Jenny"; the roster says
    "Bill", the review says "William". From the published nickname table ``nicknames.csv``
    (see ``data/SOURCES.md``): rows of a name, ``has_nickname`` and one of its short forms."""
    table: dict[str, set[str]] = {}
    text = (resources.files("caretime.core.redaction") / "data" / "nicknames.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        if len(row) != 3 or row[1] != "has_nickname":
            continue  # the header
        full, short = fold(row[0].strip()), fold(row[2].strip())
        table.setdefault(full, set()).add(short)
        table.setdefault(short, set()).add(full)
    return {name: frozenset(others) for name, others in table.items()}


# --- lists taken from Faker (census-derived names, common English words) -------------------

# The locales of Faker's person provider whose first names are read: census data of the US
# and other English- and Spanish-speaking countries.
WIDE_LOCALES = ("en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "es_MX")


@functools.cache
def lorem_words() -> frozenset[str]:
    """The common English words of Faker's en_US lorem provider (971 words), folded."""
    return word_set("lorem_en_US")


@functools.cache
def first_names(which: str) -> frozenset[str]:
    """First names, folded: "en_US" is Faker's en_US list (census-derived, 690 names);
    "wide" adds its en_GB, en_IE, en_NZ, en_IN and es_MX lists (the nickname table, a
    genealogist's with "Bell" and "Kit" among its short forms, serves the roster only); "none" is no list at all."""
    if which == "none":
        return frozenset()
    locales = ("en_US",) if which == "en_US" else WIDE_LOCALES
    names: set[str] = set()
    for locale in locales:
        for name in entries(f"first_names_{locale}"):
            # "José Luis", "Te Ariki": each word is a first name.
            for part in name.split():
                names.add(fold(part))
    ordinary = lorem_words() | STOPWORDS | BUSINESS_WORDS
    return frozenset(n for n in names if len(n) > 1 and n not in ordinary)


@functools.cache
def last_names() -> frozenset[str]:
    """Faker's en_US last names (1,000, census-derived), folded."""
    return word_set("last_names_en_US")


@functools.cache
def ordinary_words() -> frozenset[str]:
    """Words that are ordinary English, names that are also words (``AMBIGUOUS``) left out."""
    return STOPWORDS | BUSINESS_WORDS | BUSINESS_MODIFIERS | (lorem_words() - AMBIGUOUS)
