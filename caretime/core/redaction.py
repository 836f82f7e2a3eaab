"""Screening review text before it is stored for publication: reviews are of the clinic, never
of its clinicians.

``screen`` replaces the names of individual people by their role ("the therapist", "the
front desk", "a staff member") and removes phone numbers, e-mail addresses and record, claim
or member numbers. It knows three sources of names:

* the clinic's roster, in every usual form: "Jane Doe", "Jane", "Doe", "Dr. Doe", "Jane D.",
  "Jane Doe, DPT", "Doe PT", "Jane's", common short forms ("Jenny" for Jennifer), any case;
* titles: "Dr. Smith", "Mr. Lee", "Nurse Kim", "Therapist Jane";
* other personal names, by position ("my therapist Kayla", "an aide named Bo", "Grace at the
  front desk", "Tina, the PTA,") or because they are on a list of first names. The list is
  the census-derived first names of ``faker``'s en_US person provider plus a few more of
  its English-language lists, read from the installed package: nothing is downloaded.

Phone numbers are found by patterns: the US forms ("(312) 555-0199", "312.555.0199",
"+1 312 555 0199", "3125550199", "555-0199" after "call" or "number"), and a plus sign with
8 to 15 digits for other countries.

What must stay: the clinic's own names (anything inside an occurrence of one of
``clinic_names``), a capitalised word directly followed by a business word ("Johnson
Physical Therapy", "Martin Rehab", "Dr. Lee's Rehab Center"), and ordinary words that are
also names ("Will they call back?", "Grace period", "in May", "Austin traffic") unless they
are on the roster, titled, or in a clearly name-like position.

Nothing here touches the network; the word lists are built once, on first use.
"""

from __future__ import annotations

import enum
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from caretime.core.text import gettext_noop

# --- the public interface -----------------------------------------------------------------


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


def screen_with(
    options: Options, text: str, *, roster: Sequence[RosterPerson] = (), clinic_names: Sequence[str] = ()
) -> Screened:
    """``screen`` with the given sources of names and numbers."""
    found = _Screening(text, tuple(roster), tuple(clinic_names), options).run()
    pieces: list[str] = []
    at = 0
    for item in found:
        pieces.append(text[at : item.start])
        pieces.append(item.replacement)
        at = item.end
    pieces.append(text[at:])
    return Screened("".join(pieces), tuple(found))


# --- word lists ---------------------------------------------------------------------------


