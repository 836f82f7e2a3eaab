"""The pages the browser tests walk through: every kind of page, on the demo region, for a
visitor and for a signed-in person."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from caretime.accounts.services import create_api_token
from caretime.billing.demo import build_demo_billing
from caretime.directory.demo import build_demo_region
from caretime.directory.models import Clinic


def demo_clinic() -> Clinic:
    """The demo region and its billing, and the first clinic in it that offers PT."""
    build_demo_region(seed=1, clinics=40)
    build_demo_billing(seed=1)
    # Which demo clinics offer which therapy depends on the rows left by earlier tests (a
    # flushed database has no insurance plans to draw), so take the first that offers PT.
    clinic = Clinic.objects.filter(services__discipline="pt").order_by("id").first()
    assert clinic is not None
    return clinic


def sign_in(page: Any, base_url: str) -> None:
    """A verified person's session, made by Django's test client and handed to the browser.
    The person has an API token, so that the account page shows its table of tokens."""
    user = User.objects.create_user(username="c-ada", email="ada@example.org")
    EmailAddress.objects.create(user=user, email="ada@example.org", verified=True, primary=True)
    create_api_token(user=user, name="My phone's app")
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def public_pages(clinic: Clinic) -> list[str]:
    other = Clinic.objects.exclude(pk=clinic.pk).filter(services__discipline="pt").order_by("id")[:3]
    compared = "&".join(f"clinic={pk}" for pk in [clinic.pk, *(c.pk for c in other)])
    at = f"/clinics/{clinic.pk}"
    near = f"near={clinic.zip_code}"
    return [
        "/",
        f"/clinics/?{near}",
        f"/clinics/?{near}&discipline=pt&meets_bar=1",
        f"/compare/?clinic={clinic.pk}&{near}&discipline=pt",  # one clinic: a refusal that links back
        "/clinics/?near=99999",  # a refused search
        "/clinics/?near=Portland",  # a place in several states
        "/clinics/?near=Chicgo",  # a misspelt place
        "/clinics/?near=10001",  # a place with no clinics
        f"{at}/",
        f"{at}/?{near}",
        f"{at}/?discipline=pt&{near}",
        f"{at}/pt/ask/",
        f"{at}/pt/letters/",
        f"{at}/pt/letters/?print=clinic",
        f"/compare/?{compared}&discipline=pt&{near}",
        "/data/states/",
        "/about/",
        "/about/methodology/",
        "/about/review-policy/",
        "/about/privacy/",
        "/about/contact/",
        f"/employers/?{near}&discipline=pt",
        f"{at}/pt/review/",
        f"{at}/reviews/not-recommended/",
        f"{at}/pt/visit-report/",
        f"{at}/pt/visit-timer/",
        f"{at}/pt/workplace-report/",
        "/accounts/login/",
        "/accounts/signup/",
        "/no-such-page/",
    ]


def signed_in_pages(clinic: Clinic) -> list[str]:
    return [
        "/account/",
        "/account/reports/",
        "/accounts/email/",
        f"/clinics/{clinic.pk}/pt/review/",
        f"/clinics/{clinic.pk}/pt/visit-report/",
        f"/clinics/{clinic.pk}/pt/workplace-report/",
    ]
