"""The demo region: deterministic, realistic in mix, and always labelled."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from caretime.core.geo import distance_miles
from caretime.core.npi import is_valid_npi
from caretime.directory.demo import DEMO_METROS, METRO_RADIUS_MILES, CareProfile, care_profile, clinics_per_metro
from caretime.directory.models import Clinic, Clinician, ClinicService
from tests.factories import make_clinic

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[str, str, float, float, tuple[str, ...]]]:
    return [
        (c.name, c.zip_code, c.latitude, c.longitude, tuple(c.disciplines))
        for c in Clinic.objects.prefetch_related("services").order_by("name", "zip_code", "latitude")
    ]


def test_the_command_builds_300_clinics_in_every_metro_and_is_deterministic() -> None:
    out = StringIO()
    call_command("load_demo", "--seed", "7", stdout=out)
    assert "300 clinics" in out.getvalue()
    first = snapshot()
    assert len(first) == 300
    clinics = list(Clinic.objects.all())
    for metro in DEMO_METROS:
        in_metro = [c for c in clinics if distance_miles(metro.center, c.point) <= METRO_RADIUS_MILES + 2]
        assert len(in_metro) >= 50, metro.name
    call_command("load_demo", "--seed", "7", stdout=StringIO())
    assert snapshot() == first  # rebuilt, not added to
    call_command("load_demo", "--seed", "8", stdout=StringIO())
    assert snapshot() != first


def test_demo_data_is_flagged_has_valid_npis_rosters_and_insurance() -> None:
    call_command("load_demo", "--clinics", "60", stdout=StringIO())
    assert not Clinic.objects.filter(is_demo=False).exists()
    assert not Clinician.objects.filter(is_demo=False).exists()
    for clinic in Clinic.objects.select_related("organization").prefetch_related("clinicians", "insurance_plans"):
        assert clinic.organization.is_demo
        assert clinic.organization.npi is not None
        assert is_valid_npi(clinic.organization.npi)
        assert clinic.clinicians.exists()
        assert clinic.insurance_plans.exists()
        assert clinic.phone[3:8] == "55501"  # the range reserved for fiction
    assert all(npi and is_valid_npi(npi) for npi in Clinician.objects.values_list("npi", flat=True))
    assert {"pt", "ot", "slp"} <= set(ClinicService.objects.values_list("discipline", flat=True))


def test_profiles_mix_one_on_one_average_and_mills() -> None:
    profiles = [care_profile(1, index) for index in range(300)]
    for profile in CareProfile:
        assert profiles.count(profile) >= 30


def test_rebuilding_the_demo_leaves_real_clinics_alone() -> None:
    real = make_clinic("A Real Clinic", latitude=41.9, longitude=-87.65)
    call_command("load_demo", "--clinics", "20", stdout=StringIO())
    call_command("load_demo", "--clinics", "10", stdout=StringIO())
    assert Clinic.objects.filter(pk=real.pk, is_demo=False).exists()
    assert Clinic.objects.filter(is_demo=True).count() == 10


def test_at_scale_most_clinics_spread_nationwide_and_metros_keep_realistic_density() -> None:
    counts = clinics_per_metro(100_000)
    assert counts[0] == round(9.4 * 300)  # Chicago: about 300 rehab clinics per million people
    assert sum(counts) < 10_000
    assert clinics_per_metro(300) == [75, 75, 75, 75]
    assert sum(clinics_per_metro(7)) == 7


def test_every_page_says_demo_while_demo_data_is_loaded(client: Client) -> None:
    assert "Demo data." not in client.get("/").content.decode()
    call_command("load_demo", "--clinics", "12", stdout=StringIO())
    clinic = Clinic.objects.first()
    assert clinic is not None
    for url in ["/", "/about/", f"/clinics/{clinic.pk}/", f"/clinics/?near={clinic.zip_code}"]:
        html = client.get(url).content.decode()
        assert "Demo data." in html, url
    assert "Demo clinic" in client.get(f"/clinics/{clinic.pk}/").content.decode()
    assert client.get(f"/api/v1/clinics/{clinic.pk}").json()["is_demo"] is True


def test_zero_clinics_is_refused_with_a_message() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("load_demo", "--clinics", "0", stdout=StringIO())


def test_if_missing_keeps_a_loaded_demo_region() -> None:
    call_command("load_demo", "--clinics", "15", stdout=StringIO())
    before = sorted(Clinic.objects.values_list("pk", flat=True))
    out = StringIO()
    call_command("load_demo", "--if-missing", stdout=out)
    assert "already loaded" in out.getvalue()
    assert sorted(Clinic.objects.values_list("pk", flat=True)) == before
