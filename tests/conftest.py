"""Shared test setup: small directory fixtures and the environment rules of the suite."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import User
from django.test import Client

from caretime.core.npi import make_npi
from caretime.directory import search_cache
from caretime.directory.geo_index import forget_geo_index
from caretime.directory.models import Clinic, ClinicService, InsurancePlan, Organization
from tests.staff import staff_client

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip when a local service is missing; in CI a missing service is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    """pytest-django's admin_client, signed in past the admin's two-factor check."""
    return staff_client(admin_user)


@pytest.fixture(autouse=True)
def _fresh_directory_generation() -> None:
    """The cache table lives in the test database and is rolled back after each test, so this
    process's memo of the directory generation must be forgotten too: a memo read in an earlier
    test, still under a second old, would file answers under a generation the cache no longer
    holds."""
    search_cache._seen.clear()
    forget_geo_index()  # built from an earlier test's rows


def make_clinic(
    name: str,
    *,
    latitude: float,
    longitude: float,
    zip_code: str = "60614",
    city: str = "CHICAGO",
    state: str = "IL",
    disciplines: tuple[str, ...] = ("pt",),
    insurance: tuple[str, ...] = (),
    npi_base: int | None = None,
    is_demo: bool = False,
) -> Clinic:
    organization = Organization.objects.create(
        npi=make_npi(npi_base) if npi_base else None, legal_name=f"{name} LLC", doing_business_as=name, is_demo=is_demo
    )
    clinic = Clinic.objects.create(
        organization=organization,
        name=name,
        address_line1="1 Test St",
        city=city,
        state=state,
        zip_code=zip_code,
        latitude=latitude,
        longitude=longitude,
        phone="3125550100",
        is_demo=is_demo,
    )
    ClinicService.objects.bulk_create(ClinicService(clinic=clinic, discipline=d) for d in disciplines)
    if insurance:
        clinic.insurance_plans.set(InsurancePlan.objects.filter(slug__in=insurance))
    return clinic


@pytest.fixture
def chicago_clinics(db: None) -> dict[str, Clinic]:
    """Three clinics at known distances from ZIP 60614 (Lincoln Park, Chicago)."""
    return {
        "near": make_clinic(
            "Lincoln Park PT",
            latitude=41.9227,
            longitude=-87.6533,
            disciplines=("pt", "ot"),
            insurance=("medicare", "aetna"),
            npi_base=123456789,
        ),
        "mid": make_clinic(
            "Loop Speech Center",
            latitude=41.8837,
            longitude=-87.6289,
            zip_code="60601",
            disciplines=("slp",),
            insurance=("medicaid",),
        ),
        "far": make_clinic(
            "Evanston Rehab",
            latitude=42.0451,
            longitude=-87.6877,
            zip_code="60201",
            city="EVANSTON",
            disciplines=("pt",),
            insurance=("medicare",),
        ),
    }
