"""A search never fails while the directory changes under it: a clinic removed by an import or
the demo rebuild between the ranking and the reading of the page is left out, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from caretime.directory.geo_index import GeoIndex
from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db


def _with_a_vanished_clinic(real: Any) -> Any:
    def ranked(*args: Any, **kwargs: Any) -> tuple[int, list[tuple[float, int]]]:
        total, found = real(*args, **kwargs)
        Clinic.objects.filter(pk=found[0][1]).delete()  # removed between the two reads
        return total, found

    return ranked


@pytest.mark.parametrize("path", ["/clinics/?near=60614", "/api/v1/clinics?near=60614"])
def test_a_clinic_removed_between_the_two_reads_is_left_out(
    client: Client, chicago_clinics: dict[str, Clinic], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    # The ranking comes from the process's index of the directory, read before the page's rows.
    monkeypatch.setattr(GeoIndex, "page", _with_a_vanished_clinic(GeoIndex.page))
    response = client.get(path)
    assert response.status_code == 200
    assert Clinic.objects.count() == len(chicago_clinics) - 1
