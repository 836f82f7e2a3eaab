"""Where a clinic is, how to reach it, and its verdict's badge, written in Python
(``caretime.verdicts.contact_html``): ``{% clinic_where clinic %}``, ``{% clinic_reach clinic
demo_tag=True %}``, ``{% verdict_badge assessment large=True %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from caretime.core.verdict import Assessment, VerdictSummary
from caretime.directory.models import Clinic
from caretime.verdicts import contact_html

register = template.Library()


@register.simple_tag
def clinic_where(clinic: Clinic) -> SafeString:
    return contact_html.clinic_where_html(clinic)


@register.simple_tag
def clinic_reach(clinic: Clinic, demo_tag: object = False) -> SafeString:
    return contact_html.clinic_reach_html(clinic, demo_tag=bool(demo_tag))


@register.simple_tag
def verdict_badge(assessment: Assessment | VerdictSummary, large: object = False) -> SafeString:
    return contact_html.verdict_badge_html(assessment, large=bool(large))
