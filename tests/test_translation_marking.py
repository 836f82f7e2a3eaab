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

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse
from django.utils import translation

import caretime
from caretime.directory.models import Clinic
from caretime.shared.limits import duration
from tests.catalogue import Messages, spanish_catalogue
from tests.factories import make_clinic

PACKAGE = Path(caretime.__file__).resolve().parent

# Edited elsewhere at the time of writing; to be swept.
NOT_YET_SWEPT: frozenset[str] = frozenset()

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

SPANISH: Messages = {
    "Physical therapy": "Fisioterapia",
    "Therapy offered:": "Terapia ofrecida:",
    "Choose a radius from {minimum} to {maximum} miles.": "Elige un radio de {minimum} a {maximum} millas.",
    ("%(count)d minute", "%(count)d minutes"): ("%(count)d minuto", "%(count)d minutos"),
}


@pytest.fixture
def spanish(tmp_path: Path) -> Iterator[None]:
    with spanish_catalogue(tmp_path, SPANISH), translation.override("es"):
        yield


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Lakeview PT", latitude=41.94, longitude=-87.65, disciplines=("pt",))


@pytest.mark.usefixtures("spanish")
def test_a_therapy_label_from_the_core_is_translated_on_the_clinic_page(client: Client, clinic: Clinic) -> None:
    page = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert '<html lang="es">' in page  # screen readers speak the page in the language it is in
    assert "Terapia ofrecida: Fisioterapia" in page
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


# --- text a person reads, written in Python ---------------------------------------------------
#
# The same rule for the code: a sentence a person reads is passed through a translation
# function where it is written. The sweep reads each module with ``ast`` and looks only where
# text reaches a person: a message on the next page (``messages.*``), a form's label, help and
# error messages, a validation error, the body of a plain answer, a 404's or an API error's
# message, and the literal sentences of a template's context. A literal there must be the
# argument of ``gettext`` and its kin (``gettext_noop`` for text translated where it is shown);
# a name, an attribute or a call is not judged (its text was marked where it was written).

TRANSLATING = frozenset(
    {
        "_",
        "gettext",
        "gettext_lazy",
        "gettext_noop",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
    }
)
MESSAGE_FUNCTIONS = frozenset({"debug", "info", "success", "warning", "error"})
# A call of one of these takes the message as its n-th positional argument or as a keyword.
MESSAGE_AT: dict[str, tuple[int, str]] = {
    "ValidationError": (0, "message"),
    "Http404": (0, "message"),  # judged in the API only: a page's 404 shows web/404.html, not this
    "PermissionDenied": (0, "message"),
    "HttpResponse": (0, "content"),
    "HttpResponseBadRequest": (0, "content"),
    "HttpResponseForbidden": (0, "content"),
    "HttpResponseNotFound": (0, "content"),
    "HttpError": (1, "message"),  # ninja's: HttpError(status, message)
    "ApiError": (2, "message"),  # caretime.api.errors: ApiError(status, code, message)
    "add_error": (1, "error"),  # form.add_error(field, error)
}
FORM_TEXT = ("label", "help_text", "empty_label", "error_messages", "verbose_name", "verbose_name_plural")
RENDERING = frozenset({"render", "render_to_string", "TemplateResponse"})
# Modules nobody reads in a browser: the operators' commands and the database's history.
NOT_READ = ("migrations/", "management/commands/")
# A model field's label and help are read by staff in the admin and by developers, in English.
STAFF_ONLY = "models.py"

_SENTENCE = re.compile(r"[A-Za-z]{2,}")
_CODE_LIKE = re.compile(r"^[a-z0-9_.:/#-]*$")


def _called(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Name):
        return function.id
    if isinstance(function, ast.Attribute):
        return function.attr
    return ""


def _text_of(node: ast.expr) -> str | None:
    """The literal text of ``node`` when it is a string or f-string a person would read."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value for part in node.values if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _text_of(node.left) or _text_of(node.right)
    else:
        return None
    if not _SENTENCE.search(text) or _CODE_LIKE.match(text):
        return None  # a code ("invalid"), a path or a blank, not a sentence
    return text


def _read_texts(node: ast.expr) -> Iterator[ast.expr]:
    """What a person reads of an argument: the argument itself, or a dict's values (error
    messages, a template's context)."""
    if isinstance(node, ast.Dict):
        yield from node.values
    else:
        yield node


