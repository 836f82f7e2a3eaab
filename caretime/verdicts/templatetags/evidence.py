"""A clinic's evidence as its page shows it, written in Python (``caretime.verdicts.evidence_html``):
``{% reasons assessment %}``, ``{% disagreements care_time %}``, ``{% stated_reported care_time
clinic.pk heading_level=3 %}``, ``{% care_time_profile profile heading_level=3 %}``."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from caretime.core.care_time import CareTimeProfile
from caretime.core.verdict import Assessment
from caretime.verdicts import evidence_html
from caretime.verdicts.selectors import DisciplineCareTime

register = template.Library()


@register.simple_tag
def reasons(assessment: Assessment) -> SafeString:
    return evidence_html.reasons_html(assessment)


@register.simple_tag
def disagreements(care_time: DisciplineCareTime) -> SafeString:
    return evidence_html.disagreements_html(care_time)


@register.simple_tag
def stated_reported(care_time: DisciplineCareTime, clinic_id: int, heading_level: int | None = None) -> SafeString:
    return evidence_html.stated_reported_html(care_time, clinic_id, heading_level)


@register.simple_tag
def care_time_profile(profile: CareTimeProfile | None, heading_level: int | None = None) -> SafeString:
    return evidence_html.care_time_profile_html(profile, heading_level)
