"""Reads of the billing app: a clinic's billing figures in words, its verdict evidence, the
national picture by state."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from caretime.billing.models import ClinicBillingYear, ClinicianBillingYear
from caretime.core import billing as core
from caretime.core.disciplines import Discipline
from caretime.core.evidence import Evidence, EvidenceKey, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.wording import Message
from caretime.directory.clinic_rows import clinic_models
from caretime.directory.models import Clinic

# Percentiles among fewer peers than this say little; the comparison is then left out.
MIN_PEERS_FOR_COMPARISON = 5
# A state's distribution is drawn only from this many clinicians up.
MIN_CLINICIANS_PER_STATE = 5

# Messages, worded in the language of the page or API answer that shows them.
CAVEATS = tuple(
    Message(caveat)
    for caveat in (
        gettext_noop("Medicare fee-for-service only: no Medicare Advantage, Medicaid or private insurance."),
        gettext_noop(
            "Time with a physical therapist assistant is billed under the therapist's NPI, so it counts as the "
            "therapist's time."
        ),
        gettext_noop(
            "Many units can mean wrong billing, not long visits: the figures show what was billed, not what happened."
        ),
        gettext_noop("The public files are about two years old."),
        gettext_noop("CMS leaves out every row with fewer than 11 patients, so small practices may be missing."),
        # The file is Part B claims billed by clinicians and practices (non-institutional), which
        # leaves out institutional providers; docs/methodology.md names them.
        gettext_noop(
            "The file holds only claims billed by clinicians and their practices: therapy billed by hospital "
            "outpatient departments, rehab agencies and rehab centers is not in it."
        ),
    )
)


@dataclass(frozen=True)
class ClinicBilling:
    """One discipline's billing figures at a clinic, ready for the page and the API. Visits
    are known within bounds (the claims do not say which codes shared a day), and so is
    everything divided by them: each such figure has its low and its high end."""

    year: int
    discipline: str
    discipline_label: str
    state: str
    clinicians: int
    shared_clinicians: int  # counted here in part: they are on other clinics' rosters too
    visits: float  # at least
    visits_high: float  # at most
    beneficiaries: int
    timed_units_per_visit: float  # at most
    timed_units_per_visit_low: float  # at least
    average_minutes_at_least: int  # what the low end guarantees for an average visit
    group_share: float
    group_visit_share_low: float
    group_visit_share_high: float
    visits_per_beneficiary: float
    timed_units_per_visit_percentile: float | None
    group_share_percentile: float | None
    visits_per_beneficiary_percentile: float | None
    visits_percentile: float | None
    peer_clinics: int
    linked_by: str
    possibly_suppressed: bool
    is_demo: bool
    timed_codes_apply: bool  # speech therapy is billed mostly in untimed codes
    sentences: tuple[Message, ...]  # worded in the language of the page or API answer

    @property
    def group_above_threshold(self) -> bool:
        return self.group_share >= core.GROUP_SHARE_NOT_ONE_ON_ONE


# The sentences of a clinic's figures, each written whole: with its comparison among the
# state's clinics and without it, since a translation may need to place the comparison anywhere
# in the sentence. The comparison counts at least MIN_PEERS_FOR_COMPARISON clinics, so its
# "%(peers)s clinics" is always plural.
_UNITS = ngettext_noop(
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), so an average visit had at least %(count)s minute of one-on-one treatment if billed correctly.",
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), so an average visit had at least %(count)s minutes of one-on-one treatment if billed correctly.",
)
_UNITS_COMPARED = ngettext_noop(
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), so an average visit had at least %(count)s minute of one-on-one treatment if billed correctly, "
    "%(peer)s other clinics in %(state)s (units per visit; %(peers)s clinics compared).",
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), so an average visit had at least %(count)s minutes of one-on-one treatment if billed correctly, "
    "%(peer)s other clinics in %(state)s (units per visit; %(peers)s clinics compared).",
)
_UNITS_TOO_FEW = gettext_noop(
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), too few to show a least number of one-on-one minutes."
)
_UNITS_TOO_FEW_COMPARED = gettext_noop(
    "Medicare claims show %(units)s timed units per visit (the claims do not say which codes were billed on the "
    "same day), too few to show a least number of one-on-one minutes, %(peer)s other clinics in %(state)s (units "
    "per visit; %(peers)s clinics compared)."
)
_SPEECH_UNTIMED = gettext_noop(
    "Speech therapy is billed mostly in untimed codes, so these claims do not show how many minutes a visit had."
)
_ALMOST_NO_TIMED = gettext_noop(
    "Almost no timed units were billed, so these claims do not show how many minutes a visit had."
)
_GROUP = gettext_noop(
    "%(share)s of services were billed as group therapy; that is %(visits)s of visits with a group session."
)
_GROUP_COMPARED = gettext_noop(
    "%(share)s of services were billed as group therapy, %(peer)s other clinics in %(state)s (group share; "
    "%(peers)s clinics compared); that is %(visits)s of visits with a group session."
)
_NO_GROUP = gettext_noop("No services were billed as group therapy.")
_VISITS_PER_PATIENT = ngettext_noop(
    "Each Medicare patient had about %(count)s visit in %(year)s.",
    "Each Medicare patient had about %(count)s visits in %(year)s.",
)
_VISITS_PER_PATIENT_COMPARED = ngettext_noop(
    "Each Medicare patient had about %(count)s visit in %(year)s, %(peer)s other clinics in %(state)s (visits per "
    "patient; %(peers)s clinics compared).",
    "Each Medicare patient had about %(count)s visits in %(year)s, %(peer)s other clinics in %(state)s (visits per "
    "patient; %(peers)s clinics compared).",
)
_BASED_ON = ngettext_noop(
    "Based on %(count)s clinician and %(visits)s Medicare visits in %(year)s.",
    "Based on %(count)s clinicians and %(visits)s Medicare visits in %(year)s.",
)
_BASED_ON_COMPARED = ngettext_noop(
    "Based on %(count)s clinician and %(visits)s Medicare visits in %(year)s, %(peer)s other clinics in %(state)s "
    "(visit volume; %(peers)s clinics compared).",
    "Based on %(count)s clinicians and %(visits)s Medicare visits in %(year)s, %(peer)s other clinics in %(state)s "
    "(visit volume; %(peers)s clinics compared).",
)
_BASED_ON_SHARED = ngettext_noop(
    "Based on %(count)s clinician (also on other clinics' rosters, counted here in part) and %(visits)s Medicare "
    "visits in %(year)s.",
    "Based on %(count)s clinicians (%(shared)s of them also on other clinics' rosters, counted here in part) and "
    "%(visits)s Medicare visits in %(year)s.",
)
_BASED_ON_SHARED_COMPARED = ngettext_noop(
    "Based on %(count)s clinician (also on other clinics' rosters, counted here in part) and %(visits)s Medicare "
    "visits in %(year)s, %(peer)s other clinics in %(state)s (visit volume; %(peers)s clinics compared).",
    "Based on %(count)s clinicians (%(shared)s of them also on other clinics' rosters, counted here in part) and "
    "%(visits)s Medicare visits in %(year)s, %(peer)s other clinics in %(state)s (visit volume; %(peers)s clinics "
    "compared).",
)
_POSSIBLY_SUPPRESSED = gettext_noop(
    "Some rows of these clinicians may be missing: CMS leaves out any code billed to fewer than 11 patients, so "
    "group therapy may be more common than shown, and the units per visit higher or lower."
)
_ABOUT = gettext_noop("about %(value)s")
_BETWEEN = gettext_noop("between %(low)s and %(high)s")


def _compared(percentile: float | None, peers: int, state: str) -> dict[str, object] | None:
    """The parameters of a sentence's comparison with the state's other clinics, or None when
    there are too few of them to say anything."""
    if percentile is None or peers < MIN_PEERS_FOR_COMPARISON:
        return None
    return {"peer": core.peer_words(percentile), "state": state, "peers": peers}


def _sentence(
    forms: tuple[str, str] | str,
    compared_forms: tuple[str, str] | str,
    comparison: dict[str, object] | None,
    count: int | None = None,
    **params: object,
) -> Message:
    """The sentence with its comparison when there is one, else the one without."""
    chosen = forms if comparison is None else compared_forms
    params = {**params, **(comparison or {})}
    if isinstance(chosen, tuple):
        return Message.counted(chosen, count or 0, **params)
    return Message(chosen, params)


def _percent(share: float) -> str:
    """0.183 -> "18 %"; below 1 % one decimal, so that a small share never reads as "0 %"."""
    return f"{share * 100:.1f} %" if share < 0.01 else f"{share * 100:.0f} %"


def _between(low: float, high: float, form: str) -> Message:
    """ "about 2.0" when the bounds meet (to the shown precision), else "between 1.5 and 2.0"."""
    if format(low, form) == format(high, form):
        return Message(_ABOUT, {"value": format(high, form)})
    return Message(_BETWEEN, {"low": format(low, form), "high": format(high, form)})


def _describe(row: ClinicBillingYear) -> ClinicBilling:
    discipline = Discipline(row.discipline)
    timed = discipline is not Discipline.SPEECH_LANGUAGE_PATHOLOGY and row.timed_units_per_visit >= 0.5
    minutes = core.average_minutes_at_least(row.timed_units_per_visit_low)
    # The beneficiary-days of group codes are the visits with a group session.
    group_low = min(1.0, row.group_days / row.visits_high) if row.visits_high else 0.0
    group_high = min(1.0, row.group_days / row.visits) if row.visits else 0.0
    sentences: list[Message] = []
    if timed:
        units = _between(row.timed_units_per_visit_low, row.timed_units_per_visit, ".1f")
        comparison = _compared(row.timed_units_per_visit_percentile, row.peer_clinics, row.state)
        sentences.append(
            _sentence(_UNITS, _UNITS_COMPARED, comparison, minutes, units=units)
            if minutes > 0
            else _sentence(_UNITS_TOO_FEW, _UNITS_TOO_FEW_COMPARED, comparison, units=units)
        )
    else:
        sentences.append(
            Message(_SPEECH_UNTIMED if discipline is Discipline.SPEECH_LANGUAGE_PATHOLOGY else _ALMOST_NO_TIMED)
        )
    if row.group_share > 0:
        sentences.append(
            _sentence(
                _GROUP,
                _GROUP_COMPARED,
                _compared(row.group_share_percentile, row.peer_clinics, row.state),
                share=_percent(row.group_share),
                visits=_between(group_low, group_high, ".0%"),
            )
        )
    else:
        sentences.append(Message(_NO_GROUP))
    # Rounded as "{:.0f}" rounds, so that the plural agrees with the figure shown.
    sentences.append(
        _sentence(
            _VISITS_PER_PATIENT,
            _VISITS_PER_PATIENT_COMPARED,
            _compared(row.visits_per_beneficiary_percentile, row.peer_clinics, row.state),
            round(row.visits_per_beneficiary),
            year=row.year,
        )
    )
    sentences.append(
        _sentence(
            _BASED_ON_SHARED if row.shared_clinicians else _BASED_ON,
            _BASED_ON_SHARED_COMPARED if row.shared_clinicians else _BASED_ON_COMPARED,
            _compared(row.visits_percentile, row.peer_clinics, row.state),
            row.clinicians,
            shared=row.shared_clinicians,
            visits=_between(row.visits, row.visits_high, ",.0f"),
            year=row.year,
        )
    )
    if row.possibly_suppressed:
        sentences.append(Message(_POSSIBLY_SUPPRESSED))
    return ClinicBilling(
        year=row.year,
        discipline=row.discipline,
        discipline_label=discipline.label,
        state=row.state,
        clinicians=row.clinicians,
        shared_clinicians=row.shared_clinicians,
        visits=row.visits,
        visits_high=row.visits_high,
        beneficiaries=row.beneficiaries,
        timed_units_per_visit=row.timed_units_per_visit,
        timed_units_per_visit_low=row.timed_units_per_visit_low,
        average_minutes_at_least=minutes,
        group_share=row.group_share,
        group_visit_share_low=group_low,
        group_visit_share_high=group_high,
        visits_per_beneficiary=row.visits_per_beneficiary,
        timed_units_per_visit_percentile=row.timed_units_per_visit_percentile,
        group_share_percentile=row.group_share_percentile,
        visits_per_beneficiary_percentile=row.visits_per_beneficiary_percentile,
        visits_percentile=row.visits_percentile,
        peer_clinics=row.peer_clinics,
        linked_by=row.get_linked_by_display(),
        possibly_suppressed=row.possibly_suppressed,
        is_demo=row.is_demo,
        timed_codes_apply=timed,
        sentences=tuple(sentences),
    )


def clinic_billing(clinic_id: int) -> list[ClinicBilling]:
    """The latest year's figures for each discipline billed at the clinic (clinicians with 11+
    beneficiaries only; none when no such clinician is linked)."""
    return clinics_billing([clinic_id]).get(clinic_id, [])


def clinics_billing(clinic_ids: Sequence[int]) -> dict[int, list[ClinicBilling]]:
    """``clinic_billing`` of many clinics in one query (the open data export); a clinic without
    figures has no entry."""
    latest: dict[int, list[ClinicBillingYear]] = {}
    for row in billing_rows(clinic_ids):  # a later year's rows replace an earlier one's
        found = latest.setdefault(row.clinic_id, [])
        if found and found[0].year != row.year:
            found.clear()
        found.append(row)
    return {clinic_id: [_describe(row) for row in latest[clinic_id]] for clinic_id in sorted(latest)}


def claims_observed_on(year: int) -> date:
    """The date billing evidence of a claims year is aged from: the year's last day."""
    return date(year, 12, 31)