def fold(word: str) -> str:
    """The key a word is compared by: no accents, case-folded, one kind of apostrophe."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().replace("’", "'")


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


# Names that are also ordinary words, months or places: never taken as a name on their own,
# only when on the roster, titled, or in a name-like position.
AMBIGUOUS = _words("""
    will bill mark grace hope joy rose art jack frank sue may june april august summer autumn
    faith dawn amber crystal destiny angel christian jesus mercedes guy don bob pat ray max
    drew dale dean glen grant lance rich chase hunter ruby ivy daisy holly robin heather penny
    melody misty sandy sunny rusty cliff wade reed sterling earl gene jean carol cole miles
    chad jade raven diamond ebony star sky iris lily violet precious harmony trinity charity
    patience justice liberty bliss honey candy brandy sage rocky buddy king prince duke major
    austin dallas houston jackson charlotte madison jordan denver phoenix orlando tyler
    florence lincoln chelsea savannah raleigh aurora augusta eugene helena marion troy warren
    irving lawrence columbia victoria camden chester georgia virginia carolina dakota sierra
    sydney paris india china kent beverly clinton franklin vernon shelby cameron logan tucker
    lee long young page case price white brown green black gray grey hill wood woods
    lucky rex forum olive hazel eden noel dolores esperanza soledad socorro consuelo luz cruz
    paz ira bella pearl haven journey story kingston hudson german israel scot blanca
    """)
# Names of methods, conditions and brands ("the McKenzie exercises", "Tommy John surgery"):
# a first name right before one of these words is not a person here.
EPONYM_NOUNS = _words("""
    method methods technique techniques exercise exercises approach protocol protocols surgery
    syndrome disease palsy cyst sign test maneuver manoeuvre fracture tape taping concept
    program programme band bands machine
    """)
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
PLACE_NOUNS = _words("""
    street st avenue ave road rd boulevard blvd drive lane way court plaza park square mall
    bank hospital university college school county city lake river mountain hall building
    tower station airport church library
    """)
EPONYMS = _words("mckenzie mulligan graston maitland bobath schroth feldenkrais pilates kinesio theraband")

# Ordinary words a name is never: after "my therapist" or "Dr." these are not names.
STOPWORDS = _words("""
    i me he him she her they them we us you it its his hers their theirs our ours my mine your
    yours the a an this that these those there here who whom whose which what why how when
    where was is are were be been being am has have had having did does do done doing will
    would can could should shall may might must and or but so if then than too also always
    never very really truly just not no yes all any every each everyone everybody someone
    somebody anyone nobody nothing something everything staff team clinic office front desk
    therapist therapists therapy physical occupational speech rehab session sessions visit
    visits appointment appointments insurance billing today yesterday tomorrow tonight now
    after before during since until while because with without for from to in on at by of
    about over under again once twice overall plus update edit note ps fyi asap etc hi hello
    hey dear wow omg lol sadly unfortunately luckily honestly seriously thanks thank great good
    amazing awesome excellent wonderful fantastic best better worse worst kind nice helpful
    friendly rude okay ok super highly definitely absolutely terrible horrible fine sure love
    loved hate please sorry well yet still only even more most less least much many some few
    other another both either neither such same own new old first last next one two three
    said says told asked called came went got gets made makes took takes gave gives helped
    explained listened treated worked works did didn't doesn't don't wasn't isn't won't can't
    couldn't wouldn't i'm i've i'd i'll he's she's they're we're you're it's that's there's
    mr mrs ms miss mx dr doctor nurse coach prof pt ot slp dpt pta cota ota slpa md do rn np
    pa atc lmt ocs scs cscs otr mpt mspt cht ccc bcb hipaa ptsd acl mcl mri ct er icu pcp
    covid tens ice heat stim dry needling medicare medicaid aetna cigna humana united
    bcbs blue cross shield kaiser tricare copay deductible monday tuesday wednesday thursday
    friday saturday sunday mon tue tues wed thu thur thurs fri sat sun january february march
    july september october november december jan feb mar apr jun jul aug sep sept oct nov dec
    christmas easter thanksgiving halloween morning afternoon evening night week weekend
    month year hour hours minutes minute time times day days patient patients people person
    guys ladies folks everyone's google yelp facebook zoom mychart epic webpt
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
    minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york ohio
    oklahoma oregon pennsylvania rhode tennessee texas utah vermont washington wisconsin
    wyoming chicago boston seattle atlanta miami detroit portland brooklyn queens bronx
    manhattan philadelphia baltimore cleveland pittsburgh milwaukee nashville memphis tampa
    sacramento oakland omaha tulsa tucson albuquerque cincinnati columbus indianapolis
    minneapolis richmond norfolk spokane boise reno fresno plano irvine pasadena evanston
    oak park street st ave avenue road rd blvd drive dr suite downtown north south east west
    american english spanish christianity god lord jesus's
    """)

# Words a clinic's name is made of: a capitalised word directly before one of these is a
# business name ("Johnson Physical Therapy", "Kelly Sports PT", "Martin Rehab").
BUSINESS_WORDS = _words("""
    therapy therapies rehab rehabilitation clinic clinics center centre centers centres sports
    health healthcare associates group wellness institute hospital medical medicine
    orthopedics orthopaedics ortho spine performance physio physiotherapy chiropractic fitness
    care partners practice practices services specialists motion movement works llc inc pllc
    pc outpatient therapeutics network recovery balance pt ot
    """)
# Words that make a business name only with one of the above after them ("Smith Physical
# Therapy"): on their own after a name they mean nothing.
BUSINESS_MODIFIERS = _words("physical occupational speech hand pediatric pediatrics family pelvic sport")
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
_CREDENTIALS_AFTER = re.compile(rf"(?:(?:\s*,\s*|\s+)(?:{_CREDENTIAL})(?![\w/-]))+")
BARE_CREDENTIAL_KEYS = _words("pt ot slp dpt pta cota ota slpa otr")

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
ABBREVIATED_TITLES = _words("dr mr mrs ms mx prof")
# A title written in full counts only when capitalised ("Nurse Kim", not "a nurse Kim").
FULL_TITLES = _words("doctor doc miss professor nurse therapist coach")

# The head nouns of a role: a name right after one is a person's ("my therapist Kayla", "the
# PT, Jane,", "an aide named Bo"). Family and friends are people too.
ROLE_NOUNS = _words("""
    therapist therapists pt pts ot ots slp slps dpt pta ptas cota otas ota slpa physio
    physiotherapist pathologist assistant assistants aide aides tech techs technician
    receptionist receptionists secretary scheduler coordinator manager director owner
    trainer intern student doctor doc nurse provider clinician specialist biller
    chiropractor surgeon physician counselor instructor lady guy gal girl man woman gentleman
    fellow dude husband wife son daughter mom mother dad father friend sister brother aunt
    uncle grandson granddaughter grandma grandpa grandmother grandfather partner boyfriend
    girlfriend fiance fiancee coworker colleague neighbor neighbour kid child caregiver
    desk reception billing front
    """)
# Words between a determiner and a role noun ("my physical therapist", "the front desk").
ROLE_MODIFIERS = _words("""
    physical occupational speech language speech-language front billing office athletic sports
    hand massage lead head main primary new old former favorite favourite awesome amazing great
    wonderful sweet lovely kind nice young older senior clinic therapy rehab pelvic floor
    vestibular desk other usual regular current previous original assigned student licensed
    """)
DETERMINERS = _words("a an the my our your his her their this that one another whose every each")
RECEPTION_NOUNS = _words("receptionist receptionists secretary desk reception front")
# Words that follow a name more often than the ordinary word ("Grace was great" but not
# "Grace period"); they let a sentence-initial roster name that is also a word count.
NAME_FOLLOWERS = _words("""
    was is has had did does helped explained listened made took always really never told showed
    gave knows knew works worked spent taught answered called texted treated checked got went
    came said seemed truly definitely also actually genuinely went and's remembered pushed
    walked stretched cared listens explains takes makes gives spends treats pushes runs owns
    sees gets keeps puts goes
    """)
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


# Short forms of common first names: the roster says "Jennifer", the review says "Jenny".
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "abbie", "gail"),
    "alexander": ("alex", "xander", "sasha"),
    "alexandra": ("alex", "lexi", "sasha", "alexa"),
    "alexis": ("alex", "lexi"),
    "allison": ("ally", "allie"),
    "alison": ("ally", "allie"),
    "amanda": ("mandy", "manda"),
    "andrew": ("andy", "drew"),
    "angela": ("angie",),
    "anthony": ("tony",),
    "antonio": ("tony",),
    "barbara": ("barb", "barbie"),
    "benjamin": ("ben", "benny"),
    "beverly": ("bev",),
    "bradley": ("brad",),
    "cameron": ("cam",),
    "catherine": ("cathy", "cat", "kate", "katie"),
    "charles": ("charlie", "chuck", "chaz"),
    "christina": ("chris", "christy", "tina"),
    "christine": ("chris", "christy", "tina"),
    "christopher": ("chris", "topher"),
    "cynthia": ("cindy",),
    "daniel": ("dan", "danny"),
    "danielle": ("dani",),
    "david": ("dave", "davey"),
    "deborah": ("deb", "debbie", "debby"),
    "debra": ("deb", "debbie"),
    "donald": ("don", "donnie"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "ted"),
    "elizabeth": ("liz", "lizzie", "beth", "betsy", "eliza", "betty", "libby"),
    "emily": ("em", "emmy"),
    "frances": ("fran", "frannie"),
    "francis": ("frank", "fran"),
    "frederick": ("fred", "freddie"),
    "gabriel": ("gabe",),
    "gabriela": ("gabby", "gabi"),
    "gabriella": ("gabby", "gabi"),
    "gerald": ("gerry", "jerry"),
    "gregory": ("greg",),
    "jacob": ("jake",),
    "jacqueline": ("jackie",),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenn", "jenny"),
    "jessica": ("jess", "jessie"),
    "jeffrey": ("jeff",),
    "jonathan": ("jon", "jonny"),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "judith": ("judy",),
    "katherine": ("kate", "katie", "kathy", "kat", "kathryn"),
    "kathryn": ("kate", "katie", "kathy", "kat"),
    "kathleen": ("kathy", "kate", "katie"),
    "kenneth": ("ken", "kenny"),
    "kimberly": ("kim",),
    "lawrence": ("larry",),
    "leonard": ("leo", "len", "lenny"),
    "margaret": ("maggie", "meg", "peggy", "marge"),
    "matthew": ("matt",),
    "melissa": ("mel", "missy"),
    "michael": ("mike", "mikey", "mick"),
    "michelle": ("shelly", "shelley"),
    "nathan": ("nate",),
    "nathaniel": ("nate", "nat"),
    "nicholas": ("nick", "nicky"),
    "nicole": ("nikki", "nicki"),
    "pamela": ("pam",),
    "patricia": ("pat", "patty", "trish", "tricia"),
    "patrick": ("pat", "patty"),
    "peter": ("pete",),
    "phillip": ("phil",),
    "philip": ("phil",),
    "raymond": ("ray",),
    "rebecca": ("becky", "becca"),
    "richard": ("rick", "ricky", "rich", "dick"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "sandra": ("sandy",),
    "stephanie": ("steph",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue", "suzy", "susie"),
    "suzanne": ("sue", "suzy"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim", "timmy"),
    "victoria": ("vicky", "tori"),
    "vincent": ("vince", "vinny"),
    "william": ("will", "bill", "billy", "liam", "willie"),
    "zachary": ("zach", "zack"),
}


@functools.cache
def _faker_words() -> frozenset[str]:
    """The common English words of faker's en_US lorem provider (971 words)."""
    from faker.providers.lorem.en_US import Provider as Lorem

    return frozenset(fold(w) for w in Lorem.word_list)


