"""Demo reviews: what invented patients wrote about the invented clinics, in line with each
clinic's care profile. Some name a clinician of the clinic's roster, and are screened like any
review, so the demo shows names replaced by a role. Every state is represented: most reviews
published, some waiting, a few not recommended, one in a while removed; a few from people
connected to the clinic. Deterministic for a seed and a day; every review is flagged
``is_demo`` and has no account."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, time

from django.db import transaction
from django.db.models import QuerySet

from caretime.core.redaction import RosterPerson
from caretime.core.reviews import ReviewState, Rule
from caretime.directory.demo import CareProfile
from caretime.directory.models import Clinic, Clinician
from caretime.reviews.models import Review, ReviewDecision
from caretime.reviews.services import screen_for
from caretime.shared.demo import BATCH_SIZE, demo_services, months_before

SHARE_WITHOUT_REVIEWS = 0.5
CONNECTED_SHARE = 0.05

_TEXTS = {
    CareProfile.MILL: [
        (
            "They booked me with two other patients every time. {name} kept running between us and an aide did "
            "most of my exercises.",
            1,
        ),
        (
            "At booking they promised one-on-one care. In reality I had about 20 minutes with the therapist and spent "
            "the rest of the hour on the bike and under a heat pack.",
            2,
        ),
        ("{name} clearly knows their stuff but was treating three of us at once. I felt like a number.", 2),
        ("Call them at {phone} and ask how many patients a therapist sees per hour. I wish I had.", 1),
        (
            "The aide ran my sessions after the first visit. Billing charged for therapy I never got from a therapist.",
            1,
        ),
    ],
    CareProfile.ONE_ON_ONE: [
        ("A full hour with {name} every visit, never shared with anyone else. Worth the drive.", 5),
        ("One-on-one the whole time, exactly as they said on the phone. My shoulder is finally better.", 5),
        ("{name} spent the whole session with me and explained every exercise. Scheduling was easy too.", 5),
        ("Great care and real attention. Hard to get an evening slot, which is why not five stars.", 4),
    ],
    CareProfile.AVERAGE: [
        ("About 40 minutes with the therapist and the rest with an aide. Fine for a simple knee problem.", 3),
        ("{name} was good when I had them, but some visits were shared with another patient.", 3),
        ("Friendly staff and easy scheduling. The time with the therapist varied from visit to visit.", 4),
        ("Billing was confusing and it took two calls to {phone} to sort it out. The care itself was okay.", 2),
    ],
}


def _names(roster: list[RosterPerson], rng: random.Random) -> str:
    """A way a patient might name a clinician of the roster: first name, "Dr." and the last name,
    or the full name; "my therapist" when the roster is empty."""
    people = [(person.first_name, person.last_name) for person in roster]
    if not people:
        return "my therapist"
    first, last = rng.choice(sorted(people))
    return rng.choice([first.title(), f"Dr. {last.title()}", f"{first.title()} {last.title()}"])


def _demo_rosters() -> dict[int, list[RosterPerson]]:
    """Every demo clinic's roster in one query, each in the order ``roster`` reads one clinic's:
    at 100,000 clinics, two queries a review were most of the build's time."""
    rosters: dict[int, list[RosterPerson]] = defaultdict(list)
    links = Clinician.clinics.through.objects.filter(clinic__is_demo=True).order_by(
        "clinic_id", "clinician__last_name", "clinician__first_name"
    )
    for clinic_id, first, last, credential in links.values_list(
        "clinic_id", "clinician__first_name", "clinician__last_name", "clinician__credential"
    ).iterator(chunk_size=BATCH_SIZE):
        rosters[clinic_id].append(RosterPerson(first_name=first, last_name=last, credential=credential))
    return rosters


def _state(rng: random.Random) -> tuple[ReviewState, Rule | None]:
    roll = rng.random()
    if roll < 0.72:
        return ReviewState.PUBLISHED, Rule.MEETS_POLICY
    if roll < 0.87:
        return ReviewState.PENDING, None
    if roll < 0.96:
        return ReviewState.NOT_RECOMMENDED, Rule.DUPLICATE
    return ReviewState.REMOVED, Rule.OFF_TOPIC


def build_demo_reviews(*, seed: int, today: date) -> int:
    """Replace the demo reviews; returns how many were written."""
    clinics = {clinic.pk: clinic for clinic in Clinic.objects.filter(is_demo=True).select_related("organization")}
    decided_at = datetime.combine(today, time(12), tzinfo=UTC)
    rosters = _demo_rosters()

    def reviews() -> Iterator[tuple[Review, Rule | None]]:
        seen: set[int] = set()
        for clinic_id, discipline, index, profile in demo_services(seed):
            if clinic_id in seen:  # one clinic, one set of reviews (under its first therapy)
                continue
            seen.add(clinic_id)
            rng = random.Random(f"{seed}:reviews:{index}")
            if rng.random() < SHARE_WITHOUT_REVIEWS:
                continue
            clinic = clinics[clinic_id]
            roster = rosters.get(clinic_id, [])
            for template, stars in rng.sample(_TEXTS[profile], k=rng.randint(1, len(_TEXTS[profile]))):
                text = template.format(name=_names(roster, rng), phone=clinic.formatted_phone or "(555) 010-0199")
                screened = screen_for(clinic, text, people=roster)
                state, rule = _state(rng)
                written = months_before(today, rng.randint(0, 10))
                yield (
                    Review(
                        clinic=clinic,
                        discipline=discipline,
                        stars=stars,
                        time_rating=rng.choice([None, max(1, stars - 1), stars]),
                        scheduling_rating=rng.choice([None, 3, 4]),
                        text=screened.text if screened else "",
                        unscreened_text="" if screened else text,
                        visited_in=written,
                        connected=rng.random() < CONNECTED_SHARE,
                        state=state.value if screened else ReviewState.PENDING.value,
                        written_on=written,
                        published_on=written if state == ReviewState.PUBLISHED else None,
                        is_demo=True,
                    ),
                    rule if screened else None,
                )

    with transaction.atomic():
        Review.objects.filter(is_demo=True).delete()
        built = list(reviews())
        Review.objects.bulk_create([review for review, _ in built])
        ReviewDecision.objects.bulk_create(
            ReviewDecision(
                review=review,
                review_number=review.pk,
                decided_at=decided_at,
                from_state=ReviewState.PENDING.value,
                to_state=review.state,
                rule=rule.value,
            )
            for review, rule in built
            if rule is not None
        )
    return len(built)


def forget_demo_clinics(sender: object, clinics: QuerySet[Clinic], **kwargs: object) -> None:
    """Before the demo region goes (``caretime.directory.demo.demo_clinics_removing``): its demo reviews."""
    Review.objects.filter(clinic__in=clinics, is_demo=True).delete()
