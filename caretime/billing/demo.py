"""Demo Medicare rows for the demo region's therapists, consistent with each clinic's care profile.

Flagged ``is_demo`` like the rest of the demo region; the clinic page labels them as demo.
"""

from __future__ import annotations

from django.db import transaction

from caretime.billing.directory_seeds import PROVIDER_TYPE_OF, is_assistant, seeded_rng
from caretime.billing.generate import BookingProfile, therapist_lines
from caretime.billing.models import ClinicianBillingYear, MedicareServiceLine
from caretime.billing.services import IndicatorSummary, compute_billing_indicators
from caretime.core.disciplines import Discipline
from caretime.directory.demo import care_profile
from caretime.directory.models import Clinic, Clinician

DEMO_YEAR = 2023
# Enough for every clinic of the default region and a dense sample of a large one, while
# `load_demo --clinics 100000` stays fast.
DEMO_BILLING_CLINICS = 3_000


def delete_demo_billing() -> None:
    with transaction.atomic():
        MedicareServiceLine.objects.filter(is_demo=True).delete()
        ClinicianBillingYear.objects.filter(is_demo=True).delete()


def build_demo_billing(
    *, seed: int = 1, clinics: int = DEMO_BILLING_CLINICS, year: int = DEMO_YEAR
) -> IndicatorSummary:
    """Replace the demo billing rows: one year of claims for the therapists of the first
    ``clinics`` demo clinics, then the indicators of that year."""
    delete_demo_billing()
    demo_clinics = list(Clinic.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True)[:clinics])
    index_of = {pk: i for i, pk in enumerate(demo_clinics)}
    lines: list[MedicareServiceLine] = []
    roster = Clinician.clinics.through.objects.filter(clinic_id__in=demo_clinics, clinician__is_demo=True)
    seen: set[str] = set()
    for npi, discipline, credential, clinic_id, street, zip5, state in roster.order_by(
        "clinic_id", "clinician_id"
    ).values_list(
        "clinician__npi",
        "clinician__discipline",
        "clinician__credential",
        "clinic_id",
        "clinic__address_line1",
        "clinic__zip_code",
        "clinic__state",
    ):
        if not npi or npi in seen or is_assistant(credential):
            continue  # assistants bill under their supervising therapist's NPI
        seen.add(npi)
        profile = BookingProfile(care_profile(seed, index_of[clinic_id]).value)
        provider_type = PROVIDER_TYPE_OF[Discipline(discipline)]
        rng = seeded_rng(seed, npi)
        for code, place, services, days, benes in therapist_lines(rng, provider_type, profile):
            lines.append(
                MedicareServiceLine(
                    year=year,
                    npi=npi,
                    provider_type=provider_type,
                    state=state,
                    zip5=zip5,
                    street=street.upper(),
                    hcpcs_code=code,
                    place_of_service=place,
                    total_beneficiaries=benes,
                    total_services=services,
                    total_beneficiary_day_services=days,
                    is_demo=True,
                )
            )
    MedicareServiceLine.objects.bulk_create(lines, batch_size=2_000)
    return compute_billing_indicators(year=year)
