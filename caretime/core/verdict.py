"""The verdict rule: Good, Avoid or Unknown for one clinic and one discipline.

It reads only ``Evidence`` items (caretime.core.evidence) and the person's bar, and
answers the three questions of the call script one by one:

- time: how many minutes alone with the therapist;
- sharing: one-on-one, or the therapist treats other patients at the same time;
- every visit: one-on-one on every visit, or only on the first one.

For each question the evidence on either side is added up, each item counting
``weight x reporters``, halved for every ``HALF_LIFE_DAYS`` of age. Nothing is averaged:
when both sides have evidence the reason says so and names both.

- Avoid (*signs of a patient mill*) when a bad answer (shared, first visit only, about 30
  minutes or less) outweighs the contrary evidence, unless the bad answer rests on billing
  data alone.
- Good (*meets your bar*) when one-on-one, on every visit (if the person requires it) and
  more than 30 minutes and at or above the person's minimum all prevail by
  ``PREVAIL_RATIO`` over the contrary evidence.
- Unknown otherwise, told apart by what the person should do next (``Status``): *below your
  bar*, *reports disagree* or *not enough known*.

Sums use ``math.fsum`` so that the result never depends on the order of the evidence.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.text import gettext_noop, ngettext_noop
from caretime.core.wording import Listed, Message

# A report loses half its weight every year. Outpatient clinics change how they book when
# staff leave or an owner changes, which in this field happens on a scale of a year or two;
# a year-old answer is still worth asking about, a three-year-old one mostly history.
HALF_LIFE_DAYS = 365
# "About 30 minutes or less" with the therapist is an Avoid answer (domain rule).
SHORT_MINUTES = 30
MIN_BAR_MINUTES = 30
MAX_BAR_MINUTES = 60
DEFAULT_BAR_MINUTES = 45
# A good answer must carry at least twice the weight of the evidence against it before it
# counts; a bad answer only has to outweigh the good one. Doubt keeps a clinic off "Good".
PREVAIL_RATIO = 2.0
# The least aged weight that can decide a question: one fresh report is enough, one report
# more than two years old on its own is not.
MIN_DECIDING_SUPPORT = 0.25
# The day weights are grown from (see ``growth``): any fixed day works. Growth doubles each
# half-life, so a float holds it until about the year 3000; a later maintainer moves the epoch
# and runs ``rebuild_verdict_sums``.
EPOCH = date(2020, 1, 1)


class Verdict(enum.StrEnum):
    GOOD = "good"
    UNKNOWN = "unknown"
    AVOID = "avoid"

    @property
    def label(self) -> str:
        return {Verdict.GOOD: "Good", Verdict.UNKNOWN: "Unknown", Verdict.AVOID: "Avoid"}[self]

    @property
    def rank(self) -> int:
        """Higher is better: Good 2, Unknown 1, Avoid 0."""
        return {Verdict.GOOD: 2, Verdict.UNKNOWN: 1, Verdict.AVOID: 0}[self]


class Status(enum.StrEnum):
    """The verdict told apart by what the person should do next."""

    MEETS_BAR = "meets_bar"  # Good: book, and get the answers in writing
    MILL_SIGNS = "mill_signs"  # Avoid: say not interested, go to an alternative
    BELOW_BAR = "below_bar"  # one-on-one every visit, more than 30 minutes, fewer than the bar
    REPORTS_DISAGREE = "reports_disagree"  # evidence on both sides, neither prevails
    NOT_ENOUGH_KNOWN = "not_enough_known"  # no evidence, or too little to decide

    @property
    def verdict(self) -> Verdict:
        return _STATUS_VERDICT[self]

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def next_step(self) -> str:
        return _NEXT_STEPS[self]


_STATUS_VERDICT = {
    Status.MEETS_BAR: Verdict.GOOD,
    Status.MILL_SIGNS: Verdict.AVOID,
    Status.BELOW_BAR: Verdict.UNKNOWN,
    Status.REPORTS_DISAGREE: Verdict.UNKNOWN,
    Status.NOT_ENOUGH_KNOWN: Verdict.UNKNOWN,
}
_STATUS_LABELS = {
    Status.MEETS_BAR: gettext_noop("Good: meets your bar"),
    Status.MILL_SIGNS: gettext_noop("Avoid: signs of a patient mill"),
    Status.BELOW_BAR: gettext_noop("Below your bar: fewer minutes"),
    Status.REPORTS_DISAGREE: gettext_noop("Unclear: reports disagree"),
    Status.NOT_ENOUGH_KNOWN: gettext_noop("Unknown: ask before you book"),
}
_NEXT_STEPS = {
    Status.MEETS_BAR: gettext_noop("Call to book. Ask them to confirm it in writing."),
    Status.MILL_SIGNS: gettext_noop("Say you are not interested. Book a clinic that meets your bar."),
    Status.BELOW_BAR: gettext_noop("Ask for a longer slot when you book, or lower your bar if fewer minutes are fine."),
    # The label already says why ("reports disagree", "ask before you book"): the step says what.
    Status.REPORTS_DISAGREE: gettext_noop("Call and ask the three questions, with our script."),
    Status.NOT_ENOUGH_KNOWN: gettext_noop("Call and ask the three questions, with our script."),
}

# Sort by verdict, best first. A verdict that rests on one reporter (an early signal) ranks
# below the same verdict resting on more: for Good that puts settled clinics first; for Avoid
# it puts the settled mills last, since an early signal is less sure to be one.
_RANKED = (
    (Status.MEETS_BAR, False),
    (Status.MEETS_BAR, True),
    (Status.BELOW_BAR, False),
    (Status.BELOW_BAR, True),
    (Status.NOT_ENOUGH_KNOWN, False),
    (Status.REPORTS_DISAGREE, True),
    (Status.REPORTS_DISAGREE, False),
    (Status.MILL_SIGNS, True),
    (Status.MILL_SIGNS, False),
)
_RANK = {key: len(_RANKED) - index for index, key in enumerate(_RANKED)}


def sort_rank(status: Status, early_signal: bool) -> int:
    """Higher is better: the order of "sort by verdict"."""
    return _RANK[(status, early_signal and status != Status.NOT_ENOUGH_KNOWN)]


def is_early_signal(status: Status, reporters: int) -> bool:
    """A verdict that rests on one person's report (billing data is no person)."""
    return status != Status.NOT_ENOUGH_KNOWN and reporters == 1


