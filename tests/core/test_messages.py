"""The core's sentences are messages (an id and its parameters), worded in the language of
whoever shows them: the same assessment reads in English on one page and in Spanish on
another, and nothing in it is glued from English pieces."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from caretime.core import wording
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import Bar, assess
from caretime.core.wording import Message, Translation

TODAY = date(2026, 11, 1)

SPANISH = {
    "%(claim)s (%(evidence)s).": "%(claim)s (%(evidence)s).",
    "One-on-one on every visit": "Atención individual en cada visita",
    "The evidence is divided; ask the clinic.": "Las pruebas están divididas; pregunte a la clínica.",
    "%(month)s %(year)s": "%(month)s de %(year)s",
    "November": "noviembre",
    "no reports yet": "todavía no hay informes",
}
SPANISH_PLURALS = {
    ("%(count)s call, %(month)s", "%(count)s calls, newest %(month)s"): (
        "%(count)s llamada, %(month)s",
        "%(count)s llamadas, la última de %(month)s",
    ),
    ("%(count)s call", "%(count)s calls"): ("%(count)s llamada", "%(count)s llamadas"),
}


class Spanish:
    """A translation as the site's is: every message looked up, English when missing."""

    @staticmethod
    def gettext(message: str, /) -> str:
        return SPANISH.get(message, message)

    @staticmethod
    def ngettext(singular: str, plural: str, number: int, /) -> str:
        forms = SPANISH_PLURALS.get((singular, plural), (singular, plural))
        return forms[0] if number == 1 else forms[1]


@pytest.fixture
def spanish() -> Iterator[Translation]:
    before = wording.installed()
    wording.install(Spanish())
    yield Spanish()
    wording.install(before)


def _calls(count: int) -> list[Evidence]:
    return [Evidence(source=EvidenceSource.CALL, observed_on=TODAY, every_visit=True) for _ in range(count)]


def test_a_reason_is_worded_in_the_installed_language(spanish: Translation) -> None:
    assessment = assess(_calls(2), Bar(), as_of=TODAY)
    reason = next(r for r in assessment.reasons if "every visit" in r.claim.render(wording.ENGLISH))
    assert reason.text.startswith("Atención individual en cada visita (2 llamadas, la última de noviembre de 2026).")
    assert assessment.evidence_summary == "2 llamadas"


def test_the_same_assessment_reads_in_english_without_a_translation() -> None:
    assessment = assess(_calls(1), Bar(), as_of=TODAY)
    reason = next(r for r in assessment.reasons if "every visit" in r.claim.render(wording.ENGLISH))
    assert reason.text.startswith("One-on-one on every visit (1 call, November 2026).")
    assert assessment.evidence_summary == "1 call"
    assert assess([], Bar(), as_of=TODAY).evidence_summary == "no reports yet"


def test_a_message_is_worded_when_shown_not_when_made(spanish: Translation) -> None:
    message = Message("no reports yet")
    assert message.render(wording.ENGLISH) == "no reports yet"
    assert str(message) == "todavía no hay informes"
    counted = Message.counted(("%(count)s call", "%(count)s calls"), 3)
    assert counted.render(spanish) == "3 llamadas"
    assert counted.render(wording.ENGLISH) == "3 calls"
