"""Screening review text: the figures on the labelled evaluation set, the tricky cases one by
one, and any text at all.

How the evaluation set is scored (``tests/core/redaction_eval.py``):

* An expected span is *covered* when every letter and digit of it lies inside found spans of a
  compatible kind; recall of a kind is covered / expected spans of that kind.
* A found span is *correct* when it overlaps an expected span of a compatible kind; precision is
  correct / found, over the whole set (clean sentences included, where nothing is expected).
* Compatible kinds: the three name kinds with one another (each replaces a person's name; the
  kind only picks the wording), phone and record numbers with each other, e-mail with e-mail.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core import redaction
from caretime.core.redaction import (
    A_STAFF_MEMBER,
    EMAIL_REMOVED,
    NUMBER_REMOVED,
    PHONE_REMOVED,
    THE_ASSISTANT,
    THE_THERAPIST,
    Kind,
    RosterPerson,
    Screened,
    screen,
    words,
)
from tests.core.redaction_eval import CASES, JOHNSON, KELLY, LAKESIDE, LEE, MARTIN, evaluate, expected_spans

# --- the evaluation set -------------------------------------------------------------------


def test_the_evaluation_set_covers_what_the_issue_asks_for() -> None:
    topics = Counter(case.topic for case in CASES)
    with_kind = Counter(kind for case in CASES for kind in {kind for kind, _ in case.expected})
    contact = sum(1 for case in CASES if any(kind in (Kind.PHONE, Kind.EMAIL) for kind, _ in case.expected))
    assert len(CASES) >= 200
    assert with_kind[Kind.ROSTER_NAME] >= 70
    assert with_kind[Kind.OTHER_NAME] >= 25
    assert with_kind[Kind.TITLED_NAME] >= 10
    assert with_kind[Kind.EMAIL] >= 20
    assert contact >= 40
    assert with_kind[Kind.RECORD_NUMBER] >= 10
    assert topics["clinic"] >= 25
    assert topics["clean"] >= 40
    assert len({case.text for case in CASES}) == len(CASES)
    for case in CASES:
        expected_spans(case)  # every expected substring is in its sentence
        assert all(keep in case.text for keep in case.keep)


def test_the_figures_on_the_evaluation_set() -> None:
    figures = evaluate()
    assert figures.roster_recall >= 0.95
    assert figures.contact_recall >= 0.98
    assert figures.precision >= 0.8
    assert figures.kept >= 0.95 * figures.keep_total
    assert figures.clean_untouched >= 0.95 * figures.clean_total


# --- tricky cases -------------------------------------------------------------------------


def screened(text: str, roster: tuple[RosterPerson, ...] = LAKESIDE, clinic: str = "Lakeside Physical Therapy") -> str:
    return screen(text, roster=roster, clinic_names=[clinic]).text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jane's exercises worked.", "The therapist's exercises worked."),
        ("I did Jane's exercises daily.", "I did the therapist's exercises daily."),
        ("JANE DOE, DPT was great.", "The therapist was great."),
        ("Saw Doe PT twice.", "Saw the therapist twice."),
        ("Dr.Doe and dr doe and Dr. Jane Doe.", "The therapist and the therapist and the therapist."),
        ("Ask for Jane D. if you can.", "Ask for the therapist if you can."),
        ("My therapist Jane Doe was great.", "My therapist was great."),
        ("The PT, Jane Doe, took her time.", "The PT took her time."),
        ("Jane, my PT, was great.", "My PT was great."),
        ("Grace Okafor did most visits.", "The assistant did most visits."),
        ("I saw Grace every week.", "I saw the assistant every week."),
        ("Grace period is two hours.", "Grace period is two hours."),
        ("Jenny is the best SLP.", "The therapist is the best SLP."),
        ("Tom's plan was clear.", "The assistant's plan was clear."),
        # Initials beside a name, in any case.
        ("jane d. was great.", "The therapist was great."),
        ("Ask for Jane D if you can.", "Ask for the therapist if you can."),
        ("J. Doe was great.", "The therapist was great."),
        ("Dr. D. was great.", "The therapist was great."),
        ("I saw Dr. J. Doe twice.", "I saw the therapist twice."),
        # Misspelt, or spelled the way it sounds.
        ("Whitfeild was great.", "The therapist was great."),
        ("I saw Marcus Witfield twice.", "I saw the therapist twice."),
        ("Jenifer got my son talking.", "The therapist got my son talking."),
        # Split by punctuation or spacing.
        ("Jane.Doe was great.", "The therapist was great."),
        ("Ask for Jane-Doe.", "Ask for the therapist."),
        ("J a n e was great.", "The therapist was great."),
        ("Thanks to P.R.I.Y.A for everything.", "Thanks to the therapist for everything."),
        # Capitals in a lower-case sentence, a lower-case sentence.
        ("I trust GRACE with my knee.", "I trust the assistant with my knee."),
        ("grace worked on my knee.", "The assistant worked on my knee."),
        ("grace period ends friday.", "grace period ends friday."),
    ],
)
def test_roster_names_are_replaced_by_the_role(text: str, expected: str) -> None:
    assert screened(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My therapist Kayla was great.", "My therapist was great."),
        ("An aide named Bo helped.", "An aide helped."),
        ("Receptionist Maria was rude.", "The front desk was rude."),
        ("Our receptionist, Maria, was rude.", "Our receptionist was rude."),
        ("Brittany at the front desk was rude.", "A staff member at the front desk was rude."),
        ("Kayla's notes were thorough.", "A staff member's notes were thorough."),
        ("James' exercises were too easy.", "A staff member's exercises were too easy."),
        ("Dr. Patel referred me.", "The doctor referred me."),
        ("Nurse Kim took my vitals.", "The nurse took my vitals."),
        ("Mr. Lee handled billing.", "A staff member handled billing."),
        ("Therapist Dana was calm.", "The therapist was calm."),
        ("Physical therapist Dana was calm.", "The physical therapist was calm."),
        ("Our therapist Will was kind.", "Our therapist was kind."),
        ("KAYLA WAS GREAT", "A staff member WAS GREAT"),
        ("I worked with Tamika Reynolds.", "I worked with a staff member."),
    ],
)
def test_other_and_titled_names(text: str, expected: str) -> None:
    assert screened(text, roster=(), clinic="") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will they call back?",
        "Grace period for cancellations is short.",
        "I started in May and finished in June.",
        "Best clinic in Austin.",
        "Hope this helps.",
        "Mark my words.",
        "Bill me later was not an option.",
        "Frank answer: no.",
        "Joy is rare in rehab.",
        "The McKenzie exercises fixed my back.",
        "My son had Tommy John surgery.",
        "Chase Bank is next door.",
        "I paid $150 at 3:30 on 12/05/2024 for 45 minutes.",
        "The page answers in 40 ms median.",
        "My MS Walk team meets here on Saturdays.",
        "Their National Provider Identifier is on the door.",
        "They take the CONN plan and Medicare.",
    ],
)
def test_ordinary_words_that_are_names_stay(text: str) -> None:
    assert screened(text, roster=(), clinic="") == text


def test_nicknames_from_the_table_in_both_directions() -> None:
    roster = (RosterPerson("Bill", "Ostrowski", "ATC"), RosterPerson("Katherine", "Sullivan", "OTR/L"))
    assert screened("William was great.", roster) == "The therapist was great."
    assert screened("Kathy was great.", roster) == "The therapist was great."
    # A short form from the table before a method or a condition is no person.
    assert screened("Bell's palsy therapy here was gentle.", roster) == "Bell's palsy therapy here was gentle."


def test_a_misspelling_needs_a_long_enough_name_and_a_capital() -> None:
    roster = (RosterPerson("Jane", "Marcus", "PT"),)
    # "John" sounds like "Jane" but is too short to be read as her: it is another person.
    assert screened("John was great.", roster) == "A staff member was great."
    assert screened("I sent my marks to the school.", roster) == "I sent my marks to the school."


def test_common_word_names_on_the_roster_count_only_where_they_are_names() -> None:
    assert screened("Will they call back?", JOHNSON) == "Will they call back?"
    assert screened("Will was my assistant.", JOHNSON) == "The assistant was my assistant."
    assert screened("I had Will Castillo most days.", JOHNSON) == "I had the assistant most days."
    assert screened("Hope this helps.", JOHNSON) == "Hope this helps."
    assert screened("Thanks to Mark and Hope!", JOHNSON) == "Thanks to the therapist and the therapist!"
    assert screened("Frank answer: no.", MARTIN) == "Frank answer: no."
    assert screened("Frank was honest.", MARTIN) == "The therapist was honest."
    assert screened("Angel Park is across the street.", KELLY) == "Angel Park is across the street."


@pytest.mark.parametrize(
    ("text", "clinic", "roster"),
    [
        ("Johnson Physical Therapy gives you a full hour.", "Johnson Physical Therapy", JOHNSON),
        ("Johnson PT is clean.", "Johnson Physical Therapy", JOHNSON),
        ("Kelly Sports PT got me back to soccer.", "Kelly Sports PT", KELLY),
        ("Martin Rehab is small but they care.", "Martin Rehab", MARTIN),
        ("Dr. Lee's Rehab Center took my insurance.", "Dr. Lee's Rehab Center", LEE),
        ("Dr. Lee's Rehab Center took my insurance.", "", ()),
        ("I went to Bennett Physical Therapy before.", "", ()),
        ("Compared to Jackson Rehabilitation this place is calm.", "", ()),
    ],
)
def test_clinic_names_that_look_like_person_names_stay(
    text: str, clinic: str, roster: tuple[RosterPerson, ...]
) -> None:
    assert screened(text, roster, clinic) == text


def test_the_clinic_name_protects_only_its_own_occurrence() -> None:
    text = "Dr. Johnson at Johnson Physical Therapy is why I came back."
    assert screened(text, JOHNSON, "Johnson Physical Therapy") == (
        "The therapist at Johnson Physical Therapy is why I came back."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call (312) 555-0199 now.", f"Call {PHONE_REMOVED} now."),
        (
            "Call 312-555-0199, 312.555.0199 or 3125550199.",
            f"Call {PHONE_REMOVED}, {PHONE_REMOVED} or {PHONE_REMOVED}.",
        ),
        ("Text +1 312 555 0199 today.", f"Text {PHONE_REMOVED} today."),
        ("From London: +44 20 7946 0958.", f"From London: {PHONE_REMOVED}."),
        ("Mail jane.doe@lakesidept.com please.", f"Mail {EMAIL_REMOVED} please."),
        ("MRN 4455321 was lost.", f"MRN {NUMBER_REMOVED} was lost."),
        ("My claim #A1234567 was denied.", f"My claim {NUMBER_REMOVED} was denied."),
        ("Member ID XJH123456789 was billed.", f"Member ID {NUMBER_REMOVED} was billed."),
    ],
)
def test_numbers_and_addresses_are_removed(text: str, expected: str) -> None:
    assert screened(text, roster=(), clinic="") == expected


def test_found_spans_point_into_the_original_text() -> None:
    text = "Jane Doe (call 312-555-0199) said my therapist Kayla would email me at k@x.com."
    result = screen(text, roster=LAKESIDE)
    assert result.changed
    assert [(f.kind, text[f.start : f.end]) for f in result.found] == [
        (Kind.ROSTER_NAME, "Jane Doe"),
        (Kind.PHONE, "312-555-0199"),
        (Kind.OTHER_NAME, "therapist Kayla"),
        (Kind.EMAIL, "k@x.com"),
    ]
    assert result.found[0].replacement == "The therapist"
    assert result.found[2].replacement == "therapist"
    assert not screen("Nothing to see here.").changed
    assert screen("").text == ""


def test_the_role_follows_the_credential() -> None:
    assert RosterPerson("A", "B", "PTA").role == THE_ASSISTANT
    assert RosterPerson("A", "B", "cota").role == THE_ASSISTANT
    assert RosterPerson("A", "B", "SLPA").role == THE_ASSISTANT
    assert RosterPerson("A", "B", "PT, DPT").role == THE_THERAPIST
    assert RosterPerson("A", "B", "OTR/L").role == THE_THERAPIST
    assert RosterPerson("A", "B").role == THE_THERAPIST
    assert A_STAFF_MEMBER == "a staff member"


def test_screening_needs_neither_django_nor_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    code = "import sys, caretime.core.redaction as r; r.screen('Kayla'); assert not [m for m in sys.modules if m.startswith('django')]"
    subprocess.run([sys.executable, "-c", code], check=True)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("screening opened a socket")

    words.entries.cache_clear()
    redaction.first_names.cache_clear()
    redaction.last_names.cache_clear()
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert screen("My therapist Kayla Brooks was great.").text == "My therapist was great."


def test_the_word_lists_are_the_package_s_own_files_not_faker() -> None:
    # Faker made unimportable: the census names are read from the package's data files.
    code = """
