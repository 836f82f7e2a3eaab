"""What a clinic page shows of its evidence, written in Python: the reasons for the verdict, what
the clinic said on calls beside what patients reported, and the Care Time profile.

A clinic page's evidence is different for every clinic, so the first page of a clinic a worker
is asked for renders it whole (later ones are kept: ``{% kept %}``). Through the template
language these parts were some two hundred nodes, each costing far more than the sentence it
writes (a ``{% blocktranslate %}`` about fifty microseconds), and the largest part of that first
page's time. Written here, they read exactly as the templates wrote them (the tests compare them
with those templates in both languages, clinic by clinic of the demo region), each sentence
still one message to translate, with the same words as before.

As in a template: text the site translates is written as it is; every value (a reason, a
month, a count) is escaped.
"""

from __future__ import annotations

from django.template.defaultfilters import capfirst, floatformat
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop, ngettext

from caretime.core.care_time import CareTimeProfile
from caretime.core.verdict import Assessment, Effect
from caretime.reports.selectors import CallSpread
from caretime.shared.written import escaped, month
from caretime.verdicts.selectors import DisciplineCareTime
from caretime.verdicts.templatetags.care_time import percent
from caretime.verdicts.templatetags.wording import answer_counts, minutes_range

_EFFECT_WORDS = {
    Effect.AVOID: gettext_noop("Avoid:"),
    Effect.GOOD: gettext_noop("Meets your bar:"),
    Effect.OPEN: gettext_noop("Still open:"),
}
_NOTED = gettext_noop("Also known:")


def _minutes_range(low: int, high: int) -> str:
    return escaped(minutes_range(low, high))


def _percent(share: float | None) -> str:
    return escaped(percent(share))


def _heading(level: int | None) -> str:
    return str(level or 4)


def reasons_html(assessment: Assessment) -> SafeString:
    """Why we say this: each reason with its effect, the early signal, and what it is judged
    against."""
    if assessment.reasons:
        items = []
        for reason in assessment.reasons:
            words = gettext(_EFFECT_WORDS.get(reason.effect, _NOTED))
            conflict = ""
            if reason.conflicting:
                if reason.effect == Effect.OPEN:
                    conflict = ' <span class="conflict">{}</span>'.format(gettext("reports disagree"))
                else:
                    conflict = ' <span class="tag">{}</span>'.format(gettext("some reports differ"))
            items.append(
                f'\n  <li class="reason-{escaped(reason.effect.value)}">\n'
                f'    <span class="reason-effect">{words}</span>\n'
                f"    {escaped(reason.text)}{conflict}\n  </li>\n  "
            )
        listed = f'\n<ul class="reasons">\n  {"".join(items)}\n</ul>\n'
    else:
        nobody = gettext("Nobody has told us yet what this clinic says or does. Call and ask the three questions.")
        listed = f"\n<p>{nobody}</p>\n"
    early = ""
    if assessment.early_signal:
        early = '<p class="early-note">{}</p>'.format(
            gettext("An early signal: this verdict rests on one report (%(basis)s). One more report can change it.")
            % {"basis": escaped(assessment.early_signal_label)}
        )
    based_on = ""
    if assessment.evidence_counts:
        based_on = gettext("Based on %(evidence)s.") % {"evidence": escaped(assessment.dated_evidence_summary)} + " "
    minimum = {"minimum": escaped(assessment.bar.min_one_on_one_minutes)}
    if assessment.bar.every_visit_required:
        judged = gettext("Judged against your bar: at least %(minimum)s minutes one-on-one, on every visit.") % minimum
    else:
        judged = gettext("Judged against your bar: at least %(minimum)s minutes one-on-one.") % minimum
    how = gettext("How we decide")
    return mark_safe(  # translated text as it is, every value escaped
        f'{listed}\n{early}\n\n<p class="fine">{based_on}{judged}\n'
        f'  <a href="{reverse("methodology")}#the-verdict-good-avoid-or-unknown">{how}</a></p>\n'
    )


def disagreements_html(care_time: DisciplineCareTime) -> SafeString:
    """Where what the clinic said and what was reported lean opposite ways."""
    return mark_safe(
        "".join(
            '<p class="disagree">{}</p>'.format(
                gettext("Said and reported disagree: %(gap)s") % {"gap": escaped(gap.text)}
            )
            for gap in care_time.disagreements
        )
        + "\n"
    )


