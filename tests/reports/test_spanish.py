"""Letters come out in the language of the page, therapy names too. The call script on a Spanish page: the clinic speaks English, so each question comes in
Spanish with the English to read aloud beside it, and the English answers to listen for are
explained in Spanish. The English is the English page's own sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from caretime.core.verdict import Bar
from caretime.directory.models import Clinic
from caretime.reports.script import call_script
from tests.catalogue import Messages, spanish_catalogue
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

ASK = "How much time do I get with the therapist at each visit?"
SPANISH: Messages = {
    ASK: "¿Cuánto tiempo paso con el terapeuta en cada visita?",
    "Say it in English:": "Dígalo en inglés:",
    "Good: the therapist works only with you.": "Bien: el terapeuta trabaja solo con usted.",
    "Physical therapy": "Fisioterapia",
    "Request for one-on-one %(therapy)s": "Solicitud de %(therapy)s individual",
}


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[None]:
    with spanish_catalogue(tmp_path, SPANISH):
        yield


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Lakeview PT", latitude=41.94, longitude=-87.65, disciplines=("pt",))


@pytest.mark.usefixtures("spanish")
def test_the_spanish_script_gives_the_english_to_say_and_to_listen_for(client: Client, clinic: Clinic) -> None:
    with translation.override("es"):
        address = reverse("ask-before-booking", args=[clinic.pk, "pt"])
    assert address.startswith("/es/")
    page = client.get(address).content.decode()
    assert '<p class="ask-q">¿Cuánto tiempo paso con el terapeuta en cada visita?</p>' in page
    assert f'<p class="aloud">Dígalo en inglés: <q lang="en">{ASK}</q></p>' in page
    heard = re.search(r'<li class="good"><q lang="en">one-on-one</q>: ([^<]+)</li>', page)
    assert heard, "the English answer to listen for, explained"
    assert heard[1] == "Bien: el terapeuta trabaja solo con usted."


@pytest.mark.usefixtures("spanish")
def test_the_english_script_has_nothing_beside_it(client: Client, clinic: Clinic) -> None:
    page = client.get(reverse("ask-before-booking", args=[clinic.pk, "pt"])).content.decode()
    assert f'<p class="ask-q">{ASK}</p>' in page
    assert 'class="aloud"' not in page
    assert 'class="listen-for"' not in page


@pytest.mark.usefixtures("spanish")
def test_the_english_to_read_aloud_is_the_english_pages_own_sentence() -> None:
    english = call_script(Bar())
    with translation.override("es"):
        spanish = call_script(Bar())
    assert [question.aloud for question in spanish] == [question.ask for question in english]
    assert all(question.aloud is None and not question.listen_for for question in english)


@pytest.mark.usefixtures("spanish")
def test_a_letter_on_a_spanish_page_names_the_therapy_in_spanish(client: Client, clinic: Clinic) -> None:
    with translation.override("es"):
        address = reverse("clinic-letters", args=[clinic.pk, "pt"])
    page = client.get(address).content.decode()
    assert "Solicitud de fisioterapia individual" in page
    assert "physical therapy" not in page.lower()
