"""What the clinic page shows beside the verdicts, read once per worker and kept.

A clinic's reviews, its Medicare billing figures, its side (what it states, its schedule, who
speaks for it, when its listing was confirmed) and the data releases they come from cost a
page four queries, and they stay the same until something is written (with them, what is made
of them and of the listing alone: the reviews' JSON-LD, the words that say where it is). They are kept under the
clinic, the therapy, the language (figures and statements are described in words), the day (a
schedule's badge ages), the directory's generation read before the clinic was and the
evidence's generation, the same for everyone who asks: nothing of the person is in them. What differs per request is applied per request: whether the person asking speaks for
the clinic (``clinic_side.seen_by``), and whether a freeze of new reviews still runs.

Writes of these rows do not all go through the evidence's actions (a review published, a freeze,
a claim confirmed, a schedule sent, a listing confirmed, a data release recorded), so each of
them starts a new evidence generation too (the receivers below), as every write of evidence
does: they are rare beside call and visit reports, and a new generation only makes the pages
and verdicts kept under the old one be made again. That was chosen over reading them on every
request: reading them is what cost the time.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation

from caretime.billing.selectors import ClinicBilling, clinic_billing
from caretime.clinicside.models import Claim, Listing, ScheduleSample, Statement
from caretime.core.kept import Kept
from caretime.core.places import describe_location
from caretime.datasets.freshness import Freshness, data_freshness
from caretime.datasets.models import DataRelease
from caretime.directory.models import Clinic
from caretime.reviews.models import Review, ReviewAnswer, ReviewFreeze
from caretime.reviews.selectors import ClinicReviews, clinic_reviews, json_ld
from caretime.reviews.services import reviews_rescreened
from caretime.shared.evidence_generation import EVIDENCE
from caretime.verdicts.clinic_side import ClinicSide, clinic_side_and_speaker, seen_by

# A few kilobytes each: a clinic's reviews are most of it.
PAGES_KEPT = 2_048


@dataclass(frozen=True)
class ClinicPageFacts:
    """The clinic page's reads beside the verdicts, as anyone sees them who does not speak for
    the clinic. ``made_of``: the key they are kept under, which is everything they are made
    of, so the parts of the page that show only them are kept under it too."""

    made_of: tuple[Hashable, ...]
    reviews: ClinicReviews  # ``frozen_until``: the end of the latest freeze, passed or not
    reviews_json_ld: str  # its address is the page's in the language
    place_description: str
    billing: list[ClinicBilling]
    freshness: Freshness
    side: ClinicSide
    speaker: int | None  # the account that speaks for the clinic

    @property
    def shown_as(self) -> str:
        """The key of the parts of the page that show only these facts, as text (a key of
        the page's parts holds plain values): what they are made of, and whether a freeze of
        new reviews still runs."""
        return repr((self.made_of, self.reviews.frozen_until))

    def seen_by(self, viewer: User | None) -> ClinicPageFacts:
        """As the person asking sees them: their own clinic, a freeze that ended."""
        now = timezone.now()
        reviews = self.reviews
        if reviews.frozen_until is not None and reviews.frozen_until <= now:
            reviews = replace(reviews, frozen_until=None)
        return replace(self, reviews=reviews, side=seen_by(self.side, self.speaker, viewer))


# Kept in each worker only, never in the shared cache: the reviews are the rows as stored, with
# the account that wrote each one (a store apart from the database, Redis may be written to
# disk, and nothing of who wrote a review may sit beside it there).
kept_pages: Kept[ClinicPageFacts] = Kept(PAGES_KEPT)
# The releases are the same for every clinic: one reading per pair of generations.
kept_freshness: Kept[Freshness] = Kept(2)


def clinic_page_facts(
    clinic: Clinic, discipline: str, *, today: date, generation: int, evidence: int
) -> ClinicPageFacts:
    """The page's reads for ``clinic`` and ``discipline``. ``generation``: the directory's, read
    before the clinic was (its listing is of it or newer); ``evidence``: the evidence's, read
    before anything of the clinic (``EVIDENCE.read()``)."""
    # The billing figures' sentences and the statement's summary are written in the language.
    key = (translation.get_language(), clinic.pk, discipline, today, generation, evidence)
    facts = kept_pages.get(key)
    if facts is None:
        facts = _read(clinic, discipline, today, key)
        kept_pages.put(key, facts)
    return facts


def _read(clinic: Clinic, discipline: str, today: date, key: tuple[Hashable, ...]) -> ClinicPageFacts:
    reviews = clinic_reviews(clinic, ended_too=True)
    side, speaker = clinic_side_and_speaker(clinic, discipline, today=today)
    return ClinicPageFacts(
        made_of=key,
        reviews=reviews,
        reviews_json_ld=json_ld(clinic, reviews),
        place_description=describe_location(clinic.point, clinic.city, clinic.state, clinic.zip_code),
        billing=clinic_billing(clinic.pk),
        freshness=_freshness(key[-2:]),
        side=side,
        speaker=speaker,
    )


def _freshness(generations: tuple[Hashable, ...]) -> Freshness:
    """The releases under the directory's and the evidence's generations."""
    found = kept_freshness.get(generations)
    if found is None:
        found = data_freshness()
        kept_freshness.put(generations, found)
    return found


def _shown_rows_written(**kwargs: Any) -> None:
    if kwargs.get("raw"):  # fixtures: loaded before anything is kept
        return
    EVIDENCE.changed()


# Every row the page shows beside the evidence, saved or deleted through the ORM (an admin's
# decision too). Reviews are left out of the deletes: a clinic removed with its reviews would
# make Django fetch and signal each of them, and an author's delete goes through
# ``actions.delete_review``, which starts a generation itself.
for _model in (Review, ReviewAnswer, ReviewFreeze, Claim, Statement, ScheduleSample, Listing, DataRelease):
    post_save.connect(_shown_rows_written, sender=_model, dispatch_uid=f"clinic_page_{_model.__name__}_saved")
for _model in (ReviewAnswer, ReviewFreeze, Claim, Statement, ScheduleSample, Listing, DataRelease):
    post_delete.connect(_shown_rows_written, sender=_model, dispatch_uid=f"clinic_page_{_model.__name__}_deleted")
# Texts screened again are updated in place, which sends no signal of its own.
reviews_rescreened.connect(_shown_rows_written, dispatch_uid="clinic_page_reviews_rescreened")
