"""Minutes in words (caretime.core.wording), and evidence dated source by source."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import Bar, assess
from caretime.core.wording import minutes, minutes_or_less, minutes_or_more, minutes_range

MINUTES = st.integers(min_value=0, max_value=600)


@given(MINUTES, MINUTES)
def test_a_range_never_repeats_the_same_number(a: int, b: int) -> None:
    low, high = sorted((a, b))
    words = minutes_range(low, high)
    numbers = re.findall(r"\d+", words)
    assert len(numbers) == len(set(numbers)), words
    assert numbers == ([str(low)] if low == high else [str(low), str(high)])
    assert words.endswith("minutes") or words == "1 minute"


def test_ranges_and_bounds_read_as_people_say_them() -> None:
    assert minutes_range(60, 60) == "60 minutes"
    assert minutes_range(45, 60) == "45 to 60 minutes"
    assert minutes_range(1, 1) == "1 minute"
    assert minutes(1) == "1 minute"
    assert minutes(0) == "0 minutes"
    assert minutes_or_less(30) == "30 minutes or less"
    assert minutes_or_more(45) == "45 minutes or more"


def test_a_range_backwards_is_a_bug() -> None:
    with pytest.raises(ValueError, match="from low to high"):
        minutes_range(60, 45)


def test_billing_evidence_is_dated_by_its_claims_year_and_each_source_by_its_own_date() -> None:
    """A call of this month must not make a two-year-old claims figure read as "the newest
    November 2026"."""
    call = Evidence(EvidenceSource.CALL, date(2026, 11, 1), one_on_one_minutes=50, shared=False, every_visit=True)
    billing = Evidence(
        EvidenceSource.BILLING, date(2023, 12, 31), weight=0.3, one_on_one_minutes=53, minutes_are_lower_bound=True
    )
    assessment = assess([call, billing], Bar(), as_of=date(2026, 11, 30))
    assert assessment.dated_evidence_summary == "1 call, November 2026; 1 Medicare billing figure, claims of 2023"
    reasons = " ".join(reason.text for reason in assessment.reasons)
    assert "claims of 2023" in reasons
    assert "December 2023" not in reasons
    assert "November 2026" not in assessment.dated_evidence_summary.split(";")[1]


@given(st.lists(st.integers(min_value=2015, max_value=2026), min_size=1, max_size=4))
def test_several_billing_years_name_the_newest_claims_year(years: list[int]) -> None:
    items = [Evidence(EvidenceSource.BILLING, date(y, 12, 31), weight=0.3, shared=True) for y in years]
    summary = assess(items, Bar(), as_of=date(2026, 12, 31)).dated_evidence_summary
    assert summary.endswith(f"claims of {max(years)}")
    assert not re.search(
        r"January|February|March|April|May|June|July|August|September|October|November|December", summary
    )


def test_no_evidence_says_so() -> None:
    assert assess([], Bar(), as_of=date(2026, 11, 30)).dated_evidence_summary == "no reports yet"
