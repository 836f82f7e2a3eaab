"""A clinic's billing figures written in Python (caretime.billing.shown) read exactly as the
template wrote them, kept here as it was (``as_they_were``): for any figures, demo or not, with
or without their releases, in both languages."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from caretime.billing.selectors import CAVEATS, ClinicBilling
from caretime.billing.shown import GROUP_THRESHOLD_PERCENT, clinic_billing_html
from caretime.datasets.freshness import Freshness
from caretime.datasets.models import DataRelease, ReleaseKind

AS_IT_WAS = Engine(
    dirs=[str(Path(__file__).parent / "as_they_were")], app_dirs=True, libraries=get_installed_libraries()
).get_template("billing/_clinic_billing.html")
YEARS = st.integers(min_value=2021, max_value=2024)
SHARES = st.sampled_from([0.0, 0.01, 0.2, 0.5, 0.9])


def release(kind: ReleaseKind, **fields: object) -> st.SearchStrategy[DataRelease]:
    return st.builds(
        DataRelease,
        kind=st.just(kind.value),
        file_name=st.sampled_from(["MUP_PHY_R25_P05_V10_D23_Prov_Svc.csv", "DAC_NationalDownloadableFile.csv"]),
        released_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 1)),
        imported_at=st.datetimes(timezones=st.just(UTC)),
        **{
            name: st.just(value) if not isinstance(value, st.SearchStrategy) else value
            for name, value in fields.items()
        },
    )


figures = st.builds(
    ClinicBilling,
    year=YEARS,
    discipline=st.sampled_from(["pt", "ot", "slp"]),
    discipline_label=st.sampled_from(["Physical therapy", "Speech & language <therapy>"]),
    state=st.just("IL"),
    clinicians=st.integers(min_value=1, max_value=9),
    shared_clinicians=st.integers(min_value=0, max_value=3),
    visits=st.just(100.0),
    visits_high=st.just(120.0),
    beneficiaries=st.just(40),
    timed_units_per_visit=st.just(3.0),
    timed_units_per_visit_low=st.just(2.5),
    average_minutes_at_least=st.integers(min_value=0, max_value=60),
    group_share=SHARES,
    group_visit_share_low=st.just(0.0),
    group_visit_share_high=st.just(0.0),
    visits_per_beneficiary=st.just(2.5),
    timed_units_per_visit_percentile=st.none(),
    group_share_percentile=st.none(),
    visits_per_beneficiary_percentile=st.none(),
    visits_percentile=st.none(),
    peer_clinics=st.just(0),
    linked_by=st.sampled_from(["the clinic's NPI", 'its "group" & <roster>']),
    possibly_suppressed=st.booleans(),
    is_demo=st.booleans(),
    timed_codes_apply=st.booleans(),
    sentences=st.lists(st.sampled_from(CAVEATS), max_size=3).map(tuple),
)
freshness = st.builds(
    Freshness,
    directory=st.none(),
    directory_update=st.none(),
    rosters=st.none() | release(ReleaseKind.DOCTORS_CLINICIANS),
    billing=st.lists(release(ReleaseKind.MEDICARE, claims_year=YEARS), max_size=3),
)


@settings(max_examples=200, deadline=None)
@given(shown=st.lists(figures, max_size=3), releases=freshness, language=st.sampled_from(["en", "es"]))
def test_the_billing_figures_read_as_the_template_wrote_them(
    shown: list[ClinicBilling], releases: Freshness, language: str
) -> None:
    """What they mean first, then the figures, their limits and sources: word for word and space
    for space as before, values escaped the same."""
    with translation.override(language):
        written = clinic_billing_html(shown, releases)
        expected = AS_IT_WAS.render(
            Context(
                {
                    "figures": shown,
                    "caveats": CAVEATS,
                    "freshness": releases,
                    "group_threshold_percent": GROUP_THRESHOLD_PERCENT,
                }
            )
        )
    assert written == expected
