"""Synthetic Medicare "by Provider and Service" files in the exact published format.

Deterministic from a seed, any size, with realistic proportions: about 1 provider in 20 is
a therapist (most rows are physicians' E/M and lab codes), therapists bill 4-8 codes each,
CMS's suppression of rows under 11 beneficiaries is honoured, and each therapist follows
one of three booking profiles (one-on-one, average, mill) that shape timed units per visit
and group therapy. A share of rows is deliberately malformed to exercise the error path.
No Django here: benchmarks and tests use it directly.
"""

from __future__ import annotations

import csv
import enum
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TextIO

from caretime.billing.medicare_file import HeaderStyle
from caretime.core.npi import make_npi
from caretime.core.places import all_zip_rows

CURRENT_HEADER = [
    "Rndrng_NPI",
    "Rndrng_Prvdr_Last_Org_Name",
    "Rndrng_Prvdr_First_Name",
    "Rndrng_Prvdr_MI",
    "Rndrng_Prvdr_Crdntls",
    "Rndrng_Prvdr_Gndr",
    "Rndrng_Prvdr_Ent_Cd",
    "Rndrng_Prvdr_St1",
    "Rndrng_Prvdr_St2",
    "Rndrng_Prvdr_City",
    "Rndrng_Prvdr_State_Abrvtn",
    "Rndrng_Prvdr_State_FIPS",
    "Rndrng_Prvdr_Zip5",
    "Rndrng_Prvdr_RUCA",
    "Rndrng_Prvdr_RUCA_Desc",
    "Rndrng_Prvdr_Cntry",
    "Rndrng_Prvdr_Type",
    "Rndrng_Prvdr_Mdcr_Prtcptg_Ind",
    "HCPCS_Cd",
    "HCPCS_Desc",
    "HCPCS_Drug_Ind",
    "Place_Of_Srvc",
    "Tot_Benes",
    "Tot_Srvcs",
    "Tot_Bene_Day_Srvcs",
    "Avg_Sbmtd_Chrg",
    "Avg_Mdcr_Alowd_Amt",
    "Avg_Mdcr_Pymt_Amt",
    "Avg_Mdcr_Stdzd_Amt",
]
LEGACY_HEADER = [
    "npi",
    "nppes_provider_last_org_name",
    "nppes_provider_first_name",
    "nppes_provider_mi",
    "nppes_credentials",
    "nppes_provider_gender",
    "nppes_entity_code",
    "nppes_provider_street1",
    "nppes_provider_street2",
    "nppes_provider_city",
    "nppes_provider_zip",
    "nppes_provider_state",
    "nppes_provider_country",
    "provider_type",
    "medicare_participation_indicator",
    "place_of_service",
    "hcpcs_code",
    "hcpcs_description",
    "hcpcs_drug_indicator",
    "line_srvc_cnt",
    "bene_unique_cnt",
    "bene_day_srvc_cnt",
    "average_Medicare_allowed_amt",
    "average_submitted_chrg_amt",
    "average_Medicare_payment_amt",
    "average_Medicare_standard_amt",
]


class BookingProfile(enum.StrEnum):
    ONE_ON_ONE = "one_on_one"
    AVERAGE = "average"
    MILL = "mill"


PROFILE_WEIGHTS = {BookingProfile.ONE_ON_ONE: 30, BookingProfile.AVERAGE: 45, BookingProfile.MILL: 25}