class _Judged:
    """What follows from a status and the number of people behind it, for full assessments and
    quick verdicts alike."""

    __slots__ = ()
    status: Status
    reporters: int

    @property
    def verdict(self) -> Verdict:
        return self.status.verdict

    @property
    def early_signal(self) -> bool:
        return is_early_signal(self.status, self.reporters)

    @property
    def sort_rank(self) -> int:
        return sort_rank(self.status, self.early_signal)


@dataclass(frozen=True, slots=True)
class Bar:
    """What the person asks of a clinic; adjustable, kept in their session."""

    min_one_on_one_minutes: int = DEFAULT_BAR_MINUTES
    every_visit_required: bool = True

    def __post_init__(self) -> None:
        if not MIN_BAR_MINUTES <= self.min_one_on_one_minutes <= MAX_BAR_MINUTES:
            raise ValueError(f"the minimum must be {MIN_BAR_MINUTES} to {MAX_BAR_MINUTES} minutes")


class Question(enum.StrEnum):
    TIME = "time"
    SHARING = "sharing"
    EVERY_VISIT = "every_visit"


class Effect(enum.StrEnum):
    AVOID = "avoid"  # this reason makes the verdict Avoid
    GOOD = "good"  # this reason is one of the three that Good needs
    OPEN = "open"  # the question is not settled; it keeps the verdict from being Good
    NOTE = "note"  # worth knowing, but not part of the person's bar


class Leaning(enum.StrEnum):
    BAD = "bad"
    GOOD = "good"
    EVEN = "even"
    NONE = "none"


_SOURCE_NOUNS: dict[EvidenceSource, tuple[str, str]] = {
    EvidenceSource.CALL: ngettext_noop("%(count)s call", "%(count)s calls"),
    EvidenceSource.DECLARED_POLICY: ngettext_noop("%(count)s declared policy", "%(count)s declared policies"),
    EvidenceSource.PATIENT_REPORT: ngettext_noop("%(count)s patient report", "%(count)s patient reports"),
    EvidenceSource.WORKER_REPORT: ngettext_noop("%(count)s clinician report", "%(count)s clinician reports"),
    EvidenceSource.BILLING: ngettext_noop("%(count)s Medicare billing figure", "%(count)s Medicare billing figures"),
}
# The same, with the date of the newest: "1 call, November 2026", "3 calls, newest November
# 2026". Billing is dated by its claims year.
_SOURCE_DATED: dict[EvidenceSource, tuple[str, str]] = {
    EvidenceSource.CALL: ngettext_noop("%(count)s call, %(month)s", "%(count)s calls, newest %(month)s"),
    EvidenceSource.DECLARED_POLICY: ngettext_noop(
        "%(count)s declared policy, %(month)s", "%(count)s declared policies, newest %(month)s"
    ),
    EvidenceSource.PATIENT_REPORT: ngettext_noop(
        "%(count)s patient report, %(month)s", "%(count)s patient reports, newest %(month)s"
    ),
    EvidenceSource.WORKER_REPORT: ngettext_noop(
        "%(count)s clinician report, %(month)s", "%(count)s clinician reports, newest %(month)s"
    ),
    EvidenceSource.BILLING: ngettext_noop(
        "%(count)s Medicare billing figure, claims of %(year)s",
        "%(count)s Medicare billing figures, newest claims of %(year)s",
    ),
}
MONTH_NAMES = (
    gettext_noop("January"),
    gettext_noop("February"),
    gettext_noop("March"),
    gettext_noop("April"),
    gettext_noop("May"),
    gettext_noop("June"),
    gettext_noop("July"),
    gettext_noop("August"),
    gettext_noop("September"),
    gettext_noop("October"),
    gettext_noop("November"),
    gettext_noop("December"),
)
_NO_REPORTS = gettext_noop("no reports yet")


def month_of(day: date) -> Message:
    """ "November 2026", in the language it is shown in."""
    return Message(gettext_noop("%(month)s %(year)s"), {"month": Message(MONTH_NAMES[day.month - 1]), "year": day.year})


_SOURCE_ORDER = {source: index for index, source in enumerate(EvidenceSource)}