import sys
sys.modules["faker"] = None
from caretime.core.redaction import first_names, last_names, screen
assert screen("Thanks to Brittany for the help.").text == "Thanks to a staff member for the help."
assert screen("I worked with Tamika Reynolds.").text == "I worked with a staff member."
assert (len(first_names("en_US")), len(first_names("wide")), len(last_names())) == (687, 2037, 1000)
assert not [name for name in sys.modules if name.startswith("faker.")]
"""
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_word_list_is_one_entry_a_line_and_has_its_source() -> None:
    data = resources.files("caretime.core.redaction") / "data"
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    lists = [item for item in data.iterdir() if item.name.endswith(".txt")]
    assert len(lists) == 18
    for item in lists:
        lines = item.read_text(encoding="utf-8").split("\n")
        assert lines[-1] == "", f"{item.name} ends without a line break"
        entries = lines[:-1]
        assert entries, item.name
        assert all(entry and entry == entry.strip() for entry in entries), f"{item.name} has a blank or padded line"
        assert len(set(entries)) == len(entries), f"{item.name} repeats an entry"
        assert f"`{item.name}`" in sources, f"{item.name} is not in SOURCES.md"
    assert "Copyright (c) 2012 Daniele Faraglia" in sources
    # The nickname table: copied whole, with its source, commit and licence.
    table = (data / "nicknames.csv").read_bytes()
    assert table.startswith(b"name1,relationship,name2\r\n")
    assert [line.count(b",") for line in table.splitlines()] == [2] * 2692
    assert "`nicknames.csv`" in sources
    assert "21d75051c39cb022d145388d60c87dc30505228b" in sources
    assert "Apache License, Version 2.0" in sources
    assert "Apache License" in (data / "LICENSE-nicknames").read_text(encoding="utf-8")


# --- any text -----------------------------------------------------------------------------

ROSTERS = st.sampled_from([(), LAKESIDE, JOHNSON, KELLY, MARTIN, LEE])
FRAGMENTS = st.sampled_from(
    [
        "Jane",
        "Doe",
        "Jane Doe, DPT",
        "jane's",
        "J. ",
        "D.",
        "Witfield",
        "Jenny",
        "J a n e",
        "Jane.Doe",
        "Dr. D",
        "Dr. ",
        "Dr.",
        "Will",
        "Grace",
        "Hope",
        "Kayla",
        "my therapist ",
        "the PT, ",
        " named ",
        "Johnson Physical Therapy",
        "Kelly Sports PT",
        "(312) 555-0199",
        "312.555.0199",
        "+1 312 555 0199",
        "3125550199",
        "jane.doe@lakesidept.com",
        "MRN 4455321",
        "claim #A1234567",
        "\u200f",  # right-to-left mark
        "\u202e",  # right-to-left override
        "\x00",
        "\x1b[31m",
        "\r\n",
        "😀",
        "👩‍⚕️",
        "ﷺ",
        "e\u0301",
        "İ",
        "ß",
        "'",
        "’s",
        ".",
        ", ",
        " ",
        "-",
        "@",
        "#",
    ]
)
TEXTS = st.one_of(
    st.text(max_size=3000),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=400).map("".join).map(lambda t: t[:3000]),
)


def check_shape(text: str, result: Screened) -> None:
    pieces: list[str] = []
    at = 0
    for found in result.found:
        assert at <= found.start < found.end <= len(text)
        pieces += [text[at : found.start], found.replacement]
        at = found.end
    pieces.append(text[at:])
    assert "".join(pieces) == result.text


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, roster=ROSTERS)
def test_any_text_is_screened_without_error(text: str, roster: tuple[RosterPerson, ...]) -> None:
    result = screen(text, roster=roster, clinic_names=["Johnson Physical Therapy", "Dr. Lee's Rehab Center"])
    check_shape(text, result)


@settings(max_examples=500, deadline=None)
@given(text=TEXTS, roster=ROSTERS)
def test_screening_is_idempotent(text: str, roster: tuple[RosterPerson, ...]) -> None:
    # The published text is screened again whenever the clinic's roster grows: with the same
    # roster, screening what was screened must change nothing.
    clinics = ["Johnson Physical Therapy", "Dr. Lee's Rehab Center"]
    first = screen(text, roster=roster, clinic_names=clinics)
    again = screen(first.text, roster=roster, clinic_names=clinics)
    assert again.text == first.text, [(f.kind, first.text[f.start : f.end]) for f in again.found]


@pytest.mark.parametrize("text", ["JANE'A000000", "Call Jane at 312-555-0199.", "jane d. was great"])
def test_screening_the_screened_text_changes_nothing(text: str) -> None:
    first = screen(text, roster=LAKESIDE)
    assert "jane" not in first.text.casefold()
    assert screen(first.text, roster=LAKESIDE).text == first.text


def test_a_long_text_of_every_script() -> None:
    text = ("Jane Doe\u200f שלום مرحبا 😀 (312) 555-0199 \x00. Grace period, Will they? 你好 " * 60)[:3000]
    result = screen(text, roster=LAKESIDE)
    check_shape(text, result)
    assert "Jane" not in result.text
    assert "555-0199" not in result.text
    assert "Grace period" in result.text
