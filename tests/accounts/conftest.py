"""People with and without accounts, and reading the codes caretime mails them."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import Client

# allauth's default code: 8 letters of 20 (no vowels), shown as two groups of four.
CODE = re.compile(r"^([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})$", re.MULTILINE)


@pytest.fixture(autouse=True)
def _empty_rate_limits(db: None) -> Iterator[None]:
    # allauth keeps its rate-limit counters in the shared cache, which outlives a test's
    # database transaction when it is Redis.
    cache.clear()
    yield
    cache.clear()


def make_person(email: str, *, verified: bool = True) -> User:
    """An account as sign-up leaves it: an opaque username, no usable password, one address."""
    user = User.objects.create_user(username=f"c-{email.split('@')[0]}", email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return user


def code_in_last_mail(to: str) -> str:
    message = mail.outbox[-1]
    assert message.to == [to]
    found = CODE.search(str(message.body))
    assert found, message.body
    return found.group(1)


def signed_in_email(client: Client) -> str | None:
    """The address of whoever the client is signed in as, read from the account page."""
    response = client.get("/account/")
    if response.status_code != 200:
        return None
    found = re.search(r"<strong>([^<]+@[^<]+)</strong>", response.content.decode())
    return found.group(1) if found else None


def issue_code_earlier(client: Client, *path: str, seconds: float) -> None:
    """Time travel for a pending code: move its issue time (``at`` in allauth's state for the
    code, kept in the session under ``path``) back by ``seconds``. allauth compares that time
    with time.time() against the real timeout setting, so nothing else needs to change."""
    session = client.session
    top = session[path[0]]
    state = top
    for key in path[1:]:
        state = state[key]
    assert isinstance(state.get("at"), float), "allauth no longer keeps the code's issue time here"
    state["at"] -= seconds
    session[path[0]] = top
    session.save()


@pytest.fixture
def alice(db: None) -> User:
    return make_person("alice@example.org")


@pytest.fixture
def bob(db: None) -> User:
    return make_person("bob@example.org")


@pytest.fixture
def alice_client(alice: User) -> Client:
    client = Client()
    client.force_login(alice)
    return client