@dataclass(frozen=True, slots=True)
class SourceTally:
    """How much evidence from one source stands behind one side of a question."""

    source: EvidenceSource
    reports: int
    newest: date
    support: float  # aged weight

    def describe(self) -> Message:
        return _dated(self.source, self.reports, self.newest)


def _dated(source: EvidenceSource, reports: int, newest: date) -> Message:
    """E.g. "3 calls, newest November 2026". Billing evidence is dated by its claims year
    ("1 Medicare billing figure, claims of 2023"), never by a month: it is dated on the last
    day of that year only so that it ages like a report, and claims are filed years after."""
    return Message.counted(_SOURCE_DATED[source], reports, month=month_of(newest), year=newest.year)


@dataclass(frozen=True, slots=True)
class Reason:
    question: Question
    effect: Effect
    claim: Message  # what the supporting evidence says, in plain words
    supporting: tuple[SourceTally, ...]
    counter_claim: Message | None = None
    contrary: tuple[SourceTally, ...] = ()
    caveat: Message | None = None

    @property
    def conflicting(self) -> bool:
        return bool(self.contrary)

    @property
    def text(self) -> str:
        """The reason in the language it is shown in, e.g. "One-on-one on every visit (2 calls,
        newest May 2026). Conflicting: ... (1 patient report, June 2026). The evidence is
        divided; ask the clinic." """
        sentences = [
            Message(
                gettext_noop("%(claim)s (%(evidence)s)."), {"claim": self.claim, "evidence": _describe(self.supporting)}
            )
        ]
        if self.contrary and self.counter_claim is not None:
            worded = str(self.counter_claim)
            sentences.append(
                Message(
                    gettext_noop("Conflicting: %(claim)s (%(evidence)s)."),
                    {"claim": worded[:1].lower() + worded[1:], "evidence": _describe(self.contrary)},
                )
            )
        if self.caveat is not None:
            sentences.append(self.caveat)
        return str(Listed(tuple(sentences), " "))


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question: Question
    leaning: Leaning
    settled_good: bool  # the good answer prevails (one of the conditions of Good)


class _Counted(_Judged):
    """What follows from the reports counted per source as well: for full assessments and for
    the summaries a results page shows (``VerdictSummary``) alike."""

    __slots__ = ()
    evidence_counts: tuple[tuple[EvidenceSource, int], ...]

    @property
    def reports(self) -> int:
        return sum(count for _, count in self.evidence_counts)

    @property
    def early_signal_label(self) -> str:
        """E.g. "1 call": the one report an early signal rests on; empty when not early."""
        if not self.early_signal:
            return ""
        for source, count in self.evidence_counts:
            if source != EvidenceSource.BILLING and count == 1:
                return str(Message.counted(_SOURCE_NOUNS[source], 1))
        return ""

    @property
    def evidence_summary(self) -> str:
        """E.g. "3 calls, 4 patient reports", or "no reports yet"."""
        if not self.evidence_counts:
            return str(Message(_NO_REPORTS))
        return str(
            Listed(tuple(Message.counted(_SOURCE_NOUNS[source], count) for source, count in self.evidence_counts))
        )


@dataclass(frozen=True, slots=True)
class VerdictSummary(_Counted):
    """A verdict as a list of results shows it: the status, the people and the reports per
    source, without the reasons; from the stored sums alone (``summarize``)."""

    status: Status
    reporters: int
    evidence_counts: tuple[tuple[EvidenceSource, int], ...]


@dataclass(frozen=True)
class Assessment(_Counted):
    status: Status
    reasons: tuple[Reason, ...]
    questions: tuple[QuestionResult, ...]
    bar: Bar
    evidence_counts: tuple[tuple[EvidenceSource, int], ...] = ()  # reports per source
    strength: float = 0.0  # total aged weight of all the evidence read
    newest: date | None = None
    newest_by_source: tuple[tuple[EvidenceSource, date], ...] = ()  # in the order of evidence_counts
    reporters: int = 0  # reports from people (billing data is not a person)
    evidence_against: bool = False  # any evidence on a bad side of the person's bar

    @property
    def dated_evidence_summary(self) -> str:
        """E.g. "1 call, November 2026; 1 Medicare billing figure, claims of 2023": each source
        with its own newest date, so that one source's date is never read as another's."""
        if not self.evidence_counts:
            return str(Message(_NO_REPORTS))
        newest = dict(self.newest_by_source)
        return str(Listed(tuple(_dated(source, count, newest[source]) for source, count in self.evidence_counts), "; "))

    def leaning(self, question: Question) -> Leaning:
        for result in self.questions:
            if result.question == question:
                return result.leaning
        return Leaning.NONE

    @property
    def avoid_reasons(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.effect == Effect.AVOID)


def aged_weight(item: Evidence, as_of: date) -> float:
    """The item's weight after ageing; future dates count as today."""
    age_days = max(0, (as_of - item.observed_on).days)
    decay: float = 0.5 ** (age_days / HALF_LIFE_DAYS)
    return max(0.0, item.weight) * max(1, item.reporters) * decay


def growth(day: date) -> float:
    """How much an item of this day weighs against one of ``EPOCH``: it doubles every half-life.

    Every item ages by the same factor, so a sum of ``weight x growth(day)`` ages as a whole:
    divided once by ``growth(as_of)`` it is the sum of the items' aged weights. The verdict
    always adds up weights this way, so sums stored per clinic (``grow``) give bit for bit
    the verdict that the items themselves give.
    """
    return math.pow(2.0, (day - EPOCH).days / HALF_LIFE_DAYS)