# (provider type now, provider type before 2019, credential, weight among providers)
_PHYSICIAN_TYPES = (
    ("Internal Medicine", "Internal Medicine", "M.D.", 16),
    ("Family Practice", "Family Practice", "MD", 14),
    ("Nurse Practitioner", "Nurse Practitioner", "NP", 14),
    ("Physician Assistant", "Physician Assistant", "PA-C", 8),
    ("Cardiology", "Cardiology", "MD", 5),
    ("Diagnostic Radiology", "Diagnostic Radiology", "MD", 6),
    ("Orthopedic Surgery", "Orthopedic Surgery", "MD", 3),
    ("Chiropractic", "Chiropractic", "DC", 6),
    ("Podiatry", "Podiatry", "DPM", 3),
    ("Clinical Laboratory", "Clinical Laboratory", "", 3),
    ("Anesthesiology", "Anesthesiology", "MD", 5),
    ("Emergency Medicine", "Emergency Medicine", "MD", 5),
)
THERAPIST_TYPES = (
    ("Physical Therapist in Private Practice", "Physical Therapist", "PT", 5),
    ("Occupational Therapist in Private Practice", "Occupational therapist", "OTR/L", 1),
    ("Speech Language Pathologist", "Speech Language Pathologist", "CCC-SLP", 1),
)
_OTHER_CODES = (
    ("99213", "Established patient office or other outpatient visit, 20-29 minutes", 60.0),
    ("99214", "Established patient office or other outpatient visit, 30-39 minutes", 95.0),
    ("99203", "New patient office or other outpatient visit, 30-44 minutes", 85.0),
    ("99232", "Subsequent hospital inpatient or observation care, per day", 75.0),
    ("36415", "Insertion of needle into vein for collection of blood sample", 3.0),
    ("93000", "Routine EKG using at least 12 leads including interpretation and report", 15.0),
    ("71046", "X-ray of chest, 2 views", 30.0),
    ("80053", "Blood test, comprehensive group of blood chemicals", 10.0),
    (
        "G0439",
        "Annual wellness visit, includes a personalized prevention plan of service (pps), subsequent visit",
        120.0,
    ),
    ("98941", "Chiropractic manipulative treatment (cmt) of spine; 3-4 regions", 38.0),
    ("J1100", "Injection, dexamethasone sodium phosphate, 1 mg", 0.1),
)
_DESCRIPTIONS = {
    "97110": "Therapeutic exercise to develop strength, endurance, range of motion, and flexibility, each 15 minutes",
    "97112": "Therapeutic procedure to re-educate brain-to-nerve-to-muscle function, each 15 minutes",
    "97116": "Walking training to 1 or more areas, each 15 minutes",
    "97140": "Manual (physical) therapy techniques to 1 or more regions, each 15 minutes",
    "97530": "Therapeutic activities to improve function, with one-on-one contact between patient and provider, each 15 minutes",
    "97535": "Self-care or home management training, each 15 minutes",
    "97150": "Therapeutic procedure in group of 2 or more patients",
    "97161": "Evaluation of physical therapy, typically 20 minutes",
    "97162": "Evaluation of physical therapy, typically 30 minutes",
    "97163": "Evaluation of physical therapy, typically 45 minutes",
    "97164": "Re-evaluation of physical therapy, typically 20 minutes",
    "97165": "Evaluation of occupational therapy, typically 30 minutes",
    "97166": "Evaluation of occupational therapy, typically 45 minutes",
    "97168": "Re-evaluation of occupational therapy established plan of care, typically 30 minutes",
    "G0283": "Electrical stimulation (unattended), to one or more areas for indication(s) other than wound care",
    "92507": "Treatment of speech, language, voice, communication, and/or auditory processing disorder",
    "92523": "Evaluation of speech sound production with evaluation of language comprehension and expression",
    "92526": "Treatment of swallowing dysfunction and/or oral function for feeding",
}
_PAYMENT = dict.fromkeys(_DESCRIPTIONS, 30.0) | {"97161": 100.0, "97162": 100.0, "97163": 100.0}

