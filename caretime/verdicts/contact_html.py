"""Where a clinic is, how to reach it, and its verdict's badge, written in Python: the same on
results, alternatives, compare, the clinic page and the report pages.

Each was a small template included a few times on every page that lists clinics, and on the
first page of each clinic a worker is asked for; an ``{% include %}`` and its nodes cost more
than the words. Written here, they read exactly as those templates wrote them (the tests compare
them, kept as they were, in both languages). The address comes first, the street before the
town, because branches of one organisation share a name and are told apart by it. "Directions"
is a plain link to a map site, opened only when the person follows it: the page itself loads
nothing from another host.
"""

from __future__ import annotations

from django.template.defaultfilters import title, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from caretime.core.verdict import Assessment, VerdictSummary
from caretime.directory.models import Clinic
from caretime.shared.written import escaped


def clinic_where_html(clinic: Clinic) -> SafeString:
    """The address, in an open ``<p class="where">``: the distance and the ways to reach the
    clinic continue it (``clinic_reach_html`` closes it)."""
    street = escaped(clinic.address_line1)
    if clinic.address_line2:
        street += f", {escaped(clinic.address_line2)}"
    town = f"{escaped(title(clinic.city))}, {escaped(clinic.state)} {escaped(clinic.zip_code)}"
    return mark_safe(f'<p class="where"><span class="street">{street}</span>, {town}')  # escaped above


def clinic_reach_html(clinic: Clinic, *, demo_tag: bool = False) -> SafeString:
    """The end of the address's line (with "Demo clinic" when ``demo_tag`` and it is one), then
    the phone and the directions."""
    demo = ""
    if demo_tag and clinic.is_demo:
        demo = ' <span class="tag demo">{}</span>'.format(gettext("Demo clinic"))
    phone = ""
    if clinic.phone:
        phone = f'<a class="phone" href="tel:{escaped(clinic.phone)}">{escaped(clinic.formatted_phone)}</a> '
    street, town, state, zip_code = (
        escaped(urlencode(part)) for part in (clinic.address_line1, title(clinic.city), clinic.state, clinic.zip_code)
    )
    to = f"{street}%2C%20{town}%2C%20{state}%20{zip_code}"  # "street, town, state zip"
    hidden = gettext("to %(street)s, on OpenStreetMap (opens in a new tab)") % {"street": escaped(clinic.address_line1)}
    directions = gettext("Directions")
    return mark_safe(  # translated text as it is, every value escaped
        f"{demo}</p>\n"
        f'<p class="reach">{phone}<a class="directions" href="https://www.openstreetmap.org/directions?to={to}" '
        f'target="_blank" rel="noopener noreferrer">{directions}<span class="visually-hidden"> {hidden}</span></a></p>\n'
    )


def verdict_badge_html(assessment: Assessment | VerdictSummary, *, large: bool = False) -> SafeString:
    """The verdict's badge: its status in words, and "Early signal" when one report is all it
    rests on."""
    status = assessment.status
    size = " verdict-large" if large else ""
    early = ""
    if assessment.early_signal:
        early = ' <span class="tag early">{}</span>'.format(
            gettext("Early signal (%(basis)s)") % {"basis": escaped(assessment.early_signal_label)}
        )
    return mark_safe(
        f'<span class="verdict verdict-{escaped(status.verdict.value)} status-{escaped(status.value)}{size}">'
        f"{escaped(gettext(status.label))}</span>{early}\n"
    )
