"""The results page's cards are rendered once per worker and reused (caretime.verdicts.cards):
whatever searches, bars and languages came before, a page reads exactly as the same page with
every card rendered afresh, and a card changes as soon as what it shows does."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from time_machine import TimeMachineFixture

from caretime.directory.models import Clinic
from caretime.verdicts.actions import record_call_report
from caretime.verdicts.cards import kept_cards
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic, today

pytestmark = pytest.mark.django_db

BARS = ({"min_minutes": "45", "every_visit": "yes"}, {"min_minutes": "35", "every_visit": "no"})
SEARCHES = [
    {"near": near, "radius_miles": radius, "discipline": discipline, **extra}
    for near, radius in (("60614", 25), ("60601", 10))
    for discipline in ("pt", "", "ot")
    for extra in ({}, {"meets_bar": "1"}, {"page": "2"})
]
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture
def region(db: None) -> list[Clinic]:
    """The demo region (with its call reports and billing figures) and clinics of our own with
    every kind of verdict, one of them a demo clinic, some offering several therapies."""
    call_command("load_demo", clinics=60, stdout=StringIO())
    own = [
        make_clinic("Good PT", latitude=41.9227, longitude=-87.6533, disciplines=("pt", "ot", "slp")),
        make_clinic("Mill PT", latitude=41.9100, longitude=-87.6400, disciplines=("pt", "ot")),
        make_clinic("Torn PT", latitude=41.9000, longitude=-87.6300, is_demo=True),
        make_clinic("Quiet PT", latitude=41.8900, longitude=-87.6350, disciplines=("ot",)),
    ]
    add_call(own[0], ONE_ON_ONE)
    add_call(own[0], ONE_ON_ONE)
    add_call(own[0], MIDDLING, discipline="ot")
    add_call(own[1], MILL)
    add_call(own[2], ONE_ON_ONE)
    add_call(own[2], MILL)
    return own


def pages(bar: dict[str, str], language: str, searches: list[dict[str, object]], *, afresh: bool) -> list[str]:
    """The results pages of ``searches`` under ``bar`` in ``language``; with ``afresh``, every
    card rendered from the template, none reused."""
    client = Client()
    client.post("/your-bar/", {**bar, "next": "/"})
    prefix = "/es" if language == "es" else ""
    found = []
    for search in searches:
        if afresh:
            kept_cards.clear()
        response = client.get(f"{prefix}/clinics/?{urlencode(search)}")
        found.append(f"{response.status_code}\n{_CSRF.sub('', response.content.decode())}")
    return found


def card_of(page: str, name: str) -> str:
    return next(card for card in page.split('<li class="result">')[1:] if f">{name}<" in card)


def test_reused_cards_read_exactly_as_cards_rendered_afresh(region: list[Clinic]) -> None:
    afresh = {
        (b, language): pages(bar, language, SEARCHES, afresh=True)
        for b, bar in enumerate(BARS)
        for language in ("en", "es")
    }
    assert sum(page.count('<li class="result">') for found in afresh.values() for page in found) > 300
    # Now with the cards of every search, bar and language before kept: searched in another
    # order, so that each card first rendered for one search is reused for others.
    kept_cards.clear()
    for (b, language), expected in reversed(afresh.items()):
        assert pages(BARS[b], language, SEARCHES[::-1], afresh=False) == expected[::-1]


def test_a_card_changes_with_what_it_shows(region: list[Clinic], clock: TimeMachineFixture) -> None:
    mill = region[1]
    search = [{"near": "60614", "radius_miles": 25, "discipline": "pt"}]
    (before,) = pages(BARS[0], "en", search, afresh=False)
    assert "Early signal (1 call)" in card_of(before, "Mill PT")
    # The same verdict, on two reports now (from another caller: a repeat would not count).
    record_call_report(clinic=mill, discipline="pt", called_in=today(), answers=MILL, reporter_key="another")
    (after,) = pages(BARS[0], "en", search, afresh=False)
    assert "Based on 2 calls." in card_of(after, "Mill PT")
    assert pages(BARS[0], "en", search, afresh=True) == [after]
    clock.shift(timedelta(seconds=1))  # a directory generation is named by the clock: let it move
    mill.name = "Mill Street PT"
    mill.save()  # the listing changes: a new directory generation
    (renamed,) = pages(BARS[0], "en", search, afresh=False)
    assert ">Mill Street PT<" in renamed
    assert pages(BARS[0], "en", search, afresh=True) == [renamed]
