"""Hand-made NPPES rows for tests that need to know exactly what a file says."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.core.management import call_command

from caretime.core.npi import make_npi
from caretime.datasets.generators import write_nppes_rows

PRACTICE = "Provider Business Practice Location Address"


def organization_row(
    base: int,
    name: str,
    *,
    street: str = "100 N MAIN ST",
    zip_code: str = "60614",
    taxonomy: str = "261QP2000X",
    doing_business_as: str = "",
) -> dict[str, str]:
    row = {
        "NPI": make_npi(base),
        "Entity Type Code": "2",
        "Provider Organization Name (Legal Business Name)": name,
        "Provider First Line Business Practice Location Address": street,
        f"{PRACTICE} City Name": "CHICAGO",
        f"{PRACTICE} State Name": "IL",
        f"{PRACTICE} Postal Code": zip_code + "1234",
        f"{PRACTICE} Telephone Number": "3125550100",
        "Healthcare Provider Taxonomy Code_1": taxonomy,
        "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        "Last Update Date": "01/15/2024",
    }
    if doing_business_as:
        row["Provider Other Organization Name"] = doing_business_as
        row["Provider Other Organization Name Type Code"] = "3"
    return row


def individual_row(
    base: int, last: str, first: str, *, taxonomy: str = "225100000X", credential: str = "DPT"
) -> dict[str, str]:
    return {
        "NPI": make_npi(base),
        "Entity Type Code": "1",
        "Provider Last Name (Legal Name)": last,
        "Provider First Name": first,
        "Provider Credential Text": credential,
        "Provider First Line Business Practice Location Address": "1 ELM ST",
        f"{PRACTICE} Postal Code": "60614",
        "Healthcare Provider Taxonomy Code_1": "207Q00000X",
        "Healthcare Provider Primary Taxonomy Switch_1": "N",
        "Healthcare Provider Taxonomy Code_2": taxonomy,
        "Healthcare Provider Primary Taxonomy Switch_2": "Y",
    }


def deactivated_row(base: int) -> dict[str, str]:
    return {"NPI": make_npi(base), "NPI Deactivation Date": "03/01/2025"}


def write_file(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    write_nppes_rows(path, rows, header=header)
    return path


def run_command(name: str, *args: Any, **options: Any) -> str:
    out = io.StringIO()
    call_command(name, *[str(arg) for arg in args], stdout=out, **options)
    return out.getvalue()
