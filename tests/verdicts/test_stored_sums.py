"""The verdict's stored sums: the verdict read from them equals the verdict from the reports
themselves, for any reports, dates and bars, and every way evidence changes keeps them so."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.calls import CallAnswers, Care, FollowUpBy, Visits
from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.evidence import Evidence, EvidenceKey, EvidenceSource, Standing
from caretime.core.verdict import Bar, assess, grow, judge_sums, quick_verdict, summarize
from caretime.directory.models import Clinic
from caretime.reports.models import CallReport, VisitReport
from caretime.reviews.models import Review
from caretime.reviews.services import Draft
from caretime.verdicts import sums
from caretime.verdicts.actions import (
    decide_held_reports,
    delete_call_report,
    delete_review,
    delete_visit_report,
    edit_review,
    record_call_report,
    record_visit_report,
    submit_review,
)
from caretime.verdicts.derived import DERIVED_TABLES
from caretime.verdicts.evidence import evidence_for_clinics
from caretime.verdicts.models import VerdictSums, decode, encode
from caretime.verdicts.sums import grown_sums_for, judged
from tests.answers import MIDDLING, MILL, MILL_WORKPLACE, ONE_ON_ONE
from tests.factories import file_reports, make_clinic, make_person, publish

TODAY = date(2026, 11, 1)

# --- the rule: sums grown once, stored as JSON, judged on any later day --------------------

MAYBE_BOOL = st.sampled_from([None, True, False])
evidence_items = st.builds(
    Evidence,
    source=st.sampled_from(list(EvidenceSource)),
    observed_on=st.dates(min_value=TODAY - timedelta(days=5 * 365), max_value=TODAY + timedelta(days=400)),
    weight=st.sampled_from([0.0, 0.25, 0.5, 1.0, 2.0]),
    reporters=st.integers(min_value=1, max_value=6),
    one_on_one_minutes=st.one_of(
        st.none(), st.integers(min_value=0, max_value=240).map(float), st.floats(min_value=0, max_value=240)
    ),
    minutes_are_lower_bound=st.booleans(),
    shared=MAYBE_BOOL,
    every_visit=MAYBE_BOOL,
    minutes_withheld=st.booleans(),
    person=st.sampled_from(["", "", "a", "b"]),
)
bars = st.builds(Bar, st.integers(min_value=30, max_value=60), st.booleans())


def stored_and_read_back(items: list[Evidence]) -> tuple[object, ...] | None:
    grown = grow(items)
    if grown.newest is None:
        return None
    return (encode(grown), grown.people, grown.newest)


@settings(max_examples=500)
@given(st.lists(evidence_items, max_size=10), bars, st.integers(min_value=0, max_value=3 * 365))
def test_the_verdict_from_stored_sums_is_the_verdict_from_the_evidence(
    items: list[Evidence], bar: Bar, days_later: int
) -> None:
    as_of = TODAY + timedelta(days=days_later)
    stored = stored_and_read_back(items)
    from_items = quick_verdict(items, bar, as_of=as_of)
    full = assess(items, bar, as_of=as_of)
    if stored is None:
        assert from_items.strength == 0
        return
    sums, people, newest = stored
    assert isinstance(newest, date)
    # An item dated after the day of reading counts as of that day: such sums are grown for it.
    grown = grow(items, as_of=as_of) if newest > as_of else decode(sums, people, newest)  # type: ignore[arg-type]
    from_sums = judge_sums(grown, bar, as_of=as_of)
    assert from_sums == from_items  # status, strength, people, evidence against: every bit
    assert (from_sums.status, from_sums.strength, from_sums.reporters) == (full.status, full.strength, full.reporters)
    assert from_sums.evidence_against == full.evidence_against
    # What a list of results shows, from the sums alone, is what the full assessment says.
    summary = summarize(grown, bar, as_of=as_of)
    assert summary is not None
    assert (summary.status, summary.reporters, summary.evidence_counts) == (
        full.status,
        full.reporters,
        full.evidence_counts,
    )
    assert (summary.early_signal_label, summary.evidence_summary) == (full.early_signal_label, full.evidence_summary)


def test_sums_stored_before_the_counts_were_kept_are_not_summarised() -> None:
    grown = grow([Evidence(source=EvidenceSource.CALL, observed_on=TODAY, weight=1.0, shared=False)])
    text = encode(replace(grown, counts=None))
    assert decode(text, grown.people, grown.newest).counts is None
    assert summarize(decode(text, grown.people, grown.newest), Bar(), as_of=TODAY) is None
    assert decode(encode(grown), grown.people, grown.newest) == grown


# --- the stored rows, kept by every write ---------------------------------------------------

pytestmark = pytest.mark.django_db


def assert_sums_are_current() -> None:
    """Every stored row equals the sums grown from that clinic's evidence now, and only clinic
    therapies with evidence have a row."""
    evidence = evidence_for_clinics(list(Clinic.objects.values_list("pk", flat=True)))
    stored = {(row.clinic_id, row.discipline): row.grown for row in VerdictSums.objects.all()}
    expected = {key: grow(items) for key, items in evidence.items()}
    assert stored == {key: grown for key, grown in expected.items() if grown.newest is not None}


def verdict_everywhere(clinic: Clinic, bar: Bar, as_of: date) -> None:
    """The status the sort reads equals the one the clinic page shows."""
    grown = grown_sums_for([clinic.pk], "pt", as_of=as_of).get((clinic.pk, "pt"))
    items = evidence_for_clinics([clinic.pk], "pt").get((clinic.pk, "pt"), [])
    quick = quick_verdict(items, bar, as_of=as_of)
    if grown is None:
        assert quick.strength == 0
    else:
        assert judged(grown, bar, as_of) == quick


@pytest.fixture
def clinic(db: None) -> Clinic:
    return make_clinic("Sums PT", latitude=41.92, longitude=-87.65, disciplines=("pt", "ot"))


def test_a_call_filed_and_deleted_changes_the_sums_in_the_same_transaction(clinic: Clinic) -> None:
    first = record_call_report(clinic=clinic, discipline="pt", called_in=timezone.now().date(), answers=ONE_ON_ONE)
    assert_sums_are_current()
    assert VerdictSums.objects.get().people == 1
    second = record_call_report(clinic=clinic, discipline="ot", called_in=timezone.now().date(), answers=MILL)
    assert_sums_are_current()
    delete_call_report(first)
    assert_sums_are_current()
    assert set(VerdictSums.objects.values_list("discipline", flat=True)) == {"ot"}
    delete_call_report(second)
    assert not VerdictSums.objects.exists()


def test_a_failed_write_leaves_the_sums_as_they_were(clinic: Clinic) -> None:
    record_call_report(clinic=clinic, discipline="pt", called_in=timezone.now().date(), answers=ONE_ON_ONE)
    before = VerdictSums.objects.get().sums

    def file_then_fail() -> None:
        with transaction.atomic():
            record_call_report(clinic=clinic, discipline="pt", called_in=timezone.now().date(), answers=MILL)
            raise RuntimeError("the request failed after the report was written")

    with pytest.raises(RuntimeError):
        file_then_fail()
    assert VerdictSums.objects.get().sums == before
    assert_sums_are_current()


def test_a_held_report_counts_once_released_and_never_once_rejected(clinic: Clinic, admin_user: object) -> None:
    start = timezone.now()
    reports = [
        record_call_report(
            clinic=clinic,
            discipline="pt",
            called_in=start.date(),
            answers=MILL if i == 3 else ONE_ON_ONE,
            now=start + timedelta(minutes=i),
        )
        for i in range(5)
    ]
    held = [r for r in reports if r.standing == Standing.HELD.value]
    assert held
    assert_sums_are_current()
    before = VerdictSums.objects.get().grown
    decide_held_reports(reports=held[:1], release=True, moderator_id=admin_user.pk, now=start)  # type: ignore[attr-defined]
    assert_sums_are_current()
    assert VerdictSums.objects.get().grown != before
    released = VerdictSums.objects.get().grown
    decide_held_reports(reports=held[1:], release=False, moderator_id=admin_user.pk, now=start)  # type: ignore[attr-defined]
    assert VerdictSums.objects.get().grown == released
    assert_sums_are_current()


FACTS = VisitFacts(
    visit_kind=VisitKind.EARLY_FOLLOW_UP,
    scheduled_minutes=60,
    therapist_minutes=20,
    aide_minutes=30,
    other_patients=2,
    whole_time=WholeTime.NO,
    connected=False,
)


def test_visit_reports_filed_and_deleted_keep_the_sums(clinic: Clinic) -> None:
    month = timezone.now().date().replace(day=1)
    report = record_visit_report(
        account=None, clinic=clinic, discipline="pt", visited_in=month, facts=FACTS, is_demo=True
    )
    connected = record_visit_report(
        account=None,
        clinic=clinic,
        discipline="pt",
        visited_in=month,
        facts=replace(FACTS, connected=True),
        is_demo=True,
        now=timezone.now() + timedelta(hours=2),
    )
    assert_sums_are_current()
    assert VerdictSums.objects.get().people == 1  # the connected person's report counts nowhere
    delete_visit_report(connected)
    assert_sums_are_current()
    delete_visit_report(report)
    assert not VerdictSums.objects.exists()


def test_a_reviews_visit_facts_filed_edited_and_deleted_keep_the_sums(clinic: Clinic) -> None:
    author = make_person("sums@example.org", username="r-sums")
    draft = Draft(
        discipline="pt",
        stars=2,
        text="The therapist kept leaving me with an aide on the bike for most of the hour.",
        visited_in=timezone.now().date().replace(day=1),
        connected=False,
        facts=FACTS,
    )
    review = submit_review(
        request=RequestFactory().post("/", REMOTE_ADDR="198.51.100.7"), account=author, clinic=clinic, draft=draft
    )
    assert isinstance(review, Review)
    assert VisitReport.objects.exists()
    assert_sums_are_current()
    edited = edit_review(
        review,
        replace(
            draft,
            facts=replace(FACTS, therapist_minutes=50, other_patients=0, aide_minutes=0, whole_time=WholeTime.YES),
        ),
    )
    assert_sums_are_current()
    delete_review(edited)
    assert not VerdictSums.objects.exists()


def test_published_worker_figures_join_the_sums(clinic: Clinic) -> None:
    file_reports(clinic, MILL_WORKPLACE, 5)
    assert not VerdictSums.objects.exists()
    publish()
    assert VerdictSums.objects.filter(clinic=clinic, discipline="pt").exists()
    assert_sums_are_current()


def test_the_rebuild_command_recomputes_sums_of_reports_written_in_bulk(clinic: Clinic) -> None:
    other = make_clinic("Other PT", latitude=41.93, longitude=-87.66)
    today = timezone.now().date()
    CallReport.objects.bulk_create(
        [
            CallReport.from_answers(
                answers, clinic=where, discipline="pt", called_in=today.replace(day=1), received_on=today
            )
            for where, answers in ((clinic, ONE_ON_ONE), (clinic, MIDDLING), (other, MILL))
        ]
    )
    VerdictSums.objects.create(clinic=other, discipline="ot", sums="[0.0,[],[],[],[]]", people=0, newest=today)
    out = StringIO()
    call_command("rebuild_derived", stdout=out)
    assert "Verdict sums: 2 clinic therapies with evidence." in out.getvalue()
    assert_sums_are_current()


def test_a_rebuild_leaves_the_planner_the_size_of_every_table_it_wrote(clinic: Clinic) -> None:
    """Without the figures, PostgreSQL planned a region's read of the stored sums as a scan of
    the whole table (autovacuum may not have come round, or be off)."""
    today = timezone.now().date()
    CallReport.objects.bulk_create(
        CallReport.from_answers(answers, clinic=clinic, discipline="pt", called_in=today, received_on=today)
        for answers in (ONE_ON_ONE, MIDDLING)
    )
    call_command("rebuild_derived", stdout=StringIO())
    with connection.cursor() as cursor:
        for model in DERIVED_TABLES:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                assert cursor.fetchone() == (model.objects.count(),), table  # -1 before any ANALYZE
            elif model.objects.exists():  # SQLite keeps no figures of an empty table
                cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
                assert cursor.fetchone()[0] >= 1, table


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database cannot hold concurrent writers; the PostgreSQL pass runs this",
)
@pytest.mark.django_db(transaction=True)
def test_a_report_filed_during_a_rebuild_does_not_wait_for_the_whole_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_clinic("First PT", latitude=41.92, longitude=-87.65)
    second = make_clinic("Second PT", latitude=41.93, longitude=-87.66)
    today = timezone.now().date()
    CallReport.objects.bulk_create(
        CallReport.from_answers(answers, clinic=where, discipline="pt", called_in=today, received_on=today)
        for where, answers in ((first, MILL), (second, ONE_ON_ONE))
    )
    VerdictSums.objects.all().delete()
    monkeypatch.setattr(sums, "_REBUILD_CHUNK", 1)  # one clinic per chunk here
    between_chunks, resume = threading.Event(), threading.Event()
    replace_rows = sums._replace_rows

    def pause_once_the_first_chunk_is_committed() -> None:
        between_chunks.set()
        resume.wait(timeout=60)

    def replace_and_pause(clinic_ids: list[int], keys: Sequence[EvidenceKey] | None) -> int:
        if not between_chunks.is_set():
            transaction.on_commit(pause_once_the_first_chunk_is_committed)
        return replace_rows(clinic_ids, keys)

    monkeypatch.setattr(sums, "_replace_rows", replace_and_pause)

    def rebuild() -> None:
        try:
            sums.rebuild_verdict_sums()
        finally:
            connections.close_all()

    def file_a_report() -> None:
        try:
            record_call_report(clinic=second, discipline="pt", called_in=today, answers=MIDDLING)
        finally:
            connections.close_all()

    rebuilding, filed = threading.Thread(target=rebuild), threading.Thread(target=file_a_report)
    rebuilding.start()
    try:
        assert between_chunks.wait(timeout=30)
        # The first clinic's chunk is written and the second's is not: the rebuild is half done,
        # and a report filed now is stored (and its clinic's sums with it) without waiting.
        assert list(VerdictSums.objects.values_list("clinic_id", flat=True)) == [first.pk]
        filed.start()
        filed.join(timeout=30)
        assert not filed.is_alive()
    finally:
        resume.set()
        rebuilding.join()
        if filed.ident is not None:
            filed.join()
    assert CallReport.objects.filter(clinic=second).count() == 2
    assert_sums_are_current()


def test_migrating_a_database_that_has_reports_and_no_sums_fills_them(clinic: Clinic) -> None:
    """An upgraded database: its reports arrived before the stored sums existed."""
    today = timezone.now().date()
    record_call_report(clinic=clinic, discipline="pt", called_in=today, answers=ONE_ON_ONE)
    VerdictSums.objects.all().delete()
    call_command("migrate", verbosity=0)
    assert VerdictSums.objects.exists()
    assert_sums_are_current()


def test_the_demo_build_leaves_every_sum_current(db: None) -> None:
    call_command("load_demo", clinics=40, stdout=StringIO())
    assert VerdictSums.objects.count() > 10
    assert_sums_are_current()
    call_command("load_demo", clinics=30, seed=2, stdout=StringIO())  # the old region and its rows go
    assert_sums_are_current()


def test_billing_dated_after_today_is_judged_as_of_today(clinic: Clinic) -> None:
    from caretime.billing.models import ClinicBillingYear
    from caretime.verdicts.derived import Changed, keep_derived

    year = timezone.now().year
    with transaction.atomic():
        ClinicBillingYear.objects.create(
            clinic=clinic, year=year, discipline="pt", state="IL", clinicians=2, visits=800, beneficiaries=90,
            timed_units_per_visit=4.5, group_share=0.4, visits_per_beneficiary=9,
            linked_by=ClinicBillingYear.LinkedBy.ROSTER,
        )  # fmt: skip
        keep_derived(Changed.of_evidence([(clinic.pk, "pt")]))
    assert VerdictSums.objects.get().newest == date(year, 12, 31)
    for as_of in (timezone.now().date(), date(year, 12, 31), date(year + 1, 6, 1)):
        verdict_everywhere(clinic, Bar(), as_of)


# --- the stored sums against the reports, for any reports, dates and bars, on the database --

CALL_ANSWERS = (
    ONE_ON_ONE,
    MILL,
    MIDDLING,
    replace(ONE_ON_ONE, therapist_minutes=30),
    replace(ONE_ON_ONE, therapist_minutes=31),
    replace(ONE_ON_ONE, therapist_minutes=60),
    replace(ONE_ON_ONE, therapist_minutes=None, minutes_withheld=True),
    CallAnswers(45, False, Care.NOT_SAID, None, Visits.NOT_SAID, FollowUpBy.AIDE, None),
)
reports = st.lists(
    st.tuples(st.sampled_from(CALL_ANSWERS), st.integers(min_value=0, max_value=35), st.booleans()), max_size=6
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reports, bars, st.integers(min_value=0, max_value=900))
def test_stored_sums_give_the_verdict_of_the_reports_after_any_writes(
    clinic: Clinic, filed: list[tuple[CallAnswers, int, bool]], bar: Bar, days_later: int
) -> None:
    start = timezone.now()
    with transaction.atomic():
        stored = []
        for index, (answers, months_back, keep) in enumerate(filed):
            moment = start + timedelta(hours=3 * index)  # past the clinic's limits
            index = moment.year * 12 + moment.month - 1 - months_back
            month = date(index // 12, index % 12 + 1, 1)
            report = record_call_report(clinic=clinic, discipline="pt", called_in=month, answers=answers, now=moment)
            stored.append((report, keep))
        for report, keep in stored:
            if not keep:
                delete_call_report(report)
        assert_sums_are_current()
        as_of = start.date() + timedelta(days=days_later)
        verdict_everywhere(clinic, bar, as_of)
        transaction.set_rollback(True)
