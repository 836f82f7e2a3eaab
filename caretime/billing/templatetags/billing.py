from __future__ import annotations

from typing import Any

from django import template

from caretime.billing.selectors import CAVEATS, clinic_billing
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE

register = template.Library()


@register.inclusion_tag("billing/_clinic_billing.html")
def clinic_billing_section(clinic_id: int) -> dict[str, Any]:
    """The clinic page's "What Medicare billing shows" section; the directory view needs no change."""
    return {
        "figures": clinic_billing(clinic_id),
        "caveats": CAVEATS,
        "group_threshold_percent": round(GROUP_SHARE_NOT_ONE_ON_ONE * 100),
    }