@functools.cache
def first_names(which: str) -> frozenset[str]:
    """First names, folded: "en_US" is faker's en_US list (census-derived, 690 names);
    "wide" adds its en_GB, en_IE, en_NZ, en_IN and es_MX lists and the short forms above."""
    if which == "none":
        return frozenset()
    import importlib

    locales = ["en_US"] if which == "en_US" else ["en_US", "en_GB", "en_IE", "en_NZ", "en_IN", "es_MX"]
    names: set[str] = set()
    for locale in locales:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            for name in getattr(provider, attribute, ()):
                for part in name.split():
                    names.add(fold(part))
    if which == "wide":
        for short in NICKNAMES.values():
            names.update(short)
    ordinary = _faker_words() | STOPWORDS | BUSINESS_WORDS
    return frozenset(n for n in names if len(n) > 1 and n not in ordinary)


@functools.cache
def last_names() -> frozenset[str]:
    """faker's en_US last names (1,000, census-derived), folded."""
    from faker.providers.person.en_US import Provider as Person

    return frozenset(fold(n) for n in Person.last_names)


@functools.cache
def _ordinary() -> frozenset[str]:
    return STOPWORDS | BUSINESS_WORDS | BUSINESS_MODIFIERS | (_faker_words() - AMBIGUOUS)