def care_time_profile_html(profile: CareTimeProfile | None, heading_level: int | None = None) -> SafeString:
    """The Care Time profile: what patients report about their visits, or why nothing is shown."""
    level = _heading(heading_level)
    title = gettext("Care Time: what patients report about their visits")
    how = f'<a href="{reverse("methodology")}#care-time-profile">'
    if not profile:
        body = "\n  <p>{}</p>\n  ".format(gettext("No patient has reported a visit here yet."))
    elif not profile.reports:
        body = "\n  <p>{}</p>\n  ".format(
            gettext("No patient without a connection to the clinic has reported a visit here yet.")
        )
    elif profile.shows_figures:
        body = _profile_figures(profile, how)
    else:
        counted = ngettext(
            "%(reports)s report so far, from %(reporters)s person. Figures are shown once 3 different "
            "people have reported.",
            "%(reports)s reports so far, from %(reporters)s different people. Figures are shown once 3 "
            "different people have reported.",
            profile.reporters,
        ) % {"reports": escaped(profile.reports), "reporters": escaped(profile.reporters)}
        body = "\n  <p>{} {}{}</a></p>\n  ".format(counted, how, gettext("Why"))
    connected = ""
    if profile and profile.connected:
        connected = '<p class="fine">{}</p>'.format(
            ngettext(
                "%(connected)s report from someone connected to the clinic (staff, family, owner) is shown "
                "here as such and counts in no figure.",
                "%(connected)s reports from people connected to the clinic (staff, family, owner) are shown "
                "here as such and count in no figure.",
                profile.connected,
            )
            % {"connected": escaped(profile.connected)}
        )
    return mark_safe(
        f'<div class="care-time-profile">\n  <h{level}>{title}</h{level}>\n  {body}\n  {connected}\n</div>\n'
    )


def _profile_figures(profile: CareTimeProfile, how: str) -> str:
    if profile.shows_minutes:
        assert profile.low_minutes is not None
        assert profile.high_minutes is not None
        typical = gettext("%(typical)s minutes; 8 in 10 reported visits had %(spread)s") % {
            "typical": escaped(profile.typical_minutes),
            "spread": _minutes_range(profile.low_minutes, profile.high_minutes),
        }
    else:
        typical = ngettext(
            "Shown once 3 different people have given the minutes; %(people)s person has so far.",
            "Shown once 3 different people have given the minutes; %(people)s people have so far.",
            profile.minutes_reporters,
        ) % {"people": escaped(profile.minutes_reporters)}
    whole = ""
    if profile.whole_one_on_one_share is not None:
        whole = "\n    <dt>{}</dt>\n    <dd>{}</dd>\n    ".format(
            gettext("One-on-one with the therapist for the whole time"),
            gettext("%(percent)s %% of visits") % {"percent": _percent(profile.whole_one_on_one_share)},
        )
    one, two, more = (_percent(share) for share in profile.shared_counts or (None, None, None))
    shared = gettext(
        "%(percent)s %% of visits: with 1 other patient %(one)s %%, with 2 others %(two)s %%, with 3 or more %(more)s %%"
    ) % {"percent": _percent(profile.shared_share), "one": one, "two": two, "more": more}
    minutes = ""
    if profile.shows_minutes:
        minutes = "\n    <dt>{}</dt>\n    <dd>{}</dd>\n    ".format(
            gettext("Mostly with an aide or alone on equipment"),
            gettext("%(percent)s %% of visits") % {"percent": _percent(profile.aide_led_share)},
        )
    source = ngettext(
        "From %(reports)s reports by %(reporters)s person, the newest visit in %(newest)s.",
        "From %(reports)s reports by %(reporters)s different people, the newest visit in %(newest)s.",
        profile.reporters,
    ) % {"reports": escaped(profile.reports), "reporters": escaped(profile.reporters), "newest": month(profile.newest)}
    minutes_from = ""
    if profile.shows_minutes and profile.minutes_reporters != profile.reporters:
        minutes_from = ngettext(
            "The minutes come from the %(people)s person who gave them.",
            "The minutes come from the %(people)s people who gave them.",
            profile.minutes_reporters,
        ) % {"people": escaped(profile.minutes_reporters)}
    if profile.prior == "state":
        prior = gettext(
            "Recent visits count more, and each figure is pulled a little toward what patients report in the "
            "same state, so that a few reports cannot swing it."
        )
    elif profile.prior == "national":
        prior = gettext(
            "Recent visits count more, and each figure is pulled a little toward what patients report "
            "nationwide, so that a few reports cannot swing it."
        )
    else:
        prior = gettext("Recent visits count more.")
    typical_heading = gettext("Typical one-on-one time with the therapist")
    shared_heading = gettext("Other patients treated at the same time")
    made = gettext("How these figures are made")
    return (
        f"\n  <dl>\n    <dt>{typical_heading}</dt>\n    \n    <dd>{typical}</dd>\n    \n    {whole}\n"
        f"    <dt>{shared_heading}</dt>\n    <dd>{shared}</dd>\n    {minutes}\n"
        f'  </dl>\n  <p class="fine">{source}\n  {minutes_from}\n  {prior}\n  {how}{made}</a></p>\n  '
    )