def billing_evidence(clinic: Clinic, discipline: str) -> list[Evidence]:
    """What Medicare billing says about care time at the clinic, as low-weight verdict evidence."""
    return billing_evidence_of(billing_rows([clinic.pk], discipline)).get((clinic.pk, discipline), [])


def _with_clinicians(discipline: str | None) -> QuerySet[ClinicBillingYear]:
    rows = ClinicBillingYear.objects.filter(clinicians__gte=1)
    return rows.filter(discipline=discipline) if discipline else rows


# The billing years of a few clinics with clinicians behind them, the earliest first, each
# year's therapies in order (compiled once, ``caretime.directory.clinic_rows``): the figures a
# clinic's page shows and its billing evidence read the same rows.
billing_rows = clinic_models(
    ClinicBillingYear, lambda discipline: _with_clinicians(discipline).order_by("year", "discipline")
)


def billing_evidence_of(rows: Iterable[ClinicBillingYear]) -> dict[EvidenceKey, list[Evidence]]:
    """From ``billing_rows``: each therapy's latest year."""
    latest: dict[EvidenceKey, ClinicBillingYear] = {}
    for row in rows:  # a later year replaces an earlier one
        latest[(row.clinic_id, row.discipline)] = row
    found = {key: _evidence_from_row(row) for key, row in latest.items()}
    return {key: evidence for key, evidence in found.items() if evidence}


