"""Every word a person reads on a page is marked for translation, because a Spanish edition
follows: a template's text outside ``{% translate %}`` / ``{% blocktranslate %}`` would stay
English in it.

The sweep's check renders nothing: each template is cut into tokens by Django's own template
lexer, the text inside translation blocks, comments, ``<script>``, ``<style>`` and HTML
comments is set aside, and what remains must hold no letters, neither between tags nor in the
attributes a person reads or hears (``alt``, ``title``, ``placeholder``, ``aria-label``, a
button's ``value``, the page's description).

A second part renders pages under a small Spanish catalogue written here, to show that marked
words are looked up when a page is shown, not once when the code loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

import caretime
from caretime.directory.models import Clinic
from caretime.shared.limits import duration
from tests.catalogue import write_catalogue
from tests.factories import make_clinic

PACKAGE = Path(caretime.__file__).resolve().parent

# Edited elsewhere at the time of writing; to be swept.
NOT_YET_SWEPT = frozenset(
    {
        "web/templates/web/about.html",
        "billing/templates/billing/_clinic_billing.html",
        "billing/templates/billing/states.html",
    }
)

# Words that read the same in every language: the project's name (the page title and the site
# header show it bare) and abbreviations people know as they are. Matched whole, as written.
UNTRANSLATABLE = frozenset({"caretime", "NPI", "API", "CSV"})

# What a person reads of a template that is not text between tags.
READ_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription")

_OPENS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
# Stands for what the template fills in: holds no letters, so it never counts as text, and
# no "<" or ">", so it never ends a tag early.
_FILLED = "\x00"
_SET_ASIDE = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^<>]*>")
_ATTRIBUTE = re.compile(r"""\s([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BUTTON_INPUT = re.compile(r"""^<input\b[^>]*\btype\s*=\s*["']?(?:submit|button|reset)\b""", re.I)
_DESCRIPTION = re.compile(r"""^<meta\b[^>]*\bname\s*=\s*["']?description\b""", re.I)
_ENTITY = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]*|#[0-9]+|#x[0-9a-fA-F]+);")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Untranslated:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def _marked_out(source: str) -> str:
    """The template with everything that is translated or filled in replaced by ``_FILLED``,
    and every newline kept, so that positions still tell the line."""
    kept: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.TEXT:
            raw = token.contents
        else:
            raw = {
                TokenType.VAR: "{{ %s }}",
                TokenType.BLOCK: "{%% %s %%}",
                TokenType.COMMENT: "{# %s #}",
            }[token.token_type] % token.contents
        newlines = "\n" * raw.count("\n")
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            kept.append(_FILLED + newlines)
        elif token.token_type == TokenType.TEXT:
            kept.append(raw)
        else:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] in _OPENS:
                closing = _OPENS[token.contents.split()[0]]
            kept.append(_FILLED + newlines)
    return "".join(kept)


def _words(text: str) -> list[str]:
    text = _ENTITY.sub(" ", text)
    return [word for word in _WORD.findall(text) if word not in UNTRANSLATABLE]


def _blank(match: re.Match[str]) -> str:
    return _FILLED + "\n" * match.group(0).count("\n")


def untranslated(source: str, template: str) -> list[Untranslated]:
    """The pieces of ``source`` a person would read in English whatever the language."""
    text = _SET_ASIDE.sub(_blank, _marked_out(source))
    found: list[Untranslated] = []

    def note(within: str, position: int, piece: str) -> None:
        line = within.count("\n", 0, position) + 1
        found.append(Untranslated(template, line, " ".join(piece.replace(_FILLED, "…").split())))

    for tag in _TAG.finditer(text):
        for attribute in _ATTRIBUTE.finditer(tag.group(0)):
            name = attribute.group(1).lower()
            value = attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
            read = (
                name in READ_ATTRIBUTES
                or (name == "value" and _BUTTON_INPUT.match(tag.group(0)))
                or (name == "content" and _DESCRIPTION.match(tag.group(0)))
            )
            if read and _words(value):
                note(text, tag.start() + attribute.start(), f"{name}={value}")
    between = _TAG.sub(_blank, text)
    for piece in re.finditer(r"[^\x00]+", between):
        if _words(piece.group(0)):
            note(between, piece.start() + len(piece.group(0)) - len(piece.group(0).lstrip()), piece.group(0))
    return found