def stated_reported_html(care_time: DisciplineCareTime, clinic_id: int, heading_level: int | None = None) -> SafeString:
    """What the clinic said on calls, beside what patients and clinicians report."""
    level = _heading(heading_level)
    workplace = get_template("workplace/_workplace.html").render(
        {
            "workplace": care_time.workplace,
            "discipline": care_time.discipline,
            "level": heading_level,
            "on_form": True,
        }
    )
    reported = ""
    if care_time.reported_total:
        reported = "\n    <ul>{}</ul>\n    ".format(
            "".join(
                f"<li>{capfirst(escaped(gettext(source.label)))}: {escaped(count)}</li>"
                for source, count in care_time.reported_counts
            )
        )
    links = '<a href="{}">{}</a> <a href="{}">{}</a>'.format(
        reverse("visit-report", args=(clinic_id, care_time.discipline)),
        gettext("Report your visit"),
        reverse("visit-timer", args=(clinic_id, care_time.discipline)),
        gettext("Time your next visit"),
    )
    said = gettext("What the clinic said on calls")
    return mark_safe(
        f'<div class="stated-reported">\n  <div>\n    <h{level}>{said}</h{level}>\n'
        f"    \n    {_stated(care_time.stated)}\n    \n  </div>\n  <div>\n"
        f"    {care_time_profile_html(care_time.profile, heading_level)}\n    {workplace}\n    {reported}\n"
        f'    <p class="actions">{links}</p>\n  </div>\n</div>\n'
    )


def _stated(s: CallSpread) -> str:
    if not s.calls:
        return "\n    <p>{}</p>\n    ".format(gettext("No calls recorded yet."))
    calls = ngettext("%(counter)s call, in %(newest)s.", "%(counter)s calls, the newest in %(newest)s.", s.calls) % {
        "counter": escaped(s.calls),
        "newest": month(s.newest),
    }
    figures = s.minutes_figures
    if figures:
        minutes = "<li>{}</li>\n      ".format(
            ngettext(
                "Minutes with the therapist: %(spread)s, median %(median)s (%(counter)s answer).",
                "Minutes with the therapist: %(spread)s, median %(median)s (%(counter)s answers).",
                len(s.minutes),
            )
            % {
                "spread": _minutes_range(figures[0], figures[2]),
                "median": escaped(floatformat(figures[1], 0)),
                "counter": escaped(len(s.minutes)),
            }
        )
    elif s.minutes_bands:
        bands = "; ".join(
            ngettext("%(group)s on %(counter)s call", "%(group)s on %(counter)s calls", count)
            % {"group": escaped(group), "counter": escaped(count)}
            for group, count in s.minutes_bands
        )
        minutes = "<li>{} {}.</li>".format(gettext("Minutes with the therapist:"), bands)
    else:
        minutes = ""
    withheld = ""
    if s.minutes_withheld:
        withheld = "<li>{}</li>".format(
            ngettext(
                "Would not say how many minutes: %(counter)s call.",
                "Would not say how many minutes: %(counter)s calls.",
                s.minutes_withheld,
            )
            % {"counter": escaped(s.minutes_withheld)}
        )
    length = ""
    if s.visit_length_figures:
        low, median, high = s.visit_length_figures
        length = "<li>{}</li>".format(
            gettext("Scheduled visit: %(spread)s, median %(median)s.")
            % {"spread": _minutes_range(low, high), "median": escaped(floatformat(median, 0))}
        )
    fewer = ""
    if not figures and s.minutes:
        fewer = '<p class="fine">{}</p>'.format(
            gettext(
                "The lowest, median and highest minutes are shown once 3 calls have given a number of minutes; "
                "until then, the calls are counted by groups of minutes."
            )
        )
    answers = "\n".join(
        f"      <li>{question} {escaped(answer_counts(counted))}.</li>"
        for question, counted in (
            (gettext("One-on-one or shared:"), s.care),
            (gettext("Every visit:"), s.visits),
            (gettext("Follow-up visits with:"), s.follow_up),
        )
    )
    weighed = gettext("How calls and reports are weighed")
    return (
        f"\n    <p>{calls}</p>\n    <ul>\n      {minutes}\n      {withheld}\n{answers}\n      {length}\n    </ul>\n"
        f'    {fewer}\n    <p class="fine"><a href="{reverse("methodology")}#said-on-the-phone-and-reported-after-visits">'
        f"{weighed}</a></p>\n    "
    )
