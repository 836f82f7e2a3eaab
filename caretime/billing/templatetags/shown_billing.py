"""A clinic's Medicare billing figures as its page shows them, written in Python
(``caretime.billing.shown``): ``{% clinic_billing billing_figures freshness %}``."""

from __future__ import annotations

from collections.abc import Sequence

from django import template
from django.utils.safestring import SafeString

from caretime.billing.selectors import ClinicBilling
from caretime.billing.shown import clinic_billing_html
from caretime.datasets.freshness import Freshness

register = template.Library()


@register.simple_tag
def clinic_billing(figures: Sequence[ClinicBilling], freshness: Freshness) -> SafeString:
    return clinic_billing_html(figures, freshness)
