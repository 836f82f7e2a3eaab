"""The admin is protected: no password login to guess at, two factors for staff, and an audit
log of every admin and moderator action that nobody can edit; its path is configurable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.hashers import get_hashers
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from caretime.accounts.staff import STAFF_MFA_MAX_AGE
from caretime.core.care_time import VisitFacts, VisitKind, WholeTime
from caretime.core.evidence import BURST_REPORTS_PER_HOUR
from caretime.reports.models import VisitReport
from caretime.reviews.models import Review
from caretime.reviews.services import Draft
from caretime.verdicts.actions import record_visit_report, submit_review
from tests.accounts.codes import code_in_last_mail, signed_in_email
from tests.factories import make_clinic
from tests.staff import give_authenticator, staff_client, totp_code, unused_recovery_code

# Reviews and reports are dated by the day: the clock stands still (tests.clock.NOON).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hashes() -> Iterator[list[str]]:
    """Every password hash or check made during the test, by any configured hasher."""
    made: list[str] = []
    patches = []
    for hasher in get_hashers():
        for method in ("encode", "verify"):
            original = getattr(type(hasher), method)

            def counting(self: Any, *args: Any, _original: Any = original, _name: str = method, **kwargs: Any) -> Any:
                made.append(f"{type(self).__name__}.{_name}")
                return _original(self, *args, **kwargs)

            patches.append(mock.patch.object(type(hasher), method, counting))
    for patch in patches:
        patch.start()
    yield made
    for patch in patches:
        patch.stop()


def make_staff(email: str, *, superuser: bool = False, password: str | None = None) -> User:
    """A staff account with a verified address. ``createsuperuser`` gives one a password,
    which the site never asks for."""
    username = email.split("@")[0]
    if superuser:
        user = User.objects.create_superuser(username, email, password)
    else:
        user = User.objects.create_user(username, email, password, is_staff=True)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def sign_in_by_code(client: Client, email: str, *, next_url: str = "/admin/") -> Any:
    """The site's sign-in, as the admin's login page sends staff to it: the address, then the
    code mailed to it. Returns the answer to the code."""
    asked = client.post("/accounts/login/", {"login": email, "next": next_url})
    assert asked.status_code == 302, asked.content.decode()[:2000]
    assert asked["Location"].startswith("/accounts/login/code/confirm/")  # with the next page in it
    return client.post(asked["Location"], {"code": code_in_last_mail(email)})


def held_review(clinic_name: str = "Audit PT") -> Review:
    clinic = make_clinic(clinic_name, latitude=41.95, longitude=-87.66)
    author = User.objects.create_user("writer", "writer@example.org")
    EmailAddress.objects.create(user=author, email=author.email, verified=True, primary=True)
    draft = Draft(
        discipline="pt",
        stars=2,
        text="They booked me with two other patients every time and the aide ran most of the session.",
        visited_in=timezone.now().date().replace(day=1),
        connected=False,
    )
    sent = submit_review(
        request=RequestFactory().post("/", REMOTE_ADDR="198.51.100.7"), account=author, clinic=clinic, draft=draft
    )
    assert isinstance(sent, Review)
    return sent


# --- no password to guess ------------------------------------------------------------------


def test_the_admin_login_takes_no_password_and_hashes_none(client: Client, hashes: list[str]) -> None:
    make_staff("root@example.org", superuser=True, password="the-real-password-1")
    # The counter sees a hash when one is made (the check of the fixture itself).
    User.objects.get(username="root").check_password("wrong")
    assert hashes
    hashes.clear()

    started = time.process_time()
    for attempt in range(60):
        password = "the-real-password-1" if attempt == 59 else f"guess-{attempt}"
        response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": password})
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    spent = time.process_time() - started

    assert hashes == []  # not one password was hashed or checked
    assert spent < 60 * 0.05, f"{spent:.2f} s of CPU for 60 attempts"  # a password hash alone is ~0.3 s
    assert signed_in_email(client) is None  # not even the right password signs anyone in
    assert client.get("/admin/").status_code == 302


def test_wrong_sign_in_codes_for_staff_are_limited_and_hash_nothing(client: Client, hashes: list[str]) -> None:
    make_staff("mod@example.org", password="unused-password-1")
    hashes.clear()  # setting the password above
    sent_on = client.get("/admin/login/?next=/admin/")
    assert sent_on["Location"] == "/accounts/login/?next=%2Fadmin%2F"

    client.post("/accounts/login/", {"login": "mod@example.org", "next": "/admin/"})
    code = code_in_last_mail("mod@example.org")
    wrong = "BBBB-BBBB" if code != "BBBB-BBBB" else "CCCC-CCCC"
    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS):
        client.post("/accounts/login/code/confirm/", {"code": wrong})
    # Three wrong codes void the right one.
    voided = client.post("/accounts/login/code/confirm/", {"code": code})
    assert voided["Location"] == "/accounts/login/code/"
    assert signed_in_email(client) is None

    # Each fresh attempt needs a new code, and one network gets at most 3 for one address in
    # ten minutes.
    for _ in range(2):
        Client().post("/accounts/login/", {"login": "mod@example.org", "next": "/admin/"})
    refused = Client().post("/accounts/login/", {"login": "mod@example.org", "next": "/admin/"})
    assert "Use the newest code we sent, or try again in 10 minutes." in refused.content.decode()
    assert len(mail.outbox) == 3
    assert hashes == []


def test_wrong_authenticator_codes_lock_the_account_out(client: Client) -> None:
    staff = make_staff("mod@example.org")
    secret = give_authenticator(staff)
    response = sign_in_by_code(client, "mod@example.org")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    right = totp_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):  # allauth's "login_failed": 5 wrong codes in 5 minutes for one account
        page = client.post("/accounts/2fa/authenticate/", {"code": wrong}).content.decode()
        assert "Incorrect code." in page
    locked = client.post("/accounts/2fa/authenticate/", {"code": right}).content.decode()
    assert "Too many failed login attempts" in locked
    assert signed_in_email(client) is None
    assert client.get("/admin/").status_code == 302


# --- two factors for staff -----------------------------------------------------------------


def test_staff_sign_in_with_the_mailed_code_then_the_app_and_reach_the_admin(client: Client) -> None:
    staff = make_staff("mod@example.org")
    secret = give_authenticator(staff)
    response = sign_in_by_code(client, "mod@example.org")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # the mailed code alone signs no one in

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_staff_without_an_authenticator_app_are_sent_to_set_one_up(client: Client) -> None:
    # Made by createsuperuser, so with a password; the site never asks for it.
    make_staff("root@example.org", superuser=True, password="unused-password-1")
    assert sign_in_by_code(client, "root@example.org")["Location"] == "/admin/"

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/admin/reviews/review/").status_code == 302

    setup = client.get("/accounts/2fa/totp/activate/", follow=True)
    page = setup.content.decode()
    assert "Staff sign in with two factors" in page
    assert "data:image/svg+xml;base64," in page  # the QR code, drawn here, nothing loaded from elsewhere
    secret = client.session["mfa.totp.secret"]
    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert activated["Location"] == "/accounts/2fa/recovery-codes/"
    assert Authenticator.objects.filter(user__username="root", type="totp").exists()

    # Setting the app up is not entering a code to come in: the admin asks for one.
    asked = client.get("/admin/")
    assert asked["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    response = client.post(asked["Location"], {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_after_a_working_day_the_admin_asks_for_a_code_again() -> None:
    staff = make_staff("root@example.org", superuser=True)
    client = staff_client(staff)
    assert client.get("/admin/").status_code == 200

    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= STAFF_MFA_MAX_AGE + 1
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()

    asked = client.get("/admin/reviews/review/?state=held")
    assert asked["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2Freviews%2Freview%2F%3Fstate%3Dheld"
    response = client.post(asked["Location"], {"code": unused_recovery_code(staff)})
    assert response["Location"] == "/admin/reviews/review/?state=held"
    assert client.get("/admin/reviews/review/").status_code == 200


def test_people_who_are_not_staff_are_refused_even_with_two_factors(client: Client) -> None:
    person = User.objects.create_user("person", "person@example.org")
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    secret = give_authenticator(person)
    sign_in_by_code(client, "person@example.org", next_url="/account/")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert signed_in_email(client) == "person@example.org"

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get(response["Location"]).status_code == 403
    assert client.get("/admin/reviews/review/").status_code == 302


def test_the_admin_login_sends_only_to_this_site(client: Client) -> None:
    response = client.get("/admin/login/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    staff = staff_client(make_staff("mod@example.org"))
    assert staff.get("/admin/login/", {"next": "/admin/login/"})["Location"] == "/admin/"
    assert staff.get("/admin/login/", {"next": "/admin/reviews/"})["Location"] == "/admin/reviews/"


def test_the_admin_never_shows_an_authenticator_secret() -> None:
    root = make_staff("root@example.org", superuser=True)
    client = staff_client(root)
    other = make_staff("mod@example.org")
    secret = give_authenticator(other)
    totp = Authenticator.objects.get(user=other, type="totp")

    listing = client.get("/admin/mfa/authenticator/").content.decode()
    assert "mod" in listing
    page = client.get(f"/admin/mfa/authenticator/{totp.pk}/change/")
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert client.get("/admin/mfa/authenticator/add/").status_code == 403

    # A lost phone: a superuser deletes the app, and the recovery codes go with it.
    client.post(f"/admin/mfa/authenticator/{totp.pk}/delete/", {"post": "yes"})
    assert not Authenticator.objects.filter(user=other).exists()
    # But not their own: whoever held their session could then set up an app of their own.
    own = Authenticator.objects.get(user=root, type="totp")
    assert client.post(f"/admin/mfa/authenticator/{own.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post("/admin/mfa/authenticator/", {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"})
    assert Authenticator.objects.filter(pk=own.pk).exists()


# --- the audit log -------------------------------------------------------------------------


def test_nobody_can_change_or_delete_the_audit_log_not_even_a_superuser() -> None:
    root = make_staff("root@example.org", superuser=True)
    client = staff_client(root)
    moderator = make_staff("mod@example.org")
    entry = LogEntry.objects.create(
        user=moderator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(moderator.pk),
        object_repr="mod",
        action_flag=CHANGE,
        change_message="Changed something.",
    )

    listing = client.get("/admin/admin/logentry/")
    assert listing.status_code == 200
    assert "Changed something." in listing.content.decode()
    assert 'value="delete_selected"' not in listing.content.decode()
    page = client.get(f"/admin/admin/logentry/{entry.pk}/change/")
    assert page.status_code == 200  # read only
    assert 'name="_save"' not in page.content.decode()
    assert client.post(f"/admin/admin/logentry/{entry.pk}/change/", {"change_message": "x"}).status_code == 403
    assert client.get(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/admin/admin/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/admin/logentry/add/").status_code == 403
    response = client.post("/admin/admin/logentry/", {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert response.status_code in {200, 302}
    # Nor by deleting the account whose entries they are.
    assert client.post(f"/admin/auth/user/{moderator.pk}/delete/", {"post": "yes"}).status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk, change_message="Changed something.").exists()


def test_a_review_moderation_action_is_in_the_audit_log() -> None:
    root = make_staff("root@example.org", superuser=True)
    client = staff_client(root)
    review = held_review()

    response = client.post(
        "/admin/reviews/review/", {"action": "decide_meets_policy", "_selected_action": [review.pk]}, follow=True
    )
    assert "1 review decided" in response.content.decode()
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Review))
    assert entry.user == root
    assert entry.object_id == str(review.pk)
    assert entry.object_repr == f"Review {review.pk}"  # its number, never its text
    assert entry.action_flag == CHANGE
    assert "→ Published" in entry.change_message
    assert "Moderated:" in client.get("/admin/admin/logentry/").content.decode()
    history = client.get(f"/admin/reviews/review/{review.pk}/history/").content.decode()
    assert "→ Published" in history


def test_releasing_a_held_report_is_in_the_audit_log() -> None:
    root = make_staff("root@example.org", superuser=True)
    client = staff_client(root)
    clinic = make_clinic("Burst PT", latitude=41.92, longitude=-87.65)
    facts = VisitFacts(VisitKind.FIRST, 60, 50, 0, 0, WholeTime.YES, False)
    now = timezone.now()
    for index in range(BURST_REPORTS_PER_HOUR + 1):
        user = User.objects.create_user(username=f"p{index}", email=f"p{index}@example.org")
        record_visit_report(account=user, clinic=clinic, discipline="pt", visited_in=now.date(), facts=facts, now=now)
    held = VisitReport.objects.get(standing="held")

    client.post("/admin/reports/visitreport/", {"action": "reject_held", "_selected_action": [held.pk]})
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(VisitReport))
    assert (entry.user, entry.object_id, entry.object_repr) == (root, str(held.pk), f"Visit report {held.pk}")
    assert entry.change_message.startswith("Moderated: Rejected")


# --- where the admin lives -----------------------------------------------------------------


def _start(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"ADMIN_PATH", "DJANGO_SETTINGS_MODULE"}}
    clean.update({"DEBUG": "true", "DJANGO_SETTINGS_MODULE": "caretime.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_admin_path_moves_the_admin() -> None:
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'), reverse('admin:login'), resolve('/staff-desk/reviews/review/').url_name)\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('no /admin/')"
    )
    result = _start({"ADMIN_PATH": "staff-desk/"}, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["/staff-desk/ /staff-desk/login/ reviews_review_changelist", "no /admin/"]


@pytest.mark.parametrize("value", ["/admin/", "admin", "", "a/../b/", "admin //", ".hidden/"])
def test_a_malformed_admin_path_stops_start_up_naming_the_variable(value: str) -> None:
    result = _start({"ADMIN_PATH": value}, "pass")
    assert result.returncode != 0
    assert "The environment variable ADMIN_PATH=" in result.stderr


def test_an_admin_path_over_the_sites_own_pages_fails_the_checks() -> None:
    result = _start(
        {"ADMIN_PATH": "account/"}, "from django.core.management import call_command; call_command('check')"
    )
    assert result.returncode != 0
    assert "ADMIN_PATH='account/' starts with 'account/'" in result.stderr