def unmarked_in_python(source: str, module: str) -> list[Untranslated]:
    found: list[Untranslated] = []

    def judge(node: ast.expr) -> None:
        for piece in _read_texts(node):
            text = _text_of(piece)
            if text is not None:
                found.append(Untranslated(module, piece.lineno, " ".join(text.split())))

    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or _called(node) in TRANSLATING:
            continue
        name = _called(node)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        is_messages = (
            isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "messages"
            and name in MESSAGE_FUNCTIONS | {"add_message"}
        )
        if is_messages:
            position = 2 if name == "add_message" else 1
            if len(node.args) > position:
                judge(node.args[position])
            if "message" in keywords:
                judge(keywords["message"])
        if name in MESSAGE_AT and (name != "Http404" or module.startswith("api/")):
            position, keyword = MESSAGE_AT[name]
            if len(node.args) > position:
                judge(node.args[position])
            if keyword in keywords:
                judge(keywords[keyword])
        for keyword in FORM_TEXT:
            if keyword in keywords and not module.endswith(STAFF_ONLY):
                judge(keywords[keyword])
        if name in RENDERING:
            context = node.args[2] if len(node.args) > 2 else keywords.get("context")
            if context is not None and name != "render_to_string":
                judge(context)
            elif name == "render_to_string" and len(node.args) > 1:
                judge(node.args[1])
    return found


def _modules() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE.rglob("*.py")
        if not any(part in path.relative_to(PACKAGE).as_posix() for part in NOT_READ)
    )


def test_every_python_module_is_found() -> None:
    names = {_name(path) for path in _modules()}
    assert "web/views.py" in names
    assert not any("migrations/" in name for name in names)


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_python_text_a_person_reads_is_marked_for_translation(path: Path) -> None:
    found = unmarked_in_python(path.read_text(encoding="utf-8"), _name(path))
    assert not found, "text not marked for translation:\n" + "\n".join(str(piece) for piece in found)


@pytest.mark.parametrize(
    "source",
    [
        'messages.success(request, _("Saved."))',
        'messages.info(request, gettext("You have %(n)s reports.") % {"n": n})',
        'raise ValidationError(gettext_lazy("Enter a ZIP code."), code="invalid")',
        'forms.CharField(label=_("Name"), help_text=gettext_lazy("As on the sign."))',
        'forms.CharField(error_messages={"required": _("Enter a name.")})',
        'raise ApiError(400, "unknown_place", gettext("We do not know %(near)s.") % {"near": near})',
        "raise HttpError(404, message)",
        'render(request, "web/about.html", {"clinic": clinic, "kind": "pt"})',
        'HttpResponse(json.dumps(body), content_type="application/json")',
        'raise ValidationError(problem.message, code="bad_month")',
    ],
)
def test_marked_python_text_passes(source: str) -> None:
    assert unmarked_in_python(source, "example.py") == []


@pytest.mark.parametrize(
    ("source", "piece"),
    [
        ('messages.success(request, "Saved.")', "Saved."),
        ('messages.add_message(request, messages.INFO, f"{n} reports were saved.")', " reports were saved."),
        ('raise ValidationError("Enter a ZIP code.", code="invalid")', "Enter a ZIP code."),
        ('forms.CharField(label="Name")', "Name"),
        ('forms.CharField(error_messages={"required": "Enter a name."})', "Enter a name."),
        ('raise ApiError(400, "unknown_place", f"We do not know {near}.")', "We do not know ."),
        ('raise HttpError(404, "Not here.")', "Not here."),
        ('HttpResponse("Thanks for your report.")', "Thanks for your report."),
        ('render(request, "web/about.html", {"heading": "About us"})', "About us"),
        ('form.add_error("email", "Enter your address.")', "Enter your address."),
    ],
)
def test_unmarked_python_text_is_found(source: str, piece: str) -> None:
    assert [found.text for found in unmarked_in_python(source, "example.py")] == [piece.strip()]


def test_a_not_found_message_is_judged_where_it_is_shown() -> None:
    source = 'raise Http404("No clinic has this id.")'
    assert [found.text for found in unmarked_in_python(source, "api/clinics.py")] == ["No clinic has this id."]
    assert unmarked_in_python(source, "verdicts/views.py") == []  # the page shows web/404.html


# The catalogue is made by ``makemessages``, whose reader of Python (xgettext) does not look
# inside an f-string's braces: a sentence marked there is never offered for translation, and
# drops out of the catalogue with its translation the next time it is made.
def marked_inside_f_strings(source: str) -> list[int]:
    """The lines where a literal is passed to a translation function inside an f-string."""
    return sorted(
        inner.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.JoinedStr)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Call)
        and _called(inner) in TRANSLATING
        and any(isinstance(argument, ast.Constant) for argument in inner.args)
    )


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_sentence_is_marked_where_the_catalogue_cannot_see_it(path: Path) -> None:
    lines = marked_inside_f_strings(path.read_text(encoding="utf-8"))
    assert not lines, f"{_name(path)}: a sentence marked inside an f-string, on line {lines}; mark it outside"


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("f\"<p>{gettext('Been here?')}</p>\"", [1]),
        ("f\"<li>{ngettext('%(n)s call', '%(n)s calls', n) % {'n': n}}</li>\"", [1]),
        ('"<p>{}</p>".format(gettext("Been here?"))', []),
        ('f"<li>{gettext(source.label)}</li>"', []),  # marked where the label is written
    ],
)
def test_a_sentence_marked_inside_an_f_string_is_found(source: str, lines: list[int]) -> None:
    assert marked_inside_f_strings(source) == lines
