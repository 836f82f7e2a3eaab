"""A clinic's Medicare billing figures as its page shows them, written in Python: what they mean
for the person first, then the figures in detail, their limits and their sources.

The first page of a clinic a worker is asked for renders them whole (later ones are kept:
``{% kept %}``). Written here, they read exactly as the template wrote them (the tests compare
them with it, kept as it was, in both languages), each sentence still one message to
translate. As in a template, text the site translates is written as it is and every value is
escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from caretime.billing.selectors import CAVEATS, ClinicBilling
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE
from caretime.datasets.freshness import Freshness
from caretime.shared.written import escaped, moment

# The share of group therapy from which group sessions are routine, as a whole percentage.
GROUP_THRESHOLD_PERCENT = round(GROUP_SHARE_NOT_ONE_ON_ONE * 100)


def clinic_billing_html(figures: Sequence[ClinicBilling], freshness: Freshness) -> SafeString:
    """The section "What Medicare billing shows": each therapy's figures, or why there are none;
    ``freshness``: the data releases they come from."""
    heading = gettext("What Medicare billing shows")
    if not figures:
        none = gettext(
            "No Medicare billing figures for this clinic. None of its therapists billed Medicare for 11 patients or "
            "more. That says nothing good or bad about the clinic."
        )
        shown = f"\n  <p>{none}</p>\n  "
    else:
        each = "".join(_figures(f, freshness) for f in figures)
        rosters = ""
        if freshness.rosters:
            rosters = '<p class="fine freshness">{}</p>'.format(
                gettext("Clinicians are linked to clinics by the %(release)s, imported %(imported)s.")
                % {
                    "release": escaped(freshness.rosters.label),
                    "imported": moment(freshness.rosters.imported_at, "Y-m-d"),
                }
            )
        care = gettext("Read these figures with care")
        listed = "".join(f"<li>{escaped(caveat)}</li>" for caveat in CAVEATS)
        made = gettext("How these figures are made")
        states = gettext("See the figures of every state")
        shown = (
            f'\n  {each}\n  <details class="caveats">\n    <summary>{care}</summary>\n    <ul>{listed}</ul>\n'
            f'    {rosters}\n  </details>\n  <ul class="billing-links">\n'
            f'    <li><a href="{reverse("methodology")}#medicare-billing-indicators">{made}</a></li>\n'
            f'    <li><a href="{reverse("billing-states")}">{states}</a></li>\n  </ul>\n  '
        )
    return mark_safe(  # translated text as it is, every value escaped
        f'\n<section aria-labelledby="billing" class="billing">\n  <h2 id="billing">{heading}</h2>\n  {shown}\n'
        "</section>\n"
    )


def _figures(f: ClinicBilling, freshness: Freshness) -> str:
    title = gettext("%(therapy)s, bills of %(year)s") % {
        "therapy": escaped(f.discipline_label),
        "year": escaped(f.year),
    }
    if f.is_demo:
        title += ' <span class="tag demo">{}</span>'.format(gettext("Demo billing: invented"))
    if f.timed_codes_apply and f.average_minutes_at_least > 0:
        minutes = "<li>{}</li>".format(
            ngettext(
                "By its Medicare bills, a visit here had at least %(minutes)s minute with a therapist, one-on-one, "
                "on average.",
                "By its Medicare bills, a visit here had at least %(minutes)s minutes with a therapist, one-on-one, "
                "on average.",
                f.average_minutes_at_least,
            )
            % {"minutes": escaped(f.average_minutes_at_least)}
        )
    else:
        minutes = "<li>{}</li>".format(gettext("Its Medicare bills do not show how long visits were."))
    group_note = ""
    if f.group_above_threshold:
        group = '<li class="notice">{}</li>'.format(
            gettext("Group sessions are common here. Ask if your visits would be one-on-one.")
        )
        group_note = "<p>{}</p>".format(
            gettext("Group therapy on %(percent)s %% of services or more means group sessions are routine here.")
            % {"percent": escaped(GROUP_THRESHOLD_PERCENT)}
        )
    elif f.group_share > 0:
        group = "<li>{}</li>".format(gettext("Some care here was billed as group therapy, but not much."))
    else:
        group = "<li>{}</li>".format(gettext("No care here was billed as group therapy."))
    sources = "".join(
        '<p class="fine freshness">{}</p>'.format(
            gettext("Source: %(release)s, imported %(imported)s.")
            % {"release": escaped(release.label), "imported": moment(release.imported_at, "Y-m-d")}
        )
        for release in freshness.billing
        if release.claims_year == f.year
    )
    linked = gettext(
        "Clinicians linked to this clinic through %(linked_by)s. Each figure adds up their claims; a clinician who "
        "also works at other clinics counts here in part."
    ) % {"linked_by": escaped(f.linked_by)}
    meaning = gettext("What this means for you")
    clue = gettext("Bills are only one clue. They count for a little in our answer, and never decide it alone.")
    detail = gettext("The figures in detail")
    sentences = "".join(f"<li>{escaped(sentence)}</li>" for sentence in f.sentences)
    return (
        f'\n  <div class="billing-figures">\n    <h3>{title}</h3>\n    \n'
        f'    <p class="billing-meaning-title">{meaning}</p>\n    <ul class="billing-meaning">\n'
        f"      \n      {minutes}\n      \n      \n      {group}\n      \n      <li>{clue}</li>\n    </ul>\n"
        f'    <details class="billing-detail">\n      <summary>{detail}</summary>\n      <ul>{sentences}</ul>\n'
        f'      {group_note}\n      <p class="fine">{linked}</p>\n      {sources}\n    </details>\n  </div>\n  '
    )
