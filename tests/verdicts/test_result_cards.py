"""The results page's cards, the forms' widgets and the verdict API's answers are made once per
worker and reused (caretime.verdicts.cards, caretime.web.form_renderer, caretime.api.reports):
whatever searches, clinics, bars and languages came before, a page or answer reads exactly as
the same one made afresh, and a card or answer changes as soon as what it shows does."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st
from time_machine import TimeMachineFixture

from caretime.core.kept import forget_everything_kept
from caretime.directory.models import Clinic
from caretime.verdicts import cards
from caretime.verdicts.actions import record_call_report
from caretime.verdicts.cards import card_distance
from caretime.web.templatetags.kept import kept_parts
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic, make_person, today

pytestmark = pytest.mark.django_db

BARS = ({"min_minutes": "45", "every_visit": "yes"}, {"min_minutes": "35", "every_visit": "no"})
SEARCHES = [
    {"near": near, "radius_miles": radius, "discipline": discipline, **extra}
    for near, radius in (("60614", 25), ("60601", 10))
    for discipline in ("pt", "", "ot")
    for extra in ({}, {"meets_bar": "1"}, {"page": "2"})
]
_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def forget_rendered() -> None:
    """Drop every card, widget and verdict answer this process kept: the next page or answer
    is made afresh."""
    forget_everything_kept()


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
            forget_rendered()
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
    forget_rendered()
    for (b, language), expected in reversed(afresh.items()):
        assert pages(BARS[b], language, SEARCHES[::-1], afresh=False) == expected[::-1]


def test_on_redis_a_card_one_worker_rendered_serves_another_as_it_was(
    region: list[Clinic], shared_redis: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that kept nothing takes the cards another rendered from the shared cache (in
    one round trip a page) and renders none itself, and its pages read as the first worker's."""
    first = pages(BARS[0], "en", SEARCHES, afresh=False)
    forget_rendered()  # another worker: the shared cache is all it has

    def never(*args: object) -> None:
        raise AssertionError("a card rendered again")

    monkeypatch.setattr(cards, "_render", never)
    assert pages(BARS[0], "en", SEARCHES, afresh=False) == first


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


def clinic_paths(region: list[Clinic]) -> list[str]:
    """Clinic pages of clinics with every kind of verdict (meets the bar, avoid, mixed reports,
    nothing known, a therapy not offered), reached from a search (with alternatives) and not,
    and their verdicts from the API."""
    demo = list(Clinic.objects.filter(is_demo=True).exclude(pk__in=[c.pk for c in region]).order_by("pk")[:3])
    paths = []
    for clinic in [*region, *demo]:
        for discipline in ("pt", "ot", "slp"):
            paths.append(f"/clinics/{clinic.pk}/?discipline={discipline}")
            paths.append(f"/clinics/{clinic.pk}/?discipline={discipline}&near=60614&radius_miles=25")
            paths.append(f"/api/v1/clinics/{clinic.pk}/verdict?discipline={discipline}")
    return paths


def test_clinic_pages_and_verdicts_read_exactly_as_rendered_afresh(region: list[Clinic]) -> None:
    paths = clinic_paths(region)
    afresh = {}
    for b, bar in enumerate(BARS):
        for language in ("en", "es"):
            found = []
            client = Client()
            client.post("/your-bar/", {**bar, "next": "/"})
            for path in paths:
                forget_rendered()
                response = client.get(path if path.startswith("/api/") or language == "en" else f"/es{path}")
                found.append(f"{response.status_code}\n{_CSRF.sub('', response.content.decode())}")
            afresh[b, language] = found
    verdicts = {json.loads(page[4:])["verdict"] for page in afresh[0, "en"] if page.startswith("200\n{")}
    assert verdicts == {"good", "avoid", "unknown"}, verdicts
    assert sum(page.startswith("200\n<!doctype html>") for found in afresh.values() for page in found) > 100
    forget_rendered()
    for (b, language), expected in reversed(afresh.items()):
        client = Client()
        client.post("/your-bar/", {**BARS[b], "next": "/"})
        again = [
            client.get(path if path.startswith("/api/") or language == "en" else f"/es{path}")
            for path in reversed(paths)
        ]
        found = [f"{r.status_code}\n{_CSRF.sub('', r.content.decode())}" for r in again]
        assert found == expected[::-1]


