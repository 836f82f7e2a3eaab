"""A search never fails while the directory changes under it: a clinic removed by an import or
the demo rebuild between the ranking and the reading of the page is left out, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

import caretime.directory.selectors as directory_selectors
import caretime.verdicts.selectors as verdict_selectors
from caretime.directory.models import Clinic

pytestmark = pytest.mark.django_db


def _with_a_vanished_clinic(real: Any) -> Any:
    def ranked(*args: Any, **kwargs: Any) -> list[tuple[float, int]]:
        found: list[tuple[float, int]] = real(*args, **kwargs)
        gone = found[0][1]
        Clinic.objects.filter(pk=gone).delete()  # removed between the two reads
        return found

    return ranked


@pytest.mark.parametrize("path", ["/clinics/?near=60614", "/api/v1/clinics?near=60614"])
def test_a_clinic_removed_between_the_two_reads_is_left_out(
    client: Client, chicago_clinics: dict[str, Clinic], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    original = directory_selectors.clinics_within
    monkeypatch.setattr(directory_selectors, "clinics_within", _with_a_vanished_clinic(original))
    # The verdict pages imported the same function under their own name: replace it there too.
    monkeypatch.setattr(
        verdict_selectors, "clinics_within", _with_a_vanished_clinic(directory_selectors.clinics_within)
    )
    response = client.get(path)
    assert response.status_code == 200
    assert Clinic.objects.count() == len(chicago_clinics) - 1
