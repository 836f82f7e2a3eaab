"""A labelled set of review sentences for the name screening, generated from sentence templates
and invented rosters with a fixed seed, and its scoring.

    .venv/bin/python -m tests.core.screening_sentences          # the figures
    .venv/bin/python -m tests.core.screening_sentences --misses # and every miss

The templates, rosters and other names here were written apart from the screening's rules and
its word lists: none of the invented surnames is on the census list the screening reads, and
the sentences were generated and scored before the rules for the new forms were written.

Each roster sentence writes one clinician of the clinic's roster in one *form*:

* ``full`` "Jane Doe", ``first`` "Jane", ``last`` "Doe", ``titled_last`` "Dr. Doe" or "Ms. Doe";
* ``nickname``: a short form from the published nickname table ("Jenny" for Jennifer);
* ``misspelled``: one letter off (dropped, doubled, swapped with the next, or a key next to it
  on the keyboard), in a name of 5 letters or more;
* ``sound_alike``: respelled the way it sounds ("Katharine" → "Kathryn" style: ph/f, c/k, y/i,
  doubled or single consonants, ee/ea, s/z);
* ``first_initial`` "Jane D.", ``initial_last`` "J. Doe", ``title_initial`` "Dr. D.";
* ``split``: the first and last name joined by punctuation ("Jane.Doe", "Jane-Doe",
  "Jane/Doe", "Jane_Doe") or a name's letters spaced out ("D o e", "J.A.N.E");
* ``possessive`` "Jane's", "Doe's"; ``case``: the name in capitals or in lower case.

Other sentences name someone not on the roster (``other``: "my husband Greg", "Dana at the
front desk") or no one (``clean``), many of them with words that are also names ("Will they
call back?", "Mark my words", "Grace period") and some with those words on the roster.

Scoring: a name is *caught* when every letter of it lies inside a span the screening found as
a name. A name-free sentence is *falsely changed* when the screening changes it at all.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from caretime.core.redaction import NAME_KINDS, RosterPerson, Screened, screen

SEED = 20261207

FORMS = (
    "full",
    "first",
    "last",
    "titled_last",
    "nickname",
    "misspelled",
    "sound_alike",
    "first_initial",
    "initial_last",
    "title_initial",
    "split",
    "possessive",
    "case",
)

# Invented rosters: first names people are given (many with short forms), surnames made up for
# this set (none is on the census list of the screening).
FIRST_NAMES = (
    "Jennifer",
    "Katherine",
    "Elizabeth",
    "Michael",
    "Christopher",
    "Rebecca",
    "Patricia",
    "Nicholas",
    "Margaret",
    "Anthony",
    "Stephanie",
    "Jonathan",
    "Victoria",
    "Benjamin",
    "Alexandra",
    "Timothy",
    "Samantha",
    "Gregory",
    "Deborah",
    "Matthew",
    "Jessica",
    "Frederick",
    "Theodore",
    "Kimberly",
    "Raymond",
    "Abigail",
    "Zachary",
    "Priscilla",
    "Leonard",
    "Cynthia",
    "Phillip",
    "Josephine",
    "Nathaniel",
    "Veronica",
    "Douglas",
    "Marisol",
    "Anjali",
    "Tobias",
    "Rosalind",
    "Desmond",
    "Ingrid",
    "Thaddeus",
    "Lucinda",
    "Ezekiel",
    "Philippa",
    "Cornelius",
    "Henrietta",
    "Sylvester",
    "Augustina",
    "Fernando",
)
# First names that are also ordinary words: on a roster, their ordinary use must stay.
WORD_FIRST_NAMES = ("William", "Mark", "Grace", "Hope", "Patrick", "Faith", "Joy", "Frank", "Bill")
SURNAMES = (
    "Thornquist",
    "Okonjo",
    "Vashenko",
    "Pemberley",
    "Quillfeather",
    "Marchetti",
    "Brannigan",
    "Delacroix",
    "Halvorsen",
    "Ashcombe",
    "Nakashima",
    "Oyelaran",
    "Fitzwarren",
    "Lindqvist",
    "Castellano",
    "Whitmore",
    "Abernethy",
    "Kowalczyk",
    "Rutherford",
    "Esterhazy",
    "Mbeki",
    "Caldicott",
    "Yamagata",
    "Penhaligon",
    "Strickwell",
    "Okafor",
    "Montague",
    "Ferrante",
    "Gallowglass",
    "Sorensen",
    "Ravensworth",
    "Achterberg",
    "Trevelyan",
    "Dunwoody",
    "Kerrigan",
    "Balasubramanian",
    "Haverford",
    "Quintero",
    "Blackwood",
    "Lachapelle",
)
CREDENTIALS = ("PT", "DPT", "PTA", "OTR/L", "COTA", "CCC-SLP", "SLPA")

# Short forms written by patients, for the first names above that have one.
SHORT_FORMS = {
    "Jennifer": ("Jen", "Jenny"),
    "Katherine": ("Kate", "Katie", "Kathy"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Michael": ("Mike", "Mikey"),
    "Christopher": ("Chris", "Topher"),
    "Rebecca": ("Becky", "Becca"),
    "Patricia": ("Patty", "Trish"),
    "Nicholas": ("Nick", "Nicky"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Anthony": ("Tony",),
    "Stephanie": ("Steph", "Stephie"),
    "Jonathan": ("Jon", "Johnny"),
    "Victoria": ("Vicky", "Tori"),
    "Benjamin": ("Ben", "Benny"),
    "Alexandra": ("Alex", "Sandra", "Lexi"),
    "Timothy": ("Tim", "Timmy"),
    "Samantha": ("Sam", "Sammy"),
    "Gregory": ("Greg",),
    "Deborah": ("Debbie", "Deb"),
    "Matthew": ("Matt",),
    "Jessica": ("Jess", "Jessie"),
    "Frederick": ("Fred", "Freddie"),
    "Theodore": ("Ted", "Teddy", "Theo"),
    "Kimberly": ("Kim",),
    "Raymond": ("Ray",),
    "Abigail": ("Abby", "Gail"),
    "Zachary": ("Zach", "Zack"),
    "Leonard": ("Leo", "Lenny"),
    "Cynthia": ("Cindy",),
    "Phillip": ("Phil",),
    "Josephine": ("Josie", "Jo"),
    "Nathaniel": ("Nate", "Nathan"),
    "Douglas": ("Doug",),
    "William": ("Will", "Bill", "Billy", "Liam"),
    "Patrick": ("Pat", "Paddy"),
}

TITLES = ("Dr.", "Dr", "Ms.", "Mr.", "Mrs.")

# Sentences about one clinician; {name} is where the name goes. Some start with it, some end
# with it, some have it in the middle; none gives the name a role word right before it.
ROSTER_TEMPLATES = (
    "{name} spent the whole hour with me and never rushed.",
    "I asked for {name} every time I booked.",
    "My shoulder works again thanks to {name}.",
    "{name} had three other patients at the same time as me.",
    "Honestly {name} is the reason I kept coming back.",
    "I only saw {name} twice in six weeks; the rest was an aide.",
    "{name} explained every exercise and checked my form.",
    "If you go, try to get {name}.",
    "We worked with {name} on my balance after the fall.",
    "{name} was late to most of my sessions.",
    "The first visit with {name} was an hour of real care.",
    "I would drive an hour to see {name} again.",
    "{name} listened when I said the pain was worse.",
    "Book with {name} if you can, the others are stretched thin.",
    "My son adores {name} and talks about the visits all week.",
    "{name} put me on a bike and walked away for twenty minutes.",
    "Nobody but {name} ever looked at my chart.",
    "I trust {name} with my back.",
    "{name} gave me a home program that fit my life.",
    "After {name} left for vacation I got passed to a tech.",
    "Ask the front desk to schedule you with {name}.",
    "{name} taught my dad to use the walker safely.",
    "I felt heard by {name}, which is rare.",
    "The best part of this clinic is {name}.",
    "{name} rushed through my evaluation in ten minutes.",
)

# Names not on the roster, and sentences that place them.
OTHER_NAMES = (
    "Kayla",
    "Brenda",
    "Tyrone",
    "Marisa",
    "Dmitri",
    "Shanice",
    "Lorenzo",
    "Colleen",
    "Rashid",
    "Yolanda",
    "Trent",
    "Bettina",
    "Esteban",
    "Keiko",
    "Darnell",
    "Francesca",
    "Gideon",
    "Noreen",
    "Imani",
    "Casimir",
)
OTHER_TEMPLATES = (
    "My therapist {name} was great but she left in March.",
    "{name} at the front desk fixed my schedule every week.",
    "An aide named {name} did most of my exercises.",
    "My husband {name} drove me to every visit.",
    "The receptionist, {name}, was rude on the phone.",
    "Our PT {name} moved to another location.",
    "A student called {name} ran my session and did fine.",
    "My daughter {name} loved her speech sessions.",
    "Shout out to {name} at check-in!",
    "The office manager {name} sorted out my bill.",
    "{name}, the PTA, counted every rep with me.",
    "I saw Dr. {name} for my first evaluation.",
)

# Sentences that name no one, many with words that are also names.
CLEAN_SENTENCES = (
    "Will they call back? Nobody ever does.",
    "Will I need a referral for the pool program?",
    "Mark my words, this place is a mill.",
    "They mark each visit on a card at the desk.",
    "Grace period for cancellations is only two hours.",
    "She handled my fall with grace and patience.",
    "Hope this helps someone choose a clinic.",
    "I hope the new owners fix the schedule.",
    "Bill me later was not an option at checkout.",
    "The bill came three months later and was wrong.",
    "Pat the area dry after the ice pack.",
    "Faith in PT restored after two bad clinics.",
    "Joy is rare in rehab, but I felt it here.",
    "Frank answer from the front desk: they overbook.",
    "To be frank, the gym was dirty.",
    "I started in May and finished in June.",
    "Best clinic in Austin for runners.",
    "Rose from my chair without help by week four!",
    "Art on the walls is cheerful and the gym is bright.",
    "Sue them? No, but I did complain to my insurer.",
    "Summer hours are shorter, so book early.",
    "They moved to a bigger space on Lincoln Avenue.",
    "The McKenzie exercises fixed my back.",
    "Chase Bank is next door, which is handy.",
    "Each visit was 45 minutes with a licensed therapist.",
    "They double-booked me every single time.",
    "The aide ran most of my session while the PT charted.",
    "Parking is free and the building is easy to find.",
    "My insurance paid for twelve visits a year.",
    "The therapist spent the first visit just listening.",
    "I had to wait 20 minutes past my 3:30 appointment.",
    "Clean, quiet, and they run on time.",
    "Dawn appointments are perfect before work.",
    "Max of 12 visits per year under my plan.",
    "Rich or poor, they treat everyone the same.",
    "Will power only gets you so far; the exercises helped.",
    "The bill was fair and the staff explained it.",
    "I have high hopes for my knee after this.",
    "Grace under pressure describes the whole team.",
    "My mark on the pain scale dropped from 8 to 2.",
)
# Name-free sentences where a word that is also a name is on the roster itself.
ROSTER_WORD_SENTENCES = (
    "Will they call back? Nobody ever does.",
    "Mark my words, this place is a mill.",
    "Grace period for cancellations is only two hours.",
    "Hope this helps someone choose a clinic.",
    "Bill me later was not an option at checkout.",
    "Faith in PT restored after two bad clinics.",
    "Joy is rare in rehab, but I felt it here.",
    "Frank answer from the front desk: they overbook.",
    "Pat the area dry after the ice pack.",
    "The bill came three months later and was wrong.",
    "I hope the new owners fix the schedule.",
    "They mark each visit on a card at the desk.",
)


@dataclass(frozen=True)
class Sentence:
    topic: str  # "roster", "other" or "clean"
    form: str  # for roster sentences, one of FORMS; else the topic
    text: str
    roster: tuple[RosterPerson, ...]
    names: tuple[tuple[int, int], ...]  # spans that must be screened out


def _roster(rng: random.Random, with_word_name: bool) -> tuple[RosterPerson, ...]:
    firsts = rng.sample(FIRST_NAMES, 4)
    if with_word_name:
        firsts.append(rng.choice(WORD_FIRST_NAMES))
    lasts = rng.sample(SURNAMES, len(firsts))
    return tuple(RosterPerson(f, la, rng.choice(CREDENTIALS)) for f, la in zip(firsts, lasts, strict=True))


_KEYBOARD = {
    "a": "s",
    "b": "v",
    "c": "v",
    "d": "s",
    "e": "r",
    "f": "g",
    "g": "h",
    "h": "j",
    "i": "o",
    "j": "k",
    "k": "l",
    "l": "k",
    "m": "n",
    "n": "m",
    "o": "p",
    "p": "o",
    "q": "w",
    "r": "t",
    "s": "d",
    "t": "y",
    "u": "y",
    "v": "b",
    "w": "e",
    "x": "c",
    "y": "u",
    "z": "x",
}


def misspell(rng: random.Random, name: str) -> str:
    """One letter off, never the first: dropped, doubled, swapped with the next, or a key next
    to it."""
    at = rng.randrange(1, len(name) - 1)
    how = rng.choice(("drop", "double", "swap", "key"))
    if how == "drop":
        return name[:at] + name[at + 1 :]
    if how == "double":
        return name[: at + 1] + name[at] + name[at + 1 :]
    if how == "swap" and name[at] != name[at + 1]:
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    letter = name[at].lower()
    return name[:at] + _KEYBOARD.get(letter, letter) + name[at + 1 :]


# Respellings that keep the sound: (what is written, what it becomes).
_SOUNDS = (
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("c", "k"),
    ("k", "c"),
    ("y", "ie"),
    ("ie", "y"),
    ("i", "y"),
    ("ee", "ea"),
    ("ea", "ee"),
    ("s", "z"),
    ("z", "s"),
    ("tt", "t"),
    ("ll", "l"),
    ("rr", "r"),
    ("nn", "n"),
    ("l", "ll"),
    ("t", "tt"),
    ("ai", "ay"),
    ("th", "t"),
    ("qu", "kw"),
    ("x", "ks"),
    ("er", "ur"),
    ("ine", "yn"),
)


def sound_alike(rng: random.Random, name: str) -> str | None:
    """The name respelled the way it sounds, after its first letter; None when no respelling
    fits."""
    options = []
    for old, new in _SOUNDS:
        at = name.lower().find(old, 1)
        while at > 0:
            options.append((at, old, new))
            at = name.lower().find(old, at + 1)
    if not options:
        return None
    at, old, new = rng.choice(options)
    return name[:at] + new + name[at + len(old) :]


def _written(rng: random.Random, form: str, person: RosterPerson) -> str | None:
    first, last = person.first_name, person.last_name
    if form == "full":
        return f"{first} {last}"
    if form == "first":
        return first
    if form == "last":
        return last
    if form == "titled_last":
        return f"{rng.choice(TITLES)} {last}"
    if form == "nickname":
        shorts = SHORT_FORMS.get(first)
        return rng.choice(shorts) if shorts else None
    if form == "misspelled":
        name = rng.choice([n for n in (first, last) if len(n) >= 5] or [""])
        return misspell(rng, name) if name else None
    if form == "sound_alike":
        return sound_alike(rng, rng.choice((first, last)))
    if form == "first_initial":
        return f"{first} {last[0]}{rng.choice(('.', '.', ''))}"
    if form == "initial_last":
        return f"{first[0]}. {last}"
    if form == "title_initial":
        return f"{rng.choice(('Dr.', 'Dr', 'Ms.', 'Mr.'))} {last[0]}."
    if form == "split":
        how = rng.choice(("joined", "joined", "spaced", "dotted"))
        if how == "joined":
            return f"{first}{rng.choice('.-/_')}{last}"
        name = rng.choice((first, last))
        return (" " if how == "spaced" else ".").join(name.upper() if how == "dotted" else name)
    if form == "possessive":
        return f"{rng.choice((first, last))}'s"
    if form == "case":
        name = rng.choice((first, last, f"{first} {last}"))
        return name.upper() if rng.random() < 0.5 else name.lower()
    raise ValueError(form)


def _place(template: str, name: str) -> tuple[str, tuple[int, int]]:
    at = template.index("{name}")
    rest = template[at + len("{name}") :]
    if name.endswith(".") and rest.startswith("."):
        rest = rest[1:]  # "try to get Dr. B." ends with the initial's full stop
    text = template[:at] + name + rest
    # A possessive's "'s" may stay: the name is the part before it.
    end = at + len(name) - (2 if name.endswith("'s") else 0)
    return text, (at, end)


def generate(seed: int = SEED, per_form: int = 40) -> list[Sentence]:
    rng = random.Random(seed)
    sentences: list[Sentence] = []
    seen: set[tuple[str, tuple[RosterPerson, ...]]] = set()
    for form in FORMS:
        made = 0
        while made < per_form:
            roster = _roster(rng, with_word_name=rng.random() < 0.3)
            person = rng.choice(roster)
            name = _written(rng, form, person)
            if name is None:
                continue
            text, span = _place(rng.choice(ROSTER_TEMPLATES), name)
            if (text, roster) in seen:
                continue
            seen.add((text, roster))
            sentences.append(Sentence("roster", form, text, roster, (span,)))
            made += 1
    for _ in range(120):
        roster = _roster(rng, with_word_name=rng.random() < 0.3)
        text, span = _place(rng.choice(OTHER_TEMPLATES), rng.choice(OTHER_NAMES))
        sentences.append(Sentence("other", "other", text, roster, (span,)))
    for text in CLEAN_SENTENCES:
        for _ in range(4):
            sentences.append(Sentence("clean", "clean", text, _roster(rng, with_word_name=rng.random() < 0.3), ()))
    for text in ROSTER_WORD_SENTENCES:
        for word_name in WORD_FIRST_NAMES:
            roster = (*_roster(rng, with_word_name=False), RosterPerson(word_name, rng.choice(SURNAMES), "PT"))
            sentences.append(Sentence("clean", "clean", text, roster, ()))
    return sentences


Screener = Callable[[Sentence], Screened]


def default_screener(sentence: Sentence) -> Screened:
    return screen(sentence.text, roster=sentence.roster, clinic_names=("Riverside Physical Therapy",))


def caught(sentence: Sentence, screened: Screened, span: tuple[int, int]) -> bool:
    start, end = span
    return all(
        not sentence.text[at].isalnum() or any(f.kind in NAME_KINDS and f.start <= at < f.end for f in screened.found)
        for at in range(start, end)
    )


@dataclass(frozen=True)
class Figures:
    names: Counter[str]  # names written, by form (and "other")
    caught: Counter[str]  # of them, caught
    clean: int  # name-free sentences
    changed: int  # of them, changed by the screening

    def recall(self, form: str) -> float:
        return self.caught[form] / self.names[form]

    @property
    def roster_recall(self) -> float:
        return sum(self.caught[f] for f in FORMS) / sum(self.names[f] for f in FORMS)

    @property
    def false_removals(self) -> float:
        return self.changed / self.clean

    @property
    def sentences(self) -> int:
        return sum(self.names.values()) + self.clean

    def lines(self) -> list[str]:
        roster = sum(self.names[f] for f in FORMS)
        lines = [f"{self.sentences} sentences; roster names caught {sum(self.caught[f] for f in FORMS)}/{roster}"]
        lines += [f"  {form}: {self.caught[form]}/{self.names[form]}" for form in FORMS]
        lines.append(f"other names caught {self.caught['other']}/{self.names['other']}")
        lines.append(f"name-free sentences changed {self.changed}/{self.clean}")
        return lines


def evaluate(sentences: Sequence[Sentence], screener: Screener = default_screener) -> tuple[Figures, list[str]]:
    names: Counter[str] = Counter()
    caught_: Counter[str] = Counter()
    clean = changed = 0
    misses: list[str] = []
    for sentence in sentences:
        screened = screener(sentence)
        if sentence.topic == "clean":
            clean += 1
            if screened.changed:
                changed += 1
                misses.append(f"changed: {sentence.text!r} -> {screened.text!r}")
            continue
        for span in sentence.names:
            names[sentence.form] += 1
            if caught(sentence, screened, span):
                caught_[sentence.form] += 1
            else:
                roster = ", ".join(f"{p.first_name} {p.last_name}" for p in sentence.roster)
                misses.append(f"{sentence.form}: {sentence.text!r} -> {screened.text!r} [{roster}]")
    return Figures(names, caught_, clean, changed), misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--misses", action="store_true", help="list every name missed and every sentence changed")
    args = parser.parse_args()
    figures, misses = evaluate(generate())
    print("\n".join(figures.lines()))
    if args.misses:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
