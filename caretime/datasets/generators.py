"""Synthetic files in the exact formats of the public files, at any size, from a seed.

No real file can be downloaded where caretime is built, so tests and benchmarks use these:
the real NPPES header (329 columns) plus the columns added since 2016, every field quoted,
most fields empty, about a quarter organisations, 1-3 taxonomy slots per provider, and a
share of deliberately malformed therapy rows (bad check digit, unknown ZIP, missing name,
short row, unknown entity type) for the importers' error path. Everything is invented:
names from short lists, addresses at real ZIP codes, NPIs with valid check digits.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from caretime.core.disciplines import Discipline, disciplines_for_taxonomy
from caretime.core.npi import make_npi, npi_check_digit
from caretime.core.places import all_zip_rows
from caretime.datasets.formats import (
    DOCTORS_CLINICIANS_HEADERS,
    NPPES_COLUMNS_SINCE_2016,
    NPPES_LOCATION_HEADER,
    nppes_header_2015,
)
from caretime.progress import ProgressCallback

ORGANIZATION_SHARE = 0.25
THERAPY_SHARE = 0.10  # PTs, OTs, SLPs, their assistants and therapy clinics, of all NPIs
DEACTIVATED_SHARE = 0.02
REACTIVATED_SHARE = 0.005  # carry both dates (a few in the wrong order: still deactivated)
DEFAULT_BAD_SHARE = 0.02  # of therapy rows, so that the error path is exercised at any size
SECONDARY_LOCATION_SHARE = 0.2  # of therapy organisations

THERAPIST_TAXONOMIES = (
    ("225100000X", 35),
    ("2251X0800X", 4),
    ("2251S0007X", 2),
    ("2251N0400X", 1),
    ("225200000X", 12),
    ("225X00000X", 17),
    ("224Z00000X", 7),
    ("235Z00000X", 20),
    ("2355S0801X", 2),
)
THERAPY_CLINIC_TAXONOMIES = (
    ("261QP2000X", 50),
    ("261QR0400X", 22),
    ("261QR0401X", 5),
    ("261QH0700X", 10),
    ("225100000X", 13),
)
OTHER_INDIVIDUAL_TAXONOMIES = (
    "207Q00000X",
    "363L00000X",
    "163W00000X",
    "1223G0001X",
    "207R00000X",
    "390200000X",
    "101YM0800X",
    "152W00000X",
    "183500000X",
    "106H00000X",
)
OTHER_ORGANIZATION_TAXONOMIES = ("332B00000X", "261QM1300X", "282N00000X", "3336C0003X", "251E00000X", "291U00000X")
CREDENTIALS = {
    Discipline.PHYSICAL_THERAPY: ("PT", "DPT", "PT, DPT", "P.T.", "PTA"),
    Discipline.OCCUPATIONAL_THERAPY: ("OTR/L", "OT", "OTD, OTR/L", "COTA"),
    Discipline.SPEECH_LANGUAGE_PATHOLOGY: ("CCC-SLP", "MS, CCC-SLP", "SLP", "SLPA"),
}
SPECIALTIES = {
    Discipline.PHYSICAL_THERAPY: "PHYSICAL THERAPIST IN PRIVATE PRACTICE",
    Discipline.OCCUPATIONAL_THERAPY: "OCCUPATIONAL THERAPIST IN PRIVATE PRACTICE",
    Discipline.SPEECH_LANGUAGE_PATHOLOGY: "QUALIFIED SPEECH LANGUAGE PATHOLOGIST",
}
OTHER_SPECIALTIES = (
    "INTERNAL MEDICINE",
    "FAMILY PRACTICE",
    "NURSE PRACTITIONER",
    "PHYSICIAN ASSISTANT",
    "CHIROPRACTIC",
    "ORTHOPEDIC SURGERY",
    "CERTIFIED REGISTERED NURSE ANESTHETIST (CRNA)",
)
FIRST_NAMES = [
    "MARIA",
    "JAMES",
    "ROBERT",
    "PATRICIA",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "SUSAN",
    "JOSEPH",
    "JESSICA",
    "THOMAS",
    "SARAH",
    "KAREN",
    "NANCY",
    "DANIEL",
    "LISA",
    "MATTHEW",
    "BETTY",
    "ANTHONY",
    "EMILY",
    "ANDREW",
    "PRIYA",
    "WEI",
    "AISHA",
    "CARLOS",
    "SOFIA",
    "NGUYEN",
    "OLUWASEUN",
    "FATIMA",
    "HIROSHI",
    "ANA",
    "LUIS",
    "GRACE",
]
LAST_NAMES = [
    "SMITH",
    "JOHNSON",
    "WILLIAMS",
    "BROWN",
    "JONES",
    "GARCIA",
    "MILLER",
    "DAVIS",
    "RODRIGUEZ",
    "MARTINEZ",
    "HERNANDEZ",
    "LOPEZ",
    "GONZALEZ",
    "WILSON",
    "ANDERSON",
    "THOMAS",
    "TAYLOR",
    "MOORE",
    "JACKSON",
    "MARTIN",
    "LEE",
    "PEREZ",
    "THOMPSON",
    "WHITE",
    "HARRIS",
    "SANCHEZ",
    "CLARK",
    "RAMIREZ",
    "LEWIS",
    "ROBINSON",
    "WALKER",
    "YOUNG",
    "ALLEN",
    "KING",
    "WRIGHT",
    "PATEL",
    "KIM",
    "CHEN",
    "NGUYEN",
    "OKAFOR",
]
STREETS = [
    "MAIN",
    "OAK",
    "PINE",
    "MAPLE",
    "CEDAR",
    "ELM",
    "WASHINGTON",
    "LAKE",
    "HILL",
    "PARK",
    "LINCOLN",
    "JACKSON",
    "FRANKLIN",
    "MADISON",
    "RIVER",
    "SUNSET",
    "HIGHLAND",
    "CENTER",
    "CHURCH",
    "MILL",
    "SPRING",
    "RIDGE",
    "VALLEY",
]
STREET_TYPES = (("STREET", "ST"), ("AVENUE", "AVE"), ("ROAD", "RD"), ("DRIVE", "DR"), ("BOULEVARD", "BLVD"))
CLINIC_WORDS = (
    "PHYSICAL THERAPY",
    "REHABILITATION",
    "SPORTS MEDICINE AND REHAB",
    "SPEECH AND HEARING CENTER",
    "THERAPY SERVICES",
    "PT AND WELLNESS",
)
LEGAL_SUFFIXES = ("LLC", "INC", "PC", "PLLC", "CORPORATION")
NPPES_BAD_KINDS = ("check_digit", "unknown_zip", "missing_name", "short_row", "entity_type")
NPPES_INDIVIDUAL_BAD_KINDS = ("check_digit", "missing_name", "entity_type")
UNKNOWN_ZIP = "00000"


@cache
def _usable_zips() -> tuple[tuple[str, str, str], ...]:
    """(ZIP, CITY, ST) of standard ZIP codes that have a centroid."""
    rows = []
    for row in all_zip_rows():
        if row.get("zip_code_type") != "STANDARD" or not row.get("lat") or not row.get("long"):
            continue
        rows.append((row["zip_code"], row["city"].upper(), row["state"]))
    return tuple(rows)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in choices], weights=[weight for _, weight in choices])[0]


def _bad_check_digit(npi: str) -> str:
    return npi[:9] + str((int(npi[9]) + 1 + npi_check_digit(npi[:9]) % 3) % 10)


def generated_npi(seed: int, index: int) -> str:
    """A valid NPI, distinct for each index under one seed (a prime stride through the
    200 million bases that start with 1 or 2)."""
    return make_npi(100_000_000 + (index * 7_919 + seed * 104_729) % 200_000_000)


def group_pac_id(organization_npi: str) -> str:
    """The Medicare PAC ID a generated organisation bills under (derived, so files agree)."""
    digest = hashlib.sha256(f"pac:{organization_npi}".encode()).hexdigest()
    return f"{int(digest[:12], 16) % 10**10:010d}"


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str
    city: str
    state: str
    zip_code: str


@dataclass
class GeneratedProvider:
    """What a generated NPPES row says, kept for the matching Doctors and Clinicians file."""

    npi: str
    is_organization: bool
    name: str
    first_name: str
    address: Address
    disciplines: frozenset[Discipline]
    credential: str = ""


@dataclass
class GeneratedNppesRow:
    fields: list[str]
    provider: GeneratedProvider | None = None  # only for valid therapy rows
    secondary_locations: list[Address] = field(default_factory=list)
    bad_kind: str = ""


class NppesGenerator:
    """Rows of an NPPES main file (header: the real 2015 header + columns since 2016)."""

    def __init__(self, *, seed: int, bad_share: float = DEFAULT_BAD_SHARE) -> None:
        self.seed = seed
        self.bad_share = bad_share
        self.rng = random.Random(seed)
        # Faults draw from their own stream: every other field is the same whatever the
        # bad share, so a Doctors and Clinicians file can be made to match the NPPES file.
        self._fault_rng = random.Random(f"{seed}:faults")
        self.header = [*nppes_header_2015(), *NPPES_COLUMNS_SINCE_2016]
        self._index = {name: i for i, name in enumerate(self.header)}
        self._zips = _usable_zips()

    def row(self, values: dict[str, str]) -> list[str]:
        """A full row from the non-empty fields, by header name."""
        fields = [""] * len(self.header)
        for name, value in values.items():
            fields[self._index[name]] = value
        return fields

    def address(self) -> Address:
        rng = self.rng
        zip_code, city, state = rng.choice(self._zips)
        street_type = rng.choice(STREET_TYPES)[rng.random() < 0.5]
        line1 = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {street_type}"
        line2 = f"STE {rng.randint(100, 450)}" if rng.random() < 0.3 else ""
        return Address(line1, line2, city, state, zip_code)

    def _date(self, first_year: int) -> str:
        rng = self.rng
        return f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{rng.randint(first_year, 2025)}"

    def _phone(self) -> str:
        return f"{self.rng.randint(201, 989)}555{self.rng.randint(0, 9999):04d}"

    def rows(self, count: int) -> Iterator[GeneratedNppesRow]:
        for index in range(count):
            yield self._one(index)

    def _one(self, index: int) -> GeneratedNppesRow:
        rng = self.rng
        npi = generated_npi(self.seed, index)
        if rng.random() < DEACTIVATED_SHARE:
            # NPPES blanks every field of a deactivated NPI but its number and the date.
            return GeneratedNppesRow(self.row({"NPI": npi, "NPI Deactivation Date": self._date(2008)}))
        is_organization = rng.random() < ORGANIZATION_SHARE
        is_therapy = rng.random() < THERAPY_SHARE
        address = self.address()
        values = {
            "NPI": npi,
            "Entity Type Code": "2" if is_organization else "1",
            "Provider First Line Business Mailing Address": address.line1,
            "Provider Second Line Business Mailing Address": address.line2,
            "Provider Business Mailing Address City Name": address.city,
            "Provider Business Mailing Address State Name": address.state,
            "Provider Business Mailing Address Postal Code": address.zip_code + f"{rng.randint(0, 9999):04d}",
            "Provider Business Mailing Address Country Code (If outside U.S.)": "US",
            "Provider First Line Business Practice Location Address": address.line1,
            "Provider Second Line Business Practice Location Address": address.line2,
            "Provider Business Practice Location Address City Name": address.city,
            "Provider Business Practice Location Address State Name": address.state,
            "Provider Business Practice Location Address Postal Code": (
                address.zip_code + (f"{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else "")
            ),
            "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
            "Provider Business Practice Location Address Telephone Number": self._phone(),
            "Provider Enumeration Date": self._date(2005),
            "Last Update Date": self._date(2007),
        }
        if rng.random() < REACTIVATED_SHARE:
            values["NPI Deactivation Date"] = self._date(2008)
            values["NPI Reactivation Date"] = self._date(2015)
        if rng.random() < 0.3:
            values["Certification Date"] = self._date(2016)
        if is_organization:
            codes = (
                [_weighted(rng, THERAPY_CLINIC_TAXONOMIES)]
                if is_therapy
                else [rng.choice(OTHER_ORGANIZATION_TAXONOMIES)]
            )
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(CLINIC_WORDS) if is_therapy else 'HEALTH'} {rng.choice(LEGAL_SUFFIXES)}"
            first_name = ""
            values["Provider Organization Name (Legal Business Name)"] = name
            if rng.random() < 0.3:
                values["Provider Other Organization Name"] = name.rsplit(" ", 1)[0]
                values["Provider Other Organization Name Type Code"] = "3"
            values["Authorized Official Last Name"] = rng.choice(LAST_NAMES)
            values["Authorized Official First Name"] = rng.choice(FIRST_NAMES)
            values["Authorized Official Title or Position"] = "OWNER"
            values["Authorized Official Telephone Number"] = self._phone()
            values["Is Organization Subpart"] = "Y" if rng.random() < 0.2 else "N"
            credential = ""
        else:
            codes = [_weighted(rng, THERAPIST_TAXONOMIES)] if is_therapy else [rng.choice(OTHER_INDIVIDUAL_TAXONOMIES)]
            name = rng.choice(LAST_NAMES)
            first_name = rng.choice(FIRST_NAMES)
            values["Provider Last Name (Legal Name)"] = name
            values["Provider First Name"] = first_name
            if rng.random() < 0.5:
                values["Provider Middle Name"] = rng.choice(FIRST_NAMES)
            discipline = next(iter(disciplines_for_taxonomy(codes[0])), Discipline.PHYSICAL_THERAPY)
            credential = rng.choice(CREDENTIALS[discipline]) if is_therapy else "MD"
            values["Provider Credential Text"] = credential
            values["Provider Gender Code"] = rng.choice("FM")
            values["Is Sole Proprietor"] = rng.choice("YNX")
        extra_slots = rng.choices((0, 1, 2), weights=(70, 22, 8))[0]
        codes += [rng.choice(OTHER_INDIVIDUAL_TAXONOMIES) for _ in range(extra_slots)]
        for slot, code in enumerate(codes, start=1):
            values[f"Healthcare Provider Taxonomy Code_{slot}"] = code
            values[f"Provider License Number_{slot}"] = f"{rng.randint(1000, 99999999)}"
            values[f"Provider License Number State Code_{slot}"] = address.state
            values[f"Healthcare Provider Primary Taxonomy Switch_{slot}"] = "Y" if slot == 1 else "N"

        bad_kind = ""
        if is_therapy and self._fault_rng.random() < self.bad_share:
            # A clinician needs no geocoded location, so only organisations get address faults.
            bad_kind = self._fault_rng.choice(NPPES_BAD_KINDS if is_organization else NPPES_INDIVIDUAL_BAD_KINDS)
            if bad_kind == "check_digit":
                values["NPI"] = _bad_check_digit(npi)
            elif bad_kind == "unknown_zip":
                values["Provider Business Practice Location Address Postal Code"] = UNKNOWN_ZIP
            elif bad_kind == "missing_name":
                values.pop("Provider Organization Name (Legal Business Name)", None)
                values.pop("Provider Last Name (Legal Name)", None)
            elif bad_kind == "entity_type":
                values["Entity Type Code"] = "X"
        fields = self.row(values)
        if bad_kind == "short_row":
            # Taxonomy slot 1 survives, the practice address does not: a truncated line.
            fields = fields[: self._index["Healthcare Provider Primary Taxonomy Switch_1"] + 1]
            fields[self._index["Provider First Line Business Practice Location Address"]] = ""
        generated = GeneratedNppesRow(fields, bad_kind=bad_kind)
        secondary: list[Address] = []
        if is_therapy and is_organization and rng.random() < SECONDARY_LOCATION_SHARE:
            secondary = [self.address() for _ in range(rng.randint(1, 3))]
        if is_therapy and not bad_kind:
            generated.provider = GeneratedProvider(
                npi=npi,
                is_organization=is_organization,
                name=name,
                first_name=first_name,
                address=address,
                disciplines=disciplines_for_taxonomy(codes[0]),
                credential=credential,
            )
            generated.secondary_locations = secondary
        return generated


@dataclass(frozen=True)
class GeneratedFiles:
    rows: int
    therapy_rows: int
    bad_rows: int
    secondary_locations: int


def write_nppes_files(
    *,
    main_path: Path,
    locations_path: Path | None,
    rows: int,
    seed: int,
    bad_share: float = DEFAULT_BAD_SHARE,
    progress: ProgressCallback | None = None,
) -> GeneratedFiles:
    """Write an NPPES main file and, when asked, its practice-location side file."""
    generator = NppesGenerator(seed=seed, bad_share=bad_share)
    # Its own stream, so the main file is the same with or without the side file.
    side_rng = random.Random(f"{seed}:locations")
    therapy = bad = secondary = 0
    with main_path.open("w", newline="", encoding="utf-8") as main_handle:
        main = csv.writer(main_handle, quoting=csv.QUOTE_ALL)
        main.writerow(generator.header)
        side_handle = locations_path.open("w", newline="", encoding="utf-8") if locations_path else None
        try:
            side = csv.writer(side_handle, quoting=csv.QUOTE_ALL) if side_handle else None
            if side:
                side.writerow(NPPES_LOCATION_HEADER)
            for done, row in enumerate(generator.rows(rows), start=1):
                main.writerow(row.fields)
                therapy += row.provider is not None
                bad += bool(row.bad_kind)
                if side:
                    for address in row.secondary_locations:
                        if row.provider is None:
                            raise ValueError("row.provider is missing")
                        side.writerow(_location_fields(row.provider.npi, address, side_rng))
                        secondary += 1
                if progress and (done % 10_000 == 0 or done == rows):
                    progress("rows", done, rows)
        finally:
            if side_handle:
                side_handle.close()
    return GeneratedFiles(rows=rows, therapy_rows=therapy, bad_rows=bad, secondary_locations=secondary)


def _location_fields(npi: str, address: Address, rng: random.Random) -> list[str]:
    return [
        npi,
        address.line1,
        address.line2,
        address.city,
        address.state,
        address.zip_code + (f"{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else ""),
        "US",
        f"{rng.randint(201, 989)}555{rng.randint(0, 9999):04d}",
        "",
        "",
    ]


def write_nppes_rows(path: Path, rows: Iterable[dict[str, str]], *, header: list[str] | None = None) -> None:
    """Write hand-made rows (non-empty fields by header name) in the NPPES main format."""
    header = header or [*nppes_header_2015(), *NPPES_COLUMNS_SINCE_2016]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for values in rows:
            writer.writerow([values.get(name, "") for name in header])


DOCTORS_CLINICIANS_BAD_KINDS = ("check_digit", "unknown_zip", "missing_name")
THERAPIST_ROW_SHARE = 0.3
DUPLICATE_SHARE = 0.03


def write_doctors_clinicians_file(
    *,
    path: Path,
    rows: int,
    seed: int,
    style: str = "display",
    nppes_rows: int | None = None,
    bad_share: float = DEFAULT_BAD_SHARE,
    progress: ProgressCallback | None = None,
) -> GeneratedFiles:
    """Write a Doctors and Clinicians file whose therapists and groups are those of the NPPES
    file generated with the same seed and ``nppes_rows`` rows (default: ``rows``), so the two
    files link up as the real ones do."""
    header = DOCTORS_CLINICIANS_HEADERS[style]
    therapists: list[GeneratedProvider] = []
    organizations: list[GeneratedProvider] = []
    for row in NppesGenerator(seed=seed, bad_share=0).rows(nppes_rows if nppes_rows is not None else rows):
        if row.provider is not None:
            (organizations if row.provider.is_organization else therapists).append(row.provider)
    nppes = NppesGenerator(seed=seed + 1, bad_share=0)  # addresses and names for invented groups
    rng = random.Random(f"{seed}:doctors-clinicians")
    therapy = bad = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(header)
        previous: list[str] | None = None
        written = 0
        while written < rows:
            if previous is not None and rng.random() < DUPLICATE_SHARE:
                writer.writerow(previous)  # the same clinician, group and address twice
                written += 1
                continue
            values = _doctors_clinicians_values(rng, nppes, therapists, organizations)
            if values["pri_spec"] in SPECIALTIES.values():
                therapy += 1
                if rng.random() < bad_share:
                    bad += 1
                    kind = rng.choice(DOCTORS_CLINICIANS_BAD_KINDS)
                    if kind == "check_digit":
                        values["npi"] = _bad_check_digit(values["npi"])
                    elif kind == "unknown_zip":
                        values["zip_code"] = UNKNOWN_ZIP
                    else:
                        values["last_name"] = ""
            previous = doctors_clinicians_fields(header, values)
            writer.writerow(previous)
            written += 1
            if progress and (written % 10_000 == 0 or written == rows):
                progress("rows", written, rows)
    return GeneratedFiles(rows=rows, therapy_rows=therapy, bad_rows=bad, secondary_locations=0)


def _doctors_clinicians_values(
    rng: random.Random,
    nppes: NppesGenerator,
    therapists: list[GeneratedProvider],
    organizations: list[GeneratedProvider],
) -> dict[str, str]:
    is_therapist = rng.random() < THERAPIST_ROW_SHARE
    if is_therapist and therapists and rng.random() < 0.9:
        person = rng.choice(therapists)
    else:
        index = 10_000_000 + rng.randint(0, 80_000_000)
        discipline = rng.choice(list(Discipline))
        person = GeneratedProvider(
            npi=generated_npi(nppes.seed + 7, index),
            is_organization=False,
            name=rng.choice(LAST_NAMES),
            first_name=rng.choice(FIRST_NAMES),
            address=nppes.address(),
            disciplines=frozenset({discipline}),
            credential=rng.choice(CREDENTIALS[discipline]),
        )
    discipline = next(iter(person.disciplines), Discipline.PHYSICAL_THERAPY)
    specialty = SPECIALTIES[discipline] if is_therapist else rng.choice(OTHER_SPECIALTIES)
    draw = rng.random()
    if draw < 0.6 and organizations:
        group = rng.choice(organizations)
        facility, pac_id, address = group.name, group_pac_id(group.npi), group.address
        # The two agencies spell one street differently; the importer must still match it.
        line1 = address.line1
        for long, short in STREET_TYPES:
            if line1.endswith(f" {short}") and rng.random() < 0.5:
                line1 = line1.removesuffix(short) + long
    elif draw < 0.85:
        address = nppes.address()
        facility = f"{rng.choice(LAST_NAMES)} {rng.choice(CLINIC_WORDS)} {rng.choice(LEGAL_SUFFIXES)}"
        pac_id = f"{rng.randint(0, 10**10 - 1):010d}"
        line1 = address.line1
    else:
        address, facility, pac_id, line1 = person.address, "", "", person.address.line1
    return {
        "npi": person.npi,
        "ind_pac_id": f"{rng.randint(0, 10**10 - 1):010d}",
        "ind_enrl_id": f"I{rng.randint(10**13, 10**14 - 1)}",
        "last_name": person.name,
        "first_name": person.first_name,
        "middle_name": rng.choice(FIRST_NAMES) if rng.random() < 0.3 else "",
        "gndr": rng.choice("FM"),
        "cred": person.credential if is_therapist and rng.random() < 0.5 else "",
        "med_sch": "OTHER",
        "grd_yr": str(rng.randint(1975, 2023)),
        "pri_spec": specialty,
        "telehlth": "Y" if rng.random() < 0.2 else "",
        "facility_name": facility,
        "org_pac_id": pac_id,
        "num_org_mem": str(rng.randint(1, 250)) if pac_id else "",
        "adr_ln_1": line1,
        "adr_ln_2": address.line2,
        "ln_2_sprs": "",
        "city": address.city,
        "state": address.state,
        "zip_code": address.zip_code + (f"{rng.randint(0, 9999):04d}" if rng.random() < 0.4 else ""),
        "phone": f"{rng.randint(201, 989)}555{rng.randint(0, 9999):04d}",
        "ind_assgn": "Y",
        "grp_assgn": "Y" if pac_id else "",
        "adrs_id": f"{address.state}{rng.randint(10**9, 10**10 - 1)}",
    }


# Header (lower-cased, in any of the three styles) -> generated value name.
_DOCTORS_CLINICIANS_SOURCES = {
    "npi": "npi",
    "ind_pac_id": "ind_pac_id",
    "pac id": "ind_pac_id",
    "ind_enrl_id": "ind_enrl_id",
    "professional enrollment id": "ind_enrl_id",
    "provider last name": "last_name",
    "provider_last_name": "last_name",
    "lst_nm": "last_name",
    "provider first name": "first_name",
    "provider_first_name": "first_name",
    "frst_nm": "first_name",
    "provider middle name": "middle_name",
    "provider_middle_name": "middle_name",
    "mid_nm": "middle_name",
    "gndr": "gndr",
    "cred": "cred",
    "med_sch": "med_sch",
    "grd_yr": "grd_yr",
    "pri_spec": "pri_spec",
    "telehlth": "telehlth",
    "facility name": "facility_name",
    "facility_name": "facility_name",
    "org_lgl_nm": "facility_name",
    "org_pac_id": "org_pac_id",
    "num_org_mem": "num_org_mem",
    "adr_ln_1": "adr_ln_1",
    "adr_ln_2": "adr_ln_2",
    "ln_2_sprs": "ln_2_sprs",
    "city/town": "city",
    "citytown": "city",
    "cty": "city",
    "state": "state",
    "st": "state",
    "zip code": "zip_code",
    "zip_code": "zip_code",
    "zip": "zip_code",
    "telephone number": "phone",
    "telephone_number": "phone",
    "phn_numbr": "phone",
    "ind_assgn": "ind_assgn",
    "assgn": "ind_assgn",
    "grp_assgn": "grp_assgn",
    "adrs_id": "adrs_id",
}


def doctors_clinicians_fields(header: list[str], values: dict[str, str]) -> list[str]:
    return [values.get(_DOCTORS_CLINICIANS_SOURCES.get(name.lower(), ""), "") for name in header]
