"""The answer first, as a new patient on a phone meets it: on a clinic's page at 375 x 812 the
verdict for their therapy and bar, with its one next step, is inside the first screen whatever
the status; a mill's page offers clinics that meet the bar and take their insurance, measured
from where they searched. In English and in Spanish (whose sentences run longer)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from caretime.directory.insurance import CURATED_PLANS
from caretime.directory.models import Clinic, InsurancePlan
from tests.answers import MIDDLING, MILL, ONE_ON_ONE
from tests.factories import add_call, make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
SEARCH = "near=60614&radius_miles=25&discipline=pt&insurance=aetna"


@pytest.fixture
def statuses(transactional_db: None) -> dict[str, Clinic]:
    """One Chicago PT clinic of each status under the default bar, all labelled demo (so the
    demo notice takes its room at the top of every page, as on a fresh ``make run``)."""
    cache.clear()
    for slug, name in CURATED_PLANS:
        InsurancePlan.objects.update_or_create(slug=slug, defaults={"name": name, "is_curated": True})
    every_plan = tuple(slug for slug, _ in CURATED_PLANS)

    def clinic(name: str, latitude: float, insurance: tuple[str, ...] = every_plan) -> Clinic:
        return make_clinic(name, latitude=latitude, longitude=-87.65, insurance=insurance, is_demo=True)

    found = {
        "meets_bar": clinic("Lakeview Physical Therapy and Sports Rehabilitation", 41.930),
        "mill_signs": clinic("Lincoln Park Physical Therapy and Wellness Center", 41.921),
        "below_bar": clinic("Old Town Rehab", 41.912),
        "reports_disagree": clinic("Wrigleyville Therapy", 41.945),
        "not_enough_known": clinic("Halsted Movement Clinic", 41.905),
        # Two more that meet the bar: one does not take the insurance searched for.
        "good_without_aetna": clinic("Clark Street PT", 41.925, insurance=("medicare",)),
        "good_with_aetna": clinic("Southport PT", 41.940, insurance=("aetna",)),
    }
    add_call(found["meets_bar"], ONE_ON_ONE)
    add_call(found["mill_signs"], MILL)
    add_call(found["below_bar"], MIDDLING)
    add_call(found["reports_disagree"], ONE_ON_ONE)
    add_call(found["reports_disagree"], MILL)
    add_call(found["good_without_aetna"], ONE_ON_ONE)
    add_call(found["good_with_aetna"], ONE_ON_ONE)
    return found


LANGUAGES = pytest.mark.parametrize("language", ["", "/es"], ids=["en", "es"])


@LANGUAGES
@pytest.mark.parametrize("status", ["meets_bar", "mill_signs", "below_bar", "reports_disagree", "not_enough_known"])
def test_the_verdict_and_its_next_step_are_in_the_first_screen(
    page: Any, live_server: Any, statuses: dict[str, Clinic], status: str, language: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{language}/clinics/{statuses[status].pk}/?{SEARCH}")
    answer = page.locator("section.answer")
    assert f"status-{status}" in (answer.get_attribute("class") or "")
    verdict = page.locator("#verdict-heading").bounding_box()
    step = answer.locator(".actions .button").bounding_box()
    assert verdict["y"] + verdict["height"] <= PHONE["height"], verdict
    assert step["y"] + step["height"] <= PHONE["height"], step  # and the button that takes the step


@LANGUAGES
def test_a_mills_page_offers_clinics_that_meet_the_bar_and_take_the_persons_insurance(
    page: Any, live_server: Any, statuses: dict[str, Clinic], language: str
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{language}/clinics/{statuses['mill_signs'].pk}/?{SEARCH}")
    page.locator('section.answer a.button[href="#alternatives-heading"]').click()
    alternatives = page.locator("section.alternatives")
    names = alternatives.locator(".result h3").all_inner_texts()
    assert statuses["good_with_aetna"].name in names
    assert statuses["meets_bar"].name in names
    assert statuses["good_without_aetna"].name not in names  # does not take the plan searched for
    assert alternatives.locator(".verdict-good").count() == len(names)
    assert "60614 (Chicago, IL)" in alternatives.inner_text()  # distances from the person's place
    # No step toward booking the clinic we warn about; the "not interested" message is ready.
    assert page.locator('a[href*="/ask/"]').count() == 0
    assert statuses["mill_signs"].name in page.locator("#text-not-interested").input_value()
    # An alternative's link keeps the therapy and the insurance.
    href = alternatives.locator(".result h3 a").first.get_attribute("href") or ""
    assert href.startswith(f"{language}/clinics/")
    assert "discipline=pt" in href
    assert "insurance=aetna" in href
    assert "near=60614" in href
