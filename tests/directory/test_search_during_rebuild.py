"""A search never fails while the directory changes under it: a clinic removed by an import or
the demo rebuild between the ranking and the reading of the page is left out, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caretime.directory.geo_index import GeoIndex
from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db


def _vanishing_from_a_page(real: Any) -> Any:
    def ranked(*args: Any, **kwargs: Any) -> tuple[int, list[tuple[float, int]]]:
        total, found = real(*args, **kwargs)
        Clinic.objects.filter(pk=found[0][1]).delete()  # removed between the two reads
        return total, found

    return ranked


def _vanishing_from_a_ranking(real: Any) -> Any:
    def estimated_within(index: GeoIndex, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
        rows, estimates = real(index, *args, **kwargs)
        Clinic.objects.filter(pk=int(index.ids[rows[0]])).delete()  # removed between the two reads
        return rows, estimates

    return estimated_within


@pytest.mark.parametrize(
    ("path", "read", "vanishing"),
    [
        ("/clinics/?near=60614", "estimated_within", _vanishing_from_a_ranking),  # the results rank every clinic
        ("/api/v1/clinics?near=60614", "page", _vanishing_from_a_page),  # the API lists a page
    ],
)
def test_a_clinic_removed_between_the_two_reads_is_left_out(
    client: Client,
    chicago_clinics: dict[str, Clinic],
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    read: str,
    vanishing: Any,
) -> None:
    # The ranking comes from the process's index of the directory, read before the page's rows.
    monkeypatch.setattr(GeoIndex, read, vanishing(getattr(GeoIndex, read)))
    response = client.get(path)
    assert response.status_code == 200
    assert Clinic.objects.count() == len(chicago_clinics) - 1