@dataclass
class _Side:
    items: list[tuple[Evidence, float]] = field(default_factory=list)
    support: float = 0.0  # aged weight, from the verdict's sums (``_sums``)
    support_without_billing: float = 0.0

    def add(self, item: Evidence, weight: float) -> None:
        self.items.append((item, weight))

    def tallies(self) -> tuple[SourceTally, ...]:
        by_source: dict[EvidenceSource, list[tuple[Evidence, float]]] = {}
        for item, weight in self.items:
            by_source.setdefault(item.source, []).append((item, weight))
        return tuple(
            SourceTally(
                source=source,
                reports=sum(max(1, e.reporters) for e, _ in pairs),
                newest=max(e.observed_on for e, _ in pairs),
                support=math.fsum(w for _, w in pairs),
            )
            for source, pairs in sorted(by_source.items(), key=lambda kv: _SOURCE_ORDER[kv[0]])
        )


def _describe(tallies: Sequence[SourceTally]) -> Listed:
    return Listed(tuple(t.describe() for t in tallies), "; ")


def _leaning(bad: _Side, good: _Side) -> Leaning:
    b, g = bad.support, good.support
    if not bad.items and not good.items:
        return Leaning.NONE
    if b > g:
        return Leaning.BAD
    if g > b:
        return Leaning.GOOD
    return Leaning.EVEN


_BILLING_CAVEAT = Message(gettext_noop("Billing data alone never marks a clinic Avoid; ask the clinic."))
_OLD_CAVEAT = Message(gettext_noop("This evidence is old; ask the clinic whether it still holds."))
_EVEN_CAVEAT = Message(gettext_noop("The evidence is evenly split; ask the clinic."))
_DIVIDED_CAVEAT = Message(gettext_noop("The evidence is divided; ask the clinic."))


def _yes_no_question(
    question: Question,
    bad: _Side,
    good: _Side,
    *,
    bad_claim: Message,
    good_claim: Message,
    counts_for_bar: bool,
) -> tuple[QuestionResult, Reason | None]:
    """Sharing and every-visit: two answers, one bad and one good."""
    leaning = _leaning(bad, good)
    settled_good = good.support >= MIN_DECIDING_SUPPORT and good.support >= PREVAIL_RATIO * bad.support
    result = QuestionResult(question, leaning, settled_good and counts_for_bar)
    if leaning == Leaning.NONE:
        return result, None
    if leaning == Leaning.BAD:
        effect, caveat = _bad_effect(bad, counts_for_bar)
        return result, Reason(question, effect, bad_claim, bad.tallies(), good_claim, good.tallies(), caveat)
    if leaning == Leaning.EVEN:
        return result, Reason(
            question,
            Effect.OPEN if counts_for_bar else Effect.NOTE,
            good_claim,
            good.tallies(),
            bad_claim,
            bad.tallies(),
            _EVEN_CAVEAT,
        )
    if not counts_for_bar:
        effect, caveat = Effect.NOTE, None
    elif result.settled_good:
        effect, caveat = Effect.GOOD, None
    elif good.support < MIN_DECIDING_SUPPORT:
        effect, caveat = Effect.OPEN, _OLD_CAVEAT
    else:
        effect, caveat = Effect.OPEN, _DIVIDED_CAVEAT
    return result, Reason(question, effect, good_claim, good.tallies(), bad_claim, bad.tallies(), caveat)


def _bad_effect(bad: _Side, counts_for_bar: bool) -> tuple[Effect, Message | None]:
    if not counts_for_bar:
        return Effect.NOTE, None
    if bad.support_without_billing >= MIN_DECIDING_SUPPORT:
        return Effect.AVOID, None
    if bad.support_without_billing == 0:
        return Effect.OPEN, _BILLING_CAVEAT
    return Effect.OPEN, _OLD_CAVEAT


class _Bucket(enum.IntEnum):
    """Which side of which question an item of evidence supports (an index: ranking many
    clinics adds up thousands of these, and list indexing is the cheapest way)."""

    SHARED = 0
    ONE_ON_ONE = 1
    FIRST_ONLY = 2
    EVERY = 3
    SHORT = 4  # about 30 minutes or less one-on-one
    NOT_SHORT = 5  # more than 30 minutes one-on-one
    MEETS = 6  # at least the person's minimum
    BELOW = 7  # less than the person's minimum
    WITHHELD = 8  # the clinic would not say how many minutes


# The bar's minimum is a whole number of minutes from MIN_BAR_MINUTES to MAX_BAR_MINUTES, so an
# item's minutes fall into one of a few levels, and the sums kept per level serve every bar.
MINUTE_LEVELS = MAX_BAR_MINUTES - MIN_BAR_MINUTES + 1


def _facts_buckets(item: Evidence) -> list[_Bucket]:
    """The sides an item supports whatever the person's minimum (all but MEETS and BELOW)."""
    found: list[_Bucket] = []
    if item.shared is True:
        found.append(_Bucket.SHARED)
    elif item.shared is False:
        found.append(_Bucket.ONE_ON_ONE)
    if item.every_visit is False:
        found.append(_Bucket.FIRST_ONLY)
    elif item.every_visit is True:
        found.append(_Bucket.EVERY)
    minutes = item.one_on_one_minutes
    if minutes is None:
        if item.minutes_withheld:
            found.append(_Bucket.WITHHELD)
        return found
    upper = item.shared is True
    lower = item.minutes_are_lower_bound
    if upper and lower:
        return found
    if not lower and minutes <= SHORT_MINUTES:
        found.append(_Bucket.SHORT)
    if not upper and minutes > SHORT_MINUTES:
        found.append(_Bucket.NOT_SHORT)
    return found


