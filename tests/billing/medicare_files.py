"""Small Medicare files in the exact format, written by hand so that every figure is known."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from caretime.billing.generate import CURRENT_HEADER, LEGACY_HEADER

PT_NPI = "1234567893"  # valid check digit (docs/data-sources.md)
OT_NPI = "1003000126"
OTHER_NPI = "1003000134"

# (npi, provider type now, provider type before 2019, code, place, beneficiaries, services, days, street, zip)
ROWS = [
    (PT_NPI, "Physical Therapist in Private Practice", "Physical Therapist", "97110", "O", "20", "300", "150", "1 Test St", "60614"),
    (PT_NPI, "Physical Therapist in Private Practice", "Physical Therapist", "97110", "F", "11", "30", "20", "1 Test St", "60614"),
    (PT_NPI, "Physical Therapist in Private Practice", "Physical Therapist", "97140", "O", "15", "100", "80", "1 Test St", "60614"),
    (PT_NPI, "Physical Therapist in Private Practice", "Physical Therapist", "97150", "O", "12", "50", "50", "1 Test St", "60614"),
    (PT_NPI, "Physical Therapist in Private Practice", "Physical Therapist", "97162", "O", "18", "18", "18", "1 Test St", "60614"),
    (OTHER_NPI, "Internal Medicine", "Internal Medicine", "99213", "O", "40", "90", "80", "9 Other Rd", "60601"),
    ("1234567890", "Physical Therapist in Private Practice", "Physical Therapist", "97110", "O", "20", "40", "30", "1 Test St", "60614"),
    (OT_NPI, "Occupational Therapist in Private Practice", "Occupational therapist", "97530", "O", "30", "n/a", "200", "2 Lake Ave", "60601"),
    (OT_NPI, "Occupational Therapist in Private Practice", "Occupational therapist", "97530", "F", "30", "500", "250", "2 Lake Ave", "60601"),
]  # fmt: skip
GOOD_THERAPIST_ROWS = 6  # the five PT rows and the OT facility row
BAD_ROWS = {8: "NPI", 9: "services is not a number"}  # row numbers (header is row 1)


def write_file(path: Path, *, legacy: bool = False, rows: Sequence[tuple[str, ...]] = ROWS, drop: str = "") -> Path:
    header = LEGACY_HEADER if legacy else CURRENT_HEADER
    names = (
        ("npi", "provider_type", "hcpcs_code", "place_of_service", "bene_unique_cnt", "line_srvc_cnt",
         "bene_day_srvc_cnt", "nppes_provider_street1", "nppes_provider_zip", "nppes_provider_state")
        if legacy
        else ("Rndrng_NPI", "Rndrng_Prvdr_Type", "HCPCS_Cd", "Place_Of_Srvc", "Tot_Benes", "Tot_Srvcs",
              "Tot_Bene_Day_Srvcs", "Rndrng_Prvdr_St1", "Rndrng_Prvdr_Zip5", "Rndrng_Prvdr_State_Abrvtn")
    )  # fmt: skip
    kept = [h for h in header if h != drop]
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=kept, extrasaction="ignore")
        writer.writeheader()
        for npi, now, before, code, place, benes, services, days, street, zip5 in rows:
            values = (npi, before if legacy else now, code, place, benes, services, days, street,
                      zip5 + ("1234" if legacy else ""), "IL")  # fmt: skip
            writer.writerow(dict(zip(names, values, strict=True)))
    return path