# --- tokens -------------------------------------------------------------------------------

_LETTERS = r"(?:[^\W\d_]|[\u0300-\u036f])+"
_WORD = re.compile(rf"[^\W\d_]{_LETTERS[:-1]}*(?:['’]{_LETTERS}|-{_LETTERS})*")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_SENTENCE_END = ".!?…\n\r\u2029\u2028"
_OPENERS = "\"'“‘([{*-–—•¡¿ \t"


@dataclass(slots=True)
class _Token:
    start: int
    end: int  # of the word, without a possessive
    text: str
    key: str
    after: int  # end including a possessive ("'s", or "'" after an s)
    possessive: str  # "", "'s" or "'"
    capitalised: bool
    all_caps: bool
    sentence_start: bool = False


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _WORD.finditer(text):
        word, start, end = match.group(), match.start(), match.end()
        after, possessive = end, ""
        if len(word) > 2 and word.endswith(_POSSESSIVE):
            word, end, possessive = word[:-2], end - 2, "'s"
        elif word[-1:] in "sS" and text[end : end + 1] in ("'", "’") and not text[end + 1 : end + 2].isalpha():
            after, possessive = end + 1, "'"
        first = word[0]
        letters = [c for c in word if c.isalpha()]
        tokens.append(
            _Token(
                start=start,
                end=end,
                text=word,
                key=fold(word),
                after=after,
                possessive=possessive,
                capitalised=first.isupper(),
                all_caps=len(letters) > 1 and all(c.isupper() for c in letters),
            )
        )
    previous: _Token | None = None
    for token in tokens:
        before = text[previous.after if previous else 0 : token.start]
        stripped = before.strip(_OPENERS)
        if previous is None:
            token.sentence_start = not stripped or stripped[-1] in _SENTENCE_END
        elif "\n" in before or "\r" in before:
            token.sentence_start = True
        elif stripped and stripped[-1] in _SENTENCE_END:
            # "Dr. Smith", "Jane D. was": a title or an initial before the full stop.
            token.sentence_start = not (
                stripped == "." and (previous.key in ABBREVIATED_TITLES or len(previous.text) == 1)
            )
        previous = token
    return tokens