def _minute_levels(item: Evidence) -> tuple[int | None, int | None]:
    """(meets, below): the item supports MEETS under every minimum up to ``meets``, and BELOW
    under every minimum above ``below``; None where it supports that side under no minimum.

    An exact figure counts for both; time while the therapist also treated others is an upper
    bound on one-on-one time (it can only show "below"); billing's "at least N minutes" is a
    lower bound (it can only show "meets"). A bar is met by more than 30 minutes and at least
    the minimum: "about 30 or less" never meets a bar, even a bar of 30.
    """
    minutes = item.one_on_one_minutes
    upper = item.shared is True
    lower = item.minutes_are_lower_bound
    if minutes is None or (upper and lower):
        return None, None
    # The highest minimum these minutes meet; a minimum is whole minutes, so 45.5 meets 45.
    level = min(MAX_BAR_MINUTES, math.floor(minutes)) if minutes > SHORT_MINUTES else MIN_BAR_MINUTES - 1
    meets = level if not upper and level >= MIN_BAR_MINUTES else None
    below = level if not lower and level < MAX_BAR_MINUTES else None
    return meets, below


def _buckets(item: Evidence, minimum: int) -> list[_Bucket]:
    """The sides an item supports under the person's minimum. The one place that reads an
    item's facts (through ``_facts_buckets`` and ``_minute_levels``)."""
    found = _facts_buckets(item)
    meets, below = _minute_levels(item)
    if meets is not None and minimum <= meets:
        found.append(_Bucket.MEETS)
    if below is not None and minimum > below:
        found.append(_Bucket.BELOW)
    return found


@dataclass(frozen=True, slots=True)
class GrownSums:
    """What the verdict reads of a clinic's evidence, for any bar and any day: the items'
    weights x ``growth(day)`` added up per side (``math.fsum``), and the number of people.

    Stored per clinic and therapy (``caretime.verdicts``), they are read back by
    ``judge_sums`` with the very arithmetic ``quick_verdict`` and ``assess`` use, so the
    verdict from the stored sums equals the verdict from the items, as long as no item is
    dated after the day of reading (those count as of that day: see ``newest``).
    """

    support: tuple[float, ...]  # by _Bucket; MEETS and BELOW are 0 here (they depend on the bar)
    without_billing: tuple[float, ...]  # the same, billing data left out
    meets: tuple[float, ...]  # by minutes level, MIN_BAR_MINUTES to MAX_BAR_MINUTES
    below: tuple[float, ...]  # by minutes level, MIN_BAR_MINUTES - 1 to MAX_BAR_MINUTES - 1
    total: float  # all the evidence
    people: int  # see ``_people``
    newest: date | None  # the newest item's day
    # Reports per source as ``Assessment.evidence_counts`` counts them (they do not age);
    # None in sums stored before they were kept.
    counts: tuple[tuple[EvidenceSource, int], ...] | None = None


def _fsum_all(lists: dict[int, list[float]], size: int) -> tuple[float, ...]:
    """The sums by index of the lists that have values, 0.0 elsewhere (most minutes levels
    of a clinic are empty, and a rebuild adds up millions of them)."""
    sums = [0.0] * size
    for index, values in lists.items():
        sums[index] = math.fsum(values)
    return tuple(sums)


# What ``grow`` reads of an item's facts. Many reports say the same thing (their items are
# equal), and a rebuild of every clinic's stored sums grows a million of them: each process
# remembers the last few thousand it read (about 2 MB at most; a million demo call reports
# make under a thousand different items).
@functools.lru_cache(maxsize=4096)
def _read_facts(item: Evidence) -> tuple[tuple[_Bucket, ...], int | None, int | None]:
    return (tuple(_facts_buckets(item)), *_minute_levels(item))


def grow(evidence: Iterable[Evidence], *, as_of: date | None = None) -> GrownSums:
    """The sums of ``GrownSums`` over the evidence. With ``as_of``, an item dated later counts
    as of that day (as in ``aged_weight``); without, every item counts as of its own day."""
    support: dict[int, list[float]] = {}
    without_billing: dict[int, list[float]] = {}
    meets: dict[int, list[float]] = {}
    below: dict[int, list[float]] = {}
    total: list[float] = []
    counted: list[Evidence] = []
    for item in evidence:
        day = item.observed_on if as_of is None else min(item.observed_on, as_of)
        weight = max(0.0, item.weight) * max(1, item.reporters) * growth(day)
        if weight <= 0:
            continue
        buckets, meets_level, below_level = _read_facts(item)
        total.append(weight)
        counted.append(item)
        billing = item.source == EvidenceSource.BILLING
        for bucket in buckets:
            support.setdefault(bucket, []).append(weight)
            if not billing:
                without_billing.setdefault(bucket, []).append(weight)
        if meets_level is not None:
            meets.setdefault(meets_level - MIN_BAR_MINUTES, []).append(weight)
        if below_level is not None:
            below.setdefault(below_level - MIN_BAR_MINUTES + 1, []).append(weight)
    return GrownSums(
        support=_fsum_all(support, len(_Bucket)),
        without_billing=_fsum_all(without_billing, len(_Bucket)),
        meets=_fsum_all(meets, MINUTE_LEVELS),
        below=_fsum_all(below, MINUTE_LEVELS),
        total=math.fsum(total),
        people=_people(counted),
        newest=max((item.observed_on for item in counted), default=None),
        counts=_evidence_counts(counted),
    )


