"""The demo region: invented clinics in real places, built deterministically from a seed.

Everything written here is flagged ``is_demo`` and every page says so while it is
loaded. Phone numbers use the 555-01xx range reserved for fiction.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.db import transaction
from django.dispatch import Signal

from caretime.core.disciplines import Discipline
from caretime.core.geo import Point, distance_miles
from caretime.core.npi import make_npi
from caretime.core.places import all_zip_rows
from caretime.directory.models import Clinic, Clinician, ClinicService, InsurancePlan, Organization
from caretime.directory.planner import refresh_planner_statistics
from caretime.directory.public_ids import fill_public_ids
from caretime.directory.search_cache import directory_changed
from caretime.progress import ProgressCallback

BATCH_SIZE = 2_000


@dataclass(frozen=True)
class Metro:
    name: str
    state: str
    center: Point
    population_millions: float


DEMO_METROS: tuple[Metro, ...] = (
    Metro("Chicago", "IL", Point(41.8781, -87.6298), 9.4),
    Metro("Austin", "TX", Point(30.2672, -97.7431), 2.5),
    Metro("Columbus", "OH", Point(39.9612, -82.9988), 2.1),
    Metro("Portland", "OR", Point(45.5152, -122.6784), 2.5),
)
METRO_RADIUS_MILES = 25.0
# Roughly 100,000 outpatient rehab locations for 335 million people.
CLINICS_PER_MILLION_PEOPLE = 300


class CareProfile(enum.StrEnum):
    """How an invented clinic books its therapists; later features derive reports from it."""

    ONE_ON_ONE = "one_on_one"  # 45-60 minutes, therapist alone with the patient
    AVERAGE = "average"  # 30-45 minutes, sometimes overlapping
    MILL = "mill"  # 2-4 patients an hour, aides do most of the visit


CARE_PROFILE_WEIGHTS = {CareProfile.ONE_ON_ONE: 30, CareProfile.AVERAGE: 45, CareProfile.MILL: 25}


def care_profile(seed: int, clinic_index: int) -> CareProfile:
    """The care profile of the demo clinic built at ``clinic_index``; stable for a seed."""
    rng = random.Random(f"{seed}:profile:{clinic_index}")
    profiles = list(CARE_PROFILE_WEIGHTS)
    return rng.choices(profiles, weights=[CARE_PROFILE_WEIGHTS[p] for p in profiles])[0]


_BRAND_WORDS = [
    "Summit",
    "Cedar",
    "Harbor",
    "Lakeside",
    "Riverbend",
    "Northside",
    "Prairie",
    "Keystone",
    "Willow",
    "Granite",
    "Beacon",
    "Evergreen",
    "Maple",
    "Highland",
    "Oakridge",
    "Pioneer",
    "Meridian",
    "Compass",
    "Clearwater",
    "Aspen",
    "Bridgeway",
    "Heartland",
    "Union",
    "Lantern",
]
_KINDS = (
    ("Physical Therapy", {Discipline.PHYSICAL_THERAPY}),
    ("Physical Therapy & Sports Rehab", {Discipline.PHYSICAL_THERAPY}),
    ("Rehabilitation", {Discipline.PHYSICAL_THERAPY, Discipline.OCCUPATIONAL_THERAPY}),
    ("Hand & Occupational Therapy", {Discipline.OCCUPATIONAL_THERAPY}),
    ("Speech & Language Center", {Discipline.SPEECH_LANGUAGE_PATHOLOGY}),
    ("Therapy Services", set(Discipline)),
    ("Movement Clinic", {Discipline.PHYSICAL_THERAPY}),
    ("Orthopedic Physical Therapy", {Discipline.PHYSICAL_THERAPY}),
)
_KIND_WEIGHTS = (30, 12, 14, 6, 6, 10, 8, 14)
_STREETS = [
    "Main",
    "Oak",
    "Maple",
    "Washington",
    "Lake",
    "Park",
    "Elm",
    "Cedar",
    "Hill",
    "Pine",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Church",
    "River",
    "Franklin",
    "Spring",
    "Center",
    "Grand",
    "Division",
]
_FIRST_NAMES = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Imani",
    "Jonah",
    "Kira",
    "Luis",
    "Maya",
    "Nate",
    "Olga",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xin",
    "Yara",
    "Zoe",
    "Aaron",
    "Bea",
    "Cole",
    "Dana",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivan",
    "Jade",
    "Kai",
    "Lena",
]
_LAST_NAMES = [
    "Abbott",
    "Brennan",
    "Castillo",
    "Dube",
    "Eriksen",
    "Fontaine",
    "Garza",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quintero",
    "Rahman",
    "Silva",
    "Tanaka",
    "Ueda",
    "Varga",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zimmer",
]
_CREDENTIALS = {
    Discipline.PHYSICAL_THERAPY: (("PT, DPT", 6), ("PTA", 4)),
    Discipline.OCCUPATIONAL_THERAPY: (("OTR/L", 6), ("COTA", 3)),
    Discipline.SPEECH_LANGUAGE_PATHOLOGY: (("CCC-SLP", 8), ("SLPA", 1)),
}


@dataclass(frozen=True)
class _Zip:
    code: str
    city: str
    state: str
    point: Point
    area_code: str


@cache
def _standard_zips() -> tuple[_Zip, ...]:
    found = []
    for row in all_zip_rows():
        if row["zip_code_type"] != "STANDARD" or not row.get("lat"):
            continue
        area = (row.get("area_codes") or ["555"])[0]
        found.append(
            _Zip(row["zip_code"], row["city"], row["state"], Point(float(row["lat"]), float(row["long"])), area)
        )
    return tuple(sorted(found, key=lambda z: z.code))


@cache
def _metro_zips(metro: Metro) -> tuple[_Zip, ...]:
    return tuple(z for z in _standard_zips() if distance_miles(metro.center, z.point) <= METRO_RADIUS_MILES)


def clinics_per_metro(total: int) -> list[int]:
    """How many of ``total`` clinics go to each demo metro; the rest spread nationwide.

    A small demo puts every clinic in the metros (the same number in each); at scale each
    metro gets its realistic share, so the densest one is as dense as a real city.
    """
    even = -(-total // len(DEMO_METROS))
    counts = [min(even, round(m.population_millions * CLINICS_PER_MILLION_PEOPLE)) for m in DEMO_METROS]
    overflow = sum(counts) - total
    for i in range(len(counts) - 1, -1, -1):
        take = min(overflow, counts[i]) if overflow > 0 else 0
        counts[i] -= take
        overflow -= take
    return counts


@dataclass
class DemoSummary:
    organizations: int = 0
    clinics: int = 0
    clinicians: int = 0


def _jitter(rng: random.Random, point: Point) -> Point:
    # Within about a mile of the ZIP centroid, so clinics in one ZIP do not stack up.
    return Point(
        round(point.latitude + rng.uniform(-0.012, 0.012), 6),
        round(point.longitude + rng.uniform(-0.015, 0.015), 6),
    )


def _placements(seed: int, total: int) -> Iterator[_Zip]:
    rng = random.Random(f"{seed}:places")
    for metro, count in zip(DEMO_METROS, clinics_per_metro(total), strict=True):
        zips = _metro_zips(metro)
        for _ in range(count):
            yield rng.choice(zips)
    nationwide = _standard_zips()
    for _ in range(total - sum(clinics_per_metro(total))):
        yield rng.choice(nationwide)


# Sent inside the transaction that removes the demo region, before its clinics go, with
# ``clinics`` (a queryset of them). Reports protect their clinic (``on_delete=PROTECT``), so
# each kind of report removes its rows about these clinics here: the demo ones, which the demo
# builders make again, and people's call and worker reports, which keep no sums (``load_demo``
# lets those reach this point only when told ``--discard-people-reports``). People's visit
# reports and reviews feed the Care Time sums, so they are deleted through their services
# (``load_demo`` does so); any still here keep their clinic, and the ProtectedError leaves
# every row as it was. The apps of the reports connect to it: the directory knows none of them.
demo_clinics_removing = Signal()


def delete_demo_region() -> None:
    """Remove every demo row (and nothing else)."""
    with transaction.atomic():
        demo_clinics = Clinic.objects.filter(is_demo=True)
        demo_clinics_removing.send(sender=Clinic, clinics=demo_clinics)
        Clinician.objects.filter(is_demo=True).delete()
        Clinic.insurance_plans.through.objects.filter(clinic__in=demo_clinics).delete()
        ClinicService.objects.filter(clinic__in=demo_clinics).delete()
        demo_clinics.delete()
        Organization.objects.filter(is_demo=True).delete()
    directory_changed()


def build_demo_region(*, seed: int = 1, clinics: int = 300, progress: ProgressCallback | None = None) -> DemoSummary:
    """Replace the demo region with ``clinics`` invented clinics built from ``seed``."""
    if clinics < 1:
        raise ValueError("the demo region needs at least one clinic")
    report = progress or (lambda stage, done, total: None)
    delete_demo_region()
    plans = list(InsurancePlan.objects.filter(is_curated=True).order_by("slug"))
    rng = random.Random(f"{seed}:clinics")
    summary = DemoSummary()
    organization: Organization | None = None
    locations_left = chain_size = 0
    npi_base = 100_000_000 + (seed % 1000) * 100_000
    pending: list[tuple[Clinic, set[Discipline], list[InsurancePlan]]] = []
    for index, place in enumerate(_placements(seed, clinics)):
        if locations_left == 0:
            brand = f"{rng.choice(_BRAND_WORDS)} {rng.choice(_BRAND_WORDS)}"
            if brand.split()[0] == brand.split()[1]:
                brand = brand.split()[0]
            kind, disciplines = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
            chain_size = locations_left = rng.choices([1, 2, 3, 6], weights=[70, 15, 10, 5])[0]
            organization = Organization(
                npi=make_npi(npi_base + index),
                legal_name=f"{brand} {kind} LLC",
                doing_business_as=f"{brand} {kind}",
                is_demo=True,
            )
            chain_plans = rng.sample(plans, k=min(len(plans), rng.randint(3, 9))) if plans else []
        if organization is None:
            raise ValueError("organization is missing")
        locations_left -= 1
        name = organization.doing_business_as
        if chain_size > 1:
            name = f"{name} – {place.city.title()}"
        point = _jitter(rng, place.point)
        clinic = Clinic(
            organization=organization,
            name=name,
            address_line1=f"{rng.randint(10, 9899)} {rng.choice(_STREETS)} {rng.choice(('St', 'Ave', 'Rd', 'Blvd'))}",
            address_line2=rng.choice(["", "", "", f"Suite {rng.randint(100, 450)}"]),
            city=place.city,
            state=place.state,
            zip_code=place.code,
            latitude=point.latitude,
            longitude=point.longitude,
            phone=f"{place.area_code}55501{rng.randint(0, 99):02d}",
            is_demo=True,
        )
        pending.append((clinic, set(disciplines), chain_plans))
        if len(pending) >= BATCH_SIZE:
            _write_batch(pending, rng, summary)
            pending = []
            report("clinics", summary.clinics, clinics)
    if pending:
        _write_batch(pending, rng, summary)
        report("clinics", summary.clinics, clinics)
    refresh_planner_statistics(_DIRECTORY_TABLES)
    directory_changed()
    return summary


# Without fresh row counts the planner can drive a radius search from the discipline index,
# reading every clinic instead of the few inside the search box.
_DIRECTORY_TABLES = (
    Organization,
    Clinic,
    ClinicService,
    Clinic.insurance_plans.through,
    Clinician,
    Clinician.clinics.through,
)


def _write_batch(
    pending: list[tuple[Clinic, set[Discipline], list[InsurancePlan]]], rng: random.Random, summary: DemoSummary
) -> None:
    with transaction.atomic():
        new_orgs = {id(c.organization): c.organization for c, _, _ in pending if c.organization.pk is None}
        Organization.objects.bulk_create(new_orgs.values(), batch_size=BATCH_SIZE)
        for clinic, _, _ in pending:
            clinic.organization_id = clinic.organization.pk
        Clinic.objects.bulk_create([c for c, _, _ in pending], batch_size=BATCH_SIZE)
        services = [ClinicService(clinic=c, discipline=d.value) for c, ds, _ in pending for d in sorted(ds)]
        ClinicService.objects.bulk_create(services, batch_size=BATCH_SIZE)
        through = Clinic.insurance_plans.through
        links = [through(clinic_id=c.pk, insuranceplan_id=p.pk) for c, _, ps in pending for p in ps]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        clinicians, roster = _rosters(pending, rng, first_npi_base=200_000_000 + summary.clinicians)
        Clinician.objects.bulk_create(clinicians, batch_size=BATCH_SIZE)
        roster_through = Clinician.clinics.through
        roster_through.objects.bulk_create(
            [roster_through(clinician_id=person.pk, clinic_id=clinic.pk) for person, clinic in roster],
            batch_size=BATCH_SIZE,
        )
        fill_public_ids()
    summary.organizations += len(new_orgs)
    summary.clinics += len(pending)
    summary.clinicians += len(clinicians)


def _rosters(
    pending: list[tuple[Clinic, set[Discipline], list[InsurancePlan]]], rng: random.Random, *, first_npi_base: int
) -> tuple[list[Clinician], list[tuple[Clinician, Clinic]]]:
    people: list[Clinician] = []
    roster: list[tuple[Clinician, Clinic]] = []
    for clinic, disciplines, _ in pending:
        for discipline in sorted(disciplines):
            for _ in range(rng.randint(1, 4)):
                credentials = _CREDENTIALS[discipline]
                credential = rng.choices([c for c, _ in credentials], weights=[w for _, w in credentials])[0]
                person = Clinician(
                    npi=make_npi(first_npi_base + len(people)),
                    first_name=rng.choice(_FIRST_NAMES),
                    last_name=rng.choice(_LAST_NAMES),
                    credential=credential,
                    discipline=discipline.value,
                    is_demo=True,
                )
                people.append(person)
                roster.append((person, clinic))
    return people, roster
