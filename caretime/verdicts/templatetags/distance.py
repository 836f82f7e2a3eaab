"""``{% clinic_distance miles [from_place=...] [from_clinic=True] %}``: how far a clinic is,
after the line of its address (caretime.verdicts.distances)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from caretime.verdicts.distances import distance_words

register = template.Library()


@register.simple_tag
def clinic_distance(miles: float | str | None, from_place: str = "", from_clinic: bool = False) -> SafeString:
    """Nothing where no distance is known (a missing value reads as "" in a template)."""
    if miles is None or miles == "":
        return mark_safe("")
    words = distance_words(float(miles), from_place=from_place, from_clinic=from_clinic)
    return mark_safe(f' · <span class="distance">{words}</span>')  # distance_words escapes the place