def test_signed_in_and_signed_out_pages_read_exactly_as_rendered_afresh(region: list[Clinic]) -> None:
    person = make_person("kept-pages@example.org")
    searches = SEARCHES[:4]
    clinics = [f"/clinics/{clinic.pk}/?discipline=pt&near=60614&radius_miles=25" for clinic in region]

    def pages_of(signed_in: bool, language: str, *, afresh: bool) -> list[str]:
        client = Client()
        if signed_in:
            client.force_login(person)
        prefix = "/es" if language == "es" else ""
        found = []
        for path in [*(f"/clinics/?{urlencode(search)}" for search in searches), *clinics]:
            if afresh:
                forget_rendered()
            response = client.get(f"{prefix}{path}")
            found.append(f"{response.status_code}\n{_CSRF.sub('', response.content.decode())}")
        return found

    cases = [(signed_in, language) for signed_in in (False, True) for language in ("en", "es")]
    afresh = {case: pages_of(*case, afresh=True) for case in cases}
    assert all("/accounts/login/" in page for page in afresh[False, "en"])
    assert not any("/accounts/login/" in page for page in afresh[True, "en"])
    forget_rendered()
    for case in [*cases, *reversed(cases)]:  # each part first kept for one person, then read by the other
        assert pages_of(*case, afresh=False) == afresh[case]


def test_what_a_person_typed_and_their_csrf_token_are_never_kept(region: list[Clinic]) -> None:
    typed = "chicago,  IL"
    forget_rendered()
    client = Client()
    client.post("/your-bar/", {**BARS[0], "next": "/"})
    response = client.get(f"/clinics/?{urlencode({'near': typed, 'radius_miles': 25, 'discipline': 'pt'})}")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="chicago,  IL"' in page, "the search form shows the place as typed"
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    kept = "".join(piece for _, pieces in kept_parts.items() for piece in pieces)
    assert 'name="near"' in kept, "the search form is kept"
    assert 'name="csrfmiddlewaretoken"' in kept, "the bar form is kept"
    assert "chicago" not in kept
    assert "chicago" not in repr([key for key, _ in kept_parts.items()])
    assert token not in kept


@settings(max_examples=300)
@given(
    # (floatformat writes numbers of over 200 digits as they come, 5e-198 for one: no distance)
    miles=st.just(0.0)
    | st.floats(min_value=1e-9, max_value=150)
    | st.integers(min_value=0, max_value=1500).map(lambda tenths: tenths / 10 + 0.05),  # halves of a tenth
    language=st.sampled_from(["en", "es"]),
)
def test_a_cards_distance_reads_as_the_template_writes_it(miles: float, language: str) -> None:
    """Written once per tenth of a mile, a distance still reads exactly as ``floatformat`` writes
    the distance itself, halves rounded up, in both languages (1.5 in English, 1,5 in Spanish)."""
    with translation.override(language):
        expected = gettext("%(miles)s miles away") % {"miles": floatformat(miles, 1)}
        assert card_distance(miles) == f'<span class="distance">{expected}</span>'


# The distance after a clinic's address as the template part that wrote it did, before
# ``{% clinic_distance %}`` wrote it in Python (a part rendered on every clinic page).
DISTANCE_AS_IT_WAS = Template(
    '{% load i18n %}{% if miles or miles == 0 %} · <span class="distance">{% if from_clinic %}'
    "{% blocktranslate with miles=miles|floatformat:1 %}{{ miles }} miles from this clinic{% endblocktranslate %}"
    "{% elif from_place %}{% blocktranslate with miles=miles|floatformat:1 place=from_place %}"
    "{{ miles }} miles from {{ place }}{% endblocktranslate %}{% else %}"
    "{% blocktranslate with miles=miles|floatformat:1 %}{{ miles }} miles away{% endblocktranslate %}{% endif %}"
    "</span>{% endif %}"
)
DISTANCE = Template("{% load distance %}{% clinic_distance miles from_place=from_place from_clinic=from_clinic %}")


@settings(max_examples=300)
@given(
    miles=st.none()
    | st.just(0.0)
    | st.floats(min_value=1e-9, max_value=150)
    | st.integers(min_value=0, max_value=1500).map(lambda tenths: tenths / 10 + 0.05),
    language=st.sampled_from(["en", "es"]),
    from_place=st.sampled_from(["", "Chicago, IL 60614", '<b>O\'Hare & "Elm"</b>']),
    from_clinic=st.booleans(),
)
def test_a_clinics_distance_reads_as_the_template_wrote_it(
    miles: float | None, language: str, from_place: str, from_clinic: bool
) -> None:
    """From the person's place (escaped), from the clinic looked at, or plainly away, in both
    languages; nothing without a distance."""
    values = Context({"miles": miles, "from_place": from_place, "from_clinic": from_clinic})
    with translation.override(language):
        assert DISTANCE.render(values) == DISTANCE_AS_IT_WAS.render(values)
