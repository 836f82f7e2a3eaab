"""docs/methodology.md states the numbers and words the code uses.

Every expected phrase is built from the constant itself, so changing a constant in the code
without changing the page fails here. Numbers the page writes in words are looked up in small
dictionaries; a value missing from a dictionary fails too, asking for the page to be reworded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from caretime.billing.selectors import claims_observed_on
from caretime.core.billing import BILLING_EVIDENCE_WEIGHT
from caretime.core.calls import CALL_WEIGHT
from caretime.core.care_time import (
    EPOCH,
    MINUTE_STEP,
    MINUTE_TOP,
    PATIENT_REPORT_WEIGHT,
    PRIOR_WEIGHT,
    RANGE_SHARE,
    REGION_MIN_WEIGHT,
    VISITS_PER_REPORTER_PER_MONTH,
)
from caretime.core.evidence import (
    BURST_REPORTS_PER_HOUR,
    MIN_PEOPLE_FOR_A_FIGURE,
    OLDEST_REPORT_MONTHS,
    REPEAT_WINDOW_DAYS,
)
from caretime.core.verdict import (
    DEFAULT_BAR_MINUTES,
    HALF_LIFE_DAYS,
    MAX_BAR_MINUTES,
    MIN_BAR_MINUTES,
    MIN_DECIDING_SUPPORT,
    PREVAIL_RATIO,
    SHORT_MINUTES,
    Status,
)
from caretime.core.workplace import (
    MIN_CLINICIAN_REPORTS,
    SHARED_PATIENTS_PER_HOUR,
    patients_per_hour_band,
    quota_band,
    share_band,
    slot_band,
    unpaid_documentation_band,
)
from caretime.shared.limits import (
    ACCOUNT_REPORTS_PER_DAY,
    ACCOUNT_REVIEWS_PER_DAY,
    BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR,
    CLINIC_REPORTS_FROM_EVERYONE_PER_DAY,
    CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH,
    CONNECTION_REPORTS_PER_CLINIC_PER_DAY,
    CONNECTION_REPORTS_PER_HOUR,
)

METHODOLOGY = Path(__file__).resolve().parent.parent / "docs" / "methodology.md"
# Line breaks in the page do not matter.
TEXT = " ".join(METHODOLOGY.read_text().split())

RATIO_WORDS = {2.0: "at least twice"}
SHARE_WORDS = {0.8: "8 in 10"}
SUPPORT_WORDS = {0.25: "one quarter"}


def _words(table: dict[float, str], value: float) -> str:
    if value not in table:
        pytest.fail(f"docs/methodology.md has no words for {value}; reword the page, then this table")
    return table[value]


def _example_weight() -> tuple[int, float]:
    """Claims of 2024 read on 30 November 2026, the page's worked example."""
    days = (date(2026, 11, 30) - claims_observed_on(2024)).days
    return days, BILLING_EVIDENCE_WEIGHT * 0.5 ** (days / HALF_LIFE_DAYS)


def test_billing_evidence_is_dated_at_the_end_of_its_claims_year() -> None:
    assert claims_observed_on(2024) == date(2024, 12, 31)


def test_every_constant_is_stated_as_the_code_has_it() -> None:
    end_of_year = claims_observed_on(2024)
    days, weight = _example_weight()
    expected = [
        f"halves every {HALF_LIFE_DAYS // 365 * 12} months ({HALF_LIFE_DAYS} days)",
        _words(RATIO_WORDS, PREVAIL_RATIO),
        f"at least {_words(SUPPORT_WORDS, MIN_DECIDING_SUPPORT)}",
        f"below {_words(SUPPORT_WORDS, MIN_DECIDING_SUPPORT)}",
        f"about {SHORT_MINUTES} minutes or less",
        f"more than {SHORT_MINUTES} minutes and at least your minimum",
        f"({MIN_BAR_MINUTES} to {MAX_BAR_MINUTES} minutes, {DEFAULT_BAR_MINUTES} unless you change it)",
        f"Dated {end_of_year.day} {end_of_year:%B} of its claims year",
        f"{BILLING_EVIDENCE_WEIGHT} × 0.5^(days since {end_of_year.day} {end_of_year:%B} of the claims year"
        f" / {HALF_LIFE_DAYS})",
        f"{days} days after {end_of_year.day} {end_of_year:%B} {end_of_year.year}",
        f"{BILLING_EVIDENCE_WEIGHT} × 0.5^({days} / {HALF_LIFE_DAYS}) ≈ {weight:.4f}",
        f"if it was in the last {OLDEST_REPORT_MONTHS} months",
        f"most {CLINIC_REPORTS_FROM_EVERYONE_PER_DAY.allowed} reports (calls and visit reports together) about one clinic in any 24 hours",
        f"Until the oldest of the last {CLINIC_REPORTS_FROM_EVERYONE_PER_DAY.allowed} reports is 24 hours old",
        f"within {REPEAT_WINDOW_DAYS} days of its first one",
        f"already received {BURST_REPORTS_PER_HOUR} reports in the past hour",
        f"at most {CONNECTION_REPORTS_PER_HOUR.allowed} reports from one connection in any hour, and "
        f"{CONNECTION_REPORTS_PER_CLINIC_PER_DAY.allowed} about one clinic in any 24 hours",
        f"One account sends at most {ACCOUNT_REPORTS_PER_DAY.allowed} reports",
        f"at most {VISITS_PER_REPORTER_PER_MONTH} a month count",
        f"as if {PRIOR_WEIGHT:g} more reports had said",
        f"fewer than {REGION_MIN_WEIGHT:g} reports' worth",
        f"Nothing numeric from fewer than {MIN_PEOPLE_FOR_A_FIGURE} people",
        f"Until {MIN_PEOPLE_FOR_A_FIGURE} different people",
        f"holding **{_words(SHARE_WORDS, RANGE_SHARE)} reported visits**",
        f"counted in steps of {MINUTE_STEP}",
        f'"{MINUTE_TOP} or more"',
        f"measured in {EPOCH:%B %Y}",
        "a patient's report of one visit. A Medicare",
        f"has weight {CALL_WEIGHT:g}, and so has" if CALL_WEIGHT == PATIENT_REPORT_WEIGHT else "(weights differ)",
    ]
    missing = [phrase for phrase in expected if phrase not in TEXT]
    assert missing == []


