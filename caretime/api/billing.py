from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from caretime.billing.selectors import CAVEATS, ClinicBilling, clinic_billing, state_picture
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE, Distribution
from caretime.core.disciplines import Discipline
from caretime.directory.models import Clinic

router = Router(tags=["billing"])


class MinuteRangeOut(Schema):
    low: int
    high: int


class ClinicBillingFigureOut(Schema):
    year: int = Field(description="Calendar year of the Medicare claims.")
    discipline: str
    clinicians: int = Field(description="Clinicians behind the figures, each with at least 11 Medicare patients.")
    visits: float = Field(description="Medicare visits in the year (a lower bound), summed over the clinicians.")
    timed_units_per_visit: float
    minimum_one_on_one_minutes: MinuteRangeOut | None = Field(
        description="The 8-minute rule's range for the whole number of units below the average; null when "
        "timed codes do not apply (speech therapy)."
    )
    group_share: float = Field(description="Share of services billed as group therapy (97150), 0-1.")
    visits_per_beneficiary: float
    timed_units_per_visit_percentile: float | None
    group_share_percentile: float | None
    visits_per_beneficiary_percentile: float | None
    visits_percentile: float | None
    peer_clinics: int = Field(description="Clinics of the same therapy and state the percentiles compare with.")
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
        visits=round(f.visits, 1),
        timed_units_per_visit=round(f.timed_units_per_visit, 3),
        minimum_one_on_one_minutes=(
            MinuteRangeOut(low=f.minimum_minutes.low, high=f.minimum_minutes.high) if f.timed_codes_apply else None
        ),
        group_share=round(f.group_share, 4),
        visits_per_beneficiary=round(f.visits_per_beneficiary, 2),
        timed_units_per_visit_percentile=f.timed_units_per_visit_percentile,
        group_share_percentile=f.group_share_percentile,
        visits_per_beneficiary_percentile=f.visits_per_beneficiary_percentile,
        visits_percentile=f.visits_percentile,
        peer_clinics=f.peer_clinics,
        linked_by=f.linked_by,
        is_demo=f.is_demo,
        summary=list(f.sentences),
    )


@router.get("/clinics/{clinic_id}/billing", response=ClinicBillingOut, summary="A clinic's Medicare billing figures")
def get_clinic_billing(request: HttpRequest, clinic_id: int) -> ClinicBillingOut:
    """The latest year's figures per therapy, with every caveat; `figures` is empty when no
    clinician with at least 11 Medicare patients is linked to the clinic."""
    if not Clinic.objects.filter(pk=clinic_id).exists():
        raise Http404(f"No clinic has the id {clinic_id}.")
    return ClinicBillingOut(
        clinic_id=clinic_id, figures=[_figure_out(f) for f in clinic_billing(clinic_id)], caveats=list(CAVEATS)
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


@router.get("/billing/states", response=StatePictureOut, url_name="billing_states", summary="Billing by state")
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
        caveats=list(CAVEATS),
    )
