"""Claiming a clinic's listing: a person proves they speak for the clinic with a code sent to
the clinic's public contact in the directory (its phone, by a call or a text; its address, by
a letter) or to an address at the clinic's own web domain when one is on record. Whoever reads
the code there speaks for the clinic; nobody else can know it.

One confirmed claim per clinic at a time (a constraint in the database); staff can revoke it.
Every step is written to the admin log (caretime.accounts.audit), never the code.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caretime.accounts.audit import log_moderation
from caretime.clinicside.models import Channel, Claim, ClaimState, Listing
from caretime.clinicside.senders import Delivery, sender
from caretime.core.refusal import Refused
from caretime.directory.models import Clinic
from caretime.shared.limits import ACCOUNT_CLAIM_CODES_PER_DAY, CLINIC_CLAIM_CODES_PER_DAY, RateLimited, admit

CODE_DIGITS = 8
# Five guesses of an eight-digit code: one chance in twenty million.
MAX_WRONG_TRIES = 5
# A letter takes days to arrive; a call, a text or an e-mail minutes.
CODE_LIFETIME = {
    Channel.CALL: timedelta(days=1),
    Channel.TEXT: timedelta(days=1),
    Channel.EMAIL: timedelta(days=1),
    Channel.LETTER: timedelta(days=30),
}


class ClaimRefused(Refused):
    pass


def postal_address(clinic: Clinic) -> str:
    lines = [
        clinic.name,
        clinic.address_line1,
        clinic.address_line2,
        f"{clinic.city}, {clinic.state} {clinic.zip_code}",
    ]
    return "\n".join(line for line in lines if line)


def web_domain(clinic: Clinic) -> str:
    listing = Listing.objects.filter(clinic=clinic).first()
    return listing.web_domain.lower() if listing else ""


def channels_for(clinic: Clinic) -> list[tuple[Channel, str]]:
    """The channels a code can go by for this clinic, with the public contact each uses (for an
    e-mail, the domain the address must be at)."""
    offered = sender().channels()
    found: list[tuple[Channel, str]] = []
    if clinic.phone:
        found += [(Channel.CALL, clinic.formatted_phone), (Channel.TEXT, clinic.formatted_phone)]
    found.append((Channel.LETTER, postal_address(clinic)))
    domain = web_domain(clinic)
    if domain:
        found.append((Channel.EMAIL, domain))
    return [(channel, to) for channel, to in found if channel.value in offered]


def confirmed_claim(clinic: Clinic) -> Claim | None:
    return Claim.objects.filter(clinic=clinic, state=ClaimState.CONFIRMED).first()


def claim_of(account: User | None, clinic: Clinic) -> Claim | None:
    """The account's confirmed claim of this clinic, or None: what every clinic-side action asks."""
    if account is None or not account.is_authenticated:
        return None
    return Claim.objects.filter(clinic=clinic, account=account, state=ClaimState.CONFIRMED).first()


def _hash(claim_key: str, code: str) -> str:
    return salted_hmac("caretime.clinicside.claim-code", f"{claim_key}:{code}").hexdigest()


def _log(account_id: int, claim: Claim, message: str) -> None:
    log_moderation(moderator_id=account_id, model=Claim, object_id=claim.pk, message=message)


def _already_claimed() -> ClaimRefused:
    return ClaimRefused(
        {
            "": _(
                "Someone already speaks for this clinic on caretime. If that is wrong, write to %(contact)s and "
                "we will look into it."
            )
            % {"contact": settings.CONTACT_EMAIL}
        },
        status=409,
    )


def request_claim(*, account: User, clinic: Clinic, channel: str, email: str = "") -> Claim | RateLimited:
    """Send a code to the clinic's public contact by ``channel``; the claim waits for it."""
    now = timezone.now()
    if confirmed_claim(clinic) is not None:
        raise _already_claimed()
    offered = dict(channels_for(clinic))
    if channel not in offered:
        raise ClaimRefused({"channel": _("Choose one of the ways listed to send the code.")})
    chosen = Channel(channel)
    to = clinic.phone if chosen in (Channel.CALL, Channel.TEXT) else offered[chosen]
    if chosen == Channel.EMAIL:
        email = email.strip().lower()
        if "@" not in email or email.rsplit("@", 1)[1] != offered[chosen] or any(c.isspace() for c in email):
            raise ClaimRefused(
                {
                    "email": _("Enter an e-mail address at %(domain)s, the clinic's own web domain.")
                    % {"domain": offered[chosen]}
                }
            )
        to = email
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=clinic.pk).first()
        since = now - timedelta(days=1)
        refused = admit(
            CLINIC_CLAIM_CODES_PER_DAY,
            list(Claim.objects.filter(clinic=clinic, requested_at__gt=since).values_list("requested_at", flat=True)),
            now,
        ) or admit(
            ACCOUNT_CLAIM_CODES_PER_DAY,
            list(Claim.objects.filter(account=account, requested_at__gt=since).values_list("requested_at", flat=True)),
            now,
        )
        if refused is not None:
            return refused
        # A new code replaces the account's earlier one for this clinic.
        Claim.objects.filter(clinic=clinic, account=account, state=ClaimState.PENDING).update(
            state=ClaimState.VOID, ended_at=now
        )
        code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
        key = secrets.token_hex(16)
        claim = Claim.objects.create(
            clinic=clinic,
            account=account,
            channel=chosen,
            sent_to=to,
            code_hash=f"{key}${_hash(key, code)}",
            code_expires_at=now + CODE_LIFETIME[chosen],
            requested_at=now,
        )
        _log(account.pk, claim, f"Claim asked for: code sent by {chosen.label} ({to}).")
        # Inside the transaction: if sending fails, no claim waits for a code that never left.
        sender().send(_delivery(clinic, chosen, to, code, claim.code_expires_at))
    return claim


