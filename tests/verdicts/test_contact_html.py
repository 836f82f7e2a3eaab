"""Where a clinic is, how to reach it, and its verdict's badge, written in Python
(caretime.verdicts.contact_html), read exactly as the templates wrote them, kept here as they
were (``as_they_were``): for any address, phone and demo flag, any verdict, full or summed, in
both languages."""

from __future__ import annotations

from pathlib import Path

from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.core.evidence import Evidence, EvidenceSource
from caretime.core.verdict import Bar, Status, VerdictSummary, assess
from caretime.directory.models import Clinic
from caretime.verdicts.contact_html import clinic_reach_html, clinic_where_html, verdict_badge_html
from tests.core.test_verdict import TODAY, bars, evidence_lists

AS_THEY_WERE = Engine(
    dirs=[str(Path(__file__).parent / "as_they_were")], app_dirs=True, libraries=get_installed_libraries()
)
LANGUAGES = st.sampled_from(["en", "es"])
# Addresses as the registry writes them, and as people type them: capitals, apostrophes,
# numbers, markup and signs a link must encode.
TEXT = st.sampled_from(["2400 N LINCOLN AVE", "o'fallon", "Suite 3B", "", '<b>A & B</b> "#1"', "100% Rehab/Ste 2"])
clinics = st.builds(
    Clinic,
    pk=st.integers(min_value=1, max_value=9),
    name=st.just("Lincoln Park PT"),
    address_line1=TEXT,
    address_line2=TEXT,
    city=st.sampled_from(["CHICAGO", "o'fallon", "east st. louis", "ST. JOSEPH'S 2ND"]),
    state=st.sampled_from(["IL", "MO"]),
    zip_code=st.sampled_from(["60614", "62269-1234"]),
    phone=st.sampled_from(["", "3125550100", "312-555-0100 x2", "+1 (312) 555 0100"]),
    is_demo=st.booleans(),
)
summaries = st.builds(
    VerdictSummary,
    status=st.sampled_from(list(Status)),
    reporters=st.integers(min_value=0, max_value=5),
    evidence_counts=st.lists(
        st.tuples(st.sampled_from(list(EvidenceSource)), st.integers(min_value=1, max_value=3)),
        max_size=3,
        unique_by=lambda pair: pair[0],
    ).map(tuple),
)


def as_it_was(name: str, language: str, **values: object) -> str:
    with translation.override(language):
        return AS_THEY_WERE.get_template(f"verdicts/{name}.html").render(Context(values))


@settings(max_examples=150, deadline=None)
@given(clinic=clinics, demo_tag=st.booleans(), language=LANGUAGES)
def test_where_a_clinic_is_and_how_to_reach_it_read_as_the_templates_wrote_them(
    clinic: Clinic, demo_tag: bool, language: str
) -> None:
    """The address, the demo tag, the phone and the directions' link, escaped and encoded the same."""
    with translation.override(language):
        where, reach = clinic_where_html(clinic), clinic_reach_html(clinic, demo_tag=demo_tag)
    assert where == as_it_was("_clinic_where", language, clinic=clinic)
    assert reach == as_it_was("_clinic_reach", language, clinic=clinic, demo_tag=demo_tag)


@settings(max_examples=150, deadline=None)
@given(
    judged=st.one_of(
        st.builds(lambda items, bar: assess(items, bar, as_of=TODAY), evidence_lists, bars),
        summaries,
    ),
    large=st.booleans(),
    language=LANGUAGES,
)
def test_a_verdicts_badge_reads_as_the_template_wrote_it(judged: object, large: bool, language: str) -> None:
    """Every status, early signals, large or not, a full assessment or a summed verdict."""
    with translation.override(language):
        badge = verdict_badge_html(judged, large=large)  # type: ignore[arg-type]
    assert badge == as_it_was("_verdict_badge", language, assessment=judged, large=large)


def test_an_early_signal_names_the_one_report_it_rests_on() -> None:
    one_call = assess(
        [Evidence(source=EvidenceSource.CALL, observed_on=TODAY, shared=True)], Bar(45, True), as_of=TODAY
    )
    assert one_call.early_signal
    assert "Early signal (1 call)" in verdict_badge_html(one_call)
