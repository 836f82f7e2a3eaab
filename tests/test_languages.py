"""English and Spanish: every page says which language it is in and where its twin in the
other one is; a browser that prefers Spanish is sent to the Spanish page until the person
chooses with the switch, which keeps the page they were on; the API answers in the language
of Accept-Language; e-mails go out in the language of the page that sent them; the shipped
catalogue is compiled and complete."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from caretime.directory.models import Clinic
from caretime.web.catalogues import compiled, sources, stale
from tests.catalogue import Messages, spanish_catalogue
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SPANISH_FIRST = "es-MX,es;q=0.9,en;q=0.5"

SPANISH: Messages = {
    "No clinic has the id %(id)s.": "Ninguna clínica tiene el número %(id)s.",
    "Your code for caretime": "Tu código de caretime",
    "Find a clinic": "Buscar una clínica",
}


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[None]:
    with spanish_catalogue(tmp_path, SPANISH):
        yield


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Lakeview PT", latitude=41.94, longitude=-87.65, disciplines=("pt",))


def _pages(clinic: Clinic) -> list[str]:
    """One page of each kind, at its English address (reversed as the rest of the code does)."""
    return [
        reverse("home"),
        reverse("about"),
        reverse("methodology"),
        reverse("privacy"),
        reverse("contact"),
        reverse("clinic-search") + "?near=60614&radius_miles=5",
        reverse("clinic-detail", args=[clinic.pk]),
        f"{reverse('clinic-detail', args=[clinic.pk])}?discipline=pt",
        reverse("clinic-letters", args=[clinic.pk, "pt"]),
        reverse("employers"),
        reverse("review-policy"),
        reverse("account_login"),
        "/no-such-page/",
    ]


def _alternates(page: str) -> dict[str, str]:
    links = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    return {code: html.unescape(url) for code, url in links}


def _switch(page: str) -> dict[str, str]:
    form = re.search(r'<form class="language-switch" action="([^"]+)" method="post">(.*?)</form>', page, re.S)
    assert form, "every page has the language switch"
    button = re.search(
        r'<button type="submit" name="language" value="([^"]+)" lang="([^"]+)">([^<]+)</button>', form[2]
    )
    following = re.search(r'name="next" value="([^"]+)"', form[2])
    assert button
    assert following
    return {
        "action": form[1],
        "language": button[1],
        "lang": button[2],
        "text": button[3],
        "next": html.unescape(following[1]),
    }


def test_english_addresses_reverse_as_before() -> None:
    assert reverse("home") == "/"
    assert reverse("about") == "/about/"
    with translation.override("es"):
        assert reverse("about") == "/es/about/"  # a Spanish page links to Spanish pages


def test_every_kind_of_page_names_its_language_and_its_twin(client: Client, clinic: Clinic) -> None:
    for english in _pages(clinic):
        spanish = "/es" + english
        for address, language, other in [
            (english, "en", ("es", "Español", spanish)),
            (spanish, "es", ("en", "English", english)),
        ]:
            response = client.get(address)
            assert response.status_code in (200, 404), address
            page = response.content.decode()
            assert f'<html lang="{language}">' in page, address
            assert response["Content-Language"] == language, address
            assert _alternates(page) == {"en": HOST + english, "es": HOST + spanish, "x-default": HOST + english}, (
                address
            )
            switch = _switch(page)
            assert switch["action"] == reverse("set_language")
            code, name, twin = other
            assert (switch["language"], switch["lang"], switch["text"], switch["next"]) == (code, code, name, twin), (
                address
            )


def test_a_browser_that_prefers_spanish_is_sent_to_the_spanish_page_with_its_query(client: Client) -> None:
    response = client.get("/clinics/?near=60614&radius_miles=5", headers={"Accept-Language": SPANISH_FIRST})
    assert response.status_code == 302
    assert response["Location"] == "/es/clinics/?near=60614&radius_miles=5"
    assert {"Accept-Language", "Cookie"} <= {name.strip() for name in response["Vary"].split(",")}

    english = client.get("/about/", headers={"Accept-Language": "en-US,en;q=0.9,es;q=0.5"})
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    # The answer depends on the browser's languages and on the switch's cookie: caches must know.
    assert {"Accept-Language", "Cookie"} <= {name.strip() for name in english["Vary"].split(",")}


def test_a_language_we_do_not_have_gets_english(client: Client) -> None:
    response = client.get("/about/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_a_spanish_address_is_spanish_whatever_the_browser_prefers(client: Client) -> None:
    response = client.get("/es/about/", headers={"Accept-Language": "en-US"})
    assert response.status_code == 200
    assert '<html lang="es">' in response.content.decode()


def test_the_switch_keeps_the_page_and_its_query_and_its_choice_wins_over_the_browser(client: Client) -> None:
    address = "/clinics/?near=60614&radius_miles=5"
    switch = _switch(client.get(address).content.decode())
    assert switch["next"] == "/es" + address

    chosen = client.post(switch["action"], {"language": switch["language"], "next": switch["next"]})
    assert chosen.status_code == 302
    assert chosen["Location"] == "/es" + address
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "es"  # only the language: nothing that tells one person from another
    # The plain address now goes to the Spanish page, even for a browser that prefers English.
    assert client.get(address, headers={"Accept-Language": "en"})["Location"] == "/es" + address

    back = _switch(client.get("/es" + address).content.decode())
    assert (back["language"], back["next"]) == ("en", address)
    client.post(back["action"], {"language": back["language"], "next": back["next"]})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(address, headers={"Accept-Language": SPANISH_FIRST})
    assert page.status_code == 200  # the person chose English: no more redirect to Spanish
    assert '<html lang="en">' in page.content.decode()


def test_a_form_sent_to_an_english_page_is_not_redirected(client: Client) -> None:
    response = client.post("/your-bar/", {}, headers={"Accept-Language": SPANISH_FIRST})
    assert response.status_code != 302 or not response["Location"].startswith("/es/")


def test_the_switch_needs_no_cookie_on_the_pages(client: Client) -> None:
    # The switch posts without a CSRF token, so reading a page sets no cookie at all.
    response = client.get("/about/")
    assert not response.cookies


@pytest.mark.usefixtures("spanish")
def test_the_api_answers_in_the_language_of_accept_language(client: Client) -> None:
    # The switch's cookie is for pages: a program says what it wants with Accept-Language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/v1/clinics/987654", headers={"Accept-Language": SPANISH_FIRST})
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["message"] == "Ninguna clínica tiene el número 987654."
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]

    english = client.get("/api/v1/clinics/987654")
    assert json.loads(english.content)["error"]["message"] == "No clinic has the id 987654."
    assert english["Content-Language"] == "en"


@pytest.mark.usefixtures("spanish", "clock")
def test_a_code_mailed_from_a_spanish_page_is_in_spanish(client: Client) -> None:
    response = client.post("/es/accounts/signup/", {"email": "ana@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/es/accounts/signup/confirm/"  # the next page stays Spanish
    assert mail.outbox[-1].subject == "[caretime] Tu código de caretime"

    client.post("/accounts/signup/", {"email": "bob@example.org"})
    assert mail.outbox[-1].subject == "[caretime] Your code for caretime"


@pytest.mark.usefixtures("spanish")
def test_the_page_not_found_is_in_the_language_of_its_address(client: Client) -> None:
    page = client.get("/es/no-such-page/")
    assert page.status_code == 404
    assert '<html lang="es">' in page.content.decode()
    assert "Buscar una clínica" in page.content.decode()  # the menu, translated


# --- the shipped catalogue -----------------------------------------------------------------


def test_every_compiled_catalogue_matches_its_source() -> None:
    catalogues = sources()
    assert [po.relative_to(settings.BASE_DIR).as_posix() for po in catalogues] == [
        "caretime/locale/es/LC_MESSAGES/django.po"
    ]
    assert stale(catalogues) == [], "run `manage.py compile_translations` (make does it when a .po changes)"
    call_command("compile_translations", "--check")


def test_the_check_fails_when_a_catalogue_was_not_compiled(tmp_path: Path) -> None:
    po = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Find a clinic", msgstr="Buscar una clínica"))
    catalogue.save(str(po))
    with override_settings(LOCALE_PATHS=[str(tmp_path)]):
        with pytest.raises(CommandError, match="Out of date"):
            call_command("compile_translations", "--check")
        call_command("compile_translations")
        call_command("compile_translations", "--check")
        assert po.with_suffix(".mo").read_bytes() == compiled(po)
        entry = polib.mofile(str(po.with_suffix(".mo"))).find("Find a clinic")
        assert entry is not None
        assert entry.msgstr == "Buscar una clínica"


def test_every_message_is_translated_and_none_is_fuzzy() -> None:
    for po in sources():
        catalogue = polib.pofile(str(po))
        assert not catalogue.metadata_is_fuzzy
        missing = [entry.msgid for entry in catalogue.untranslated_entries()]
        fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
        assert not missing, f"{po}: {len(missing)} not translated, e.g. {missing[:5]}"
        assert not fuzzy, f"{po}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