def _evidence_counts(items: Iterable[Evidence]) -> tuple[tuple[EvidenceSource, int], ...]:
    """Reports per source, a published figure counting for the people behind it."""
    counts: dict[EvidenceSource, int] = {}
    for item in items:
        counts[item.source] = counts.get(item.source, 0) + max(1, item.reporters)
    return tuple(sorted(counts.items(), key=lambda kv: _SOURCE_ORDER[kv[0]]))


@dataclass(frozen=True)
class _Sums:
    support: list[float]  # indexed by _Bucket
    without_billing: list[float]

    def avoids(self, bad: _Bucket, good: _Bucket) -> bool:
        """The bad answer outweighs the good one, and not on billing data alone."""
        return self.support[bad] > self.support[good] and self.without_billing[bad] >= MIN_DECIDING_SUPPORT

    def settled(self, good: _Bucket, bad: _Bucket) -> bool:
        return _prevails(self.support[good], self.support[bad])

    def contested(self, bad: _Bucket, good: _Bucket) -> bool:
        # (A bad answer that outweighs makes Avoid before this is asked, where it can.)
        return _contested(self.support[bad], self.support[good])


def _prevails(support: float, against: float) -> bool:
    """One answer carries enough weight, and twice that against it."""
    return support >= MIN_DECIDING_SUPPORT and support >= PREVAIL_RATIO * against


def _contested(one: float, other: float) -> bool:
    """Both sides have evidence, enough of it to matter, and neither prevails."""
    return (
        one > 0
        and other > 0
        and max(one, other) >= MIN_DECIDING_SUPPORT
        and not _prevails(one, other)
        and not _prevails(other, one)
    )


def _sums(grown: GrownSums, bar: Bar, as_of: date) -> _Sums:
    """The aged weight on each side under this bar: the grown sums divided by the growth of the
    day of reading (one division each, the same in every path)."""
    today = growth(as_of)
    support = [value / today for value in grown.support]
    without_billing = [value / today for value in grown.without_billing]
    minimum = bar.min_one_on_one_minutes
    support[_Bucket.MEETS] = math.fsum(grown.meets[minimum - MIN_BAR_MINUTES :]) / today
    support[_Bucket.BELOW] = math.fsum(grown.below[: minimum - MIN_BAR_MINUTES + 1]) / today
    return _Sums(support, without_billing)


def _questions(bar: Bar) -> list[tuple[_Bucket, _Bucket]]:
    """(bad, good) answers that can make a clinic Avoid under this bar."""
    pairs = [(_Bucket.SHORT, _Bucket.NOT_SHORT), (_Bucket.SHARED, _Bucket.ONE_ON_ONE)]
    if bar.every_visit_required:
        pairs.append((_Bucket.FIRST_ONLY, _Bucket.EVERY))
    return pairs


def _decide(sums: _Sums, bar: Bar) -> Status:
    """The rule itself; ``assess`` and ``quick_verdict`` both end here."""
    questions = _questions(bar)
    if any(sums.avoids(bad, good) for bad, good in questions):
        return Status.MILL_SIGNS
    one_on_one = sums.settled(_Bucket.ONE_ON_ONE, _Bucket.SHARED) and (
        not bar.every_visit_required or sums.settled(_Bucket.EVERY, _Bucket.FIRST_ONLY)
    )
    if one_on_one and sums.settled(_Bucket.MEETS, _Bucket.BELOW):
        return Status.MEETS_BAR
    if one_on_one and sums.settled(_Bucket.NOT_SHORT, _Bucket.SHORT) and sums.settled(_Bucket.BELOW, _Bucket.MEETS):
        return Status.BELOW_BAR
    if any(sums.contested(bad, good) for bad, good in [*questions, (_Bucket.BELOW, _Bucket.MEETS)]):
        return Status.REPORTS_DISAGREE
    return Status.NOT_ENOUGH_KNOWN


def _evidence_against(sums: _Sums, bar: Bar) -> bool:
    """Anything at all on a bad side of the bar, however old or weak."""
    return any(sums.support[bad] > 0 for bad, _ in [*_questions(bar), (_Bucket.BELOW, _Bucket.MEETS)])


def _people(items: Iterable[Evidence]) -> int:
    """How many different people the items come from: billing data is no one, items with the
    same ``person`` are one, any other item stands for its ``reporters``."""
    count = 0
    persons: set[str] = set()
    for item in items:
        if item.source == EvidenceSource.BILLING:
            continue
        if item.person:
            persons.add(item.person)
        else:
            count += max(1, item.reporters)
    return count + len(persons)


@dataclass(frozen=True, slots=True)
class QuickVerdict(_Judged):
    """What ranking many clinics needs: the status without the reasons."""

    status: Status
    strength: float  # total aged weight of the evidence
    reporters: int  # reports from people
    evidence_against: bool