@pytest.mark.parametrize("status", list(Status))
def test_every_status_label_and_next_step_is_quoted(status: Status) -> None:
    assert f'"{status.label}"' in TEXT
    assert f'"{status.next_step}"' in TEXT


def test_the_workplace_rules_and_ranges_are_stated_as_the_code_has_them() -> None:
    expected = [
        f"only when at least {MIN_CLINICIAN_REPORTS} of its reports are waiting",
        f"capped at {BROWSER_WORKER_REPORTS_WITHOUT_NPI_PER_YEAR.allowed} a year per browser and {CLINIC_WORKER_REPORTS_WITHOUT_NPI_PER_MONTH.allowed} a month",
        f"A typical hour of {SHARED_PATIENTS_PER_HOUR} or more patients",
    ]
    # Every range a page can show is in the table (sampled across each measure's scale).
    for band in (patients_per_hour_band, quota_band, unpaid_documentation_band):
        expected += [band(value).label for value in range(0, 200)]
    expected += [slot_band(value).label.split(" minutes")[0] for value in range(10, 121)]
    expected += [share_band(value / 100).label for value in range(101)]
    missing = sorted({phrase for phrase in expected if phrase not in TEXT})
    assert missing == []


def test_the_review_rules_are_stated_as_the_code_has_them() -> None:
    from caretime.core.reviews import (
        BURST_REVIEWS_PER_DAY,
        FREEZE_HOURS,
        MAX_TEXT_CHARS,
        MIN_REVIEWS_FOR_AVERAGE,
        MIN_TEXT_CHARS,
        NEAR_DUPLICATE_SCORE,
    )

    expected = [
        f"a text of {MIN_TEXT_CHARS} to {MAX_TEXT_CHARS:,} characters",
        f"When more than {BURST_REVIEWS_PER_DAY} reviews of one clinic arrive within 24 hours",
        f"freeze for {FREEZE_HOURS} hours",
        f"similarity of {NEAR_DUPLICATE_SCORE} out of 100 or more",
        f"at most {ACCOUNT_REVIEWS_PER_DAY.allowed} reviews a day",
        f"shown from {MIN_REVIEWS_FOR_AVERAGE} published reviews",
    ]
    assert [phrase for phrase in expected if phrase not in TEXT] == []


def test_the_billing_rules_are_stated_as_the_code_has_them() -> None:
    from caretime.core.billing import (
        GROUP_CODES,
        MIN_BENEFICIARIES,
        NEAR_SUPPRESSION_BENEFICIARIES,
        THERAPY_CODES,
        UNIT_MINUTES,
        average_minutes_at_least,
    )

    expected = [
        f"sits at the floor ({NEAR_SUPPRESSION_BENEFICIARIES} patients or fewer)",
        f"billed to fewer than {MIN_BENEFICIARIES} patients",
        f"least {UNIT_MINUTES}*u* - 7 minutes",
        f'at least {average_minutes_at_least(2.0)} minutes of one-on-one treatment if billed correctly" for *u* = 2.0',
        *(
            code
            for code in THERAPY_CODES
            if not ("97161" < code <= "97168" or "92521" < code <= "92524" or "97032" < code <= "97036")
        ),
        *GROUP_CODES,
    ]
    assert [phrase for phrase in expected if phrase not in TEXT] == []


def test_the_clinics_own_word_is_stated_as_the_code_has_it() -> None:
    from caretime.core.schedule import BADGE_MONTHS, CONTRADICTING_REPORTS, MAX_WEEKS, MIN_WEEKS
    from caretime.core.statement import MINUTES_TOLERANCE, STATED_WEIGHT

    for phrase in (
        f"**weight {STATED_WEIGHT}**",
        f"has weight {STATED_WEIGHT}, half of one patient's report",
        f"When **{CONTRADICTING_REPORTS} or more** people who were there",
        f"more than {MINUTES_TOLERANCE} minutes fewer one-on-one",
        f"at least {MIN_WEEKS} weeks in a row (no week left out, at most {MAX_WEEKS})",
        f"for **{BADGE_MONTHS} months** from the day the sample arrived",
        f"A schedule that {CONTRADICTING_REPORTS} or more people who were there contradict",
    ):
        assert phrase in TEXT, phrase
    assert STATED_WEIGHT == PATIENT_REPORT_WEIGHT / 2


def test_the_wait_for_corrections_is_stated_as_the_code_has_it() -> None:
    from caretime.clinicside.corrections import OVERDUE_DAYS

    assert f"waited more than {OVERDUE_DAYS} days" in TEXT