# Per profile and discipline: (code, share of visits that include it, timed units per such visit).
# Timed units per visit come out about 3.6 (one-on-one), 2.6 (average) and 1.7 (mill).
_PT_PLANS: dict[BookingProfile, tuple[tuple[str, float, float], ...]] = {
    BookingProfile.ONE_ON_ONE: (
        ("97110", 0.9, 1.6),
        ("97140", 0.7, 1.3),
        ("97530", 0.5, 1.3),
        ("97112", 0.4, 1.2),
        ("97116", 0.1, 1.0),
    ),
    BookingProfile.AVERAGE: (
        ("97110", 0.95, 1.4),
        ("97140", 0.5, 1.1),
        ("97530", 0.4, 1.1),
        ("97112", 0.25, 1.0),
        ("G0283", 0.2, 1.0),
    ),
    BookingProfile.MILL: (("97110", 0.95, 1.2), ("97530", 0.35, 1.0), ("97140", 0.2, 1.0), ("G0283", 0.5, 1.0)),
}
_OT_PLANS: dict[BookingProfile, tuple[tuple[str, float, float], ...]] = {
    BookingProfile.ONE_ON_ONE: (("97530", 0.9, 1.7), ("97535", 0.6, 1.3), ("97110", 0.5, 1.3), ("97112", 0.3, 1.1)),
    BookingProfile.AVERAGE: (("97530", 0.95, 1.4), ("97110", 0.6, 1.1), ("97535", 0.3, 1.0)),
    BookingProfile.MILL: (("97530", 0.95, 1.2), ("97110", 0.5, 1.0)),
}
_SLP_PLAN = (("92507", 1.0, 1.0), ("92526", 0.3, 1.0))
# Share of visits with a group session (97150), when the clinician bills group at all.
_GROUP_VISIT_SHARE = {
    BookingProfile.ONE_ON_ONE: (0.0, 0.0),
    BookingProfile.AVERAGE: (0.1, 0.05),
    BookingProfile.MILL: (0.6, 0.5),
}
# (mean visits per year, visits per beneficiary)
_VOLUME = {
    BookingProfile.ONE_ON_ONE: (900, 9.0),
    BookingProfile.AVERAGE: (1400, 11.0),
    BookingProfile.MILL: (2200, 14.0),
}
_STATE_FIPS = {
    "AL": "01", "AK": "02", "AZ": "04", "AR": "05", "CA": "06", "CO": "08", "CT": "09", "DE": "10", "DC": "11",
    "FL": "12", "GA": "13", "HI": "15", "ID": "16", "IL": "17", "IN": "18", "IA": "19", "KS": "20", "KY": "21",
    "LA": "22", "ME": "23", "MD": "24", "MA": "25", "MI": "26", "MN": "27", "MS": "28", "MO": "29", "MT": "30",
    "NE": "31", "NV": "32", "NH": "33", "NJ": "34", "NM": "35", "NY": "36", "NC": "37", "ND": "38", "OH": "39",
    "OK": "40", "OR": "41", "PA": "42", "RI": "44", "SC": "45", "SD": "46", "TN": "47", "TX": "48", "UT": "49",
    "VT": "50", "VA": "51", "WA": "53", "WV": "54", "WI": "55", "WY": "56",
}  # fmt: skip
# Territories and freely associated states (FIPS 5-2), and the armed-forces "states" of
# military mail (AA, AE, AP), which have no FIPS code: every state code the file and the ZIP
# code data use. Providers drawn at random stay in the 50 states and DC (so a seed writes the
# same file as before); directory therapists (--match-directory) can be anywhere.
_TERRITORY_FIPS = {
    "AS": "60", "FM": "64", "GU": "66", "MH": "68", "MP": "69", "PW": "70", "PR": "72", "UM": "74", "VI": "78",
    "AA": "", "AE": "", "AP": "",
}  # fmt: skip
_FIPS = _STATE_FIPS | _TERRITORY_FIPS
_LAST = (
    "Smith",
    "Johnson",
    "Garcia",
    "Nguyen",
    "Patel",
    "Kim",
    "Brown",
    "Lopez",
    "Okafor",
    "Cohen",
    "Rossi",
    "Novak",
    "Haddad",
    "Silva",
    "Tanaka",
)
_FIRST = (
    "Maria",
    "James",
    "Wei",
    "Aisha",
    "Carlos",
    "Emma",
    "Noah",
    "Priya",
    "Liam",
    "Sofia",
    "Omar",
    "Grace",
    "Ivan",
    "Lena",
)
_STREETS = (
    "Main St",
    "Oak Ave",
    "Lake St",
    "Park Rd",
    "Elm St",
    "Washington Blvd",
    "Cedar Ln",
    "Grand Ave",
    "Center St",
    "River Rd",
)
_RUCA = ("1", "Metropolitan area core: primary flow within an urbanized area of 50,000 and greater")
MIN_PUBLISHED_BENEFICIARIES = 11
# Kinds of damage done to the malformed share, each a mistake seen in real exports.
MALFORMATIONS = ("bad_npi", "text_in_number", "short_row", "days_exceed_services", "blank_code", "bad_place")


@dataclass(frozen=True)
class TherapistSeed:
    """A therapist whose rows the file must contain (e.g. one from the directory), so that the
    imported file links to known clinics."""

    npi: str
    provider_type: str  # current name
    street: str
    city: str
    state: str
    zip5: str
    profile: BookingProfile
    last_name: str = "Doe"
    first_name: str = "Alex"


@dataclass(frozen=True)
class _Provider:
    npi: str
    provider_type: str
    legacy_type: str
    credential: str
    last_name: str
    first_name: str
    street: str
    city: str
    state: str
    zip5: str
    gender: str
    profile: BookingProfile | None  # None for non-therapists


@cache
def _places() -> tuple[tuple[str, str, str], ...]:
    found = [
        (row["zip_code"], row["city"].upper(), row["state"])
        for row in all_zip_rows()
        if row["zip_code_type"] == "STANDARD" and row["state"] in _STATE_FIPS
    ]
    return tuple(sorted(found))


