"""Results first on a phone, the desktop as before, and small screens read well: charts' labels
at 12 px or more, the compare caption whole, error messages that leave the form row in place."""

from __future__ import annotations

import re
from typing import Any

import pytest

from caretime.billing.demo import build_demo_billing
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def region(transactional_db: None) -> Clinic:
    build_demo_region(seed=1, clinics=40)
    # Which demo clinics offer which therapy depends on the rows left by earlier tests (a
    # flushed database has no insurance plans to draw), so take the first that offers PT.
    clinic = Clinic.objects.filter(services__discipline="pt").order_by("id").first()
    assert clinic is not None
    return clinic


def _no_sideways_scrolling(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_on_a_phone_the_first_result_is_on_the_first_screen(page: Any, live_server: Any, region: Clinic) -> None:
    page.set_viewport_size(PHONE)
    for query in (
        f"near={region.zip_code}",
        f"near={region.zip_code}&discipline=pt",
        f"near={region.zip_code}&sort=verdict&only_minutes=30&include_unknown=1",  # an old link
    ):
        page.goto(f"{live_server.url}/clinics/?{query}")
        first = page.locator("ol.results > li").first
        box = first.bounding_box()
        assert box is not None
        assert box["y"] < PHONE["height"], f"{query}: the first result starts at {box['y']:.0f} px"
        assert _no_sideways_scrolling(page)
    # The search is summed up in a line; the form and the bar wait, folded.
    assert page.get_by_text("Within 25 miles", exact=True).is_visible()
    assert not page.get_by_label("ZIP code or city").is_visible()
    assert not page.get_by_label("Minimum one-on-one minutes").is_visible()


def test_on_a_phone_the_search_opens_by_keyboard_and_searches_again(
    page: Any, live_server: Any, region: Clinic
) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}")
    page.locator("summary", has_text="Change search").focus()
    page.keyboard.press("Enter")
    field = page.get_by_label("ZIP code or city")
    assert field.is_visible()
    assert field.input_value() == region.zip_code
    page.get_by_label("Therapy", exact=True).select_option("pt")
    page.get_by_role("button", name="Find clinics").click()
    page.wait_for_url(re.compile(r"discipline=pt"))
    assert page.get_by_text("Physical therapy", exact=True).first.is_visible()
    # The bar opens the same way, and says the bar in force while folded.
    summary = page.locator("summary", has_text="Your bar: 45 minutes one-on-one, every visit")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Minimum one-on-one minutes").is_visible()


def test_on_a_desktop_the_search_form_is_shown_as_before(page: Any, live_server: Any, region: Clinic) -> None:
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}")
    assert page.get_by_label("ZIP code or city").is_visible()
    assert not page.locator("summary", has_text="Change search").is_visible()
    first = page.locator("ol.results > li").first
    assert first.locator(".card-reach a[href^='tel:']").is_visible()
    first.locator("summary", has_text="Address, therapies and insurance").click()
    assert first.get_by_role("link", name=re.compile("^Directions")).is_visible()
    assert _no_sideways_scrolling(page)


def test_a_result_can_be_called_and_found_on_a_map(page: Any, live_server: Any, region: Clinic) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/clinics/?near={region.zip_code}")
    first = page.locator("ol.results > li").first
    first.locator("summary", has_text="Address, therapies and insurance").click()  # the address waits in there
    street = first.locator(".street").inner_text()
    assert street
    call = first.locator(".card-reach a[href^='tel:']")
    assert call.is_visible()
    directions = first.get_by_role("link", name=re.compile(f"^Directions to {re.escape(street.split(',')[0])}"))
    assert directions.get_attribute("target") == "_blank"
    assert set((directions.get_attribute("rel") or "").split()) == {"noopener", "noreferrer"}
    # Tap targets a thumb can hit.
    for link in (call, directions):
        box = link.bounding_box()
        assert box is not None
        assert box["height"] >= 24


@pytest.mark.parametrize("width", [320, 360, 375, 414, 1280])
def test_the_state_charts_labels_read_at_12_px_or_more(page: Any, live_server: Any, width: int) -> None:
    build_demo_region(seed=1, clinics=40)
    build_demo_billing(seed=1)
    page.set_viewport_size({"width": width, "height": 812})
    page.goto(f"{live_server.url}/data/states/")
    assert page.locator("svg.box-chart").count() == 2
    # The size a label is drawn at: its font size in the chart's units times the chart's scale.
    sizes = page.evaluate(
        "[...document.querySelectorAll('svg.box-chart text')]"
        ".map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a)"
    )
    assert sizes
    assert min(sizes) >= 12, f"at {width} px the smallest chart label is {min(sizes):.1f} px"
    assert _no_sideways_scrolling(page)


def test_the_compare_caption_is_not_cut_off_on_a_phone(page: Any, live_server: Any, region: Clinic) -> None:
    page.set_viewport_size(PHONE)
    ids = Clinic.objects.filter(services__discipline="pt").order_by("id").values_list("pk", flat=True)[:4]
    page.goto(f"{live_server.url}/compare/?{'&'.join(f'clinic={pk}' for pk in ids)}&discipline=pt")
    caption = page.locator("table.compare-table caption")
    box = caption.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert "Verdicts judged against your bar" in caption.inner_text()
    assert _no_sideways_scrolling(page)  # the table scrolls inside its own box
    scroller = page.locator(".compare-scroll")
    scroller.focus()  # and that box can be reached and scrolled by keyboard
    assert page.evaluate("document.activeElement.classList.contains('compare-scroll')")


def test_an_error_under_a_field_leaves_the_row_in_place(page: Any, live_server: Any, region: Clinic) -> None:
    def row() -> dict[str, float]:
        tops = {}
        for label in ("ZIP code or city", "Within (miles)", "Therapy", "Insurance"):
            box = page.get_by_label(label, exact=True).bounding_box()
            assert box is not None
            tops[label] = round(box["y"] - form_top())
        button = page.get_by_role("button", name="Find clinics").bounding_box()
        assert button is not None
        tops["button"] = round(button["y"] - form_top())
        return tops

    def form_top() -> float:
        box = page.locator("form.search-form").bounding_box()
        assert box is not None
        return float(box["y"])

    page.goto(f"{live_server.url}/")
    before = row()
    page.get_by_label("ZIP code or city").fill("99999")
    page.get_by_role("button", name="Find clinics").click()
    page.locator(".has-error .error").first.wait_for()
    after = row()
    fields = ("ZIP code or city", "Within (miles)", "Therapy", "Insurance")
    assert {name: after[name] for name in fields} == {name: before[name] for name in fields}
    # Within each line of the form, the inputs and the button start at one height: the error
    # under the ZIP code grows its own field downwards and pushes nothing up or sideways.
    lines: dict[int, set[int]] = {}
    for top in after.values():
        line = next((known for known in lines if abs(known - top) < 40), int(top))
        lines.setdefault(line, set()).add(int(top))
    assert all(len(tops) == 1 for tops in lines.values()), after
