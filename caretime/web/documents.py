"""Documents of the project served as pages of the site: docs/methodology.md ("How we decide",
which the profiles and verdicts link to) and docs/privacy.md. The page a person reads is the very
text the project keeps up to date, so page and file never differ."""

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
    METHODOLOGY = "methodology.md"
    PRIVACY = "privacy.md"

    def path(self) -> Path:
        # Read when the page is first rendered, not at import: settings may change in between.
        return Path(settings.BASE_DIR) / "docs" / self.value


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


@functools.cache
def rendered(document: Document) -> Rendered:
    """The document rendered once per process. Raw HTML in the file is escaped ("js-default"
    turns it off); every heading gets an id from its words, for links like #care-time-profile.

    A document may open with a short summary in plain words, ended by a thematic break: the
    page shows it first and the details after it. Without a break it is all body."""
    parser = MarkdownIt("js-default")
    tokens = parser.parse(document.path().read_text(encoding="utf-8"))
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
