"""A clinic's schedule sample: does it show one-on-one care?

A claimed clinic sends a de-identified sample of its booking schedule, a CSV file with the
columns ``therapist``, ``patient``, ``start`` and ``end`` (opaque ids, ISO 8601 local times to
the minute) covering at least ``MIN_WEEKS`` weeks in a row. From it caretime keeps only
aggregates (``ScheduleSummary``): per therapist the most patients booked at the same moment and
the share of booked patient-minutes that overlap no other appointment of the same therapist,
and the sample's size and dates. The file itself is never stored.

Appointments are half-open intervals, ``[start, end)``: one that ends at 10:00 and one that
starts at 10:00 are back to back, not overlapping. Overlap is counted between appointments,
not between patient ids: a mill that writes two patients under one id still shows two
appointments at once.

The badge "Schedule shows one-on-one" is earned only when no appointment overlaps another of
the same therapist (``shows_one_on_one``), and lasts ``BADGE_MONTHS``; a schedule that
``CONTRADICTING_REPORTS`` or more people's reports contradict is shown as contradicted, not
badged (``schedule_standing``).
"""

from __future__ import annotations

import csv
import enum
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from caretime.core.refusal import Refused
from caretime.core.text import gettext_noop
from caretime.core.wording import Message

COLUMNS = ("therapist", "patient", "start", "end")
# Four weeks in a row: enough to show how a clinic books, not a week picked for the occasion.
MIN_WEEKS = 4
# A longer sample adds little and a bigger file is a bigger privacy risk while it is read.
MAX_WEEKS = 26
MAX_ROWS = 50_000
# Under the 1 MB the proxy takes in one request (deploy/nginx), with room for the JSON around it.
MAX_FILE_BYTES = 900_000
# No outpatient therapy visit lasts more than this; a longer one is a typing error.
MAX_APPOINTMENT_MINUTES = 240
# The badge lasts six months: schedules change when staff change, and a clinic can send a
# new sample at any time.
BADGE_MONTHS = 6
# As many people's reports as this that contradict a clinic's schedule or statement are shown
# plainly on its page (and take a schedule's badge away).
CONTRADICTING_REPORTS = 5
# Opaque ids only: letters, digits and - _ . , no spaces or @, so a name or an e-mail address
# cannot be sent by mistake.
_OPAQUE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True, slots=True)
class Appointment:
    therapist: str
    patient: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds()) // 60


@dataclass(frozen=True, slots=True)
class TherapistFigures:
    """One therapist's figures; the therapist's id is not kept."""

    appointments: int
    most_at_once: int  # the most appointments booked at the same moment
    patient_minutes: int  # booked minutes, added up over appointments
    alone_minutes: int  # of those, minutes that overlap no other appointment of the therapist

    @property
    def alone_share(self) -> float:
        return self.alone_minutes / self.patient_minutes if self.patient_minutes else 1.0


@dataclass(frozen=True, slots=True)
class ScheduleSummary:
    """What caretime keeps of a schedule sample."""

    first_day: date
    last_day: date
    weeks: int
    appointments: int
    patients: int
    therapists: tuple[TherapistFigures, ...]

    @property
    def most_at_once(self) -> int:
        return max(t.most_at_once for t in self.therapists)

    @property
    def patient_minutes(self) -> int:
        return sum(t.patient_minutes for t in self.therapists)

    @property
    def alone_minutes(self) -> int:
        return sum(t.alone_minutes for t in self.therapists)

    @property
    def alone_share(self) -> float:
        total = self.patient_minutes
        return self.alone_minutes / total if total else 1.0

    @property
    def shows_one_on_one(self) -> bool:
        return shows_one_on_one(self.therapists)


def shows_one_on_one(therapists: Iterable[TherapistFigures]) -> bool:
    """The badge rule: no appointment overlaps another of the same therapist."""
    return all(t.most_at_once <= 1 for t in therapists)


def therapist_figures(appointments: Sequence[Appointment]) -> TherapistFigures:
    """One therapist's figures, by a sweep over the starts and ends of their appointments.

    At equal times an end is taken before a start (half-open intervals), so back-to-back
    appointments never count as overlapping. A stretch of time with exactly one appointment
    running is time alone with that patient."""
    events = sorted([(a.start, 1) for a in appointments] + [(a.end, -1) for a in appointments])
    running = most = alone = 0
    previous: datetime | None = None
    for moment, change in events:
        if previous is not None and running == 1:
            alone += int((moment - previous).total_seconds()) // 60
        running += change
        most = max(most, running)
        previous = moment
    return TherapistFigures(
        appointments=len(appointments),
        most_at_once=most,
        patient_minutes=sum(a.minutes for a in appointments),
        alone_minutes=alone,
    )


def summarize(appointments: Sequence[Appointment]) -> ScheduleSummary:
    """The aggregates of a checked sample (``read_schedule`` checks it)."""
    by_therapist: dict[str, list[Appointment]] = {}
    for appointment in appointments:
        by_therapist.setdefault(appointment.therapist, []).append(appointment)
    first = min(a.start for a in appointments).date()
    last = max(a.end for a in appointments).date()
    # Sorted by figures, never by id: the order must not reveal which id was which.
    figures = sorted(
        (therapist_figures(group) for group in by_therapist.values()),
        key=lambda t: (t.most_at_once, t.patient_minutes, t.alone_minutes, t.appointments),
    )
    return ScheduleSummary(
        first_day=first,
        last_day=last,
        weeks=_weeks_between(first, last),
        appointments=len(appointments),
        patients=len({a.patient for a in appointments}),
        therapists=tuple(figures),
    )