_EVIDENCE_WITH_MINUTES = ngettext_noop(
    "Medicare claims %(year)s (%(count)s clinician, at least %(visits)s visits): on average at least %(minutes)s "
    "one-on-one minutes per visit as billed; %(share)s of services billed as group therapy",
    "Medicare claims %(year)s (%(count)s clinicians, at least %(visits)s visits): on average at least %(minutes)s "
    "one-on-one minutes per visit as billed; %(share)s of services billed as group therapy",
)
_EVIDENCE = ngettext_noop(
    "Medicare claims %(year)s (%(count)s clinician, at least %(visits)s visits): %(share)s of services billed as "
    "group therapy",
    "Medicare claims %(year)s (%(count)s clinicians, at least %(visits)s visits): %(share)s of services billed as "
    "group therapy",
)


def _evidence_from_row(row: ClinicBillingYear) -> list[Evidence]:
    """Minutes are a lower bound: what the low end of units per visit guarantees for an
    average visit (the 8-minute rule read backwards, over the most visits the claims allow).
    A group share at or above GROUP_SHARE_NOT_ONE_ON_ONE supports "not one-on-one"; below it,
    billing says nothing about sharing (shared=None), because care can be shared without
    being billed as group.
    """
    figures = _describe(row)
    # "At least 0 minutes" says nothing: no minutes evidence then.
    has_minutes = figures.timed_codes_apply and figures.average_minutes_at_least > 0
    minutes = float(figures.average_minutes_at_least) if has_minutes else None
    shared = True if figures.group_above_threshold else None
    if minutes is None and shared is None:
        return []
    params = {
        "year": row.year,
        "visits": f"{row.visits:,.0f}",
        "minutes": figures.average_minutes_at_least,
        "share": _percent(figures.group_share),
    }
    summary = Message.counted(_EVIDENCE_WITH_MINUTES if has_minutes else _EVIDENCE, row.clinicians, **params)
    return [
        Evidence(
            source=EvidenceSource.BILLING,
            # What the claims describe happened during their year; like every report, the
            # evidence ages from when it happened, here from the end of the year at the latest.
            observed_on=claims_observed_on(row.year),
            weight=core.BILLING_EVIDENCE_WEIGHT,
            reporters=1,
            one_on_one_minutes=minutes,
            minutes_are_lower_bound=True,
            shared=shared,
            summary=summary,
        )
    ]


