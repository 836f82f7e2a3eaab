"""Minutes and answers in words on the pages, translated: the rule of minutes is
``caretime.core.wording``."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils import translation
from django.utils.translation import gettext

from caretime.core import wording

register = template.Library()


@register.filter
def minutes_range(low: int, high: int) -> str:
    """``{{ low|minutes_range:high }}``: "45 to 60 minutes", or "60 minutes" when they meet."""
    return wording.minutes_range(int(low), int(high), translation=translation)


@register.filter
def minutes_or_less(number: int) -> str:
    return wording.minutes_or_less(int(number), translation=translation)


@register.filter
def answer_counts(counted: Sequence[tuple[str, int]]) -> str:
    """``{{ spread.care|answer_counts }}``: "one-on-one (3); shared (1)", each answer the calls
    gave in the language, with how many gave it. What a clinic said on calls is written in
    Python now (caretime.verdicts.evidence_html), with this filter, so that both say it alike."""
    return "; ".join(f"{gettext(answer).lower()} ({calls})" for answer, calls in counted)