def _gap(text: str, left: _Token, right: _Token) -> str:
    return text[left.after : right.start]


def _spaced(text: str, left: _Token, right: _Token) -> bool:
    """Only spaces (no line break, no punctuation) between two tokens, and no possessive."""
    gap = _gap(text, left, right)
    return bool(gap) and not left.possessive and gap.isspace() and "\n" not in gap and len(gap) <= 3


# --- numbers and addresses ----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+'-])[\w.+'-]*\w@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b"
    r"|(?<![\w.+-])[\w.+-]*\w\s*(?:\[at\]|\(at\)|\{at\}|\s+at\s+)\s*[\w-]+"
    r"(?:\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*[\w-]+)*\s*(?:\[dot\]|\(dot\)|\{dot\}|\s+dot\s+)\s*"
    r"(?:com|org|net|edu|gov|us|io|co|info|health|care|biz)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+/@-])(?:\+\s?1[\s.\-]*|1[\s.\-]+)?(?:\(\s*[2-9]\d{2}\s*\)|[2-9]\d{2})[\s.\-]{0,2}[2-9]\d{2}[\s.\-]{0,2}\d{4}"
    r"(?:\s*(?:ext\.?|extension|x)\s*\d{1,6})?(?![\w-])",
    re.IGNORECASE,
)
_LOCAL_PHONE = re.compile(
    r"\b(?:call(?:ed|ing)?|text(?:ed)?|phone|number|cell|tel|fax|dial(?:ed)?|line)\b[^.\n\d\[\]]{0,24}?"
    r"(?<![\d-])(?P<number>[2-9]\d{2}[\-.][\d]{4})(?![\w-])",
    re.IGNORECASE,
)
_RECORD_CUE = (
    r"(?:MRN|medical\s+record|record|chart|patient\s+(?:ID|account|number)|account|acct\.?|claim|"
    r"member|subscriber|policy|group|insurance\s+ID|ID|invoice|reference|ref\.?|case|ticket|"
    r"authori[sz]ation|auth\.?|referral|confirmation|Medicare|Medicaid|MBI|SSN|social\s+security)"
)
_RECORD = re.compile(
    rf"\b{_RECORD_CUE}(?:\s+(?:ID|number|no\.?|num|nr|#))?\s*(?:is|was|of|:|=)?\s*"
    r"(?P<number>#?\s?(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}[A-Z0-9])(?![\w-])",
    re.IGNORECASE,
)
# Numbers that are identifiers whatever stands before them: a hash and five or more digits,
# letters with six or more digits, seven or more digits in a row, a social security number.
_BARE_RECORD = re.compile(
    r"(?<![\w$.,-])(?:#\s?[A-Z]{0,4}\d{5,}|[A-Z]{1,4}\d{6,}[A-Z]?|\d{7,}|\d{3}-\d{2}-\d{4})(?![\w-])",
    re.IGNORECASE,
)


# International numbers: a plus sign, a country code other than 1, 8 to 15 digits in all.
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+[2-9]\d{0,2}+(?:[\s.\-]?\(?\d{1,5}+\)?){2,6}+(?![\w-])")


