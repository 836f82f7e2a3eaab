"""What open data publishes about clinics: the one read behind FHIR, HSDS and the data package.

Everything comes through the evidence path the pages use (``caretime.verdicts.selectors``), so
that the formats and the pages can never disagree: each therapy's verdict under the default
bar (what a person sees before setting their own), Care Time figures only where the page shows
them (``CareTimeProfile.shows_figures``: 3 or more people), and clinicians' figures only as the
monthly batch published them (5 or more reports, in bands). Never a single report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils.translation import gettext

from caretime.core.care_time import CareTimeProfile
from caretime.core.evidence import MIN_PEOPLE_FOR_A_FIGURE
from caretime.core.verdict import Bar, Status
from caretime.core.workplace import WorkplaceFigures
from caretime.directory.models import Clinic, ClinicQuerySet, DisciplineChoices
from caretime.directory.selectors import with_listing_details
from caretime.verdicts.selectors import DisciplineCareTime, care_times

# The bar a person meets before they set their own: the verdict open data publishes.
OPEN_DATA_BAR = Bar()


@dataclass(frozen=True)
class PublishedTherapy:
    discipline: str
    status: Status
    reporters: int  # people behind the verdict (billing data is not a person)
    reports: int  # reports and figures behind it, every source
    newest: date | None  # the newest evidence
    early_signal: bool  # the verdict rests on one person's report
    care_time: CareTimeProfile | None  # only with figures, from 3 or more people
    workplace: tuple[WorkplaceFigures, ...]  # published clinicians' figures (5 or more reports each)
    summary: str  # the verdict and what it rests on, in a sentence, in the language active when read


@dataclass(frozen=True)
class PublishedClinic:
    clinic: Clinic
    roster_size: int  # clinicians the national files list at the clinic
    therapies: tuple[PublishedTherapy, ...]


def _therapy(discipline: str, found: DisciplineCareTime) -> PublishedTherapy:
    assessment = found.assessment
    profile = found.profile if found.profile is not None and found.profile.shows_figures else None
    return PublishedTherapy(
        discipline=discipline,
        status=assessment.status,
        reporters=assessment.reporters,
        reports=assessment.reports,
        newest=assessment.newest,
        early_signal=assessment.early_signal,
        care_time=profile,
        workplace=found.workplace.populations if found.workplace else (),
        summary=gettext(
            "Verdict under the default bar of %(minutes)s minutes one-on-one every visit: %(status)s (%(evidence)s)."
        )
        % {
            "minutes": OPEN_DATA_BAR.min_one_on_one_minutes,
            "status": gettext(assessment.status.label),
            "evidence": assessment.evidence_summary,
        },
    )


def published_clinics(clinics: Sequence[Clinic], *, as_of: date) -> list[PublishedClinic]:
    """The published facts of a few clinics (a page of answers, a batch of an export), in the
    order given: a fixed number of queries for each therapy, whatever the number of clinics.
    ``clinics`` come from ``clinics_for_publishing``."""
    therapies: dict[int, list[PublishedTherapy]] = {clinic.pk: [] for clinic in clinics}
    for choice in DisciplineChoices:
        offering = [clinic.pk for clinic in clinics if choice.value in clinic.disciplines]
        for clinic_id, found in care_times(offering, choice.value, OPEN_DATA_BAR, as_of=as_of).items():
            therapies[clinic_id].append(_therapy(choice.value, found))
    return [
        PublishedClinic(clinic, getattr(clinic, "roster_size", 0), tuple(therapies[clinic.pk])) for clinic in clinics
    ]


def published_services(
    pairs: Sequence[tuple[int, str]], *, as_of: date
) -> list[tuple[PublishedClinic, PublishedTherapy]]:
    """The published facts of a few therapies at clinics, ``(clinic id, therapy)`` pairs, in the
    order given; a pair whose clinic or therapy is gone is left out."""
    clinics = clinics_for_publishing().in_bulk(sorted({clinic_id for clinic_id, _ in pairs}))
    published = {found.clinic.pk: found for found in published_clinics(list(clinics.values()), as_of=as_of)}
    found = []
    for clinic_id, discipline in pairs:
        clinic = published.get(clinic_id)
        therapy = next((t for t in clinic.therapies if t.discipline == discipline), None) if clinic else None
        if clinic is not None and therapy is not None:
            found.append((clinic, therapy))
    return found


def clinics_for_publishing() -> ClinicQuerySet:
    """Clinics with what publishing them needs: organisation, therapies, plans, roster size."""
    return with_listing_details(Clinic.objects.all()).annotate(roster_size=Count("clinicians", distinct=True))


# What each published figure means: FHIR's rating types and HSDS's attribute terms. The verdict
# is one of the statuses of docs/methodology.md; the Care Time figures are those of the clinic
# page, present only when 3 or more people reported; every figure travels with its sample size
# and month (never a day: the pages date reports by month).
FIGURES: dict[str, str] = {
    "verdict": f"The clinic's verdict for this therapy under the default bar "
    f"({OPEN_DATA_BAR.min_one_on_one_minutes} minutes one-on-one every visit): "
    + ", ".join(status.value for status in Status)
    + ".",
    "verdict-reporters": "How many people's reports the verdict rests on (billing data is not a person).",
    "verdict-reports": "How many reports and published figures, of every source, the verdict rests on.",
    "verdict-newest": "The month of the newest evidence behind the verdict (YYYY-MM; billing is dated December "
    "of its claims year).",
    "verdict-early-signal": "true when the verdict rests on one person's report.",
    "care-time-typical-minutes": "Typical one-on-one minutes with the therapist per visit, as patients report.",
    "care-time-low-minutes": "8 in 10 reported visits had at least this many one-on-one minutes (low end).",
    "care-time-high-minutes": "8 in 10 reported visits had at most this many one-on-one minutes (high end).",
    "care-time-whole-one-on-one-share": "Share of visits one-on-one for the whole time (0 to 1).",
    "care-time-shared-share": "Share of visits with other patients treated at the same time (0 to 1).",
    "care-time-aide-led-share": "Share of visits mostly with an aide or alone on equipment (0 to 1).",
    "care-time-reporters": f"How many different people the Care Time figures come from "
    f"({MIN_PEOPLE_FOR_A_FIGURE} or more).",
    "care-time-reports": "How many visit reports the Care Time figures come from.",
    "care-time-newest": "The month of the newest visit behind the Care Time figures (YYYY-MM).",
}


def _share(value: float | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def published_figures(therapy: PublishedTherapy) -> list[tuple[str, str]]:
    """The figures of one therapy at one clinic as (kind, value) pairs, kinds from ``FIGURES``:
    the verdict with its sample size and date, and the Care Time figures where the page shows them."""
    values: list[tuple[str, str | None]] = [
        ("verdict", therapy.status.value),
        ("verdict-reporters", str(therapy.reporters)),
        ("verdict-reports", str(therapy.reports)),
        ("verdict-newest", f"{therapy.newest:%Y-%m}" if therapy.newest else None),
        ("verdict-early-signal", "true" if therapy.early_signal else "false"),
    ]
    profile = therapy.care_time
    if profile is not None:
        values += [
            ("care-time-typical-minutes", str(profile.typical_minutes)),
            ("care-time-low-minutes", str(profile.low_minutes)),
            ("care-time-high-minutes", str(profile.high_minutes)),
            ("care-time-whole-one-on-one-share", _share(profile.whole_one_on_one_share)),
            ("care-time-shared-share", _share(profile.shared_share)),
            ("care-time-aide-led-share", _share(profile.aide_led_share)),
            ("care-time-reporters", str(profile.reporters)),
            ("care-time-reports", str(profile.reports)),
            ("care-time-newest", f"{profile.newest:%Y-%m}" if profile.newest else None),
        ]
    return [(kind, value) for kind, value in values if value is not None]
