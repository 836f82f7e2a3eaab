"""The NPPES importer: what lands in the directory, what is refused, and what survives a newer file."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from caretime.core.npi import make_npi
from caretime.datasets.formats import NPPES_COLUMNS_SINCE_2016, nppes_header_2015
from caretime.datasets.generators import NppesGenerator, write_nppes_files
from caretime.directory.models import Clinic, Clinician, ClinicService, ClinicSource, InsurancePlan, Organization
from tests.datasets.helpers import (
    deactivated_row,
    individual_row,
    organization_row,
    run_command,
    write_file,
)
from tests.public_ids import rows_without_their_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, Path]:
    main, side = tmp_path / "npidata_pfile.csv", tmp_path / "pl_pfile.csv"
    write_nppes_files(main_path=main, locations_path=side, rows=800, seed=1, bad_share=0.1)
    return main, side


def test_generated_files_load_end_to_end(generated: tuple[Path, Path]) -> None:
    main, side = generated
    output = run_command("import_nppes", main, "--locations", side)

    therapy = [row.provider for row in NppesGenerator(seed=1, bad_share=0.1).rows(800) if row.provider]
    organizations = {p.npi for p in therapy if p.is_organization}
    individuals = {p.npi for p in therapy if not p.is_organization}
    imported_organizations = set(Organization.objects.values_list("npi", flat=True))
    imported_clinicians = set(Clinician.objects.values_list("npi", flat=True))
    # Every imported provider is a therapy provider of the file (a few are deactivated in it).
    assert imported_organizations
    assert imported_organizations <= organizations
    assert imported_clinicians
    assert imported_clinicians <= individuals
    assert len(imported_clinicians) >= 0.9 * len(individuals)
    for clinic in Clinic.objects.prefetch_related("services"):
        assert clinic.disciplines, "every imported clinic offers at least one discipline"
        assert clinic.source in (ClinicSource.NPPES, ClinicSource.NPPES_SECONDARY)
        assert -180 < clinic.longitude < 0 < clinic.latitude
    assert Clinic.objects.filter(source=ClinicSource.NPPES_SECONDARY).exists()
    assert rows_without_their_id() == [], "every new row is found by its open data id"
    assert "Rows that could not be used" in output
    assert "rows read" in output


def test_organisation_becomes_a_clinic_at_its_practice_location(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "main.csv",
        [organization_row(123456789, "ACME REHAB LLC", doing_business_as="ACME PT", taxonomy="261QR0400X")],
    )
    run_command("import_nppes", path)

    clinic = Clinic.objects.get()
    assert clinic.name == "ACME PT"
    assert clinic.organization.legal_name == "ACME REHAB LLC"
    assert clinic.organization.npi == make_npi(123456789)
    assert (clinic.address_line1, clinic.city, clinic.state, clinic.zip_code) == (
        "100 N MAIN ST",
        "CHICAGO",
        "IL",
        "60614",
    )
    assert round(clinic.latitude) == 42
    assert round(clinic.longitude) == -88
    assert clinic.disciplines == ["pt", "ot", "slp"]  # a rehabilitation clinic offers all three


def test_individual_becomes_a_clinician_with_the_therapy_discipline(tmp_path: Path) -> None:
    path = write_file(
        tmp_path / "main.csv", [individual_row(123456780, "LOPEZ", "ANA", taxonomy="235Z00000X", credential="CCC-SLP")]
    )
    run_command("import_nppes", path)
    clinician = Clinician.objects.get()
    assert (clinician.last_name, clinician.first_name, clinician.credential) == ("LOPEZ", "ANA", "CCC-SLP")
    assert clinician.discipline == "slp"
    assert not Clinic.objects.exists()


def test_bad_rows_are_listed_with_line_numbers_and_the_rest_imported(tmp_path: Path) -> None:
    bad_npi = organization_row(123456789, "TYPO PT")
    bad_npi["NPI"] = bad_npi["NPI"][:9] + str((int(bad_npi["NPI"][9]) + 1) % 10)
    path = write_file(
        tmp_path / "main.csv",
        [
            organization_row(111111111, "GOOD PT"),  # line 2
            bad_npi,  # line 3
            organization_row(111111112, "NOWHERE PT", zip_code="00000"),  # line 4
            {**individual_row(111111113, "DOE", "JO"), "Entity Type Code": "X"},  # line 5
            organization_row(111111114, "", street="5 OAK ST"),  # line 6
            individual_row(111111115, "SMITH", "AL"),  # line 7
        ],
    )
    output = run_command("import_nppes", path)

    assert "line 3: invalid NPI" in output
    assert "line 4: practice location ZIP code is not a known US ZIP code: 00000" in output
    assert "line 5: Entity Type Code is not 1 (individual) or 2 (organisation): it is 'X'" in output
    assert "line 6: organisation has no legal business name" in output
    assert list(Clinic.objects.values_list("name", flat=True)) == ["GOOD PT"]
    assert list(Clinician.objects.values_list("last_name", flat=True)) == ["SMITH"]


def test_a_file_without_required_columns_is_refused_naming_them(tmp_path: Path) -> None:
    header = [name for name in nppes_header_2015() if name not in ("Entity Type Code", "Provider First Name")]
    path = write_file(tmp_path / "other.csv", [organization_row(111111111, "GOOD PT")], header=header)
    with pytest.raises(CommandError) as refused:
        run_command("import_nppes", path)
    assert '"Entity Type Code"' in str(refused.value)
    assert '"Provider First Name"' in str(refused.value)
    assert "2 required column(s) are missing" in str(refused.value)
    assert not Organization.objects.exists()


def test_columns_are_found_by_name_in_any_order(tmp_path: Path) -> None:
    header = [*reversed(nppes_header_2015()), *NPPES_COLUMNS_SINCE_2016, "A Column Added In 2030"]
    path = write_file(tmp_path / "reordered.csv", [organization_row(111111111, "GOOD PT")], header=header)
    run_command("import_nppes", path)
    assert Clinic.objects.get().name == "GOOD PT"


def test_reimport_of_the_same_file_changes_nothing(generated: tuple[Path, Path]) -> None:
    main, side = generated
    run_command("import_nppes", main, "--locations", side)
    before = sorted(Clinic.objects.values_list("pk", "source_key", "is_active", "address_line1"))
    clinicians = sorted(Clinician.objects.values_list("pk", "npi", "is_active"))
    services = ClinicService.objects.count()

    output = run_command("import_nppes", main, "--locations", side)

    assert sorted(Clinic.objects.values_list("pk", "source_key", "is_active", "address_line1")) == before
    assert sorted(Clinician.objects.values_list("pk", "npi", "is_active")) == clinicians
    assert ClinicService.objects.count() == services
    assert "imported (new): none" in output


def test_a_newer_file_updates_clinics_in_place(tmp_path: Path) -> None:
    run_command("import_nppes", write_file(tmp_path / "v1.csv", [organization_row(111111111, "GOOD PT")]))
    clinic = Clinic.objects.get()

    newer = organization_row(111111111, "GOOD PT", street="200 W LAKE ST", zip_code="60601", taxonomy="261QH0700X")
    run_command("import_nppes", write_file(tmp_path / "v2.csv", [newer]))

    moved = Clinic.objects.get()
    assert moved.pk == clinic.pk
    assert (moved.address_line1, moved.zip_code) == ("200 W LAKE ST", "60601")
    assert moved.disciplines == ["slp"]
    assert rows_without_their_id() == [], "the clinic keeps its id; its new therapy has one"


def test_a_deactivated_npi_is_marked_inactive_not_deleted(tmp_path: Path) -> None:
    rows = [organization_row(111111111, "GOOD PT"), individual_row(111111113, "DOE", "JO")]
    run_command("import_nppes", write_file(tmp_path / "v1.csv", rows))
    clinic = Clinic.objects.get()

    output = run_command(
        "import_nppes", write_file(tmp_path / "v2.csv", [deactivated_row(111111111), deactivated_row(111111113)])
    )

    clinic.refresh_from_db()
    assert not clinic.is_active
    assert not clinic.organization.is_active
    assert not Clinician.objects.get().is_active
    assert clinic.disciplines == ["pt"]
    assert "1 clinics (NPI deactivated)" in output


def test_a_clinic_missing_from_a_newer_file_keeps_its_key_and_what_is_attached(tmp_path: Path) -> None:
    run_command(
        "import_nppes",
        write_file(
            tmp_path / "v1.csv", [organization_row(111111111, "STAYS PT"), organization_row(111111112, "GONE PT")]
        ),
    )
    gone = Clinic.objects.get(name="GONE PT")
    gone.insurance_plans.add(InsurancePlan.objects.get(slug="medicare"))
    Clinician.objects.create(first_name="A", last_name="B", discipline="pt").clinics.add(gone)
    entered_by_hand = Clinic.objects.create(
        organization=gone.organization, name="Entered by hand", address_line1="1 X St", city="CHICAGO", state="IL",
        zip_code="60614", latitude=41.9, longitude=-87.6,
    )  # fmt: skip

    output = run_command("import_nppes", write_file(tmp_path / "v2.csv", [organization_row(111111111, "STAYS PT")]))

    still_there = Clinic.objects.get(pk=gone.pk)
    assert not still_there.is_active
    assert still_there.insurance_plans.filter(slug="medicare").exists()
    assert still_there.clinicians.count() == 1
    assert Clinic.objects.get(name="STAYS PT").is_active
    assert Clinic.objects.get(pk=entered_by_hand.pk).is_active  # rows people made are never touched
    assert "1 clinics (no longer in the file)" in output

    run_command("import_nppes", write_file(tmp_path / "v3.csv", [organization_row(111111112, "GONE PT")]))
    assert Clinic.objects.get(pk=gone.pk).is_active, "a clinic listed again is active again, same row"


def test_an_incremental_file_leaves_unlisted_clinics_alone(tmp_path: Path) -> None:
    rows = [organization_row(111111111, "ONE PT"), organization_row(111111112, "TWO PT")]
    run_command("import_nppes", write_file(tmp_path / "v1.csv", rows))
    run_command("import_nppes", write_file(tmp_path / "week.csv", rows[:1]), "--incremental")
    assert Clinic.objects.filter(is_active=True).count() == 2


def test_dry_run_checks_everything_and_writes_nothing(generated: tuple[Path, Path]) -> None:
    main, side = generated
    output = run_command("import_nppes", main, "--locations", side, "--dry-run")
    assert "dry run: nothing was written" in output
    assert "would be imported (new)" in output
    assert "Rows that could not be used" in output
    assert not Organization.objects.exists()
    assert not Clinician.objects.exists()


def test_secondary_locations_become_more_clinics_of_the_organisation(tmp_path: Path) -> None:
    main = write_file(tmp_path / "main.csv", [organization_row(111111111, "GOOD PT", taxonomy="261QH0700X")])
    side = tmp_path / "pl_pfile.csv"
    prefix = "Provider Secondary Practice Location Address-"
    side.write_text(
        f'"NPI","{prefix} Address Line 1","{prefix}  Address Line 2","{prefix} City Name","{prefix} State Name",'
        f'"{prefix} Postal Code","{prefix} Country Code (If outside U.S.)","{prefix} Telephone Number",'
        f'"{prefix} Telephone Extension","{prefix} Fax Number"\n'
        f'"{make_npi(111111111)}","9 PINE AVE","","EVANSTON","IL","602011234","US","8475550100","",""\n'
        f'"{make_npi(111111111)}","100 NORTH MAIN STREET","","CHICAGO","IL","60614","US","","",""\n'
        f'"{make_npi(222222222)}","1 ELSEWHERE RD","","CHICAGO","IL","60614","US","","",""\n'
        f'"{make_npi(111111111)}","2 NOWHERE RD","","X","IL","00000","US","","",""\n',
        encoding="utf-8",
    )
    output = run_command("import_nppes", main, "--locations", side)

    clinics = Clinic.objects.order_by("source")
    assert [(c.source, c.address_line1) for c in clinics] == [
        (ClinicSource.NPPES, "100 N MAIN ST"),
        (ClinicSource.NPPES_SECONDARY, "9 PINE AVE"),
    ]
    assert clinics[0].organization_id == clinics[1].organization_id
    assert clinics[1].disciplines == ["slp"]
    assert "same address as the organisation's main practice location" in output
    assert "line 5: practice location ZIP code is not a known US ZIP code: 00000" in output


def test_without_the_import_extra_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "polars", None)  # what Python does when a package is absent
    path = write_file(tmp_path / "main.csv", [organization_row(111111111, "GOOD PT")])
    with pytest.raises(CommandError, match=r"install caretime\[import\]"):
        run_command("import_nppes", path)
