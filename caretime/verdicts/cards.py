"""The cards of the results page, each rendered once for what it shows.

Rendering a card through the template language costs far more than finding and judging its
clinic (about a hundred variable lookups and a dozen translations each), while the same
clinics come up in search after search. A card shows only the clinic's listing (fixed for a
directory generation) and what its verdicts say (status, early signal, the count of reports
per source, the Care Time figures): those, with the language and the therapy searched, are
the key of the rendered card. The key is what the card shows, not a version of the evidence,
so a new report that changes the verdict makes a new key and nothing has to be invalidated,
and a card is shared by every person and bar that sees the same thing. The two parts that
depend on the search (the link's kept search and the distance) are holes in the card, filled
here for each page, so that results.html only places the cards.
"""

from __future__ import annotations

from collections.abc import Hashable

from django.template.loader import get_template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from caretime.shared.kept_everywhere import KeptEverywhere
from caretime.verdicts.distances import distance_words
from caretime.verdicts.selectors import DisciplineVerdict, VerdictHit, VerdictSearchPage

# Markers of the holes while a card is rendered: no template output can contain a NUL.
_ORIGIN = "\x00origin\x00"
_DISTANCE = "\x00distance\x00"
# Cards kept per worker: a few kilobytes each, so at most some tens of megabytes; a dense
# city's clinics within the largest radius fit several times over. On Redis, a card one worker
# rendered serves the others (``caretime.shared.kept_everywhere``): a page's missing cards are
# read there in one round trip.
CARDS_KEPT = 10_000


kept_cards: KeptEverywhere[tuple[SafeString, SafeString, SafeString]] = KeptEverywhere(
    "card", CARDS_KEPT, in_database_too=False
)


def _shown(verdict: DisciplineVerdict) -> Hashable:
    """What a card shows of one therapy's verdict (everything ``_result.html`` reads of it)."""
    a, profile = verdict.assessment, verdict.profile
    figures = (profile.typical_minutes, profile.minutes_reporters) if profile and profile.shows_minutes else None
    return (verdict.discipline, a.status, a.early_signal, a.evidence_counts, figures)


def result_cards(page: VerdictSearchPage, generation: int, origin_query: str) -> list[SafeString]:
    """The page's cards, from those this worker rendered before where it can, each with the
    search kept on its link (``origin_query``) and its distance. ``generation`` is the
    directory generation read before the page's clinics were (their listing is that
    generation's or newer)."""
    language = translation.get_language()
    origin = f"?{conditional_escape(origin_query)}" if origin_query else ""
    keys = [
        (language, generation, hit.clinic.pk, page.discipline, tuple(_shown(v) for v in hit.verdicts))
        for hit in page.hits
    ]
    kept = kept_cards.get_many(keys)
    rendered = {key: _render(hit, page.discipline) for key, hit in zip(keys, page.hits, strict=True) if key not in kept}
    kept_cards.put_many(rendered)
    cards = []
    for key, hit in zip(keys, page.hits, strict=True):
        head, middle, tail = kept.get(key) or rendered[key]
        cards.append(mark_safe(f"{head}{origin}{middle}{card_distance(hit.distance_miles)}{tail}"))  # escaped above
    return cards


def card_distance(miles: float | None) -> str:
    """The card's distance: "1.5 miles away" (caretime.verdicts.distances)."""
    return "" if miles is None else f'<span class="distance">{distance_words(miles)}</span>'


def _render(hit: VerdictHit, discipline: str | None) -> tuple[SafeString, SafeString, SafeString]:
    html = get_template("verdicts/_result.html").render(
        {"hit": hit, "discipline": discipline, "origin": _ORIGIN, "distance": _DISTANCE}
    )
    head, rest = html.removesuffix("\n").split(_ORIGIN)
    middle, tail = rest.split(_DISTANCE)
    return mark_safe(head), mark_safe(middle), mark_safe(tail)  # the template's own output, escaped
