"""A clinic listed on a page of results is read once per directory generation, and a change
saved to it is on the next page."""

from __future__ import annotations

import pytest

from caretime.directory.geo_index import geo_index
from caretime.directory.models import Clinic
from caretime.directory.selectors import clinics_for_listing

pytestmark = pytest.mark.django_db


def test_a_clinic_listed_before_is_listed_again_without_a_query(
    chicago_clinics: dict[str, Clinic], django_assert_num_queries: object
) -> None:
    ids = [clinic.pk for clinic in chicago_clinics.values()]
    first = clinics_for_listing(ids, geo_index())
    with django_assert_num_queries(0):  # type: ignore[operator]
        again = clinics_for_listing(ids, geo_index())
    assert {pk: clinic.name for pk, clinic in again.items()} == {pk: clinic.name for pk, clinic in first.items()}
    assert [service.discipline for service in again[chicago_clinics["near"].pk].services.all()] == ["ot", "pt"]


def test_a_change_saved_to_a_clinic_is_listed_on_the_next_page(chicago_clinics: dict[str, Clinic]) -> None:
    near = chicago_clinics["near"]
    assert clinics_for_listing([near.pk], geo_index())[near.pk].phone == near.phone
    near.phone = "(312) 555-0199"
    near.save()  # starts a new directory generation, so a new index
    assert clinics_for_listing([near.pk], geo_index())[near.pk].phone == "(312) 555-0199"
