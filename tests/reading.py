"""How hard a page's main text is to read: the words a person reads on arriving, scored by a
readability formula for the page's language.

The main text is what is inside ``<main>``, leaving out what a reader opens or skips on purpose:
the bodies of ``<details>`` (their ``<summary>`` stays: it is read), elements marked
``data-reading="detail"`` (evidence, method and data sections only, never the answer or the next
step), names marked ``translate="no"`` (a clinic's name is not our writing), the insides of form
controls (a list of options is not prose), charts, ``<script>`` and ``<style>``. Every heading, list item, cell, label and paragraph ends a sentence, as it does for
the reader: otherwise a list of short items would count as one endless sentence.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from django.test import Client
from textstat.textstat import textstatistics


@dataclass(frozen=True)
class Standard:
    """A readability formula, the language it is made for, and the score a page must reach."""

    language: str  # textstat's language code: it picks the hyphenation dictionary
    metric: str  # the name of textstat's function
    limit: float
    passes: Callable[[float, float], bool]  # (score, limit) -> good enough
    meaning: str

    def score(self, text: str) -> float:
        stats = textstatistics()
        stats.set_lang(self.language)
        return float(getattr(stats, self.metric)(text))

    def met_by(self, score: float) -> bool:
        return self.passes(score, self.limit)


# US school grade 7 or below.
ENGLISH = Standard("en", "flesch_kincaid_grade", 7, operator.le, "Flesch-Kincaid grade at most 7")
# Fernández-Huerta 70 or more reads as "fairly easy" (the Spanish counterpart of grade 7).
SPANISH = Standard("es", "fernandez_huerta", 70, operator.ge, "Fernández-Huerta at least 70")

_SKIPPED = frozenset({"script", "style", "select", "textarea", "template", "svg", "noscript"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Elements a reader takes as a unit of their own: their text ends a sentence.
_BLOCKS = frozenset(
    {
        "p", "li", "dt", "dd", "td", "th", "caption", "figcaption", "legend", "label", "summary", "button",
        "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "article", "aside", "nav", "header", "footer",
        "blockquote", "pre", "tr", "ul", "ol", "dl", "table", "form", "fieldset", "details", "main", "br",
    }
)  # fmt: skip
_ENDS_SENTENCE = re.compile(r"[.!?:;]\s*$")


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, left out)
        self.in_main = 0
        self.pieces: list[str] = []
        self.current: list[str] = []

    def _left_out(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if self.stack and self.stack[-1][1]:
            return True
        if self.stack and self.stack[-1][0] == "details" and tag != "summary":
            return True
        values = dict(attrs)
        # translate="no" marks names (a clinic's): not words we wrote, and the same in every
        # language, so no formula should judge them (and no browser should translate them).
        return (
            tag in _SKIPPED
            or values.get("data-reading") == "detail"
            or values.get("translate") == "no"
            or "hidden" in values
        )

    def _end_sentence(self) -> None:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.pieces.append(text if _ENDS_SENTENCE.search(text) else text + ".")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
        if tag in _BLOCKS:
            self._end_sentence()
        if tag not in _VOID:
            self.stack.append((tag, self._left_out(tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._end_sentence()
        if tag == "main":
            self.in_main -= 1
        # Pop to the matching start tag (a browser closes what was left open the same way).
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data: str) -> None:
        if not self.in_main:
            return
        if self.stack and (self.stack[-1][1] or self.stack[-1][0] == "details"):
            return
        self.current.append(data)


def main_text(html: str) -> str:
    """The main text of a page, one sentence after another."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    parser._end_sentence()
    return " ".join(parser.pieces)


def page_text(client: Client, url: str) -> str:
    """The main text of the page at ``url``, rendered by ``client`` (signed in or not)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return main_text(response.content.decode())


def hardest_sentences(text: str, standard: Standard, count: int = 3) -> list[tuple[float, str]]:
    """The sentences that score worst, to say what to rewrite when a page fails."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 3]
    scored = [(standard.score(s), s) for s in sentences]
    return sorted(scored, key=lambda pair: pair[0], reverse=standard.passes is operator.le)[:count]
