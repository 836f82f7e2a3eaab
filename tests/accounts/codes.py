"""Reading the codes caretime mails, and who a client is signed in as."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

# allauth's default code: 8 letters of 20 (no vowels), shown as two groups of four.
CODE = re.compile(r"^([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})$", re.MULTILINE)


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