def therapist_lines(
    rng: random.Random, provider_type: str, profile: BookingProfile
) -> Iterator[tuple[str, str, float, float, int]]:
    """(code, place of service, services, beneficiary-days, beneficiaries) for one therapist's year."""
    mean_visits, visits_per_bene = _VOLUME[profile]
    visits = max(60, int(rng.lognormvariate(0, 0.6) * mean_visits))
    benes = max(MIN_PUBLISHED_BENEFICIARIES, int(visits / (visits_per_bene * rng.uniform(0.8, 1.2))))
    place = "O" if rng.random() < 0.93 else "F"
    evaluations: tuple[tuple[str, float], ...]
    if provider_type.startswith("Physical"):
        plan = _PT_PLANS[profile]
        evaluations = (("97161", 0.3), ("97162", 0.5), ("97163", 0.1), ("97164", 0.1))
    elif provider_type.startswith("Occupational"):
        plan = _OT_PLANS[profile]
        evaluations = (("97165", 0.6), ("97166", 0.3), ("97168", 0.1))
    else:
        plan = _SLP_PLAN
        evaluations = (("92523", 1.0),)
    for index, (code, share, units) in enumerate(plan):
        # The first code is on (nearly) every visit, so the largest beneficiary-day count
        # is the visit count, as in real files.
        days = visits if index == 0 else int(visits * min(1.0, share * rng.uniform(0.8, 1.2)))
        code_benes = min(days, int(benes * min(1.0, share * rng.uniform(1.0, 1.4))))
        if code_benes < MIN_PUBLISHED_BENEFICIARIES:
            continue  # suppressed by CMS
        services = round(days * units * rng.uniform(0.9, 1.1))
        yield code, place, float(max(services, days)), float(days), code_benes
    billing_group, group_share = _GROUP_VISIT_SHARE[profile]
    if rng.random() < billing_group and not provider_type.startswith("Speech"):
        days = int(visits * group_share * rng.uniform(0.6, 1.4))
        code_benes = min(days, int(benes * rng.uniform(0.3, 0.8)))
        if code_benes >= MIN_PUBLISHED_BENEFICIARIES:
            yield "97150", place, float(days), float(days), code_benes
    for code, share in evaluations:
        count = int(benes * share * rng.uniform(0.7, 1.1))
        if count >= MIN_PUBLISHED_BENEFICIARIES:
            yield code, place, float(count), float(count), count


def _other_lines(rng: random.Random) -> Iterator[tuple[str, str, float, float, int]]:
    for code, _, _ in rng.sample(_OTHER_CODES, k=rng.randint(1, 9)):
        benes = MIN_PUBLISHED_BENEFICIARIES + int(rng.expovariate(1 / 60))
        days = benes + int(rng.expovariate(1 / 40))
        services = days + int(rng.expovariate(1 / 20))
        yield code, rng.choice("OOOF"), float(services), float(days), benes


