"""Who may see what: every URL with what an anonymous visitor gets.

Every route of the site must appear in ANONYMOUS below; the test fails when a new route
is added without deciding its access rule. A signed-in person's differences are in
SIGNED_IN_DIFFERS; the owner of an object (a review, a visit report) against everyone else in
OWNED; staff reach the admin only past its two-factor check (moderators are staff with the
moderation permissions: tests/accounts/test_admin_protection.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from caretime.directory.models import Clinic

# Reports are dated by the day: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# route pattern -> (example path, expected status for an anonymous visitor)
ANONYMOUS: dict[str, tuple[str, int]] = {
    "": ("/", 200),
    "clinics/": ("/clinics/?near=60614", 200),
    "clinics/<int:clinic_id>/": ("/clinics/{clinic}/", 200),
    "clinics/near-me/": ("/clinics/near-me/", 405),  # the coordinates come only in a POST body
    "about/": ("/about/", 200),
    "language/": ("/language/", 302),  # the switch posts here; a visit changes nothing, back home
    "api/v1/clinics": ("/api/v1/clinics", 200),
    "api/v1/clinics/<int:clinic_id>": ("/api/v1/clinics/{clinic}", 200),
    "api/v1/clinics/<clinic_id>": ("/api/v1/clinics/not-a-number", 400),
    "api/v1/": ("/api/v1/", 404),  # no interactive docs: they would load scripts from elsewhere
    "api/v1/openapi.json": ("/api/v1/openapi.json", 200),
    "api/v1/health": ("/api/v1/health", 200),
    "api/v1/data-releases": ("/api/v1/data-releases", 200),
    "admin/": ("/admin/", 302),  # every admin page sends strangers to the login form
    # Ask before you book: everything is readable and reportable without an account.
    "clinics/<int:clinic_id>/<str:discipline>/ask/": ("/clinics/{clinic}/pt/ask/", 200),
    "clinics/<int:clinic_id>/<str:discipline>/verdict/": ("/clinics/{clinic}/pt/verdict/", 301),
    "clinics/<int:clinic_id>/<str:discipline>/letters/": ("/clinics/{clinic}/pt/letters/", 200),
    "compare/": ("/compare/", 400),  # which clinics to compare is missing
    "your-bar/": ("/your-bar/", 405),  # the bar is only ever set by a form (POST)
    "api/v1/clinics/<clinic_id>/verdict": ("/api/v1/clinics/{clinic}/verdict?discipline=pt", 200),
    "api/v1/clinics/<clinic_id>/alternatives": ("/api/v1/clinics/{clinic}/alternatives?discipline=pt", 200),
    "api/v1/clinics/<clinic_id>/call-reports": ("/api/v1/clinics/{clinic}/call-reports", 405),  # POST only
    # After the visit: the timer, the form and the profiles are open; sending a report, and
    # one's own reports, need a signed-in person.
    "about/methodology/": ("/about/methodology/", 200),
    "about/privacy/": ("/about/privacy/", 200),
    "about/contact/": ("/about/contact/", 200),
    "clinics/<int:clinic_id>/<str:discipline>/visit-timer/": ("/clinics/{clinic}/pt/visit-timer/", 200),
    "clinics/<int:clinic_id>/<str:discipline>/visit-report/": ("/clinics/{clinic}/pt/visit-report/", 200),
    "clinics/<int:clinic_id>/<str:discipline>/workplace-report/": ("/clinics/{clinic}/pt/workplace-report/", 200),
    "employers/": ("/employers/", 200),
    "api/v1/clinics/<clinic_id>/reviews": ("/api/v1/clinics/{clinic}/reviews", 200),
    "api/v1/reviews/preview": ("/api/v1/reviews/preview", 405),  # POST only
    "about/review-policy/": ("/about/review-policy/", 200),
    "clinics/<int:clinic_id>/<str:discipline>/review/": ("/clinics/{clinic}/pt/review/", 200),
    "clinics/<int:clinic_id>/reviews/not-recommended/": ("/clinics/{clinic}/reviews/not-recommended/", 200),
    "reviews/<int:review_id>/edit/": ("/reviews/1/edit/", 302),  # sign in first
    "reviews/<int:review_id>/delete/": ("/reviews/1/delete/", 302),  # sign in first
    "reviews/<int:review_id>/flag/": ("/reviews/1/flag/", 405),  # POST only
    "api/v1/worker-reports": ("/api/v1/worker-reports", 405),  # POST only
    "api/v1/clinics/<clinic_id>/workplace": ("/api/v1/clinics/{clinic}/workplace", 200),
    "account/reports/": ("/account/reports/", 302),
    "account/reports/<str:kind>/<int:report_id>/delete/": ("/account/reports/visit/1/delete/", 302),
    "api/v1/clinics/<clinic_id>/visit-reports": ("/api/v1/clinics/{clinic}/visit-reports", 405),  # POST only
    "api/v1/me/visit-reports": ("/api/v1/me/visit-reports", 401),
    "api/v1/me/visit-reports/<report_id>": ("/api/v1/me/visit-reports/1", 405),  # DELETE only
    "api/v1/clinics/<clinic_id>/care-time": ("/api/v1/clinics/{clinic}/care-time?discipline=pt", 200),
    # Accounts: signing up and in is open; the account's own pages send strangers to sign in;
    # password pages do not exist (there are no passwords).
    "account/": ("/account/", 302),
    "account/tokens/": ("/account/tokens/", 302),
    "account/tokens/<int:token_id>/revoke/": ("/account/tokens/1/revoke/", 302),
    "accounts/signup/": ("/accounts/signup/", 200),
    "accounts/signup/confirm/": ("/accounts/signup/confirm/", 302),  # no code asked for yet
    "accounts/login/": ("/accounts/login/", 200),
    "accounts/login/code/": ("/accounts/login/code/", 200),
    "accounts/inactive/": ("/accounts/inactive/", 200),
    "accounts/login/code/confirm/": ("/accounts/login/code/confirm/", 302),
    "accounts/confirm-email/": ("/accounts/confirm-email/", 302),
    "accounts/email/": ("/accounts/email/", 302),
    "accounts/logout/": ("/accounts/logout/", 302),
    "accounts/password/change/": ("/accounts/password/change/", 404),
    "accounts/password/set/": ("/accounts/password/set/", 404),
    "accounts/password/reset/": ("/accounts/password/reset/", 404),
    "accounts/password/reset/done/": ("/accounts/password/reset/done/", 404),
    "accounts/password/reset/key/done/": ("/accounts/password/reset/key/done/", 404),
    "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": ("/accounts/password/reset/key/1-x/", 404),
    "accounts/reauthenticate/": ("/accounts/reauthenticate/", 404),
    "accounts/2fa/": ("/accounts/2fa/", 302),  # sign in first
    "accounts/2fa/authenticate/": ("/accounts/2fa/authenticate/", 302),  # sign in first
    "accounts/2fa/reauthenticate/": ("/accounts/2fa/reauthenticate/", 302),  # sign in first
    "accounts/2fa/totp/activate/": ("/accounts/2fa/totp/activate/", 302),  # sign in first
    "accounts/2fa/totp/deactivate/": ("/accounts/2fa/totp/deactivate/", 302),  # sign in first
    "accounts/2fa/recovery-codes/": ("/accounts/2fa/recovery-codes/", 302),  # sign in first
    "accounts/2fa/recovery-codes/generate/": ("/accounts/2fa/recovery-codes/generate/", 302),  # sign in first
    "accounts/2fa/recovery-codes/download/": ("/accounts/2fa/recovery-codes/download/", 302),  # sign in first
    # The clinic's side: claiming and speaking for a clinic need an account (and then the code).
    "clinics/<int:clinic_id>/claim/": ("/clinics/{clinic}/claim/", 302),
    "clinics/<int:clinic_id>/claim/code/": ("/clinics/{clinic}/claim/code/", 302),
    "clinics/<int:clinic_id>/manage/": ("/clinics/{clinic}/manage/", 302),
    "api/v1/clinics/<clinic_id>/schedules": ("/api/v1/clinics/{clinic}/schedules", 405),  # POST only
    "reviews/<int:review_id>/answer/": ("/reviews/1/answer/", 302),  # sign in first
    "clinics/<int:clinic_id>/correction/": ("/clinics/{clinic}/correction/", 200),  # anyone can say it is wrong
    "clinics/<int:clinic_id>/listing-is-right/": ("/clinics/{clinic}/listing-is-right/", 302),  # sign in first
    # Public data: open to everyone.
    "data/states/": ("/data/states/", 200),
    "api/v1/billing/states": ("/api/v1/billing/states", 200),
    "api/v1/clinics/<clinic_id>/billing": ("/api/v1/clinics/{clinic}/billing", 200),
    # Open data: read-only, no account, nothing identifying the reader.
    "data/": ("/data/", 200),
    "data/releases/<str:release>/<str:name>": ("/data/releases/2026-01-01/clinics.csv", 404),  # no release yet
    "fhir/R4/metadata": ("/fhir/R4/metadata", 200),
    "fhir/R4/CodeSystem/<str:key>": ("/fhir/R4/CodeSystem/caretime-rating-type", 200),
    "fhir/R4/<str:resource_type>": ("/fhir/R4/Location", 200),
    "fhir/R4/<str:resource_type>/<str:key>": ("/fhir/R4/Location/00000000-0000-0000-0000-000000000000", 404),
    "hsds/": ("/hsds/", 200),
    "hsds/services": ("/hsds/services", 200),
    "hsds/services/<str:key>": ("/hsds/services/00000000-0000-0000-0000-000000000000", 404),
    "hsds/organizations": ("/hsds/organizations", 200),
    "hsds/locations": ("/hsds/locations", 200),
    "hsds/service_at_locations": ("/hsds/service_at_locations", 200),
}


# Where a 302 above leads: the sign-in form, except for these.
_SIGN_IN_FOR = {
    "/admin/": "/admin/login/",
    "/accounts/login/code/confirm/": "/accounts/login/code/",
    "/accounts/logout/": "/",
    "/language/": "/",
    "/accounts/signup/confirm/": "/accounts/signup/",
}


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("admin/"):
                found.append("admin/")
                continue
            found.extend(_routes(pattern.url_patterns, route))
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return sorted(set(found))


def test_every_route_has_an_anonymous_rule() -> None:
    missing = [route for route in _routes(get_resolver().url_patterns) if route not in ANONYMOUS]
    assert missing == [], f"add these routes to ANONYMOUS with their expected response: {missing}"


@pytest.mark.parametrize(("route", "expected"), sorted(ANONYMOUS.items()))
def test_anonymous_visitor(
    client: Client, chicago_clinics: dict[str, Clinic], route: str, expected: tuple[str, int]
) -> None:
    path, status = expected
    response = client.get(path.format(clinic=chicago_clinics["near"].pk))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(_SIGN_IN_FOR.get(path, "/accounts/login/"))


# What is different for a signed-in person with a verified address; every other route answers
# them as it answers anyone.
SIGNED_IN_DIFFERS: dict[str, int] = {
    "account/": 200,
    "account/reports/": 200,
    "account/reports/<str:kind>/<int:report_id>/delete/": 405,  # a POST, with the CSRF token
    "account/tokens/": 405,  # created by a POST
    "account/tokens/<int:token_id>/revoke/": 405,
    "accounts/email/": 200,
    "accounts/logout/": 200,  # asks to confirm; signing out is a POST
    "accounts/login/": 302,  # already signed in: to the account page
    "accounts/login/code/": 302,
    "accounts/signup/": 302,
    "api/v1/me/visit-reports": 200,
    "reviews/<int:review_id>/edit/": 404,  # not a review of theirs
    "accounts/2fa/": 200,
    "accounts/2fa/authenticate/": 302,
    "accounts/2fa/reauthenticate/": 403,
    "accounts/2fa/totp/activate/": 200,
    "accounts/2fa/totp/deactivate/": 404,
    "accounts/2fa/recovery-codes/": 404,
    "accounts/2fa/recovery-codes/generate/": 200,
    "accounts/2fa/recovery-codes/download/": 404,
    "reviews/<int:review_id>/delete/": 405,  # POST only
    "clinics/<int:clinic_id>/claim/": 200,  # where to send the code
    "clinics/<int:clinic_id>/claim/code/": 200,  # "no code sent to you yet"
    "clinics/<int:clinic_id>/manage/": 403,  # only the claimant (tests/clinicside/test_claims.py)
    "reviews/<int:review_id>/answer/": 404,  # no published review 1 (tests/clinicside/test_answers.py)
    "clinics/<int:clinic_id>/listing-is-right/": 405,  # POST only, and only the claimant
}


def test_every_difference_names_a_route() -> None:
    assert set(SIGNED_IN_DIFFERS) <= set(ANONYMOUS)


@pytest.mark.parametrize(("route", "expected"), sorted(ANONYMOUS.items()))
def test_signed_in_person(chicago_clinics: dict[str, Clinic], route: str, expected: tuple[str, int]) -> None:
    path, anonymous_status = expected
    person = User.objects.create_user("person", "person@example.org")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    client = Client()
    client.force_login(person)
    response = client.get(path.format(clinic=chicago_clinics["near"].pk))
    assert response.status_code == SIGNED_IN_DIFFERS.get(route, anonymous_status)
    if route in SIGNED_IN_DIFFERS and response.status_code == 302:
        assert response["Location"] == "/account/"


def test_only_staff_reach_the_admin(admin_client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    assert admin_client.get("/admin/").status_code == 200
    person = User.objects.create_user("person", "person@example.org")
    client = Client()
    client.force_login(person)
    assert client.get("/admin/").status_code == 302


# --- the owner of an object, and everyone else --------------------------------------------------
#
# Routes about one person's own object: (method, path, what the owner gets). Anyone else signed
# in gets a 404, as if it did not exist; an anonymous visitor is sent to sign in (302) or gets 401
# from the API.
OWNED: dict[str, tuple[str, str, int]] = {
    "reviews/<int:review_id>/edit/": ("get", "/reviews/{review}/edit/", 200),
    "reviews/<int:review_id>/delete/": ("post", "/reviews/{review}/delete/", 302),
    "account/reports/<str:kind>/<int:report_id>/delete/": ("post", "/account/reports/visit/{visit}/delete/", 302),
    "api/v1/me/visit-reports/<report_id>": ("delete", "/api/v1/me/visit-reports/{visit}", 204),
}


def test_every_owned_route_is_a_route() -> None:
    assert set(OWNED) <= set(ANONYMOUS)


@pytest.mark.parametrize(("route", "expected"), sorted(OWNED.items()))
def test_only_the_owner_reaches_their_object(
    chicago_clinics: dict[str, Clinic], route: str, expected: tuple[str, str, int]
) -> None:
    from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
    from caretime.reviews.models import Review
    from caretime.verdicts.actions import record_visit_report

    method, path, owner_status = expected
    clinic = chicago_clinics["near"]
    owner = User.objects.create_user("owner", "owner@example.org")
    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    visit = record_visit_report(
        account=owner,
        clinic=clinic,
        discipline="pt",
        visited_in=clinic.created_at.date(),
        facts=VisitFacts(VisitKind.FIRST, 60, 45, 0, 0, WholeTime.YES, False),
    )
    review = Review.objects.create(
        account=owner, clinic=clinic, discipline="pt", stars=4, text="A fair clinic with real one-on-one time.",
        visited_in=visit.visited_in, connected=False, written_on=visit.received_on,
    )  # fmt: skip
    url = path.format(review=review.pk, visit=visit.pk)
    stranger = User.objects.create_user("stranger", "stranger@example.org")
    for who, expected_status in ((stranger, 404), (owner, owner_status)):
        client = Client()
        client.force_login(who)
        assert getattr(client, method)(url).status_code == expected_status, who.username
    anonymous = getattr(Client(), method)(url).status_code
    assert anonymous in (302, 401, 405)