def _delivery(clinic: Clinic, channel: Channel, to: str, code: str, expires: datetime) -> Delivery:
    spaced = f"{code[:4]} {code[4:]}"
    text = _(
        "Someone asked caretime to let them speak for %(clinic)s: state how it books patients, answer reviews "
        "and correct its listing. If that person works for the clinic, give them this code: %(code)s. It works "
        "until %(expires)s. If nobody at the clinic asked for it, do nothing: without the code nobody can "
        "speak for the clinic."
    ) % {"clinic": clinic.name, "code": spaced, "expires": expires.strftime("%Y-%m-%d %H:%M UTC")}
    return Delivery(
        channel=channel.value,
        to=to,
        subject=_("Your caretime code for %(clinic)s") % {"clinic": clinic.name},
        text=text,
    )


def confirm_claim(*, claim: Claim, code: str) -> Claim:
    """The claimant enters the code. A wrong code counts a try (stored before the refusal is
    raised, so it cannot be undone by the refusal); the last try voids the claim."""
    now = timezone.now()
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=claim.clinic_id).first()
        claim.refresh_from_db()
        refusal = _check_code(claim, code, now)
        if refusal is None:
            claim.state, claim.confirmed_at = ClaimState.CONFIRMED, now
            try:
                with transaction.atomic():
                    claim.save(update_fields=["state", "confirmed_at"])
            except IntegrityError:  # another person confirmed a claim of the same clinic first
                refusal = _already_claimed()
            else:
                _log(claim.account_id, claim, "Claim confirmed with the code.")
                # Anyone else's claims of the clinic still waiting for a code end here.
                Claim.objects.filter(clinic_id=claim.clinic_id, state=ClaimState.PENDING).update(
                    state=ClaimState.VOID, ended_at=now
                )
    if refusal is not None:
        raise refusal
    return claim


def _check_code(claim: Claim, code: str, now: datetime) -> ClaimRefused | None:
    """None when the code is right; else the refusal, with the wrong try or the expiry stored."""
    if claim.state != ClaimState.PENDING or claim.code_expires_at <= now:
        if claim.state == ClaimState.PENDING:
            claim.state, claim.ended_at = ClaimState.VOID, now
            claim.save(update_fields=["state", "ended_at"])
        return ClaimRefused({"code": _("This code no longer works. Ask for a new one.")})
    key, digest = claim.code_hash.split("$", 1)
    entered = "".join(ch for ch in code if ch.isdigit())
    if constant_time_compare(_hash(key, entered), digest):
        return None
    claim.wrong_tries += 1
    left = MAX_WRONG_TRIES - claim.wrong_tries
    if left <= 0:
        claim.state, claim.ended_at = ClaimState.VOID, now
    claim.save(update_fields=["wrong_tries", "state", "ended_at"])
    _log(claim.account_id, claim, f"Wrong code entered ({claim.wrong_tries} of {MAX_WRONG_TRIES}).")
    if left <= 0:
        return ClaimRefused({"code": _("That code is wrong, and was the last try. Ask for a new code.")})
    return ClaimRefused(
        {
            "code": ngettext(
                "That code is wrong. You can try %(left)d more time.",
                "That code is wrong. You can try %(left)d more times.",
                left,
            )
            % {"left": left}
        }
    )


def revoke_claim(*, claim: Claim, staff: User, reason: str) -> Claim:
    """Staff end a claim: the clinic's statements and schedules stop showing with it."""
    with transaction.atomic():
        claim.refresh_from_db()
        if claim.state not in (ClaimState.CONFIRMED, ClaimState.PENDING):
            return claim
        claim.state, claim.ended_at = ClaimState.REVOKED, timezone.now()
        claim.save(update_fields=["state", "ended_at"])
        _log(staff.pk, claim, f"Claim revoked by staff: {reason}")
    return claim
