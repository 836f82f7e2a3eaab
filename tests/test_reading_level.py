"""Every page a patient or a clinician reads is written at US school grade 7 or below
(Flesch-Kincaid), and its Spanish edition at Fernández-Huerta 70 or more, measured on its main
text as rendered (tests/reading.py says what counts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from caretime.core.verdict import Bar, Status
from caretime.directory.models import Clinic
from caretime.verdicts.demo import load_demo_region
from caretime.verdicts.selectors import care_time_for
from tests.factories import make_person
from tests.reading import ENGLISH, SPANISH, Standard, hardest_sentences, page_text


def _clinic() -> Clinic:
    clinic = Clinic.objects.filter(services__discipline="pt").order_by("id").first()
    assert clinic is not None
    return clinic


def _compared(clinic: Clinic) -> str:
    others = Clinic.objects.exclude(pk=clinic.pk).filter(services__discipline="pt").order_by("id")[:3]
    ids = "&".join(f"clinic={pk}" for pk in [clinic.pk, *(c.pk for c in others)])
    return f"/compare/?{ids}&discipline=pt&near={clinic.zip_code}"


def _page_of_a_clinic_that_is(status: Status) -> str:
    """The physical therapy page of the first demo clinic with this verdict under the default bar."""
    today = timezone.now().date()
    for clinic in Clinic.objects.filter(services__discipline="pt").order_by("id"):
        if care_time_for(clinic, "pt", Bar(), as_of=today).assessment.status == status:
            return f"/clinics/{clinic.pk}/?near={clinic.zip_code}&discipline=pt"
    raise AssertionError(f"the demo region has no clinic that is {status.value}")


# (page, its address given the demo clinic, signed in)
PAGES: list[tuple[str, Callable[[Clinic], str], bool]] = [
    ("home", lambda c: "/", False),
    ("results", lambda c: f"/clinics/?near={c.zip_code}", False),
    ("clinic", lambda c: f"/clinics/{c.pk}/?near={c.zip_code}", False),
    *(
        (f"clinic: {status.value}", lambda c, status=status: _page_of_a_clinic_that_is(status), False)
        for status in Status
    ),
    ("ask before booking", lambda c: f"/clinics/{c.pk}/pt/ask/", False),
    ("letters", lambda c: f"/clinics/{c.pk}/pt/letters/", False),
    ("visit timer", lambda c: f"/clinics/{c.pk}/pt/visit-timer/", False),
    ("visit report", lambda c: f"/clinics/{c.pk}/pt/visit-report/", True),
    ("write review", lambda c: f"/clinics/{c.pk}/pt/review/", True),
    ("review policy", lambda c: "/about/review-policy/", False),
    ("compare", _compared, False),
    ("about", lambda c: "/about/", False),
    ("methodology", lambda c: "/about/methodology/", False),
    ("privacy", lambda c: "/about/privacy/", False),
    ("contact", lambda c: "/about/contact/", False),
    ("billing by state", lambda c: "/data/states/", False),
    ("my reports", lambda c: "/account/reports/", True),
    ("account home", lambda c: "/account/", True),
    ("sign in", lambda c: "/accounts/login/", False),
    ("sign up", lambda c: "/accounts/signup/", False),
    ("employers", lambda c: f"/employers/?near={c.zip_code}&discipline=pt", False),
    ("worker report", lambda c: f"/clinics/{c.pk}/pt/workplace-report/", True),
]


@pytest.fixture
def demo_clinic(db: None) -> Clinic:
    load_demo_region(seed=1, clinics=40, today=date(2026, 6, 1), discard_people_reports=False)
    return _clinic()


# Each language's pages under its own address, scored by the formula made for that language.
EDITIONS = [pytest.param("", ENGLISH, id="en"), pytest.param("/es", SPANISH, id="es")]


@pytest.mark.parametrize(("prefix", "standard"), EDITIONS)
@pytest.mark.parametrize(("name", "address", "signed_in"), [pytest.param(*page, id=page[0]) for page in PAGES])
def test_the_page_reads_easily(
    prefix: str,
    standard: Standard,
    name: str,
    address: Callable[[Clinic], str],
    signed_in: bool,
    demo_clinic: Clinic,
) -> None:
    client = Client()
    if signed_in:
        client.force_login(make_person("ada@example.org"))
    text = page_text(client, f"{prefix}{address(demo_clinic)}")
    score = standard.score(text)
    assert standard.met_by(score), (name, round(score, 1), hardest_sentences(text, standard))
