"""How far a clinic is, in words, as every page writes it: from the person's place, from the
clinic they are looking at (its alternatives), or plainly "away" (a results card).

The number is written as ``floatformat`` writes it, in the language's own way (1.5 in English,
1,5 in Spanish), halves of a tenth rounded up. ``floatformat`` spends most of its time
localizing, and a page writes a distance per clinic it lists, so each language's tenth of a
mile is written once per worker in each wording; a distance from the person's place is
written afresh (the place is theirs, and never kept).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext

from caretime.core.kept import Kept

_TENTH = Decimal("0.1")
# A few thousand tenths of a mile in each language, in two wordings: a few hundred kilobytes.
_kept_words: Kept[str] = Kept(10_000)


def distance_words(miles: float, *, from_place: str = "", from_clinic: bool = False) -> str:
    """The distance as escaped HTML text: "1.5 miles from this clinic", "... from <place>", or
    "1.5 miles away"."""
    shown = Decimal(str(miles)).quantize(_TENTH, ROUND_HALF_UP)
    if from_place and not from_clinic:
        number = conditional_escape(floatformat(shown, 1))
        return gettext("%(miles)s miles from %(place)s") % {"miles": number, "place": conditional_escape(from_place)}
    key = (translation.get_language(), shown, from_clinic)
    words = _kept_words.get(key)
    if words is None:
        number = conditional_escape(floatformat(shown, 1))
        if from_clinic:
            words = gettext("%(miles)s miles from this clinic") % {"miles": number}
        else:
            words = gettext("%(miles)s miles away") % {"miles": number}
        _kept_words.put(key, words)
    return words
