"""Therapists of the directory as a generated Medicare file would list them, so that generated
files (the demo's billing, ``generate_medicare_file --match-directory``) link to real rosters.
Only the generators use this; the billing reads never do."""

from __future__ import annotations

import random

from caretime.billing.generate import PROFILE_WEIGHTS, BookingProfile, TherapistSeed
from caretime.core import billing as core
from caretime.core.disciplines import Discipline
from caretime.directory.demo import care_profile
from caretime.directory.models import Clinic, Clinician

ASSISTANT_CREDENTIALS = ("PTA", "COTA", "SLPA")  # billed under the supervising therapist's NPI


def directory_therapists(*, limit: int, seed: int) -> list[TherapistSeed]:
    """Up to ``limit`` licensed therapists of the directory as they would appear in a Medicare file:
    their NPI, provider type and first clinic's address. Demo clinics keep their care profile
    (pass the seed the demo region was built with); other clinics get one drawn from the seed."""
    demo_index = {
        pk: i for i, pk in enumerate(Clinic.objects.filter(is_demo=True).order_by("pk").values_list("pk", flat=True))
    }
    seeds = []
    for person, clinic in therapists_with_clinics(limit):
        if person.npi is None:
            raise ValueError("person.npi is missing")
        if clinic.pk in demo_index:
            profile = BookingProfile(care_profile(seed, demo_index[clinic.pk]).value)
        else:
            profile = seeded_rng(seed, person.npi).choices(
                list(PROFILE_WEIGHTS), weights=list(PROFILE_WEIGHTS.values())
            )[0]
        seeds.append(
            TherapistSeed(
                npi=person.npi,
                provider_type=PROVIDER_TYPE_OF[Discipline(person.discipline)],
                street=clinic.address_line1,
                city=clinic.city,
                state=clinic.state,
                zip5=clinic.zip_code,
                profile=profile,
                last_name=person.last_name,
                first_name=person.first_name,
            )
        )
    return seeds


PROVIDER_TYPE_OF = {d: name for name, d in core.THERAPIST_PROVIDER_TYPES.items()}


def is_assistant(credential: str) -> bool:
    return any(credential.upper().replace(",", " ").split().count(a) for a in ASSISTANT_CREDENTIALS)


def therapists_with_clinics(limit: int) -> list[tuple[Clinician, Clinic]]:
    """Licensed therapists (not assistants) with an NPI and their first clinic, by NPI."""
    found: list[tuple[Clinician, Clinic]] = []
    people = Clinician.objects.filter(npi__isnull=False).prefetch_related("clinics").order_by("npi")
    for person in people.iterator(chunk_size=2_000):
        if is_assistant(person.credential):
            continue
        clinics = sorted(person.clinics.all(), key=lambda c: c.pk)
        if not clinics:
            continue
        found.append((person, clinics[0]))
        if len(found) >= limit:
            break
    return found


def seeded_rng(seed: int, npi: str) -> random.Random:
    return random.Random(f"{seed}:billing:{npi}")
