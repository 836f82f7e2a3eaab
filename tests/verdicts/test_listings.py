"""Listings a person can act on: every result, alternative, clinic and verdict page says where
the clinic is, how far, how to call it and get there, what it offers and takes, and how sure
its verdict is; branches that share a name are told apart by their street."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from tests.answers import MILL, ONE_ON_ONE
from tests.factories import add_call, clinic_page, make_clinic

pytestmark = pytest.mark.django_db


def branch(street: str, *, latitude: float, longitude: float, phone: str) -> Clinic:
    clinic = make_clinic(
        "Northside Compass Physical Therapy - Chicago",
        latitude=latitude,
        longitude=longitude,
        insurance=("medicare", "aetna"),
    )
    Clinic.objects.filter(pk=clinic.pk).update(address_line1=street, phone=phone)
    clinic.refresh_from_db()
    return clinic


@pytest.fixture
def branches(db: None) -> dict[str, Clinic]:
    """Three branches of one name around ZIP 60614, at about 0.5, 1.5 and 3 miles."""
    return {
        "clark": branch("2400 N Clark St", latitude=41.9262, longitude=-87.6421, phone="3125550111"),
        "halsted": branch("1500 N Halsted St", latitude=41.9100, longitude=-87.6480, phone="3125550122"),
        "wacker": branch("200 W Wacker Dr", latitude=41.8870, longitude=-87.6340, phone="3125550133"),
    }


class Links(HTMLParser):
    """Every <a> of a page fragment with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs))


def links(html: str) -> list[dict[str, str | None]]:
    parser = Links()
    parser.feed(html)
    return parser.links


def result_items(page: str) -> list[str]:
    found = re.findall(r'<li class="result">(.*?)</li>\s*(?=<li class="result">|</ol>)', page, re.S)
    assert found, "no results on the page"
    return found


def assert_reachable(item: str, clinic: Clinic) -> None:
    """Where the clinic is, and how to call it and get there."""
    assert clinic.address_line1 in item
    assert f"{clinic.city.title()}, {clinic.state} {clinic.zip_code}" in item
    hrefs = {link.get("href") for link in links(item)}
    assert f"tel:{clinic.phone}" in hrefs
    assert clinic.formatted_phone in item
    directions = [link for link in links(item) if (link.get("href") or "").startswith("https://")]
    assert len(directions) == 1, directions
    (link,) = directions
    assert (link["href"] or "").startswith("https://www.openstreetmap.org/directions?to=")
    assert clinic.address_line1.replace(" ", "%20") in (link["href"] or "")
    assert link["target"] == "_blank"
    assert set((link["rel"] or "").split()) == {"noopener", "noreferrer"}


def assert_actionable(item: str, clinic: Clinic) -> None:
    """What a person needs to act on one listing, in the listing itself."""
    assert_reachable(item, clinic)
    assert "Medicare" in item
    assert "Aetna" in item
    assert "Physical therapy" in item


def test_each_result_has_street_distance_phone_directions_insurance_and_verdict(
    client: Client, branches: dict[str, Clinic]
) -> None:
    add_call(branches["clark"], ONE_ON_ONE)
    page = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt"}).content.decode()
    items = result_items(page)
    assert len(items) == 3
    by_street = {clinic.address_line1: clinic for clinic in branches.values()}
    streets = []
    for item in items:
        (street,) = re.findall(r'<span class="street">([^<]+)</span>', item)
        streets.append(street)
        assert_actionable(item, by_street[street])
        assert re.search(r'<span class="distance">\d+\.\d miles away</span>', item)
        assert "verdict-" in item  # the verdict's status, with the evidence it rests on when there is any
    # Three branches of one name, told apart by their street, nearest first.
    assert streets == ["2400 N Clark St", "1500 N Halsted St", "200 W Wacker Dr"]
    clark = items[0]
    assert "Good: meets your bar" in clark
    assert "Early signal (1 call)" in clark  # the verdict's strength: it rests on one call
    assert "Based on" not in clark  # which the tag has said already
    add_call(branches["halsted"], ONE_ON_ONE)
    add_call(branches["halsted"], ONE_ON_ONE)
    page = client.get(reverse("clinic-search"), {"near": "60614", "discipline": "pt"}).content.decode()
    assert "Based on 2 calls." in result_items(page)[1]