def _week_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks_between(first: date, last: date) -> int:
    return (_week_of(last) - _week_of(first)).days // 7 + 1


# --- reading the file -----------------------------------------------------------------------

_PROBLEMS = {
    "empty": gettext_noop("The file is empty. Send a CSV file with the columns therapist, patient, start and end."),
    "too_big": gettext_noop("The file is too big. Send at most %(weeks)s weeks of the schedule."),
    "not_text": gettext_noop("The file is not a CSV text file. Save the schedule as CSV (UTF-8) and send it again."),
    "columns": gettext_noop(
        "The first line must name the columns therapist, patient, start and end. It names: %(found)s."
    ),
    "row_length": gettext_noop("Line %(line)s does not have 4 values. Each line needs therapist, patient, start, end."),
    "opaque_id": gettext_noop(
        "Line %(line)s: use a code for each therapist and patient (letters, digits, - _ or .), never a name "
        "or an e-mail address."
    ),
    "time": gettext_noop(
        "Line %(line)s: write the times like 2026-03-02T09:00, the clinic's local time to the minute, "
        "without a time zone."
    ),
    "order": gettext_noop("Line %(line)s: the end must be after the start."),
    "too_long": gettext_noop("Line %(line)s: an appointment of more than %(minutes)s minutes. Check the times."),
    "too_few_weeks": gettext_noop(
        "The sample covers %(weeks)s weeks. Send at least %(needed)s weeks in a row (Monday to Sunday)."
    ),
    "too_many_weeks": gettext_noop("The sample covers %(weeks)s weeks. Send at most %(most)s weeks."),
    "gap": gettext_noop("The week of %(week)s has no appointments. Send weeks in a row, with no week left out."),
}


def _refused(problem: str, **values: object) -> Refused:
    return Refused({"schedule": str(Message(_PROBLEMS[problem], values))})


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None or moment.second or moment.microsecond:
        return None
    return moment


def read_schedule(data: bytes) -> ScheduleSummary:
    """Check a schedule sample and return its aggregates; ``Refused`` says what to fix. The
    caller keeps only what this returns."""
    if len(data) > MAX_FILE_BYTES:
        raise _refused("too_big", weeks=MAX_WEEKS)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused("not_text") from None
    if "\x00" in text:
        raise _refused("not_text")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise _refused("empty")
    header = tuple(cell.strip().lower() for cell in rows[0])
    if header != COLUMNS:
        raise _refused("columns", found=", ".join(header)[:200])
    if len(rows) - 1 > MAX_ROWS:
        raise _refused("too_big", weeks=MAX_WEEKS)
    appointments = [_appointment(row, line) for line, row in enumerate(rows[1:], start=2)]
    _check_weeks(appointments)
    return summarize(appointments)


def _appointment(row: list[str], line: int) -> Appointment:
    if len(row) != len(COLUMNS):
        raise _refused("row_length", line=line)
    therapist, patient, start_text, end_text = (cell.strip() for cell in row)
    if not (_OPAQUE_ID.match(therapist) and _OPAQUE_ID.match(patient)):
        raise _refused("opaque_id", line=line)
    start, end = _moment(start_text), _moment(end_text)
    if start is None or end is None:
        raise _refused("time", line=line)
    if end <= start:
        raise _refused("order", line=line)
    appointment = Appointment(therapist, patient, start, end)
    if appointment.minutes > MAX_APPOINTMENT_MINUTES:
        raise _refused("too_long", line=line, minutes=MAX_APPOINTMENT_MINUTES)
    return appointment


def _check_weeks(appointments: Sequence[Appointment]) -> None:
    weeks = sorted({_week_of(a.start.date()) for a in appointments})
    span = (weeks[-1] - weeks[0]).days // 7 + 1
    if span > MAX_WEEKS:
        raise _refused("too_many_weeks", weeks=span, most=MAX_WEEKS)
    present = set(weeks)
    for index in range(span):
        week = weeks[0] + timedelta(weeks=index)
        if week not in present:
            raise _refused("gap", week=week.isoformat())
    if span < MIN_WEEKS:
        raise _refused("too_few_weeks", weeks=span, needed=MIN_WEEKS)


# --- what the page shows ----------------------------------------------------------------------


class ScheduleStanding(enum.StrEnum):
    BADGE = "badge"  # shows one-on-one, recent, not contradicted
    OVERLAPS = "overlaps"  # some appointments of one therapist overlap
    CONTRADICTED = "contradicted"  # shows one-on-one, but people's reports say otherwise
    EXPIRED = "expired"  # older than the badge lasts


def badge_until(received_on: date) -> date:
    """The last day the badge of a sample received on this day is shown."""
    month = received_on.month - 1 + BADGE_MONTHS
    year, month = received_on.year + month // 12, month % 12 + 1
    for day in (received_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def schedule_standing(
    *, one_on_one: bool, received_on: date, today: date, contradicting_people: int
) -> ScheduleStanding:
    if not one_on_one:
        return ScheduleStanding.OVERLAPS
    if today > badge_until(received_on):
        return ScheduleStanding.EXPIRED
    if contradicting_people >= CONTRADICTING_REPORTS:
        return ScheduleStanding.CONTRADICTED
    return ScheduleStanding.BADGE
