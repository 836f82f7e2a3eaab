"""Template tags that let directory pages show verdicts without their views knowing."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from caretime.directory.models import Clinic
from caretime.reports.bar import BarForm, bar_from_session
from caretime.reports.script import call_script
from caretime.reports.selectors import clinic_care_time

register = template.Library()


@register.inclusion_tag("reports/_clinic_care_time.html", takes_context=True)
def clinic_care_time_section(context: template.Context, clinic: Clinic) -> dict[str, Any]:
    """Per discipline: verdict under the person's bar, reasons, stated versus reported, and
    the call script. Two queries (the clinic's reports, the session)."""
    request = context["request"]
    bar = bar_from_session(request)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "clinic": clinic,
        "care_times": clinic_care_time(clinic, bar, as_of=timezone.now().date()),
        "bar_form": BarForm.for_bar(bar, request.get_full_path()),
        "script": call_script(bar),
    }
