"""Where a claim code goes: the clinic's public phone, its address, or an address at its own web
domain. Delivery is pluggable, chosen by the setting ``CLAIM_CODE_SENDER``:

- ``console`` (the default with ``DEBUG`` on): the message is printed where the server runs;
- ``outbox`` (the tests): kept in ``OUTBOX`` in memory, for a test to read;
- ``mail``: e-mail codes go through the site's outgoing mail (``EMAIL_*``); calls, texts and
  letters are then not offered;
- a dotted path to a class with the ``Sender`` methods (a telephony and letter provider's
  adapter, docs/operations.md): production.

Unset (production without a provider), only e-mail codes are offered, sent by ``mail``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string


@dataclass(frozen=True, slots=True)
class Delivery:
    channel: str  # caretime.clinicside.models.Channel
    to: str  # a phone number, a postal address, or an e-mail address
    subject: str
    text: str


class Sender(Protocol):
    def channels(self) -> frozenset[str]:
        """The channels this sender can deliver on."""
        ...

    def send(self, delivery: Delivery) -> None: ...


ALL_CHANNELS = frozenset({"call", "text", "letter", "email"})
OUTBOX: list[Delivery] = []


class ConsoleSender:
    def channels(self) -> frozenset[str]:
        return ALL_CHANNELS

    def send(self, delivery: Delivery) -> None:
        sys.stdout.write(
            f"--- claim code by {delivery.channel} to {delivery.to}\n{delivery.subject}\n{delivery.text}\n---\n"
        )
        sys.stdout.flush()


class OutboxSender:
    def channels(self) -> frozenset[str]:
        return ALL_CHANNELS

    def send(self, delivery: Delivery) -> None:
        OUTBOX.append(delivery)


class MailSender:
    def channels(self) -> frozenset[str]:
        return frozenset({"email"})

    def send(self, delivery: Delivery) -> None:
        send_mail(delivery.subject, delivery.text, None, [delivery.to])


_BUILT_IN: dict[str, type[ConsoleSender | OutboxSender | MailSender]] = {
    "console": ConsoleSender,
    "outbox": OutboxSender,
    "mail": MailSender,
}


def sender() -> Sender:
    name = settings.CLAIM_CODE_SENDER
    built_in = _BUILT_IN.get(name)
    if built_in is not None:
        return built_in()
    made: Sender = import_string(name)()
    return made


def check_sender() -> None:
    """Refuse a ``CLAIM_CODE_SENDER`` that cannot be loaded or cannot send, naming the setting."""
    name = settings.CLAIM_CODE_SENDER
    try:
        made = sender()
        channels = made.channels()
    except (ImportError, TypeError, AttributeError) as problem:
        raise ImproperlyConfigured(
            f"CLAIM_CODE_SENDER={name!r} is not console, outbox, mail or the dotted path of a sender class: {problem}"
        ) from None
    if not callable(getattr(made, "send", None)) or not channels <= ALL_CHANNELS:
        raise ImproperlyConfigured(
            f"CLAIM_CODE_SENDER={name!r}: the class needs send(delivery) and channels() among {sorted(ALL_CHANNELS)}"
        )
