"""Each evidence source's rows are read with SQL compiled once per process
(``caretime.directory.clinic_rows``): for random reports, figures, billing years and statements,
whatever clinics and therapy are asked, the reads give exactly what the ORM's queries gave.

The "ORM" readers below are the sources' reads as they were written before, kept here as the
reference; the PostgreSQL pass of the suite runs this on both databases."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from caretime.billing import selectors as billing
from caretime.billing.models import ClinicBillingYear
from caretime.clinicside import selectors as clinicside
from caretime.clinicside.models import Channel, Claim, ClaimState, Statement
from caretime.core.calls import FollowUpBy
from caretime.core.care_time import VisitKind, WholeTime
from caretime.core.evidence import COUNTING, Evidence, EvidenceKey, Standing
from caretime.core.statement import statement_evidence
from caretime.core.workplace import Booking, workplace_evidence
from caretime.directory import selectors as directory
from caretime.directory.clinic_rows import clinic_rows, read_together
from caretime.directory.models import Clinic
from caretime.reports import selectors as reports
from caretime.reports.models import EVIDENCE_COLUMNS, VISIT_COLUMNS, CallReport, VisitReport
from caretime.verdicts.evidence import evidence_for_clinics, gathered
from caretime.workplace import selectors as workplace
from caretime.workplace.models import WorkplaceFigures
from tests.answers import GOOD_VISIT, MIDDLING, MILL, MILL_VISIT, ONE_ON_ONE
from tests.factories import make_clinic, make_person

pytestmark = pytest.mark.django_db

THERAPIES = ("pt", "ot", "slp")
CALLS = (ONE_ON_ONE, MILL, MIDDLING, replace(ONE_ON_ONE, therapist_minutes=None, minutes_withheld=True))
VISITS = (
    GOOD_VISIT,
    MILL_VISIT,
    replace(GOOD_VISIT, connected=True),
    replace(MILL_VISIT, visit_kind=VisitKind.FIRST, scheduled_minutes=None, whole_time=WholeTime.NOT_SURE),
    replace(GOOD_VISIT, therapist_minutes=None, aide_minutes=None),
)
MONTHS = (date(2025, 11, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1))


# --- the reads as the ORM made them ---------------------------------------------------------


def orm_calls(ids: list[int], discipline: str | None) -> list[tuple[Any, ...]]:
    found = CallReport.objects.filter(standing__in=[s.value for s in COUNTING], clinic_id__in=ids)
    found = found.filter(discipline=discipline) if discipline else found
    return list(found.values_list("clinic_id", "discipline", "account_id", *EVIDENCE_COLUMNS))


def orm_visits(ids: list[int], discipline: str | None) -> list[tuple[Any, ...]]:
    found = VisitReport.objects.filter(standing__in=[s.value for s in COUNTING], connected=False, clinic_id__in=ids)
    found = found.filter(discipline=discipline) if discipline else found
    return list(found.values_list("clinic_id", "discipline", "account_id", *VISIT_COLUMNS))


def orm_stated_answers(ids: list[int], discipline: str | None) -> reports.StatedAnswers:
    calls = CallReport.objects.filter(clinic_id__in=ids).exclude(standing=Standing.REJECTED.value)
    calls = calls.filter(discipline=discipline) if discipline else calls
    rows: list[tuple[object, ...]] = []
    held: set[int] = set()
    for clinic_id, code, standing, *columns in calls.values_list(
        "clinic_id", "discipline", "standing", *EVIDENCE_COLUMNS
    ):
        if standing == Standing.HELD.value:
            held.add(clinic_id)
        if standing in {s.value for s in COUNTING}:
            rows.append((clinic_id, code, *columns))
    visits = VisitReport.objects.filter(clinic_id__in=ids, standing=Standing.HELD.value)
    visits = visits.filter(discipline=discipline) if discipline else visits
    held.update(visits.values_list("clinic_id", flat=True))
    spreads = {key: reports._spread(found) for key, found in reports._rows_by_key(rows).items()}
    return reports.StatedAnswers(spreads, frozenset(held))


def orm_held_for_review(clinic_id: int, discipline: str) -> bool:
    held = {"clinic_id": clinic_id, "discipline": discipline, "standing": Standing.HELD.value}
    return CallReport.objects.filter(**held).exists() or VisitReport.objects.filter(**held).exists()


def orm_figures(ids: list[int], discipline: str | None) -> list[WorkplaceFigures]:
    found = WorkplaceFigures.objects.filter(clinic_id__in=ids)
    # The ORM read had no order; the years in order are what a newer year replacing an older
    # one needs, and the ids make ties of one year (both populations) a fixed order.
    return list((found.filter(discipline=discipline) if discipline else found).order_by("experience_year", "id"))


def orm_worker_evidence(ids: list[int], discipline: str | None) -> dict[EvidenceKey, list[Evidence]]:
    found: dict[EvidenceKey, list[Evidence]] = {}
    for row in orm_figures(ids, discipline):
        item = workplace_evidence(row.figures) if row.npi_on_roster else None
        if item is not None:
            found.setdefault((row.clinic_id, row.discipline), []).append(item)
    return found


def orm_billing_evidence(ids: list[int], discipline: str | None) -> dict[EvidenceKey, list[Evidence]]:
    rows = ClinicBillingYear.objects.filter(clinic_id__in=ids, clinicians__gte=1)
    rows = rows.filter(discipline=discipline) if discipline else rows
    latest: dict[EvidenceKey, ClinicBillingYear] = {}
    for row in rows.order_by("year"):
        latest[(row.clinic_id, row.discipline)] = row
    found = {key: billing._evidence_from_row(row) for key, row in latest.items()}
    return {key: evidence for key, evidence in found.items() if evidence}


def orm_clinics_billing(ids: list[int]) -> dict[int, list[billing.ClinicBilling]]:
    rows = ClinicBillingYear.objects.filter(clinic_id__in=ids, clinicians__gte=1)
    by_clinic: dict[int, list[ClinicBillingYear]] = {}
    for row in rows.order_by("clinic_id", "-year", "discipline"):
        by_clinic.setdefault(row.clinic_id, []).append(row)
    return {
        clinic_id: [billing._describe(row) for row in found if row.year == found[0].year]
        for clinic_id, found in by_clinic.items()
    }


def orm_statement_evidence(ids: list[int], discipline: str | None) -> dict[EvidenceKey, list[Evidence]]:
    found: dict[EvidenceKey, list[Evidence]] = {}
    for row in clinicside.standing_statements(ids, discipline):
        found.setdefault((row.clinic_id, row.discipline), []).append(
            statement_evidence(clinicside.as_statement(row), stated_on=row.stated_on)
        )
    return found


# --- random evidence ------------------------------------------------------------------------


def _random_world(rng: random.Random) -> list[Clinic]:
    clinics = [
        make_clinic(f"Clinic {n}", latitude=41.9 + n / 100, longitude=-87.6, disciplines=THERAPIES) for n in range(4)
    ]
    people = [make_person(f"p{n}@example.org") for n in range(3)]
    standings = [s.value for s in Standing]
    today = timezone.now().date()
    CallReport.objects.bulk_create(
        CallReport.from_answers(
            rng.choice(CALLS),
            clinic=rng.choice(clinics),
            discipline=rng.choice(THERAPIES),
            called_in=rng.choice(MONTHS),
            received_on=today,
            standing=rng.choice(standings),
            account=rng.choice([None, *people]),
        )
        for _ in range(rng.randrange(40))
    )
    VisitReport.objects.bulk_create(
        VisitReport.from_facts(
            rng.choice(VISITS),
            clinic=rng.choice(clinics),
            discipline=rng.choice(THERAPIES),
            visited_in=rng.choice(MONTHS),
            received_on=today,
            standing=rng.choice(standings),
            account=rng.choice(people),
        )
        for _ in range(rng.randrange(30))
    )
    populations = [(c, d, y, r) for c in clinics for d in THERAPIES for y in (2024, 2025) for r in (True, False)]
    WorkplaceFigures.objects.bulk_create(
        WorkplaceFigures(
            clinic=clinic,
            discipline=discipline,
            npi_on_roster=on_roster,
            experience_year=year,
            reporters=rng.randrange(5, 30),
            typical_per_hour=rng.choice([1.0, 2.5, 4.0]),
            peak_per_hour=rng.choice([1.0, 3.0, 6.0]),
            slot_minutes=rng.choice([30.0, 45.0, 60.0]),
            booking=rng.choice([b.value for b in Booking]),
            quota_percent=rng.choice([70.0, 90.0, 95.0]),
            unpaid_documentation_minutes=rng.choice([0.0, 30.0, 60.0]),
            aides_skilled_care_share=rng.random(),
            recommend_share=rng.random(),
            first_published=date(year + 1, 1, 15),
            last_published=date(year + 1, rng.randrange(1, 13), 1),
        )
        for clinic, discipline, year, on_roster in rng.sample(populations, rng.randrange(len(populations) // 2))
    )
    years = [(c, d, y) for c in clinics for d in THERAPIES for y in (2022, 2023, 2024)]
    ClinicBillingYear.objects.bulk_create(
        ClinicBillingYear(
            clinic=clinic,
            year=year,
            discipline=discipline,
            state="IL",
            clinicians=rng.choice([0, 1, 2, 5]),
            shared_clinicians=rng.choice([0, 1]),
            visits=rng.choice([0.0, 120.0, 800.0]),
            visits_high=rng.choice([0.0, 900.0]),
            beneficiaries=rng.randrange(11, 200),
            timed_units_per_visit=rng.choice([0.2, 1.5, 2.2, 3.4, 4.5]),
            timed_units_per_visit_low=rng.choice([0.0, 1.2, 2.0]),
            group_days=rng.choice([0.0, 40.0]),
            group_share=rng.choice([0.0, 0.05, 0.2, 0.4]),
            visits_per_beneficiary=rng.choice([4.0, 9.4]),
            timed_units_per_visit_percentile=rng.choice([None, 12.0, 95.0]),
            group_share_percentile=rng.choice([None, 50.0]),
            visits_per_beneficiary_percentile=rng.choice([None, 71.0]),
            visits_percentile=rng.choice([None, 5.0]),
            peer_clinics=rng.choice([0, 4, 30]),
            possibly_suppressed=rng.random() < 0.3,
            linked_by=rng.choice([ClinicBillingYear.LinkedBy.ROSTER, ClinicBillingYear.LinkedBy.ADDRESS]),
        )
        for clinic, discipline, year in rng.sample(years, rng.randrange(len(years) // 2))
    )
    now = timezone.now()
    for clinic in clinics:
        claim = Claim.objects.create(
            clinic=clinic,
            account=rng.choice(people),
            channel=Channel.TEXT,
            sent_to="3125550100",
            code_hash="-",
            code_expires_at=now,
            state=rng.choice([s.value for s in ClaimState]),
            requested_at=now,
        )
        for discipline in rng.sample(THERAPIES, rng.randrange(len(THERAPIES) + 1)):
            Statement.objects.create(
                claim=claim,
                clinic=clinic,
                discipline=discipline,
                one_on_one_minutes=rng.choice([30, 45, 60]),
                every_visit=rng.random() < 0.5,
                most_patients_at_once=rng.choice([1, 2, 4]),
                follow_up_by=rng.choice([FollowUpBy.THERAPIST.value, FollowUpBy.AIDE.value]),
                stated_on=rng.choice(MONTHS),
            )
    return clinics


@pytest.mark.parametrize("seed", range(8))
def test_compiled_reads_give_what_the_orm_gave(seed: int) -> None:
    rng = random.Random(seed)
    clinics = _random_world(rng)
    ids = [clinic.pk for clinic in clinics]
    askings = [[ids[0]], ids, rng.sample(ids, 2), [*ids, ids[-1] + 1000], [ids[-1] + 1000]]
    for asked in askings:
        for discipline in (None, *THERAPIES):
            assert reports.counted_call_rows(asked, discipline) == orm_calls(asked, discipline)
            assert reports.call_evidence_of(reports.counted_call_rows(asked, discipline)) == reports.call_evidence_of(
                orm_calls(asked, discipline)
            )
            assert reports.counted_visit_rows(asked, discipline) == orm_visits(asked, discipline)
            assert reports.visit_evidence_of(
                reports.counted_visit_rows(asked, discipline)
            ) == reports.visit_evidence_of(orm_visits(asked, discipline))
            assert workplace.worker_evidence_of(workplace.figure_rows(asked, discipline)) == orm_worker_evidence(
                asked, discipline
            )
            assert workplace.workplaces(asked, discipline) == workplace.workplaces_of(orm_figures(asked, discipline))
            assert billing.billing_evidence_of(billing.billing_rows(asked, discipline)) == orm_billing_evidence(
                asked, discipline
            )
            assert clinicside.statement_evidence_of(
                clinicside.standing_statement_rows(asked, discipline)
            ) == orm_statement_evidence(asked, discipline)
            assert reports.stated_answers_of(
                *read_together(reports.STATED_READS, asked, discipline)
            ) == orm_stated_answers(asked, discipline)
            found = gathered(asked, discipline, also=reports.STATED_READS)
            assert found.evidence == evidence_for_clinics(asked, discipline)
            assert found.workplaces == workplace.workplaces(asked, discipline)
            assert reports.stated_answers_of(*found.also) == orm_stated_answers(asked, discipline)
            if discipline is not None:
                for clinic_id in asked:
                    held = any(gathered([clinic_id], discipline, also=reports.HELD_READS).also)
                    assert held == orm_held_for_review(clinic_id, discipline)
        assert billing.clinics_billing(asked) == orm_clinics_billing(asked)
        assert list(billing.clinics_billing(asked)) == sorted(orm_clinics_billing(asked))


def test_the_rows_keep_their_types() -> None:
    """Dates are dates and booleans booleans on both databases, as the ORM gives them."""
    clinic = make_clinic("Typed", latitude=41.9, longitude=-87.6)
    CallReport.objects.create(
        clinic=clinic, discipline="pt", called_in=MONTHS[0], received_on=MONTHS[0], care="one_on_one",
        visits="every_visit", follow_up_by="therapist", minutes_withheld=True,
    )  # fmt: skip
    (row,) = reports.counted_call_rows([clinic.pk], "pt")
    assert row[:5] == (clinic.pk, "pt", None, MONTHS[0], None)
    assert row[5] is True


def test_no_clinics_no_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert evidence_for_clinics([]) == {}
        assert billing.clinics_billing([]) == {}
        assert workplace.workplaces([]) == {}


def test_compiled_once_per_therapy_whatever_the_clinics() -> None:
    """The ids are one parameter: a rebuild's 10,000 clinics run the statement one clinic runs."""
    make_clinic("Asked", latitude=41.9, longitude=-87.6)
    rows = clinic_rows(lambda discipline: CallReport.objects.values_list("clinic_id", "called_in"))
    rows([1], "pt")
    rows(list(range(1, 10_001)), "pt")
    rows([1, 2], None)
    assert len(rows._compiled) == 2


def _fields(model: Any) -> dict[str, Any]:
    return {field.attname: getattr(model, field.attname) for field in type(model)._meta.concrete_fields}


def test_a_listings_clinics_read_as_select_related_read_them(django_assert_num_queries: Any) -> None:
    clinics = [
        make_clinic(f"Listed {n}", latitude=41.9, longitude=-87.6 - n / 100, npi_base=123456780 + n)
        for n in range(1, 4)
    ]
    asked = [clinics[2].pk, clinics[0].pk, clinics[2].pk + 1000]
    expected = Clinic.objects.select_related("organization").order_by().in_bulk(asked)
    with django_assert_num_queries(1):
        found = directory._with_organizations(asked)
        seen = {pk: (_fields(clinic), _fields(clinic.organization)) for pk, clinic in found.items()}
    assert seen == {pk: (_fields(clinic), _fields(clinic.organization)) for pk, clinic in expected.items()}
    assert all(not clinic._state.adding and clinic._state.db == "default" for clinic in found.values())


def test_every_source_in_one_round_trip_on_postgresql(django_assert_num_queries: Any) -> None:
    clinic = make_clinic("Asked", latitude=41.9, longitude=-87.6)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 7):
        gathered([clinic.pk], "pt", also=reports.STATED_READS)