def test_a_clinic_without_phone_or_insurance_says_what_to_do(client: Client, db: None) -> None:
    clinic = make_clinic("Quiet PT", latitude=41.9227, longitude=-87.6533)
    Clinic.objects.filter(pk=clinic.pk).update(phone="")
    page = client.get(reverse("clinic-search"), {"near": "60614"}).content.decode()
    (item,) = result_items(page)
    assert 'href="tel:' not in item
    assert "Insurance: not told us yet; ask when you call." in item
    assert "openstreetmap.org/directions" in item


def test_the_alternatives_carry_the_same_details(client: Client, branches: dict[str, Clinic]) -> None:
    mill = make_clinic("Mill PT", latitude=41.9227, longitude=-87.6533)
    add_call(mill, MILL)
    for clinic in branches.values():
        add_call(clinic, ONE_ON_ONE)
    page = client.get(clinic_page(mill.pk, "pt"), {"near": "60614", "radius_miles": "25"}).content.decode()
    section = page[page.index('id="alternatives-heading"') :]
    items = result_items(section)
    assert len(items) == 3
    # Alternatives are for the therapy searched, among clinics that take the insurance searched.
    for item, clinic in zip(items, (branches["clark"], branches["halsted"], branches["wacker"]), strict=True):
        assert_reachable(item, clinic)
        assert re.search(r"\d+\.\d miles from 60614 \(Chicago, IL\)", item)
        assert "Good: meets your bar" in item


def test_the_clinic_page_has_distance_phone_and_directions(client: Client, branches: dict[str, Clinic]) -> None:
    clinic = branches["halsted"]
    page = client.get(reverse("clinic-detail", args=[clinic.pk]), {"near": "60614"}).content.decode()
    head = page[page.index("<h1") : page.index('id="verdict-heading"')]
    assert_where(head, clinic)
    assert re.search(r"\d\.\d miles from 60614 \(Chicago, IL\)", head), head
    # Without a searched place there is no distance to give.
    plain = client.get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert 'class="distance"' not in plain[plain.index("<h1") : plain.index('id="verdict-heading"')]


def assert_where(html: str, clinic: Clinic) -> None:
    assert clinic.address_line1 in html
    hrefs = [link.get("href") or "" for link in links(html)]
    assert f"tel:{clinic.phone}" in hrefs
    assert any(href.startswith("https://www.openstreetmap.org/directions?to=") for href in hrefs)


def test_the_verdict_page_of_a_good_clinic_gives_its_phone_street_and_directions(
    client: Client, branches: dict[str, Clinic]
) -> None:
    clinic = branches["wacker"]
    add_call(clinic, ONE_ON_ONE)
    page = client.get(clinic_page(clinic.pk, "pt"), {"near": "60614"}).content.decode()
    assert "Good: meets your bar" in page
    head = page[page.index("<h1") : page.index('id="verdict-heading"')]
    assert_where(head, clinic)
    assert re.search(r"\d\.\d miles from 60614 \(Chicago, IL\)", head)
    where = page[page.index('id="where"') :]
    assert "Medicare" in where
    assert "Aetna" in where


def test_compare_tells_branches_apart_by_street(client: Client, branches: dict[str, Clinic]) -> None:
    ids = [str(clinic.pk) for clinic in branches.values()]
    page = client.get(reverse("compare"), {"clinic": ids, "discipline": "pt", "near": "60614"}).content.decode()
    header = page[page.index("<thead>") : page.index("</thead>")]
    assert re.findall(r'<span class="street">([^<]+)</span>', header) == [
        "2400 N Clark St",
        "1500 N Halsted St",
        "200 W Wacker Dr",
    ]
    for clinic in branches.values():
        assert f'href="tel:{clinic.phone}"' in page


def test_no_listing_page_loads_anything_from_another_host(client: Client, branches: dict[str, Clinic]) -> None:
    """The map site is only ever a link the person follows: no script, style, image or frame."""
    clinic = branches["clark"]
    for url in (
        reverse("clinic-search") + "?near=60614",
        reverse("clinic-detail", args=[clinic.pk]) + "?near=60614",
        clinic_page(clinic.pk, "pt"),
        reverse("compare") + f"?clinic={branches['clark'].pk}&clinic={branches['wacker'].pk}&discipline=pt",
    ):
        page = client.get(url).content.decode()
        loaded = re.findall(
            r'<(?:script|link(?![^>]*rel="alternate")|img|iframe|source)\b[^>]*(?:src|href)="([^"]*)"', page
        )
        assert [source for source in loaded if "://" in source or source.startswith("//")] == [], url
