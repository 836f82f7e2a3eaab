"""What every source's demo builder shares: the demo clinics' therapies in build order, each
with the care profile the directory drew for it, and month arithmetic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from caretime.directory.demo import CareProfile, care_profile
from caretime.directory.models import ClinicService

BATCH_SIZE = 5_000


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def demo_services(seed: int) -> Iterator[tuple[int, str, int, CareProfile]]:
    """(clinic id, therapy, clinic index, care profile) for every therapy of every demo clinic.

    The clinic index is its place in the demo region's build order (ascending id), the
    same index ``care_profile`` was drawn for.
    """
    services = (
        ClinicService.objects.filter(clinic__is_demo=True)
        .order_by("clinic_id", "discipline")
        .values_list("clinic_id", "discipline")
    )
    index = -1
    last_clinic: int | None = None
    profile = CareProfile.AVERAGE
    for clinic_id, discipline in services.iterator(chunk_size=BATCH_SIZE):
        if clinic_id != last_clinic:
            index += 1
            last_clinic = clinic_id
            profile = care_profile(seed, index)
        yield clinic_id, discipline, index, profile
