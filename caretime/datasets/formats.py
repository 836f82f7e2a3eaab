"""The columns the importers read from each public file, found by header name.

Agencies add, reorder and lengthen columns from year to year, so nothing here depends on
a column's position: a header is matched by its words (case and spacing ignored), and a
field may have several accepted names across vintages and download styles.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

TAXONOMY_SLOTS = 15


class WrongFileError(ValueError):
    """The file is not the one the importer reads (no row can be trusted); nothing is written."""


def header_key(name: str) -> str:
    """How two spellings of one header are recognised as the same column."""
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class Field:
    """A field the importer reads: its internal name and the headers it goes by."""

    name: str
    headers: tuple[str, ...]
    required: bool = True


def _nppes_fields() -> tuple[Field, ...]:
    fields = [
        Field("npi", ("NPI",)),
        Field("entity_type", ("Entity Type Code",)),
        Field("organization_name", ("Provider Organization Name (Legal Business Name)",)),
        Field("last_name", ("Provider Last Name (Legal Name)",)),
        Field("first_name", ("Provider First Name",)),
        Field("credential", ("Provider Credential Text",)),
        Field("other_organization_name", ("Provider Other Organization Name",)),
        Field("other_organization_name_type", ("Provider Other Organization Name Type Code",)),
        Field("address_line1", ("Provider First Line Business Practice Location Address",)),
        Field("address_line2", ("Provider Second Line Business Practice Location Address",)),
        Field("city", ("Provider Business Practice Location Address City Name",)),
        Field("state", ("Provider Business Practice Location Address State Name",)),
        Field("postal_code", ("Provider Business Practice Location Address Postal Code",)),
        Field("phone", ("Provider Business Practice Location Address Telephone Number",)),
        Field("deactivation_date", ("NPI Deactivation Date",)),
        Field("reactivation_date", ("NPI Reactivation Date",)),
        Field("last_update_date", ("Last Update Date",)),
    ]
    for slot in range(1, TAXONOMY_SLOTS + 1):
        fields.append(Field(f"taxonomy_{slot}", (f"Healthcare Provider Taxonomy Code_{slot}",)))
        fields.append(Field(f"primary_{slot}", (f"Healthcare Provider Primary Taxonomy Switch_{slot}",)))
    return tuple(fields)


NPPES_FIELDS = _nppes_fields()

_SECONDARY = "Provider Secondary Practice Location Address-"
NPPES_LOCATION_FIELDS = (
    Field("npi", ("NPI",)),
    Field("address_line1", (f"{_SECONDARY} Address Line 1",)),
    Field("address_line2", (f"{_SECONDARY}  Address Line 2", f"{_SECONDARY} Address Line 2")),
    Field("city", (f"{_SECONDARY} City Name",)),
    Field("state", (f"{_SECONDARY} State Name",)),
    Field("postal_code", (f"{_SECONDARY} Postal Code",)),
    Field("phone", (f"{_SECONDARY} Telephone Number",), required=False),
)

# The CSV download uses display headers, the data API snake_case keys, older vintages
# abbreviations; header_key() makes "City/Town" and "citytown" differ, so both are listed.
DOCTORS_CLINICIANS_FIELDS = (
    Field("npi", ("NPI",)),
    Field("last_name", ("Provider Last Name", "lst_nm")),
    Field("first_name", ("Provider First Name", "frst_nm")),
    Field("credential", ("cred", "Cred"), required=False),
    Field("primary_specialty", ("pri_spec",)),
    Field("facility_name", ("Facility Name", "org_lgl_nm")),
    Field("group_pac_id", ("org_pac_id",)),
    Field("address_line1", ("adr_ln_1",)),
    Field("address_line2", ("adr_ln_2",), required=False),
    Field("city", ("City/Town", "citytown", "cty")),
    Field("state", ("State", "st")),
    Field("zip_code", ("ZIP Code", "zip_code", "zip")),
    Field("phone", ("Telephone Number", "telephone_number", "phn_numbr"), required=False),
)


def read_header(path: Path) -> list[str]:
    """The column names on the first line of a CSV file."""
    try:
        with path.open(newline="", encoding="utf-8", errors="replace") as handle:
            header = next(csv.reader(handle), None)
    except OSError as error:
        raise WrongFileError(f"{path} cannot be read: {error.strerror}.") from None
    if not header:
        raise WrongFileError(f"{path} is empty: expected a CSV file with a header line.")
    return header


def locate_columns(header: list[str], fields: tuple[Field, ...], *, file_kind: str) -> dict[str, str]:
    """Map each field to the file's own header, or raise WrongFileError listing every
    required column that is missing."""
    by_key = {header_key(name): name for name in header}
    found: dict[str, str] = {}
    missing: list[str] = []
    for field in fields:
        actual = next((by_key[key] for key in map(header_key, field.headers) if key in by_key), None)
        if actual is not None:
            found[field.name] = actual
        elif field.required:
            missing.append(" or ".join(f'"{name}"' for name in field.headers))
    if missing:
        raise WrongFileError(
            f"This is not {file_kind}: {len(missing)} required column(s) are missing: "
            + "; ".join(missing)
            + ". Check that you passed the right file and that its first line is the header."
        )
    return found


def nppes_header_2015() -> list[str]:
    """The real 329-column header of the NPPES main file (2015 vintage), shipped with caretime."""
    text = resources.files("caretime.datasets").joinpath("data/npidata_pfile_header_2015.csv").read_text("utf-8")
    return next(csv.reader([text.strip()]))


# Files since 2016 add columns at the end.
NPPES_COLUMNS_SINCE_2016 = ("Certification Date",)

NPPES_LOCATION_HEADER = [
    "NPI",
    f"{_SECONDARY} Address Line 1",
    f"{_SECONDARY}  Address Line 2",
    f"{_SECONDARY} City Name",
    f"{_SECONDARY} State Name",
    f"{_SECONDARY} Postal Code",
    f"{_SECONDARY} Country Code (If outside U.S.)",
    f"{_SECONDARY} Telephone Number",
    f"{_SECONDARY} Telephone Extension",
    f"{_SECONDARY} Fax Number",
]

DOCTORS_CLINICIANS_DISPLAY_HEADER = [
    "NPI",
    "Ind_PAC_ID",
    "Ind_enrl_ID",
    "Provider Last Name",
    "Provider First Name",
    "Provider Middle Name",
    "suff",
    "gndr",
    "Cred",
    "Med_sch",
    "Grd_yr",
    "pri_spec",
    "sec_spec_1",
    "sec_spec_2",
    "sec_spec_3",
    "sec_spec_4",
    "sec_spec_all",
    "Telehlth",
    "Facility Name",
    "org_pac_id",
    "num_org_mem",
    "adr_ln_1",
    "adr_ln_2",
    "ln_2_sprs",
    "City/Town",
    "State",
    "ZIP Code",
    "Telephone Number",
    "ind_assgn",
    "grp_assgn",
    "adrs_id",
]

DOCTORS_CLINICIANS_API_HEADER = [
    "npi",
    "ind_pac_id",
    "ind_enrl_id",
    "provider_last_name",
    "provider_first_name",
    "provider_middle_name",
    "suff",
    "gndr",
    "cred",
    "med_sch",
    "grd_yr",
    "pri_spec",
    "sec_spec_1",
    "sec_spec_2",
    "sec_spec_3",
    "sec_spec_4",
    "sec_spec_all",
    "telehlth",
    "facility_name",
    "org_pac_id",
    "num_org_mem",
    "adr_ln_1",
    "adr_ln_2",
    "ln_2_sprs",
    "citytown",
    "state",
    "zip_code",
    "telephone_number",
    "ind_assgn",
    "grp_assgn",
    "adrs_id",
]

DOCTORS_CLINICIANS_LEGACY_HEADER = [
    "NPI",
    "PAC ID",
    "Professional Enrollment ID",
    "lst_nm",
    "frst_nm",
    "mid_nm",
    "suff",
    "gndr",
    "Cred",
    "Med_sch",
    "Grd_yr",
    "pri_spec",
    "sec_spec_1",
    "sec_spec_all",
    "org_lgl_nm",
    "org_pac_id",
    "num_org_mem",
    "adr_ln_1",
    "adr_ln_2",
    "ln_2_sprs",
    "cty",
    "st",
    "zip",
    "phn_numbr",
    "assgn",
]

DOCTORS_CLINICIANS_HEADERS = {
    "display": DOCTORS_CLINICIANS_DISPLAY_HEADER,
    "api": DOCTORS_CLINICIANS_API_HEADER,
    "legacy": DOCTORS_CLINICIANS_LEGACY_HEADER,
}