def _phones(text: str) -> Iterable[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        yield match.start(), match.end()
    for match in _LOCAL_PHONE.finditer(text):
        yield match.start("number"), match.end("number")
    for match in _INTERNATIONAL_PHONE.finditer(text):
        if 8 <= sum(c.isdigit() for c in match.group()) <= 15:
            yield match.start(), match.end()


_MASK = "¤"  # stands in for what was found: neither a letter, a digit nor a space


def _contact_in(text: str) -> list[Found]:
    spans: list[Found] = []
    for match in _EMAIL.finditer(text):
        spans.append(Found(Kind.EMAIL, match.start(), match.end(), EMAIL_REMOVED))
    for start, end in _phones(text):
        spans.append(Found(Kind.PHONE, start, end, PHONE_REMOVED))
    for match in _RECORD.finditer(text):
        spans.append(Found(Kind.RECORD_NUMBER, match.start("number"), match.end("number"), NUMBER_REMOVED))
    for match in _BARE_RECORD.finditer(text):
        spans.append(Found(Kind.RECORD_NUMBER, match.start(), match.end(), NUMBER_REMOVED))
    # An e-mail address wins over a number inside it, a longer span over a shorter one.
    order = {Kind.EMAIL: 0, Kind.PHONE: 1, Kind.RECORD_NUMBER: 2}
    spans.sort(key=lambda f: (f.kind is not Kind.EMAIL, -(f.end - f.start), order[f.kind], f.start))
    kept: list[Found] = []
    for item in spans:
        if not any(item.start < k.end and k.start < item.end for k in kept):
            kept.append(item)
    return kept


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
    tokens: list[_Token] = field(default_factory=list)
    taken: list[bool] = field(default_factory=list)  # token inside a number, an address or a clinic name
    names: frozenset[str] = frozenset()
    forms: dict[str, list[tuple[tuple[str, ...], RosterPerson, bool]]] = field(default_factory=dict)

    def run(self) -> list[Found]:
        contact = self._contact()
        self.tokens = _tokens(self.text)
        self.names = first_names(self.options.first_names)
        self.forms = _roster_forms(self.roster)
        blocked = [(f.start, f.end) for f in contact] + self._clinic_spans()
        self.taken = [_overlaps(t.start, t.after, blocked) for t in self.tokens]
        found = contact + self._names()
        found.sort(key=lambda f: (f.start, -f.end))
        kept: list[Found] = []
        for item in found:
            if kept and item.start < kept[-1].end:
                continue
            kept.append(item)
        return kept

    # numbers and addresses

    def _contact(self) -> list[Found]:
        """E-mail addresses, phone numbers and record numbers. What is found is masked and the
        text read again, so that a number that touched another one ("0000000(312)555-0199")
        is not left to be found only once the first is replaced."""
        text = self.text
        kept: list[Found] = []
        for _ in range(4):
            more = _contact_in(text)
            if not more:
                break
            kept += more
            for item in more:
                text = text[: item.start] + _MASK * (item.end - item.start) + text[item.end :]
        return sorted(kept, key=lambda f: f.start)

    # clinics

    def _clinic_spans(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for name in self.clinic_names:
            pattern = _clinic_pattern(name)
            if pattern is not None:
                spans += [(m.start(), m.end()) for m in pattern.finditer(self.text)]
        tokens, text = self.tokens, self.text
        # The first word of the clinic's own names: "Johnson PT" is Johnson Physical Therapy.
        leading = {fold(words[0]) for words in map(_WORD.findall, self.clinic_names) if words}
        for i in range(1, len(tokens)):
            head = tokens[i]
            if not (head.capitalised and (head.key in BUSINESS_WORDS or head.key in BUSINESS_MODIFIERS)):
                continue
            before = tokens[i - 1]
            if not before.capitalised or (before.key in STOPWORDS and before.key not in ABBREVIATED_TITLES):
                continue
            if before.key in BUSINESS_WORDS or before.key in BUSINESS_MODIFIERS or before.key in ROLE_NOUNS:
                continue
            gap = text[before.after : head.start]
            if not gap.isspace() or "\n" in gap:
                continue
            # The run of business words after the name.
            j = i
            while j + 1 < len(tokens) and tokens[j + 1].capitalised and _spaced(text, tokens[j], tokens[j + 1]):
                if tokens[j + 1].key not in BUSINESS_WORDS and tokens[j + 1].key not in BUSINESS_MODIFIERS:
                    break
                j += 1
            run = [t.key for t in tokens[i : j + 1]]
            if all(k in BUSINESS_MODIFIERS for k in run):
                continue
            if all(k in BARE_CREDENTIAL_KEYS for k in run) and self._person_word(before) and before.key not in leading:
                continue  # "Doe PT", "Kayla PT": a credential after a name; "Johnson PT" is the clinic
            start = i - 1
            # "Dr. Lee's Rehab Center", "Mary Beth Johnson Physical Therapy".
            for _ in range(2):
                if start == 0:
                    break
                prior = tokens[start - 1]
                gap = text[prior.after : tokens[start].start]
                if prior.key in ABBREVIATED_TITLES and gap.strip() in ("", ".") and "\n" not in gap:
                    start -= 1
                    break
                if prior.capitalised and not prior.possessive and gap.isspace() and prior.key not in _ordinary():
                    start -= 1
                    continue
                break
            spans.append((tokens[start].start, tokens[j].after))
        return spans

    def _person_word(self, token: _Token) -> bool:
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
        if i >= 1 and tokens[i - 1].key in ("request", "requested") and _spaced(self.text, tokens[i - 1], tokens[i]):
            return "placed"
        if (
            i >= 2
            and tokens[i - 1].key == "for"
            and tokens[i - 2].key in ("ask", "asked", "asking")
            and _spaced(self.text, tokens[i - 2], tokens[i - 1])
            and _spaced(self.text, tokens[i - 1], tokens[i])
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
        gap = _gap(text, cue, tokens[j])
        connector = gap.strip().casefold()
        if "\n" in gap or len(gap) > 4:
            if tokens[j].key in ("named", "called") and _spaced(text, cue, tokens[j]):
                connector = tokens[j].key
                j += 1
                if j >= len(tokens) or not _spaced(text, tokens[j - 1], tokens[j]):
                    return None, i
            else:
                return None, i
        elif connector == "" and tokens[j].key in ("named", "called") and j + 1 < len(tokens):
            if not _spaced(text, tokens[j], tokens[j + 1]):
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
        while k > 0 and tokens[k - 1].key in ROLE_MODIFIERS and _spaced(text, tokens[k - 1], tokens[k]):
            k -= 1
        determiner = k > 0 and tokens[k - 1].key in DETERMINERS and _spaced(text, tokens[k - 1], tokens[k])
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
            gap = _gap(text, token, tokens[i + 1])
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

    def _roster_at(self, i: int, context: str) -> _Name | None:
        tokens, text = self.tokens, self.text
        token = tokens[i]
        for keys, person, full in self.forms.get(token.key, ()):
            n = len(keys)
            if i + n > len(tokens):
                continue
            if any(tokens[i + m].key != keys[m] or self.taken[i + m] for m in range(n)):
                continue
            if any(not _spaced(text, tokens[i + m], tokens[i + m + 1]) for m in range(n - 1)):
                continue
            last = i + n - 1
            # "Jane D." and "Jane A. Doe".
            if not full and last + 1 < len(tokens) and keys == self._first_keys(person):
                nxt = tokens[last + 1]
                if (
                    len(nxt.text) == 1
                    and nxt.capitalised
                    and _spaced(text, tokens[last], nxt)
                    and nxt.key == fold(person.last_name)[:1]
                ):
                    last += 1
            end = tokens[last].end
            credentials = _CREDENTIALS_AFTER.match(text, end) if not tokens[last].possessive else None
            if tokens[last].end != tokens[last].after:
                credentials = None
            initial = len(tokens[last].text) == 1 and text[end : end + 1] == "."
            if initial:
                end += 1
            if credentials is not None:
                end = max(end, credentials.end())
            if not full and not self._roster_word_counts(i, last, context, credentials is not None):
                continue
            return _Name(Kind.ROSTER_NAME, i, last, end, person.role)
        return None

    def _first_keys(self, person: RosterPerson) -> tuple[str, ...]:
        return tuple(fold(w) for w in _WORD.findall(person.first_name))

    def _roster_word_counts(self, i: int, last: int, context: str, credentials: bool) -> bool:
        """Whether a one-word roster match that is also an ordinary word ("Will", "Grace",
        "Young") is the name here."""
        token = self.tokens[i]
        if token.key not in AMBIGUOUS and token.key not in _ordinary():
            return True
        if context == "plain" and self._part_of_other_proper_noun(i, last):
            return False
        if context != "plain" or credentials or self._name_like_after(last):
            return True
        if not token.capitalised or (token.all_caps and len(token.text) > 1):
            return False
        if token.possessive:
            return True
        if not token.sentence_start:
            return True
        following = self.tokens[last + 1] if last + 1 < len(self.tokens) else None
        if following is None or not _spaced(self.text, token, following):
            return False
        return following.key in NAME_FOLLOWERS or (following.key.endswith("ed") and len(following.key) > 4)

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
        if token.key in _ordinary() or token.key in AMBIGUOUS or token.key in last_names():
            return False
        nxt = tokens[i + 1]
        return (
            nxt.capitalised
            and not nxt.all_caps
            and _spaced(text, token, nxt)
            and nxt.key in last_names()
            and nxt.key not in AMBIGUOUS
            and nxt.key not in _ordinary()
            and not (i + 2 < len(tokens) and tokens[i + 2].capitalised and _spaced(text, nxt, tokens[i + 2]))
        )

    def _eponym_after(self, last: int) -> bool:
        """A method, condition or brand follows, one or two capitalised words on."""
        tokens, text = self.tokens, self.text
        k = last
        for _ in range(3):
            if k + 1 >= len(tokens) or not _spaced(text, tokens[k], tokens[k + 1]):
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
        if i > 0 and not tokens[i].sentence_start and _spaced(text, tokens[i - 1], tokens[i]):
            before = tokens[i - 1]
            ordinary_first = before.sentence_start and before.key in _ordinary()  # "Give Joy a raise"
            if before.capitalised and before.key not in STOPWORDS and before.key not in TITLES and not ordinary_first:
                return True
        if last + 1 < len(tokens) and _spaced(text, tokens[last], tokens[last + 1]):
            after = tokens[last + 1]
            if after.capitalised and after.key in PLACE_NOUNS:
                return True
        return False

    def _name_like_after(self, last: int) -> bool:
        """ "Grace at the front desk", "Grace, the PTA," and "Grace Smith, PTA" place a name."""
        token = self.tokens[last]
        if token.possessive:
            return False
        if _DESK_AFTER.match(self.text, token.end):
            return True
        role = _ROLE_AFTER.match(self.text, token.end)
        if role is not None and role.group("noun").casefold() in ROLE_NOUNS:
            return True
        return bool(_CREDENTIALS_AFTER.match(self.text, token.end))

    def _other_at(self, i: int, context: str, *, comma: bool = False) -> _Name | None:
        """A name not on the roster. ``context``: "plain" (only a listed first name that is
        no ordinary word), "placed" ("ask for Kayla"), "cued" (after a role noun) or "titled"
        (after a title): there any capitalised word that is not an ordinary one."""
        tokens, text = self.tokens, self.text
        token = tokens[i]
        key = token.key
        ordinary = _ordinary()
        listed = key in self.names
        ambiguous = key in AMBIGUOUS
        if len(key) < 2 or key in BUSINESS_WORDS or key in BUSINESS_MODIFIERS or key in EPONYMS:
            return None
        if key in STOPWORDS and not (ambiguous and context != "plain" and token.capitalised):
            return None
        after = text[token.after :]
        if context == "plain":
            if not token.capitalised or len(key) < 3 or (token.all_caps and not self._in_capitals(i)):
                return None
            if not listed and not self._unlisted_full_name(i):
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
            if nxt.capitalised and _spaced(text, token, nxt):
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
            credentials = _CREDENTIALS_AFTER.match(text, end)
            if credentials is not None:
                end = credentials.end()
        kind = Kind.TITLED_NAME if context == "titled" else Kind.OTHER_NAME
        return _Name(kind, i, last, end, A_STAFF_MEMBER)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _sentence_case(replacement: str, sentence_start: bool) -> str:
    if sentence_start and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@functools.lru_cache(maxsize=256)
def _clinic_pattern(name: str) -> re.Pattern[str] | None:
    parts = re.findall(r"[^\W_]+(?:['’][^\W_]+)*", name)
    if not parts:
        return None
    separator = r"(?:[\s.,&'’+/\-]|\band\b)*"
    body = separator.join(re.escape(p) for p in parts)
    return re.compile(rf"(?<![^\W_]){body}(?:['’]s)?(?![^\W_])", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _roster_forms(roster: tuple[RosterPerson, ...]) -> dict[str, list[tuple[tuple[str, ...], RosterPerson, bool]]]:
    """Each roster person's forms as token keys, by first key, longest first. The flag says
    whether the form is a full name (always a name) or one word of it (checked in context)."""
    forms: dict[str, list[tuple[tuple[str, ...], RosterPerson, bool]]] = {}

    def add(keys: tuple[str, ...], person: RosterPerson, full: bool) -> None:
        if keys and all(len(k) > 1 or full for k in keys):
            forms.setdefault(keys[0], []).append((keys, person, full))

    for person in roster:
        first = tuple(fold(w) for w in _WORD.findall(person.first_name))
        last = tuple(fold(w) for w in _WORD.findall(person.last_name))
        firsts = {first} if first else set()
        if len(first) == 1:
            firsts |= {(short,) for short in NICKNAMES.get(first[0], ())}
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


__all__: list[str] = [
    "NAME_KINDS",
    "Found",
    "Kind",
    "Options",
    "RosterPerson",
    "Screened",
    "screen",
    "screen_with",
]
