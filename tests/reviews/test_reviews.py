"""Reviews through the pages: write with a preview, edit and delete one's own, moderation by
the policy's rules only, flags, bursts, near duplicates, and what the clinic page shows."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caretime.core.reviews import BURST_REVIEWS_PER_DAY, FLAG_RULES, HoldReason, ReviewState, Rule
from caretime.directory.models import Clinic, Clinician
from caretime.reports.models import VisitReport
from caretime.reviews.models import Review, ReviewDecision, ReviewFlag, ReviewFreeze
from caretime.reviews.services import CannotPublish, Draft, ReviewRefused, moderate
from caretime.verdicts.actions import submit_review
from tests.factories import clinic_page, make_clinic

pytestmark = pytest.mark.django_db

TEXT = "They booked me with two other patients every time and the aide ran most of the session."


@pytest.fixture
def clinic(db: None) -> Clinic:
    clinic = make_clinic("Northside Rehab", latitude=41.95, longitude=-87.66)
    clinic.clinicians.add(
        Clinician.objects.create(first_name="MARIA", last_name="GONZALEZ", credential="DPT", discipline="pt")
    )
    return clinic


def person(name: str, *, verified: bool = True) -> User:
    user = User.objects.create_user(username=f"r-{name}", email=f"{name}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    return user


def moderator() -> User:
    return User.objects.get_or_create(username="moderator", defaults={"is_staff": True})[0]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**changes: Any) -> dict[str, Any]:
    return {
        "discipline": "pt",
        "stars": "2",
        "text": TEXT,
        "visited_in": f"{timezone.now():%Y-%m}",
        "connected": "no",
        **changes,
    }


def draft(**changes: Any) -> Draft:
    values: dict[str, Any] = {
        "discipline": "pt",
        "stars": 2,
        "text": TEXT,
        "visited_in": timezone.now().date().replace(day=1),
        "connected": False,
    }
    values.update(changes)
    return Draft(**values)


def write(client: Client, clinic: Clinic, **changes: Any) -> Any:
    """Preview, then send the previewed text, as a person does."""
    url = reverse("write-review", args=[clinic.pk, "pt"])
    preview = client.post(url, form(**changes))
    found = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.content.decode())
    if found is None:
        return preview
    return client.post(url, {**form(**changes), "previewed": found.group(1)})


def store(clinic: Clinic, user: User, **changes: Any) -> Review:
    """A review sent by this person from a connection of their own."""
    request = RequestFactory().post("/", REMOTE_ADDR=f"198.51.100.{user.pk % 250 + 1}")
    sent = submit_review(request=request, account=user, clinic=clinic, draft=draft(**changes))
    assert isinstance(sent, Review)
    return sent


# --- writing ------------------------------------------------------------------------------


def test_the_preview_shows_the_name_replaced_and_stores_nothing(clinic: Clinic) -> None:
    client = signed_in(person("ann"))
    url = reverse("write-review", args=[clinic.pk, "pt"])
    response = client.post(url, form(text="Maria was rushing between three of us; call (312) 555-0199 to ask."))
    page = response.content.decode()
    assert response.status_code == 200
    preview = page[page.index("This is what will be published") :]
    assert "Maria" not in preview.split("</blockquote>")[0]
    assert "the therapist" in preview
    assert "555-0199" not in preview.split("</blockquote>")[0]
    assert Review.objects.count() == 0
    assert reverse("review-policy") in page  # the policy is linked from every review form


def test_sending_the_previewed_text_stores_it_pending_with_names_out(clinic: Clinic) -> None:
    user = person("ben")
    response = write(signed_in(user), clinic, text="Dr. Gonzalez saw me for 15 minutes, then an aide took over.")
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.account == user
    assert review.state == ReviewState.PENDING
    assert "Gonzalez" not in review.text
    assert review.unscreened_text == ""
    assert ReviewDecision.objects.get().to_state == ReviewState.PENDING  # logged


def test_a_changed_text_is_previewed_again_before_it_is_sent(clinic: Clinic) -> None:
    client = signed_in(person("cat"))
    url = reverse("write-review", args=[clinic.pk, "pt"])
    preview = client.post(url, form())
    fingerprint = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.content.decode())
    assert fingerprint is not None
    again = client.post(url, {**form(text=TEXT + " Also Maria was kind."), "previewed": fingerprint.group(1)})
    assert again.status_code == 200
    assert Review.objects.count() == 0


def test_sending_needs_a_verified_address_and_keeps_what_was_written(clinic: Clinic) -> None:
    response = write(signed_in(person("dan", verified=False)), clinic)
    assert response.status_code == 403
    assert TEXT in response.content.decode()
    assert Review.objects.count() == 0
    anonymous = write(Client(), clinic)
    assert anonymous.status_code == 403
    assert Review.objects.count() == 0


def test_bad_input_says_what_to_fix_and_keeps_the_rest(clinic: Clinic) -> None:
    response = signed_in(person("eve")).post(
        reverse("write-review", args=[clinic.pk, "pt"]), form(stars="9", text="too short")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose from 1 to 5 stars." in page
    assert "at least 20 characters" in page
    assert "too short" in page
    assert Review.objects.count() == 0


def test_one_review_per_person_per_clinic(clinic: Clinic) -> None:
    user = person("fay")
    store(clinic, user)
    with pytest.raises(ReviewRefused) as refused:
        submit_review(
            request=RequestFactory().post("/"), account=user, clinic=clinic, draft=draft(text=TEXT + " Again.")
        )
    assert refused.value.status == 409
    # The form takes the person to their review instead.
    response = signed_in(user).get(reverse("write-review", args=[clinic.pk, "pt"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("edit-review", args=[Review.objects.get().pk])


def test_the_facts_of_the_visits_are_filed_as_the_persons_visit_report(clinic: Clinic) -> None:
    user = person("gus")
    write(signed_in(user), clinic, therapist_minutes="15", other_patients="2", every_visit="no")
    review = Review.objects.get()
    report = VisitReport.objects.get()
    assert review.visit_report == report
    assert report.account == user
    assert (report.therapist_minutes, report.other_patients) == (15, 2)
    # The verdict counts the person once, whatever they file.
    page = Client().get(clinic_page(clinic.pk, "pt")).content.decode()
    assert "1 patient report" in page


def test_minutes_without_other_patients_are_refused(clinic: Clinic) -> None:
    response = signed_in(person("hal")).post(
        reverse("write-review", args=[clinic.pk, "pt"]), form(therapist_minutes="20")
    )
    assert response.status_code == 400
    assert "give both the minutes and the other patients" in response.content.decode()


# --- own reviews --------------------------------------------------------------------------


def test_another_persons_review_cannot_be_edited_or_deleted(clinic: Clinic) -> None:
    review = store(clinic, person("ivy"))
    stranger = signed_in(person("jon"))
    assert stranger.get(reverse("edit-review", args=[review.pk])).status_code == 404
    assert stranger.post(reverse("edit-review", args=[review.pk]), form()).status_code == 404
    assert stranger.post(reverse("delete-review", args=[review.pk])).status_code == 404
    assert Review.objects.filter(pk=review.pk).exists()


def test_the_author_edits_and_the_review_waits_again(clinic: Clinic) -> None:
    user = person("kim")
    review = moderate(store(clinic, user), moderator=moderator(), rule=Rule.MEETS_POLICY)
    assert review.state == ReviewState.PUBLISHED
    client = signed_in(user)
    url = reverse("edit-review", args=[review.pk])
    assert TEXT in client.get(url).content.decode()
    new_text = "Better lately: the therapist stayed with me for the whole 45 minutes."
    preview = client.post(url, form(text=new_text))
    fingerprint = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.content.decode())
    assert fingerprint is not None
    assert client.post(url, {**form(text=new_text, stars="4"), "previewed": fingerprint.group(1)}).status_code == 302
    review.refresh_from_db()
    assert (review.text, review.stars, review.state) == (new_text, 4, ReviewState.PENDING)
    assert review.edited_on == timezone.now().date()


def test_the_author_deletes_the_review_and_its_visit_report(clinic: Clinic) -> None:
    user = person("lou")
    client = signed_in(user)
    write(client, clinic, therapist_minutes="15", other_patients="1")
    review = Review.objects.get()
    assert client.post(reverse("delete-review", args=[review.pk])).status_code == 302
    assert not Review.objects.exists()
    assert not VisitReport.objects.exists()
    assert ReviewDecision.objects.exists()  # the moderation log is kept


# --- moderation ---------------------------------------------------------------------------


def test_only_published_reviews_show_and_every_state_is_counted(clinic: Clinic) -> None:
    reviews = [store(clinic, person(f"p{i}"), text=f"{TEXT} Visit number {i} was the same story.") for i in range(4)]
    moderate(reviews[0], moderator=moderator(), rule=Rule.MEETS_POLICY)
    moderate(reviews[1], moderator=moderator(), rule=Rule.DUPLICATE)
    moderate(reviews[2], moderator=moderator(), rule=Rule.SPAM)
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "1 published review" in page
    assert "1 not recommended" in page
    assert "1 removed under our review policy" in page
    assert "Visit number 0" in page
    # Its stars (2, as drafted), said and drawn, and the rules anyone can flag it under.
    assert '<span class="stars" aria-label="2 stars out of 5">★★☆☆☆</span>' in page
    options = re.findall(r'<option value="([a-z_]+)">', page.split('class="flag"')[1].split("</select>")[0])
    assert options == [rule.value for rule in FLAG_RULES]
    assert "Visit number 1" not in page
    assert "Visit number 2" not in page
    assert "Visit number 3" not in page
    hidden = Client().get(reverse("not-recommended-reviews", args=[clinic.pk])).content.decode()
    assert "Visit number 1" in hidden
    decisions = ReviewDecision.objects.filter(moderator__isnull=False)
    assert sorted(decisions.values_list("rule", flat=True)) == sorted(["meets_policy", "duplicate", "spam"])
    assert all(d.decided_at is not None for d in decisions)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    stars=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    subs=st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=5, max_size=5),
    earlier=st.integers(0, BURST_REVIEWS_PER_DAY + 1),
    copy=st.booleans(),
)
def test_changing_only_the_rating_never_changes_the_outcome(
    clinic: Clinic, stars: tuple[int, int], subs: list[int | None], earlier: int, copy: bool
) -> None:
    """Whatever came before (a burst, a near copy), two reviews that differ only in their
    stars and sub-ratings arrive with the same state and hold reason."""
    outcomes = []
    for overall in stars:
        with transaction.atomic():
            for i in range(earlier):
                store(clinic, person(f"e{overall}-{i}"), text=f"Earlier review {i}: {TEXT}")
            text = (
                f"Earlier review 0: {TEXT}"
                if copy and earlier
                else "Short visits, long waits, and the same story for months."
            )
            names = ("time_rating", "attention_rating", "honesty_rating", "scheduling_rating", "billing_rating")
            review = store(
                clinic,
                person(f"n{overall}"),
                text=text,
                stars=overall,
                sub_ratings=tuple(
                    zip(names, [s if overall == stars[0] else (6 - s if s else None) for s in subs], strict=True)
                ),
            )
            outcomes.append((review.state, review.hold_reason))
            transaction.set_rollback(True)
    assert outcomes[0] == outcomes[1]


def test_a_burst_freezes_the_clinic_and_holds_new_reviews_visibly(clinic: Clinic) -> None:
    texts = [
        "Booked with two others at once, every single visit.",
        "The aide ran my sessions after the evaluation.",
        "Twenty minutes with the therapist, then the bike and ice.",
        "Front desk promised one-on-one and it never happened.",
        "Billing charged for therapy time I spent alone on a machine.",
        "I waited half an hour and then shared the therapist with a stranger.",
        "They could not tell me how long I would see the therapist.",
    ]
    for i in range(BURST_REVIEWS_PER_DAY + 1):
        review = store(clinic, person(f"b{i}"), text=texts[i])
    assert review.hold_reason == HoldReason.BURST
    freeze = ReviewFreeze.objects.get()
    assert freeze.until > timezone.now() + timedelta(hours=71)
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "Many reviews of this clinic arrived at once" in page


def test_a_near_copy_of_another_review_is_held(clinic: Clinic) -> None:
    store(clinic, person("orig"))
    other = make_clinic("Elsewhere PT", latitude=41.8, longitude=-87.6)
    copied = store(other, person("copy"), text=TEXT.replace("every time", "every single time"))
    assert copied.hold_reason == HoldReason.NEAR_DUPLICATE
    different = store(other, person("own"), text="The therapist spent the whole hour with me, every visit.")
    assert different.hold_reason == HoldReason.NONE


def test_a_review_that_cannot_be_screened_is_held_and_never_published(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("screening is down")

    monkeypatch.setattr("caretime.reviews.services.screen", broken)
    review = store(clinic, person("sam"), text="Maria Gonzalez rushed me through it in 15 minutes.")
    assert review.hold_reason == HoldReason.SCREENING_FAILED
    assert review.text == ""
    assert "Maria" in review.unscreened_text
    with pytest.raises(CannotPublish):
        moderate(review, moderator=moderator(), rule=Rule.MEETS_POLICY)
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING
    monkeypatch.undo()  # screening is back: the moderator's decision screens it first
    moderate(review, moderator=moderator(), rule=Rule.MEETS_POLICY)
    review.refresh_from_db()
    assert review.state == ReviewState.PUBLISHED
    assert "Maria" not in review.text
    assert review.unscreened_text == ""


# --- flags --------------------------------------------------------------------------------


def test_anyone_can_flag_and_the_review_stays_up(clinic: Clinic) -> None:
    review = moderate(store(clinic, person("tia")), moderator=moderator(), rule=Rule.MEETS_POLICY)
    response = Client().post(reverse("flag-review", args=[review.pk]), {"rule": "off_topic"})
    assert response.status_code == 302
    flag = ReviewFlag.objects.get()
    assert (flag.rule, flag.resolved_on) == ("off_topic", None)
    assert TEXT in Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    moderate(review, moderator=moderator(), rule=Rule.MEETS_POLICY)
    flag.refresh_from_db()
    assert flag.resolved_on == timezone.now().date()


def test_a_pending_review_cannot_be_flagged(clinic: Clinic) -> None:
    review = store(clinic, person("uma"))
    assert Client().post(reverse("flag-review", args=[review.pk]), {"rule": "spam"}).status_code == 404


# --- the clinic page ------------------------------------------------------------------------


def ld_json(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_structured_data_comes_from_published_reviews_only(clinic: Clinic) -> None:
    published = [
        moderate(
            store(clinic, person(f"s{i}"), text=f"{TEXT} Number {i}.", stars=i + 1),
            moderator=moderator(),
            rule=Rule.MEETS_POLICY,
        )
        for i in range(3)
    ]
    store(clinic, person("waiting"), text="Waiting review: " + TEXT, stars=5)
    insider = store(clinic, person("insider"), text="I work there and it is lovely, honestly.", stars=5, connected=True)
    moderate(insider, moderator=moderator(), rule=Rule.MEETS_POLICY)
    data = ld_json(Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode())
    assert data["@type"] == "MedicalClinic"
    assert data["aggregateRating"]["reviewCount"] == 3
    assert data["aggregateRating"]["ratingValue"] == 2.0
    bodies = [r["reviewBody"] for r in data["review"]]
    assert len(bodies) == len(published)
    assert not any("Waiting review" in b or "lovely" in b for b in bodies)


def test_no_average_from_fewer_than_three_reviews(clinic: Clinic) -> None:
    for i in range(2):
        moderate(
            store(clinic, person(f"a{i}"), text=f"{TEXT} Visit {i}."),
            moderator=moderator(),
            rule=Rule.MEETS_POLICY,
        )
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "An average of the stars is shown from 3 reviews on." in page
    assert "aggregateRating" not in ld_json(page)


HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "' onmouseover='alert(1)",
        "</script><script>alert(2)</script>",
        "a" * 400,
        "\u202e\u202dreversed\u202c",
        "\x00\x01\x1b[31m",
        "javascript:alert(1)",
        "https://evil.example/login",
        "{{ settings.SECRET_KEY }} {% debug %}",
    ]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=HOSTILE, filler=st.text(min_size=0, max_size=40))
def test_hostile_text_is_shown_escaped_everywhere(clinic: Clinic, hostile: str, filler: str) -> None:
    text = f"The visits were rushed. {hostile} {filler} Twenty more characters here."
    text = text.replace("\x00", "")
    with transaction.atomic():
        review = store(clinic, person("hostile"), text=text)
        moderate(review, moderator=moderator(), rule=Rule.MEETS_POLICY)
        page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
        transaction.set_rollback(True)
    body = page.split("<body>", 1)[1]
    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "onmouseover='alert" not in body
    assert 'href="javascript:' not in body
    assert 'href="https://evil.example' not in body
    assert "</script><script>" not in page
    assert "SECRET_KEY" not in page or "{{ settings.SECRET_KEY }}" in page  # shown as written, never evaluated
    ld_json(page)  # the structured data still parses


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    field=st.sampled_from(
        [
            "discipline",
            "stars",
            "text",
            "visited_in",
            "connected",
            "time_rating",
            "billing_rating",
            "therapist_minutes",
            "other_patients",
            "every_visit",
            "previewed",
        ]
    ),
    hostile=HOSTILE,
)
def test_every_field_of_the_form_shows_hostile_input_escaped(clinic: Clinic, field: str, hostile: str) -> None:
    client = signed_in(User.objects.get_or_create(username="r-xss", defaults={"email": "xss@example.org"})[0])
    response = client.post(reverse("write-review", args=[clinic.pk, "pt"]), form(**{field: hostile}))
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "onmouseover='alert" not in page
    assert Review.objects.count() == 0


def test_sub_ratings_and_stars_never_rate_a_person(clinic: Clinic) -> None:
    review = store(clinic, person("vic"), sub_ratings=(("time_rating", 2), ("billing_rating", 1)))
    moderate(review, moderator=moderator(), rule=Rule.MEETS_POLICY)
    page = Client().get(reverse("clinic-detail", args=[clinic.pk])).content.decode()
    assert "Time with the therapist: 2 of 5" in page
    assert "Billing: 1 of 5" in page
