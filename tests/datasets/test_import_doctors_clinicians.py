"""The Doctors and Clinicians importer: therapists onto the rosters of the clinics at their addresses."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from caretime.core.npi import make_npi
from caretime.datasets.formats import DOCTORS_CLINICIANS_HEADERS
from caretime.datasets.generators import doctors_clinicians_fields, write_doctors_clinicians_file, write_nppes_files
from caretime.directory.models import Clinic, Clinician, ClinicSource, Organization
from tests.datasets.helpers import organization_row, run_command, write_file
from tests.public_ids import rows_without_their_id

pytestmark = pytest.mark.django_db

PT = "PHYSICAL THERAPIST IN PRIVATE PRACTICE"
SLP = "QUALIFIED SPEECH LANGUAGE PATHOLOGIST"


def roster_row(base: int, last: str, *, specialty: str = PT, pac: str = "", facility: str = "", street: str = "", zip_code: str = "60614") -> dict[str, str]:  # fmt: skip
    return {
        "npi": make_npi(base),
        "last_name": last,
        "first_name": "PAT",
        "cred": "PT",
        "pri_spec": specialty,
        "facility_name": facility,
        "org_pac_id": pac,
        "adr_ln_1": street,
        "city": "CHICAGO",
        "state": "IL",
        "zip_code": zip_code,
    }


def write_roster(path: Path, rows: list[dict[str, str]], style: str = "display") -> Path:
    header = DOCTORS_CLINICIANS_HEADERS[style]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(doctors_clinicians_fields(header, row) for row in rows)
    return path


@pytest.fixture
def good_pt(tmp_path: Path) -> Clinic:
    run_command("import_nppes", write_file(tmp_path / "nppes.csv", [organization_row(111111111, "GOOD PT")]))
    return Clinic.objects.get()


def the_rows() -> list[dict[str, str]]:
    at_good_pt = roster_row(200000001, "ALVAREZ", pac="1234567890", facility="GOOD PT", street="100 North Main Street", zip_code="606141234")  # fmt: skip
    bad_npi = roster_row(200000005, "TYPO")
    bad_npi["npi"] = bad_npi["npi"][:9] + str((int(bad_npi["npi"][9]) + 1) % 10)
    return [
        at_good_pt,  # line 2
        at_good_pt,  # line 3: the same clinician, group and address again
        roster_row(
            200000002,
            "BROWN",
            specialty=SLP,
            pac="9999999999",
            facility="NEW GROUP PT LLC",
            street="5 OAK AVE",
            zip_code="60601",
        ),
        roster_row(200000003, "CHEN", street="7 ELM ST"),  # line 5: on their own, no clinic there
        roster_row(200000004, "DOCTOR", specialty="INTERNAL MEDICINE", pac="1234567890", street="100 N MAIN ST"),
        bad_npi,  # line 7
        roster_row(200000006, "NOWHERE", pac="1234567890", street="1 X ST", zip_code="00000"),  # line 8
    ]


@pytest.mark.parametrize("style", sorted(DOCTORS_CLINICIANS_HEADERS))
def test_therapists_join_the_roster_of_the_clinic_at_their_address(style: str, good_pt: Clinic, tmp_path: Path) -> None:
    output = run_command("import_doctors_clinicians", write_roster(tmp_path / "dac.csv", the_rows(), style))

    alvarez = Clinician.objects.get(last_name="ALVAREZ")
    assert list(alvarez.clinics.all()) == [good_pt]  # "100 North Main Street" is "100 N MAIN ST"
    good_pt.organization.refresh_from_db()
    assert good_pt.organization.medicare_group_pac_id == "1234567890"

    brown = Clinician.objects.get(last_name="BROWN")
    assert brown.discipline == "slp"
    new_clinic = brown.clinics.get()
    assert (new_clinic.name, new_clinic.address_line1, new_clinic.zip_code) == (
        "NEW GROUP PT LLC",
        "5 OAK AVE",
        "60601",
    )
    assert new_clinic.source == ClinicSource.DOCTORS_CLINICIANS
    assert new_clinic.organization.medicare_group_pac_id == "9999999999"
    assert new_clinic.disciplines == ["slp"]

    assert not Clinician.objects.filter(last_name="DOCTOR").exists(), "only therapists are read"
    assert not Clinician.objects.get(last_name="CHEN").clinics.exists()
    assert "1  the same clinician, group practice and address listed twice" in output
    assert "1  therapist on their own at an address with no clinic in the directory" in output
    assert "line 7: invalid NPI" in output
    assert "line 8: ZIP code is not a known US ZIP code: '00000'" in output


def test_reimport_keeps_the_same_rosters_and_clinics(good_pt: Clinic, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "dac.csv", the_rows())
    run_command("import_doctors_clinicians", path)
    before = sorted(Clinic.objects.values_list("pk", "source_key", "is_active"))
    links = sorted(Clinician.clinics.through.objects.values_list("clinician_id", "clinic_id"))

    output = run_command("import_doctors_clinicians", path)

    assert sorted(Clinic.objects.values_list("pk", "source_key", "is_active")) == before
    assert sorted(Clinician.clinics.through.objects.values_list("clinician_id", "clinic_id")) == links
    assert "imported (new): none" in output
    assert "marked inactive: none" in output


def test_a_group_address_missing_from_a_newer_file_is_marked_inactive(good_pt: Clinic, tmp_path: Path) -> None:
    run_command("import_doctors_clinicians", write_roster(tmp_path / "v1.csv", the_rows()))
    group_clinic = Clinic.objects.get(source=ClinicSource.DOCTORS_CLINICIANS)

    run_command("import_doctors_clinicians", write_roster(tmp_path / "v2.csv", the_rows()[:1]))

    group_clinic.refresh_from_db()
    assert not group_clinic.is_active
    assert group_clinic.clinicians.filter(last_name="BROWN").exists(), "its roster stays attached"
    good_pt.refresh_from_db()
    assert good_pt.is_active, "NPPES clinics are only judged by NPPES files"


def test_a_file_without_required_columns_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "dac.csv"
    header = [name for name in DOCTORS_CLINICIANS_HEADERS["display"] if name not in ("org_pac_id", "pri_spec")]
    path.write_text(",".join(header) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run_command("import_doctors_clinicians", path)
    assert '"org_pac_id"' in str(refused.value)
    assert '"pri_spec"' in str(refused.value)


def test_dry_run_writes_nothing(good_pt: Clinic, tmp_path: Path) -> None:
    output = run_command("import_doctors_clinicians", write_roster(tmp_path / "dac.csv", the_rows()), "--dry-run")
    assert "would be imported (new)" in output
    assert not Clinician.objects.exists()
    assert Clinic.objects.count() == 1
    assert not Organization.objects.exclude(medicare_group_pac_id="").exists()


@pytest.mark.parametrize("style", sorted(DOCTORS_CLINICIANS_HEADERS))
def test_generated_files_link_up_end_to_end(style: str, tmp_path: Path) -> None:
    write_nppes_files(main_path=tmp_path / "nppes.csv", locations_path=None, rows=800, seed=1)
    dac = tmp_path / "dac.csv"
    write_doctors_clinicians_file(path=dac, rows=400, seed=1, style=style, nppes_rows=800)
    run_command("import_nppes", tmp_path / "nppes.csv")
    nppes_clinics = Clinic.objects.count()

    output = run_command("import_doctors_clinicians", dac)

    on_nppes_clinics = Clinician.objects.filter(clinics__source=ClinicSource.NPPES).distinct().count()
    assert on_nppes_clinics > 10, "therapists of NPPES group practices land on those clinics"
    assert Clinic.objects.filter(source=ClinicSource.DOCTORS_CLINICIANS).exists()
    assert Clinic.objects.filter(source=ClinicSource.NPPES).count() == nppes_clinics
    rostered = Clinician.objects.filter(clinics__isnull=False).distinct().count()
    only_in_medicare = Clinician.objects.filter(last_imported_at__isnull=True).count()
    assert only_in_medicare < rostered / 2, "the two generated files mostly describe the same therapists"
    assert Organization.objects.filter(npi__isnull=False).exclude(medicare_group_pac_id="").exists()
    assert rows_without_their_id() == [], "the group practices' new rows are found by their open data ids"
    assert "Rows that could not be used" in output