# --- the national picture -------------------------------------------------------------------------


@dataclass(frozen=True)
class StateRow:
    state: str
    clinicians: int
    units_per_visit: core.Distribution | None  # None: too few clinicians to draw
    group_share: core.Distribution | None
    share_above_group_threshold: float | None


@dataclass(frozen=True)
class StatePicture:
    year: int | None
    discipline: str
    discipline_label: str
    states: tuple[StateRow, ...]
    clinicians: int
    is_demo: bool

    @property
    def drawn(self) -> tuple[StateRow, ...]:
        return tuple(row for row in self.states if row.units_per_visit is not None)


def provider_types_of(discipline: Discipline) -> list[str]:
    return [name for name, d in core.THERAPIST_PROVIDER_TYPES.items() if d is discipline]


def billing_years() -> list[int]:
    return sorted(ClinicianBillingYear.objects.order_by().values_list("year", flat=True).distinct(), reverse=True)


def state_picture(discipline: Discipline, year: int | None = None) -> StatePicture:
    """Per state: the distribution of clinicians' timed units per visit and group share."""
    clinicians = ClinicianBillingYear.objects.filter(
        provider_type__in=provider_types_of(discipline), beneficiaries__gte=core.MIN_BENEFICIARIES
    )
    if year is None:
        year = clinicians.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return StatePicture(None, discipline.value, discipline.label, (), 0, False)
    # Demo figures are drawn only while no real claims of that year are loaded.
    if clinicians.filter(year=year, is_demo=False).exists():
        clinicians = clinicians.filter(is_demo=False)
    values: dict[str, tuple[list[float], list[float]]] = {}
    is_demo = False
    for state, units, group, demo in clinicians.filter(year=year).values_list(
        "state", "timed_units_per_visit", "group_share", "is_demo"
    ):
        units_list, group_list = values.setdefault(state or "??", ([], []))
        units_list.append(units)
        group_list.append(group)
        is_demo = is_demo or demo
    rows = []
    for state in sorted(values):
        units_list, group_list = values[state]
        enough = len(units_list) >= MIN_CLINICIANS_PER_STATE
        rows.append(
            StateRow(
                state=state,
                clinicians=len(units_list),
                units_per_visit=core.distribution(units_list) if enough else None,
                group_share=core.distribution(group_list) if enough else None,
                share_above_group_threshold=(
                    sum(1 for g in group_list if g >= core.GROUP_SHARE_NOT_ONE_ON_ONE) / len(group_list)
                    if enough
                    else None
                ),
            )
        )
    return StatePicture(
        year, discipline.value, discipline.label, tuple(rows), sum(r.clinicians for r in rows), is_demo=is_demo
    )
