"""docs/methodology.md as a page of the site: the profiles and verdicts link to it, so that
the method a patient reads is the very text the project keeps up to date."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify
from markdown_it import MarkdownIt


def _methodology_file() -> Path:
    # Read when the page is first rendered, not at import: settings may change in between (tests).
    return Path(settings.BASE_DIR) / "docs" / "methodology.md"


@functools.cache
def methodology_html() -> str:
    """The document rendered once per process. Raw HTML in the file is escaped ("js-default"
    turns it off); every heading gets an id from its words, for links like #care-time-profile."""
    parser = MarkdownIt("js-default")
    tokens = parser.parse(_methodology_file().read_text(encoding="utf-8"))
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", slugify(tokens[index + 1].content))
    return str(parser.renderer.render(tokens, parser.options, {}))


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str


@functools.cache
def methodology_sections() -> tuple[Section, ...]:
    """The document's main sections (its level-2 headings), for the page's table of contents;
    anchors as ``methodology_html`` writes them."""
    tokens = MarkdownIt("js-default").parse(_methodology_file().read_text(encoding="utf-8"))
    return tuple(
        Section(slugify(tokens[index + 1].content), tokens[index + 1].content)
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.tag == "h2"
    )
