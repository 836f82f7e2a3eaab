"""A clinic page's evidence written in Python (caretime.verdicts.evidence_html) reads exactly as
the templates wrote it, kept here as they were (``as_they_were``): for any evidence, bar, calls
and Care Time profile, in both languages, and for every clinic and therapy of the demo region."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.care_time import CareTimeProfile
from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import DEFAULT_BAR_MINUTES, Bar, assess, stated_versus_reported
from caretime.directory.models import Clinic
from caretime.reports.selectors import CallSpread
from caretime.verdicts.evidence_html import (
    care_time_profile_html,
    disagreements_html,
    reasons_html,
    stated_reported_html,
)
from caretime.verdicts.selectors import DisciplineCareTime, clinic_care_time
from tests.core.test_verdict import TODAY, bars, evidence_lists

# The templates as they were, found before the site's own (the workplace part is still one).
AS_THEY_WERE = Engine(
    dirs=[str(Path(__file__).parent / "as_they_were")], app_dirs=True, libraries=get_installed_libraries()
)
ANSWERS = st.sampled_from(["one-on-one", "shared", "every visit", "first visit only", "a therapist", "an aide"])
counted_answers = st.lists(
    st.tuples(ANSWERS, st.integers(min_value=1, max_value=40)), max_size=3, unique_by=lambda a: a[0]
)
MINUTES = st.integers(min_value=0, max_value=120)
MONTHS = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 1)).map(lambda d: d.replace(day=1))

call_spreads = st.builds(
    CallSpread,
    calls=st.integers(min_value=0, max_value=30),
    newest=MONTHS,
    minutes=st.lists(MINUTES, max_size=6).map(tuple),
    minutes_withheld=st.integers(min_value=0, max_value=3),
    care=counted_answers.map(tuple),
    visits=counted_answers.map(tuple),
    follow_up=counted_answers.map(tuple),
    visit_lengths=st.lists(MINUTES, max_size=5).map(tuple),
)
SHARES = st.none() | st.floats(min_value=0, max_value=1)


@st.composite
def profiles(draw: st.DrawFn) -> CareTimeProfile | None:
    if draw(st.booleans()):
        return None
    figures = draw(st.booleans())
    minutes = figures and draw(st.booleans())
    low = draw(MINUTES)
    return CareTimeProfile(
        reporters=draw(st.integers(min_value=0, max_value=20)),
        reports=draw(st.integers(min_value=0, max_value=30)),
        newest=draw(MONTHS),
        weight=1.0,
        connected=draw(st.integers(min_value=0, max_value=3)),
        minutes_reporters=draw(st.integers(min_value=0, max_value=20)),
        typical_minutes=low + 5 if minutes else None,
        low_minutes=low if minutes else None,
        high_minutes=low + draw(st.integers(min_value=0, max_value=30)) if minutes else None,
        whole_one_on_one_share=draw(SHARES),
        shared_share=draw(st.floats(min_value=0, max_value=1)) if figures else None,
        shared_counts=tuple(draw(st.floats(min_value=0, max_value=1)) for _ in range(3)) if figures else None,
        aide_led_share=draw(st.floats(min_value=0, max_value=1)) if minutes else None,
        prior=draw(st.sampled_from(["", "state", "national"])),
    )


def as_it_was(name: str, language: str, **values: object) -> str:
    with translation.override(language):
        return AS_THEY_WERE.get_template(f"verdicts/{name}.html").render(Context(values))


def assert_as_they_were(care_time: DisciplineCareTime, clinic_id: int, language: str) -> None:
    assessment = care_time.assessment
    with translation.override(language):
        written = {
            "reasons": reasons_html(assessment),
            "disagreements": disagreements_html(care_time),
            "stated": stated_reported_html(care_time, clinic_id, 3),
            "profile": care_time_profile_html(care_time.profile),
        }
    assert written["reasons"] == as_it_was("_reasons", language, assessment=assessment)
    assert written["disagreements"] == as_it_was("_disagreements", language, care_time=care_time)
    values = {"care_time": care_time, "clinic": {"pk": clinic_id}, "heading_level": 3}
    assert written["stated"] == as_it_was("_stated_reported", language, **values)
    assert written["profile"] == as_it_was("_care_time_profile", language, profile=care_time.profile)


@settings(max_examples=150, deadline=None)
@given(
    items=evidence_lists,
    bar=bars,
    stated=call_spreads,
    profile=profiles(),
    reported=st.lists(
        st.tuples(st.sampled_from(list(EvidenceSource)), st.integers(min_value=1, max_value=9)),
        max_size=3,
        unique_by=lambda pair: pair[0],
    ),
    under_review=st.booleans(),
    language=st.sampled_from(["en", "es"]),
)
def test_the_evidence_reads_as_the_templates_wrote_it(
    items: list[Evidence],
    bar: Bar,
    stated: CallSpread,
    profile: CareTimeProfile | None,
    reported: list[tuple[EvidenceSource, int]],
    under_review: bool,
    language: str,
) -> None:
    """Reasons of every effect, early signals, gaps, calls with and without figures, profiles of
    every kind: word for word and space for space as before, values escaped the same."""
    care_time = DisciplineCareTime(
        discipline="pt",
        label="Physical therapy",
        assessment=assess(items, bar, as_of=TODAY),
        stated=stated,
        reported_counts=tuple(sorted(reported)),
        disagreements=stated_versus_reported(items, bar, as_of=TODAY),
        under_review=under_review,
        profile=profile,
    )
    assert_as_they_were(care_time, 7, language)


@pytest.mark.django_db
def test_every_clinic_of_the_demo_region_reads_as_the_templates_wrote_it() -> None:
    """With the demo's calls, visit reports, clinicians' published figures and billing."""
    call_command("load_demo", clinics=40, stdout=StringIO())
    today = timezone.now().date()
    shown = 0
    for clinic in Clinic.objects.all():
        for bar in (Bar(DEFAULT_BAR_MINUTES, True), Bar(60, False)):
            for care_time in clinic_care_time(clinic, bar, as_of=today, evidence=0):
                for language in ("en", "es"):
                    assert_as_they_were(care_time, clinic.pk, language)
                shown += care_time.workplace is not None
    assert shown, "no clinic of the demo had clinicians' figures: the workplace part went untested"