def _templates() -> list[Path]:
    return sorted(path for path in PACKAGE.glob("*/templates/**/*.html"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_every_template_is_found() -> None:
    names = {_name(path) for path in _templates()}
    assert "web/templates/base.html" in names
    assert names >= NOT_YET_SWEPT, "a template waiting to be swept moved; update NOT_YET_SWEPT"


@pytest.mark.parametrize("path", [p for p in _templates() if _name(p) not in NOT_YET_SWEPT], ids=_name)
def test_template_text_is_marked_for_translation(path: Path) -> None:
    found = untranslated(path.read_text(encoding="utf-8"), _name(path))
    assert not found, "text not marked for translation:\n" + "\n".join(str(piece) for piece in found)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{% translate 'Find a clinic' %}</p>",
        "<p>{% blocktranslate count n=n %}{{ n }} call{% plural %}{{ n }} calls{% endblocktranslate %}</p>",
        "<p>{{ clinic.name }}, {{ clinic.city }} &middot; 3 &ndash; 4</p>",
        "{% comment %}Plain English here is a note to developers.{% endcomment %}",
        "{# a note #}<script>const label = 'English';</script><style>p::after{content:'x'}</style>",
        '<!-- a note --><a href="/about/" class="nav link" id="about-link">{% translate \'About\' %}</a>',
        '<img src="/x.png" alt="{% translate \'Map\' %}">',
        '<input type="submit" value="{% translate \'Search\' %}"><input type="text" value="caretime">',
        "<td>NPI {{ clinic.npi }}</td><span>{% if a > b %}&gt;{% endif %}</span>",
    ],
)
def test_what_is_marked_or_not_text_passes(source: str) -> None:
    assert untranslated(source, "example.html") == []


@pytest.mark.parametrize(
    ("source", "piece"),
    [
        ("<p>Find a clinic</p>", "Find a clinic"),
        ("{% block title %}About{% endblock %}", "About"),
        ("<p>{{ n }} call{{ n|pluralize }}</p>", "call"),
        ('<img src="/x.png" alt="Map of clinics">', "alt=Map of clinics"),
        ('<a href="/" aria-label="Home">{% translate "Home" %}</a>', "aria-label=Home"),
        ('<input type="submit" value="Search">', "value=Search"),
        ('<input placeholder="ZIP or city">', "placeholder=ZIP or city"),
        ('<meta name="description" content="Find a clinic">', "content=Find a clinic"),
        ("{% blocktranslate %}Marked{% endblocktranslate %} but not this", "but not this"),
        ("{% if a %}<em>Plain {{ a }}</em>{% endif %}", "Plain"),
    ],
)
def test_unmarked_text_is_found(source: str, piece: str) -> None:
    found = untranslated(source, "example.html")
    assert [f.text for f in found] == [piece]


# --- marked words are translated where they are shown ----------------------------------------
#
# No catalogue ships yet, so these tests write a small one: a word marked but looked up at
# import time, or glued from pieces, would stay English under it.

SPANISH: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Physical therapy": "Fisioterapia",
    "Therapy offered": "Terapia ofrecida",
    "Choose a radius from {minimum} to {maximum} miles.": "Elige un radio de {minimum} a {maximum} millas.",
    ("%(count)d minute", "%(count)d minutes"): ("%(count)d minuto", "%(count)d minutos"),
}


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[None]:
    write_catalogue(tmp_path / "es" / "LC_MESSAGES" / "django.mo", SPANISH)
    with override_settings(LOCALE_PATHS=[str(tmp_path)]), translation.override("es"):
        yield


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Lakeview PT", latitude=41.94, longitude=-87.65, disciplines=("pt",))


@pytest.mark.usefixtures("spanish")
def test_a_therapy_label_from_the_core_is_translated_on_the_clinic_page(client: Client, clinic: Clinic) -> None:
    page = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert '<html lang="es">' in page  # screen readers speak the page in the language it is in
    assert "Terapia ofrecida" in page
    assert "<li>Fisioterapia</li>" in page
    assert "Physical therapy" not in page


@pytest.mark.usefixtures("spanish")
def test_a_form_message_with_numbers_is_translated_when_the_form_is_shown(client: Client, clinic: Clinic) -> None:
    response = client.get(reverse("clinic-search"), {"near": "60614", "radius_miles": "0"})
    assert response.status_code == 400
    assert "Elige un radio de 1 a 100 millas." in response.content.decode()


@pytest.mark.usefixtures("spanish")
def test_a_wait_is_worded_with_the_plural_of_the_language() -> None:
    assert duration(50 * 60) == "50 minutos"
    assert duration(90 * 60) == "90 minutos"


def test_without_a_catalogue_the_words_are_the_english_they_were() -> None:
    assert duration(50 * 60) == "50 minutes"
    assert duration(90) == "90 seconds"
    assert duration(3 * 3600) == "3 hours"
