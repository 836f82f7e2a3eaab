"""Documents of the project served as pages of the site: docs/methodology.md ("How we decide",
which the profiles and verdicts link to) and docs/privacy.md. The page a person reads is the very
text the project keeps up to date, so page and file never differ.

In another language the page opens with that language's edition of the summary
(docs/methodology-summary.es.md, say) and keeps the English details after it: the rules are
kept in one text, so that no translation can fall behind them unseen."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token


class Document(enum.Enum):
    METHODOLOGY = "methodology"
    PRIVACY = "privacy"

    def path(self, language: str = "en") -> Path:
        """The English document, or its summary in another language (which may not exist)."""
        # Read when the page is first rendered, not at import: settings may change in between.
        name = f"{self.value}.md" if language == "en" else f"{self.value}-summary.{language}.md"
        return Path(settings.BASE_DIR) / "docs" / name


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    title: str  # the document's one h1, as HTML
    summary: str  # what everyone reads: the part before the first thematic break ("---"), as HTML
    body: str  # the rest, as HTML: the details a reader looks up
    sections: tuple[Section, ...]  # the body's main sections (level-2 headings), for a contents list
    body_language: str = "en"  # the language of the details, when it is not the page's


@functools.cache
def rendered_in(document: Document, language: str) -> Rendered:
    """The document for a page in ``language``: its own summary when it has one, then the
    English details; the English document as it is otherwise."""
    english = rendered(document)
    summary_path = document.path(language)
    if language == "en" or not summary_path.exists():
        return english
    edition = _render(summary_path.read_text(encoding="utf-8"))
    return Rendered(edition.title, edition.summary + edition.body, english.body, english.sections)


@functools.cache
def rendered(document: Document) -> Rendered:
    """The document rendered once per process. Raw HTML in the file is escaped ("js-default"
    turns it off); every heading gets an id from its words, for links like #care-time-profile.

    A document may open with a short summary in plain words, ended by a thematic break: the
    page shows it first and the details after it. Without a break it is all body."""
    return _render(document.path().read_text(encoding="utf-8"))


def _render(text: str) -> Rendered:
    parser = MarkdownIt("js-default")
    tokens = parser.parse(text)
    title_end = next(i for i, token in enumerate(tokens) if token.type == "heading_close" and token.tag == "h1") + 1
    summary_end = next((i for i, token in enumerate(tokens) if token.type == "hr"), title_end - 1)
    sections = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
            token.attrSet("id", slugify(heading))
            if token.tag == "h2" and index > summary_end:
                sections.append(Section(slugify(heading), heading))

    def html(part: list[Token]) -> str:
        return str(parser.renderer.render(part, parser.options, {}))

    return Rendered(
        html(tokens[:title_end]),
        html(tokens[title_end:summary_end]),
        html(tokens[max(title_end, summary_end + 1) :]),
        tuple(sections),
    )
