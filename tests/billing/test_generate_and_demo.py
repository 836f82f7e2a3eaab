"""Generated Medicare files and the demo billing of the demo region."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from caretime.billing.generate import CURRENT_HEADER, LEGACY_HEADER, generate_medicare_file
from caretime.billing.medicare_file import HeaderStyle
from caretime.billing.models import ClinicBillingYear, ClinicianBillingYear, MedicareServiceLine
from caretime.core.billing import GROUP_SHARE_NOT_ONE_ON_ONE, THERAPIST_PROVIDER_TYPES, roll_up
from caretime.core.npi import is_valid_npi
from caretime.directory.demo import CareProfile, care_profile
from caretime.directory.models import Clinic


def generated(rows: int, seed: int = 1, **options: object) -> str:
    out = io.StringIO()
    generate_medicare_file(out, rows=rows, seed=seed, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_same_seed_same_bytes_other_seed_other_file() -> None:
    assert generated(500, seed=3) == generated(500, seed=3)
    assert generated(500, seed=3) != generated(500, seed=4)


@pytest.mark.parametrize(
    ("style", "header"), [(HeaderStyle.CURRENT, CURRENT_HEADER), (HeaderStyle.LEGACY, LEGACY_HEADER)]
)
def test_exact_row_count_and_header(style: HeaderStyle, header: list[str]) -> None:
    rows = list(csv.reader(io.StringIO(generated(2_345, style=style, malformed_share=0))))
    assert rows[0] == header
    assert len(rows) == 2_346
    assert all(len(row) == len(header) for row in rows[1:])


def test_realistic_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(generated(20_000, malformed_share=0))))
    therapists = [r for r in rows if r["Rndrng_Prvdr_Type"] in THERAPIST_PROVIDER_TYPES]
    assert 0.03 < len(therapists) / len(rows) < 0.15  # most of the file is physicians
    assert all(is_valid_npi(r["Rndrng_NPI"]) for r in rows)
    assert all(int(r["Tot_Benes"]) >= 11 for r in rows)  # CMS suppression
    assert all(int(r["Tot_Benes"]) <= float(r["Tot_Bene_Day_Srvcs"]) <= float(r["Tot_Srvcs"]) for r in rows)
    assert any(r["HCPCS_Cd"] == "97150" for r in therapists)


def test_malformed_share_is_about_what_was_asked() -> None:
    out = io.StringIO()
    result = generate_medicare_file(out, rows=10_000, seed=2, malformed_share=0.02)
    assert 120 < result.malformed_rows < 280


@pytest.mark.django_db
def test_generate_command_matching_the_directory_links_on_import(tmp_path: Path) -> None:
    call_command("load_demo", "--clinics", "40", stdout=io.StringIO())
    MedicareServiceLine.objects.all().delete()
    ClinicianBillingYear.objects.all().delete()
    ClinicBillingYear.objects.all().delete()
    path = tmp_path / "matched_D22_.csv"
    out = io.StringIO()
    call_command("generate_medicare_file", str(path), "--rows", "3000", "--match-directory", "30", stdout=out)
    assert "30 from the directory" in out.getvalue()
    out = io.StringIO()
    call_command("import_medicare", str(path), "--demo", stdout=out)
    assert "linked by roster 30" in out.getvalue().replace(",", "")
    assert ClinicBillingYear.objects.filter(year=2022, linked_by="roster", is_demo=True).exists()
    assert not MedicareServiceLine.objects.filter(is_demo=False).exists()


@pytest.mark.django_db
def test_demo_billing_follows_each_clinics_care_profile() -> None:
    out = io.StringIO()
    call_command("load_demo", "--clinics", "120", "--seed", "5", stdout=out)
    assert "Demo Medicare billing 2023" in out.getvalue()
    assert not MedicareServiceLine.objects.filter(is_demo=False).exists()
    clinics = list(Clinic.objects.filter(is_demo=True).order_by("pk"))
    by_profile: dict[CareProfile, list[float]] = {p: [] for p in CareProfile}
    group: dict[CareProfile, list[float]] = {p: [] for p in CareProfile}
    for index, clinic in enumerate(clinics):
        for row in ClinicBillingYear.objects.filter(clinic=clinic, discipline="pt"):
            assert row.is_demo
            by_profile[care_profile(5, index)].append(row.timed_units_per_visit)
            group[care_profile(5, index)].append(row.group_share)
    mean = {p: sum(v) / len(v) for p, v in by_profile.items() if v}
    assert mean[CareProfile.ONE_ON_ONE] > mean[CareProfile.AVERAGE] > mean[CareProfile.MILL]
    assert max(group[CareProfile.ONE_ON_ONE]) < GROUP_SHARE_NOT_ONE_ON_ONE
    # reloading replaces the demo billing instead of adding to it
    count = MedicareServiceLine.objects.count()
    call_command("load_demo", "--clinics", "120", "--seed", "5", stdout=io.StringIO())
    assert MedicareServiceLine.objects.count() == count
    assert roll_up([]) is None


@pytest.mark.django_db
def test_recompute_command(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("compute_billing_indicators", stdout=out)
    assert "No Medicare rows are loaded" in out.getvalue()