NOTHING_KNOWN = QuickVerdict(Status.NOT_ENOUGH_KNOWN, 0.0, 0, False)


def quick_verdict(evidence: Iterable[Evidence], bar: Bar, *, as_of: date) -> QuickVerdict:
    """The same rule as ``assess`` without the reasons, for ranking many clinics."""
    return judge_sums(grow(evidence, as_of=as_of), bar, as_of=as_of)


def summarize(grown: GrownSums, bar: Bar, *, as_of: date) -> VerdictSummary | None:
    """The summary of the verdict from grown sums (the same status, people and counts as
    ``assess`` of their items); None for sums stored before they kept their counts."""
    if grown.counts is None:
        return None
    quick = judge_sums(grown, bar, as_of=as_of)
    return VerdictSummary(quick.status, quick.reporters, grown.counts)


def judge_sums(grown: GrownSums, bar: Bar, *, as_of: date) -> QuickVerdict:
    """The quick verdict from a clinic's grown sums (``grow``). Sums grown without ``as_of``
    give the verdict of their items only while no item is newer than ``as_of``."""
    if grown.total <= 0:
        return NOTHING_KNOWN
    sums = _sums(grown, bar, as_of)
    return QuickVerdict(_decide(sums, bar), grown.total / growth(as_of), grown.people, _evidence_against(sums, bar))


def _time_question(sides: dict[_Bucket, _Side], bar: Bar) -> tuple[QuestionResult, list[Reason]]:
    """Minutes alone with the therapist, read against "about 30 or less" and the bar."""
    short, not_short = sides[_Bucket.SHORT], sides[_Bucket.NOT_SHORT]
    meets, below = sides[_Bucket.MEETS], sides[_Bucket.BELOW]
    withheld = sides[_Bucket.WITHHELD]
    minimum = bar.min_one_on_one_minutes
    reasons: list[Reason] = []
    about_short = {"minutes": SHORT_MINUTES}
    short_claim = Message(gettext_noop("About %(minutes)s minutes or less one-on-one with the therapist"), about_short)
    longer_claim = Message(gettext_noop("More than %(minutes)s minutes one-on-one with the therapist"), about_short)
    if minimum > SHORT_MINUTES:
        meets_claim = Message(
            gettext_noop("At least %(minutes)s minutes one-on-one with the therapist, your minimum"),
            {"minutes": minimum},
        )
        below_claim = Message(
            gettext_noop("Less than your minimum of %(minutes)s minutes one-on-one with the therapist"),
            {"minutes": minimum},
        )
    else:  # at a bar of 30, 30 minutes is "about 30 or less" and never meets it
        meets_claim = Message(
            gettext_noop("More than %(minutes)s minutes one-on-one with the therapist, as your minimum needs"),
            about_short,
        )
        below_claim = Message(
            gettext_noop("%(minutes)s minutes or less one-on-one with the therapist, which never meets your minimum"),
            about_short,
        )
    settled_good = meets.support >= MIN_DECIDING_SUPPORT and meets.support >= PREVAIL_RATIO * below.support
    leaning = _leaning(below, meets)
    if short.items and short.support > not_short.support:
        effect, caveat = _bad_effect(short, counts_for_bar=True)
        reasons.append(
            Reason(Question.TIME, effect, short_claim, short.tallies(), longer_claim, not_short.tallies(), caveat)
        )
    elif meets.items and meets.support > below.support:
        effect = Effect.GOOD if settled_good else Effect.OPEN
        caveat = None if settled_good else (_OLD_CAVEAT if meets.support < MIN_DECIDING_SUPPORT else _DIVIDED_CAVEAT)
        reasons.append(
            Reason(Question.TIME, effect, meets_claim, meets.tallies(), below_claim, below.tallies(), caveat)
        )
    elif below.items or meets.items:
        reasons.append(
            Reason(
                Question.TIME,
                Effect.OPEN,
                below_claim if below.support >= meets.support else meets_claim,
                below.tallies() if below.support >= meets.support else meets.tallies(),
                meets_claim if below.support >= meets.support else below_claim,
                meets.tallies() if below.support >= meets.support else below.tallies(),
            )
        )
    if _contested(short.support, not_short.support) and not any(reason.conflicting for reason in reasons):
        # Reports disagree on "about 30 minutes or less" even where they agree on the person's
        # minimum (21 and 35 minutes against a minimum of 40): that disagreement is the reason.
        larger, smaller = (short, not_short) if short.support >= not_short.support else (not_short, short)
        claims = (short_claim, longer_claim) if larger is short else (longer_claim, short_claim)
        reasons.append(Reason(Question.TIME, Effect.OPEN, claims[0], larger.tallies(), claims[1], smaller.tallies()))
    if withheld.items:
        reasons.append(
            Reason(
                Question.TIME,
                Effect.NOTE if reasons else Effect.OPEN,
                Message(gettext_noop("The clinic would not say how much time you get with the therapist")),
                withheld.tallies(),
            )
        )
    return QuestionResult(Question.TIME, leaning, settled_good), reasons


