"""Minutes in words on the pages, translated: the rule is ``caretime.core.wording``."""

from __future__ import annotations

from django import template
from django.utils import translation

from caretime.core import wording

register = template.Library()


@register.filter
def minutes_range(low: int, high: int) -> str:
    """``{{ low|minutes_range:high }}``: "45 to 60 minutes", or "60 minutes" when they meet."""
    return wording.minutes_range(int(low), int(high), translation=translation)


@register.filter
def minutes_or_less(number: int) -> str:
    return wording.minutes_or_less(int(number), translation=translation)
