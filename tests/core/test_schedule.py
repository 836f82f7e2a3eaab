"""A clinic's schedule sample: the concurrency figures, the badge rule and the file's checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.refusal import Refused
from caretime.core.schedule import (
    BADGE_MONTHS,
    CONTRADICTING_REPORTS,
    MIN_WEEKS,
    Appointment,
    ScheduleStanding,
    badge_until,
    read_schedule,
    schedule_standing,
    shows_one_on_one,
    summarize,
    therapist_figures,
)

MONDAY = datetime(2026, 3, 2, 8, 0)


def at(minute: int) -> datetime:
    return MONDAY + timedelta(minutes=minute)


def appointment(therapist: str, patient: str, start: int, length: int) -> Appointment:
    return Appointment(therapist, patient, at(start), at(start + length))


# Random schedules: a few therapists, appointments on a small grid of minutes so that overlaps,
# back-to-back pairs and identical times are all common.
appointments = st.builds(
    appointment,
    therapist=st.sampled_from(["t1", "t2", "t3"]),
    patient=st.sampled_from(["p1", "p2", "p3", "p4"]),
    start=st.integers(0, 180),
    length=st.integers(1, 90),
)
schedules = st.lists(appointments, min_size=1, max_size=25)


def brute_force(group: list[Appointment]) -> tuple[int, int, int]:
    """Most appointments at once, booked minutes, and minutes alone, minute by minute."""
    most = alone = 0
    booked = sum(a.minutes for a in group)
    for minute in range(0, 300):
        moment = at(minute)
        running = [a for a in group if a.start <= moment < a.end]
        most = max(most, len(running))
        alone += len(running) == 1
    return most, booked, alone


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_figures_equal_a_minute_by_minute_count(schedule: list[Appointment]) -> None:
    for therapist in {a.therapist for a in schedule}:
        group = [a for a in schedule if a.therapist == therapist]
        figures = therapist_figures(group)
        assert (figures.most_at_once, figures.patient_minutes, figures.alone_minutes) == brute_force(group)


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_any_overlap_of_one_therapist_never_earns_the_badge(schedule: list[Appointment]) -> None:
    overlapping = any(
        a is not b and a.therapist == b.therapist and a.start < b.end and b.start < a.end
        for a in schedule
        for b in schedule
    )
    assert summarize(schedule).shows_one_on_one is not overlapping


@settings(max_examples=200, deadline=None)
@given(schedules)
def test_the_share_alone_is_a_share_of_booked_minutes(schedule: list[Appointment]) -> None:
    summary = summarize(schedule)
    assert 0 <= summary.alone_minutes <= summary.patient_minutes
    assert summary.alone_share == pytest.approx(summary.alone_minutes / summary.patient_minutes)
    if summary.shows_one_on_one:
        assert summary.alone_share == 1.0


def test_back_to_back_appointments_are_not_overlaps() -> None:
    figures = therapist_figures([appointment("t", "a", 0, 30), appointment("t", "b", 30, 30)])
    assert figures.most_at_once == 1
    assert figures.alone_minutes == figures.patient_minutes == 60


def test_one_minute_of_overlap_is_an_overlap() -> None:
    figures = therapist_figures([appointment("t", "a", 0, 31), appointment("t", "b", 30, 30)])
    assert figures.most_at_once == 2
    assert figures.patient_minutes == 61
    assert figures.alone_minutes == 59  # the minute 30-31 is shared by both
    assert not shows_one_on_one([figures])


def test_two_patients_written_under_one_id_still_overlap() -> None:
    figures = therapist_figures([appointment("t", "same", 0, 60), appointment("t", "same", 0, 60)])
    assert figures.most_at_once == 2
    assert figures.alone_minutes == 0


def test_different_therapists_may_see_patients_at_the_same_time() -> None:
    summary = summarize([appointment("t1", "a", 0, 60), appointment("t2", "b", 0, 60)])
    assert summary.shows_one_on_one
    assert summary.most_at_once == 1


def test_a_triple_booked_therapist() -> None:
    figures = therapist_figures([appointment("t", p, 0, 60) for p in ("a", "b", "c")])
    assert figures.most_at_once == 3
    assert figures.alone_share == 0.0


# --- the file -------------------------------------------------------------------------------


def csv_of(rows: list[tuple[str, str, str, str]], header: str = "therapist,patient,start,end") -> bytes:
    return ("\n".join([header, *(",".join(row) for row in rows)]) + "\n").encode()


def weeks_of_visits(weeks: int, *, overlap: bool = False) -> list[tuple[str, str, str, str]]:
    rows = []
    for week in range(weeks):
        day = date(2026, 3, 2) + timedelta(weeks=week)
        rows.append(("T1", f"P{week}", f"{day}T09:00", f"{day}T10:00"))
        rows.append(("T1", f"Q{week}", f"{day}T10:00", f"{day}T11:00"))
        if overlap:
            rows.append(("T1", f"R{week}", f"{day}T10:30", f"{day}T11:00"))
    return rows


def test_a_good_sample_is_summarized() -> None:
    summary = read_schedule(csv_of(weeks_of_visits(MIN_WEEKS)))
    assert summary.weeks == MIN_WEEKS
    assert summary.appointments == 2 * MIN_WEEKS
    assert summary.patients == 2 * MIN_WEEKS
    assert summary.first_day == date(2026, 3, 2)
    assert summary.last_day == date(2026, 3, 23)
    assert summary.shows_one_on_one


def test_an_overlapping_sample_shows_its_figures() -> None:
    summary = read_schedule(csv_of(weeks_of_visits(MIN_WEEKS, overlap=True)))
    assert not summary.shows_one_on_one
    assert summary.most_at_once == 2
    # Each week: 150 booked minutes, of which 10:30-11:00 is shared by two appointments.
    assert summary.alone_minutes == MIN_WEEKS * 90


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (csv_of([("T1", "P1", "2026-03-02T09:00", "2026-03-02T10:00")], header="name,patient,start,end"), "columns"),
        (csv_of([("Dr Smith", "P1", "2026-03-02T09:00", "2026-03-02T10:00")]), "never a name"),
        (csv_of([("T1", "a@b.org", "2026-03-02T09:00", "2026-03-02T10:00")]), "never a name"),
        (csv_of([("T1", "P1", "2026-03-02T09:00+01:00", "2026-03-02T10:00")]), "without a time zone"),
        (csv_of([("T1", "P1", "2 March 9am", "2026-03-02T10:00")]), "2026-03-02T09:00"),
        (csv_of([("T1", "P1", "2026-03-02T10:00", "2026-03-02T10:00")]), "end must be after"),
        (csv_of([("T1", "P1", "2026-03-02T09:00", "2026-03-02T19:00")]), "more than 240 minutes"),
        (csv_of(weeks_of_visits(MIN_WEEKS - 1)), "at least 4 weeks"),
        (b"\xff\xfe\x00t", "not a CSV text file"),
    ],
)
def test_a_bad_file_says_what_to_fix(data: bytes, words: str) -> None:
    with pytest.raises(Refused) as refused:
        read_schedule(data)
    assert words in refused.value.problems["schedule"]


def test_a_week_left_out_is_refused() -> None:
    rows = [row for row in weeks_of_visits(MIN_WEEKS + 1) if not row[2].startswith("2026-03-16")]
    with pytest.raises(Refused) as refused:
        read_schedule(csv_of(rows))
    assert "2026-03-16 has no appointments" in refused.value.problems["schedule"]


def test_a_row_naming_the_line_to_fix() -> None:
    rows = weeks_of_visits(MIN_WEEKS)
    rows[2] = ("T1", "P9", "2026-03-09T10:00", "2026-03-09T09:00")
    with pytest.raises(Refused) as refused:
        read_schedule(csv_of(rows))
    assert refused.value.problems["schedule"].startswith("Line 4:")


# --- the badge --------------------------------------------------------------------------------


def test_the_badge_lasts_six_months() -> None:
    assert BADGE_MONTHS == 6
    assert badge_until(date(2026, 3, 2)) == date(2026, 9, 2)
    assert badge_until(date(2026, 8, 31)) == date(2027, 2, 28)
    received = date(2026, 3, 2)
    standing = {
        today: schedule_standing(one_on_one=True, received_on=received, today=today, contradicting_people=0)
        for today in (date(2026, 9, 2), date(2026, 9, 3))
    }
    assert standing == {date(2026, 9, 2): ScheduleStanding.BADGE, date(2026, 9, 3): ScheduleStanding.EXPIRED}


def test_five_contradicting_reports_take_the_badge_away() -> None:
    assert CONTRADICTING_REPORTS == 5
    day = date(2026, 3, 2)
    four = schedule_standing(one_on_one=True, received_on=day, today=day, contradicting_people=4)
    five = schedule_standing(one_on_one=True, received_on=day, today=day, contradicting_people=5)
    assert (four, five) == (ScheduleStanding.BADGE, ScheduleStanding.CONTRADICTED)


def test_an_overlapping_schedule_never_shows_the_badge() -> None:
    day = date(2026, 3, 2)
    assert schedule_standing(one_on_one=False, received_on=day, today=day, contradicting_people=0) == (
        ScheduleStanding.OVERLAPS
    )