def assess(evidence: Iterable[Evidence], bar: Bar, *, as_of: date) -> Assessment:
    """The verdict for one clinic and one discipline from all the evidence about it."""
    items = list(evidence)
    grown = grow(items, as_of=as_of)
    sums = _sums(grown, bar, as_of)
    weighted = [(item, aged_weight(item, as_of)) for item in items]
    weighted = [(item, weight) for item, weight in weighted if weight > 0]

    # The sides' items name the evidence in the reasons; their weights are the verdict's sums.
    sides = {
        bucket: _Side(support=sums.support[bucket], support_without_billing=sums.without_billing[bucket])
        for bucket in _Bucket
    }
    for item, weight in weighted:
        for bucket in _buckets(item, bar.min_one_on_one_minutes):
            sides[bucket].add(item, weight)

    time_result, time_reasons = _time_question(sides, bar)
    sharing_result, sharing_reason = _yes_no_question(
        Question.SHARING,
        sides[_Bucket.SHARED],
        sides[_Bucket.ONE_ON_ONE],
        bad_claim=Message(gettext_noop("The therapist treats other patients at the same time")),
        good_claim=Message(gettext_noop("One-on-one: the therapist sees no other patient during your time")),
        counts_for_bar=True,
    )
    visits_result, visits_reason = _yes_no_question(
        Question.EVERY_VISIT,
        sides[_Bucket.FIRST_ONLY],
        sides[_Bucket.EVERY],
        bad_claim=Message(gettext_noop("One-on-one only on the first visit")),
        good_claim=Message(gettext_noop("One-on-one on every visit")),
        counts_for_bar=bar.every_visit_required,
    )
    reasons = [r for r in (sharing_reason, visits_reason) if r is not None]
    reasons[0:0] = time_reasons[:1]
    reasons.extend(time_reasons[1:])

    newest_by_source: dict[EvidenceSource, date] = {}
    for item, _ in weighted:
        newest_by_source[item.source] = max(newest_by_source.get(item.source, item.observed_on), item.observed_on)
    return Assessment(
        status=_decide(sums, bar),
        reasons=tuple(sorted(reasons, key=_reason_order)),
        questions=(time_result, sharing_result, visits_result),
        bar=bar,
        evidence_counts=_evidence_counts(item for item, _ in weighted),
        strength=grown.total / growth(as_of),
        newest=max((item.observed_on for item, _ in weighted), default=None),
        newest_by_source=tuple(sorted(newest_by_source.items(), key=lambda kv: _SOURCE_ORDER[kv[0]])),
        reporters=grown.people,
        evidence_against=_evidence_against(sums, bar),
    )


_EFFECT_ORDER = {Effect.AVOID: 0, Effect.OPEN: 1, Effect.GOOD: 2, Effect.NOTE: 3}
_QUESTION_ORDER = {Question.TIME: 0, Question.SHARING: 1, Question.EVERY_VISIT: 2}


def _reason_order(reason: Reason) -> tuple[int, int]:
    return _EFFECT_ORDER[reason.effect], _QUESTION_ORDER[reason.question]


# Stated policy (what the clinic says) against reported reality (what patients, clinicians
# and billing show): the gap is itself a finding (domain.md, section 3).
STATED_SOURCES = frozenset({EvidenceSource.CALL, EvidenceSource.DECLARED_POLICY})

# Whole sentences, by question and by what the clinic says (good or bad): the reports show the other.
_DISAGREEMENTS = {
    (Question.TIME, Leaning.GOOD): gettext_noop(
        "The clinic says enough one-on-one time; reports after visits show too little one-on-one time."
    ),
    (Question.TIME, Leaning.BAD): gettext_noop(
        "The clinic says too little one-on-one time; reports after visits show enough one-on-one time."
    ),
    (Question.SHARING, Leaning.GOOD): gettext_noop(
        "The clinic says one-on-one care; reports after visits show a therapist shared with other patients."
    ),
    (Question.SHARING, Leaning.BAD): gettext_noop(
        "The clinic says a therapist shared with other patients; reports after visits show one-on-one care."
    ),
    (Question.EVERY_VISIT, Leaning.GOOD): gettext_noop(
        "The clinic says one-on-one care on every visit; reports after visits show one-on-one care only on the "
        "first visit."
    ),
    (Question.EVERY_VISIT, Leaning.BAD): gettext_noop(
        "The clinic says one-on-one care only on the first visit; reports after visits show one-on-one care on "
        "every visit."
    ),
}


@dataclass(frozen=True, slots=True)
class Disagreement:
    question: Question
    stated: Leaning
    reported: Leaning

    @property
    def text(self) -> str:
        # Only opposite leanings disagree (stated_versus_reported): the reported one follows.
        return str(Message(_DISAGREEMENTS[self.question, self.stated]))


def stated_versus_reported(evidence: Sequence[Evidence], bar: Bar, *, as_of: date) -> tuple[Disagreement, ...]:
    """Questions on which what the clinic says and what was reported lean opposite ways."""
    on_calls = [e for e in evidence if e.source in STATED_SOURCES]
    after_visits = [e for e in evidence if e.source not in STATED_SOURCES]
    if not on_calls or not after_visits:  # one side leans no way: no need to assess the other
        return ()
    stated, reported = assess(on_calls, bar, as_of=as_of), assess(after_visits, bar, as_of=as_of)
    found = []
    for question in Question:
        said, seen = stated.leaning(question), reported.leaning(question)
        if {said, seen} == {Leaning.GOOD, Leaning.BAD}:
            found.append(Disagreement(question, said, seen))
    return tuple(found)