def _format_count(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


class _Writer:
    def __init__(self, out: TextIO, style: HeaderStyle) -> None:
        self.csv = csv.writer(out, lineterminator="\n")
        self.style = style
        self.csv.writerow(CURRENT_HEADER if style is HeaderStyle.CURRENT else LEGACY_HEADER)

    def row(self, p: _Provider, code: str, place: str, services: float, days: float, benes: int) -> list[str]:
        description = _DESCRIPTIONS.get(code) or next((d for c, d, _ in _OTHER_CODES if c == code), "")
        payment = _PAYMENT.get(code) or next((a for c, _, a in _OTHER_CODES if c == code), 25.0)
        allowed = f"{payment * 1.25:.2f}"
        charge = f"{payment * 2.6:.2f}"
        paid = f"{payment:.2f}"
        standard = f"{payment * 1.02:.2f}"
        drug = "Y" if code.startswith("J") else "N"
        entity = "O" if p.credential == "" else "I"
        first = "" if entity == "O" else p.first_name
        if self.style is HeaderStyle.CURRENT:
            return [
                p.npi, p.last_name, first, "", p.credential, p.gender if entity == "I" else "", entity, p.street, "",
                p.city, p.state, _FIPS.get(p.state, ""), p.zip5, _RUCA[0], _RUCA[1], "US", p.provider_type, "Y",
                code, description, drug, place, str(benes), _format_count(services), _format_count(days),
                charge, allowed, paid, standard,
            ]  # fmt: skip
        return [
            p.npi, p.last_name, first, "", p.credential, p.gender if entity == "I" else "", entity, p.street, "",
            p.city, p.zip5 + "1234", p.state, "US", p.legacy_type, "Y", place, code, description, drug,
            _format_count(services), str(benes), _format_count(days), allowed, charge, paid, standard,
        ]  # fmt: skip


def _malform(rng: random.Random, row: list[str], style: HeaderStyle) -> list[str]:
    header = CURRENT_HEADER if style is HeaderStyle.CURRENT else LEGACY_HEADER
    where = {name: header.index(name) for name in header}
    npi, code, place, services, days = (
        ("Rndrng_NPI", "HCPCS_Cd", "Place_Of_Srvc", "Tot_Srvcs", "Tot_Bene_Day_Srvcs")
        if style is HeaderStyle.CURRENT
        else ("npi", "hcpcs_code", "place_of_service", "line_srvc_cnt", "bene_day_srvc_cnt")
    )
    kind = rng.choice(MALFORMATIONS)
    row = list(row)
    if kind == "bad_npi":
        row[where[npi]] = row[where[npi]][:9] + str((int(row[where[npi]][9]) + 1) % 10)
    elif kind == "text_in_number":
        row[where[services]] = "n/a"
    elif kind == "short_row":
        row = row[: max(where[services], where[days]) - 1]
    elif kind == "days_exceed_services":
        row[where[days]] = str(int(float(row[where[services]])) + 5)
    elif kind == "blank_code":
        row[where[code]] = ""
    else:
        row[where[place]] = "Z"
    return row


@dataclass
class GeneratedFile:
    rows: int
    therapist_rows: int
    malformed_rows: int


def generate_medicare_file(
    out: TextIO,
    *,
    rows: int,
    seed: int = 1,
    style: HeaderStyle = HeaderStyle.CURRENT,
    malformed_share: float = 0.002,
    therapists: Sequence[TherapistSeed] = (),
) -> GeneratedFile:
    """Write a header and exactly ``rows`` data rows; the same arguments give the same bytes."""
    if rows < 0:
        raise ValueError("rows cannot be negative")
    if not 0.0 <= malformed_share <= 1.0:
        raise ValueError("the malformed share is between 0 and 1")
    rng = random.Random(f"medicare:{seed}")
    writer = _Writer(out, style)
    places = _places()
    physician_weights = [w for *_, w in _PHYSICIAN_TYPES]
    therapist_total = sum(w for *_, w in THERAPIST_TYPES)
    # About 1 provider in 20 is a therapist; they bill fewer codes than physicians do.
    therapist_chance = 0.05
    profiles = list(PROFILE_WEIGHTS)
    profile_weights = [PROFILE_WEIGHTS[p] for p in profiles]
    result = GeneratedFile(0, 0, 0)
    seeds = list(therapists)
    legacy_of = {now: before for now, before, _, _ in THERAPIST_TYPES}
    credential_of = {now: credential for now, _, credential, _ in THERAPIST_TYPES}
    provider_number = 0
    while result.rows < rows:
        provider_number += 1
        # Outside the ranges the demo region uses for its organisations and clinicians.
        npi = make_npi(230_000_000 + (seed % 6) * 10_000_000 + provider_number)
        if seeds:
            wanted = seeds.pop(0)
            provider = _Provider(
                wanted.npi, wanted.provider_type, legacy_of.get(wanted.provider_type, wanted.provider_type),
                credential_of.get(wanted.provider_type, ""), wanted.last_name.upper(), wanted.first_name.upper(),
                wanted.street.upper(), wanted.city.upper(), wanted.state, wanted.zip5, rng.choice("FM"), wanted.profile,
            )  # fmt: skip
        else:
            zip5, city, state = rng.choice(places)
            if rng.random() < therapist_chance:
                now, before, credential, _ = rng.choices(
                    THERAPIST_TYPES, weights=[w / therapist_total for *_, w in THERAPIST_TYPES]
                )[0]
                profile: BookingProfile | None = rng.choices(profiles, weights=profile_weights)[0]
            else:
                now, before, credential, _ = rng.choices(_PHYSICIAN_TYPES, weights=physician_weights)[0]
                profile = None
            provider = _Provider(
                npi, now, before, credential, rng.choice(_LAST).upper(), rng.choice(_FIRST).upper(),
                f"{rng.randint(1, 9999)} {rng.choice(_STREETS).upper()}", city, state, zip5, rng.choice("FM"), profile,
            )  # fmt: skip
        lines = (
            therapist_lines(rng, provider.provider_type, provider.profile)
            if provider.profile is not None
            else _other_lines(rng)
        )
        for code, place, services, days, benes in lines:
            if result.rows >= rows:
                break
            row = writer.row(provider, code, place, services, days, benes)
            if malformed_share and rng.random() < malformed_share:
                row = _malform(rng, row, style)
                result.malformed_rows += 1
            writer.csv.writerow(row)
            result.rows += 1
            if provider.profile is not None:
                result.therapist_rows += 1
    return result


def write_medicare_file(path: Path, **options: object) -> GeneratedFile:
    with path.open("w", newline="", encoding="utf-8") as out:
        return generate_medicare_file(out, **options)  # type: ignore[arg-type]
