from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from caretime.api.errors import CLINIC_NOT_FOUND, INVALID_INPUT, reads
from caretime.billing.selectors import CAVEATS, ClinicBilling, clinic_billing, state_picture
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE, Distribution
from caretime.core.disciplines import Discipline
from caretime.directory.models import Clinic

router = Router(tags=["billing"])


class ClinicBillingFigureOut(Schema):
    year: int = Field(description="Calendar year of the Medicare claims.")
    discipline: str
    clinicians: int = Field(description="Clinicians behind the figures, each with at least 11 Medicare patients.")
    shared_clinicians: int = Field(
        description="Of them, clinicians on other clinics' rosters too: their visits are shared equally among "
        "their clinics, so that the clinics' visits add up to theirs."
    )
    visits: float = Field(description="Medicare visits in the year, at least (the largest code's beneficiary-days).")
    visits_high: float = Field(description="Medicare visits in the year, at most (every code's beneficiary-days).")
    timed_units_per_visit: float = Field(description="Timed units per visit, at most (over the fewest visits).")
    timed_units_per_visit_low: float = Field(description="Timed units per visit, at least (over the most visits).")
    average_one_on_one_minutes_at_least: int | None = Field(
        description="The fewest one-on-one minutes an average visit had if billed correctly (15 x the low end "
        "of units per visit - 7); says nothing of every visit. Null when timed codes do not apply (speech therapy)."
    )
    group_share: float = Field(description="Share of services billed as group therapy (97150, 92508), 0-1.")
    group_visit_share: list[float] = Field(description="Share of visits with a group session: [at least, at most].")
    possibly_suppressed: bool = Field(
        description="Some clinician's rows may be missing (billed to fewer than 11 patients): the group share can "
        "be higher, the units per visit higher or lower."
    )
    visits_per_beneficiary: float
    timed_units_per_visit_percentile: float | None
    group_share_percentile: float | None
    visits_per_beneficiary_percentile: float | None
    visits_percentile: float | None
    peer_clinics: int = Field(
        description="Other clinics of the same therapy and state the percentiles compare with (not this one)."
    )
    linked_by: str
    is_demo: bool
    summary: list[str] = Field(description="The figures in plain words, as on the clinic page.")


class ClinicBillingOut(Schema):
    clinic_id: int
    figures: list[ClinicBillingFigureOut]
    caveats: list[str]


def _figure_out(f: ClinicBilling) -> ClinicBillingFigureOut:
    return ClinicBillingFigureOut(
        year=f.year,
        discipline=f.discipline,
        clinicians=f.clinicians,
        shared_clinicians=f.shared_clinicians,
        visits=round(f.visits, 1),
        visits_high=round(f.visits_high, 1),
        timed_units_per_visit=round(f.timed_units_per_visit, 3),
        timed_units_per_visit_low=round(f.timed_units_per_visit_low, 3),
        average_one_on_one_minutes_at_least=f.average_minutes_at_least if f.timed_codes_apply else None,
        group_share=round(f.group_share, 4),
        group_visit_share=[round(f.group_visit_share_low, 4), round(f.group_visit_share_high, 4)],
        possibly_suppressed=f.possibly_suppressed,
        visits_per_beneficiary=round(f.visits_per_beneficiary, 2),
        timed_units_per_visit_percentile=f.timed_units_per_visit_percentile,
        group_share_percentile=f.group_share_percentile,
        visits_per_beneficiary_percentile=f.visits_per_beneficiary_percentile,
        visits_percentile=f.visits_percentile,
        peer_clinics=f.peer_clinics,
        linked_by=f.linked_by,
        is_demo=f.is_demo,
        summary=[str(sentence) for sentence in f.sentences],  # in the request's language
    )


@router.get(
    "/clinics/{clinic_id}/billing",
    **reads({200: ClinicBillingOut}, INVALID_INPUT, CLINIC_NOT_FOUND),
    summary="A clinic's Medicare billing figures",
)
def get_clinic_billing(request: HttpRequest, clinic_id: int) -> ClinicBillingOut:
    """The latest year's figures per therapy, with every caveat; `figures` is empty when no
    clinician with at least 11 Medicare patients is linked to the clinic."""
    if not Clinic.objects.filter(pk=clinic_id).exists():
        raise Http404(gettext("No clinic has the id %(id)s.") % {"id": clinic_id})
    return ClinicBillingOut(
        clinic_id=clinic_id,
        figures=[_figure_out(f) for f in clinic_billing(clinic_id)],
        caveats=[str(caveat) for caveat in CAVEATS],
    )


class DistributionOut(Schema):
    count: int
    p10: float
    q1: float
    median: float
    q3: float
    p90: float


class StateOut(Schema):
    state: str
    clinicians: int
    timed_units_per_visit: DistributionOut | None = Field(description="Null below the minimum number of clinicians.")
    group_share: DistributionOut | None
    share_of_clinicians_above_group_threshold: float | None


class StatePictureOut(Schema):
    year: int | None = Field(description="Null when no billing data is loaded.")
    discipline: str
    group_share_threshold: float
    clinicians: int
    is_demo: bool
    states: list[StateOut]
    caveats: list[str]


class StatePictureQuery(Schema):
    discipline: Literal["pt", "ot", "slp"] = "pt"
    year: int | None = Field(None, ge=2010, le=2100)


def _distribution_out(d: Distribution | None) -> DistributionOut | None:
    if d is None:
        return None
    return DistributionOut(
        count=d.count,
        p10=round(d.low, 4),
        q1=round(d.first_quartile, 4),
        median=round(d.median, 4),
        q3=round(d.third_quartile, 4),
        p90=round(d.high, 4),
    )


@router.get(
    "/billing/states",
    **reads({200: StatePictureOut}, INVALID_INPUT),
    url_name="billing_states",
    summary="Billing by state",
)
def get_state_picture(request: HttpRequest, filters: Query[StatePictureQuery]) -> StatePictureOut:
    """Per state, the distribution of clinicians' timed units per visit and group-therapy share."""
    picture = state_picture(Discipline(filters.discipline), filters.year)
    return StatePictureOut(
        year=picture.year,
        discipline=picture.discipline,
        group_share_threshold=GROUP_SHARE_NOT_ONE_ON_ONE,
        clinicians=picture.clinicians,
        is_demo=picture.is_demo,
        states=[
            StateOut(
                state=row.state,
                clinicians=row.clinicians,
                timed_units_per_visit=_distribution_out(row.units_per_visit),
                group_share=_distribution_out(row.group_share),
                share_of_clinicians_above_group_threshold=row.share_above_group_threshold,
            )
            for row in picture.states
        ],
        caveats=[str(caveat) for caveat in CAVEATS],
    )
