"""Writing a review (with a preview of the screened text), editing and deleting one's own: pages
above both the reviews and the reports sources, since a review's visit facts are filed as the
person's visit report (``caretime.verdicts.actions``)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from caretime.accounts.auth import has_verified_email, signed_in_user
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.shortcuts import clinic_and_discipline
from caretime.reviews.forms import ReviewForm
from caretime.reviews.models import SUB_RATINGS, Review
from caretime.reviews.services import Draft, ReviewRefused, screen_for
from caretime.shared.limits import LimitReached, RateLimited
from caretime.verdicts.actions import delete_review, edit_review, submit_review
from caretime.verdicts.bar import search_context


def _fingerprint(text: str) -> str:
    """Tells whether the text sent is the text previewed."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _form_page(
    request: HttpRequest, *, clinic: Clinic, discipline: str, review: Review | None, action_url: str
) -> HttpResponse:
    """The write and edit pages: a first send shows the screened text; sending the same text
    again stores it."""
    today = timezone.now().date()
    user = signed_in_user(request)
    sender = user if user is not None and has_verified_email(user) else None
    context: dict[str, Any] = {
        "clinic": clinic,
        "discipline": discipline,
        "discipline_label": _(DisciplineChoices(discipline).label),
        "review": review,
        "can_send": sender is not None,
        "signed_in": user is not None,
        "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}",
        "verify_url": reverse("account_email"),
        "action_url": action_url,
        "origin_query": search_context(request, discipline=discipline),
    }
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, clinic=clinic, today=today)
        status = 400
        if form.is_valid():
            draft = form.draft
            screened = screen_for(clinic, draft.text)
            context["screened"] = screened
            context["fingerprint"] = _fingerprint(draft.text)
            status = 200
            if request.POST.get("previewed") == _fingerprint(draft.text):
                if sender is None:
                    form.add_error(None, _("Sign in with a verified e-mail address to send a review."))
                    status = 403
                else:
                    sent = _send(request, sender, clinic, review, draft, form, context)
                    if isinstance(sent, HttpResponse):
                        return sent
                    status = sent
    elif review is not None:
        form = ReviewForm(initial=_initial(review), clinic=clinic, today=today)
    else:
        form = ReviewForm(
            initial={"discipline": discipline, "visited_in": f"{today:%Y-%m}"}, clinic=clinic, today=today
        )
    context["form"] = form
    response = render(request, "reviews/write.html", context, status=status)
    if status == 429 and "retry_after" in context:
        response["Retry-After"] = str(context["retry_after"])
    return response


def _send(
    request: HttpRequest,
    user: User,
    clinic: Clinic,
    review: Review | None,
    draft: Draft,
    form: ReviewForm,
    context: dict[str, Any],
) -> HttpResponse | int:
    """Store the review; a redirect when stored, else the status of the refusal (its words
    are added to the form, a wait to ``context``)."""
    try:
        if review is None:
            sent = submit_review(request=request, account=user, clinic=clinic, draft=draft)
        else:
            sent = edit_review(review, draft)
    except ReviewRefused as refused:
        for field, message in refused.problems.items():
            form.add_error(field if field in form.fields else None, message)
        return refused.status
    except LimitReached as limit:
        sent = limit.refused
    if isinstance(sent, RateLimited):
        form.add_error(None, sent.message)
        context["retry_after"] = sent.retry_after_seconds
        return 429
    messages.success(
        request,
        _(
            "Thank you. Your review waits for a moderator, who checks every review by the same rules and never by "
            "its rating. You can edit or delete it on your reports page."
        ),
    )
    return redirect("my-reports")


def _initial(review: Review) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "discipline": review.discipline,
        "stars": str(review.stars),
        "text": review.text or review.unscreened_text,
        "visited_in": f"{review.visited_in:%Y-%m}",
        "connected": "yes" if review.connected else "no",
    }
    for name in SUB_RATINGS:
        value = getattr(review, name)
        initial[name] = str(value) if value else ""
    facts = review.visit_report.facts if review.visit_report else None
    if facts is not None:
        initial["therapist_minutes"] = facts.therapist_minutes
        initial["other_patients"] = str(facts.other_patients)
        initial["every_visit"] = {"yes": "yes", "no": "no"}.get(facts.whole_time.value, "")
    return initial


@require_http_methods(["GET", "POST"])
def write_review(request: HttpRequest, clinic_id: int, discipline: str) -> HttpResponse:
    clinic = clinic_and_discipline(clinic_id, discipline)
    user = signed_in_user(request)
    if user is not None:
        existing = Review.objects.filter(account=user, clinic=clinic).first()
        if existing is not None:
            return redirect("edit-review", review_id=existing.pk)
    return _form_page(
        request,
        clinic=clinic,
        discipline=discipline,
        review=None,
        action_url=reverse("write-review", args=[clinic.pk, discipline]),
    )


def _own_review(request: HttpRequest, review_id: int) -> Review:
    """The signed-in person's own review; anyone else's is a 404, as if it did not exist."""
    review = (
        Review.objects.select_related("clinic", "visit_report").filter(pk=review_id, account_id=request.user.pk).first()
    )
    if review is None:
        raise Http404("No review of yours with that number.")
    return review


@login_required
@require_http_methods(["GET", "POST"])
def edit_review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _own_review(request, review_id)
    return _form_page(
        request,
        clinic=review.clinic,
        discipline=review.discipline,
        review=review,
        action_url=reverse("edit-review", args=[review.pk]),
    )


@login_required
@require_POST
def delete_review_page(request: HttpRequest, review_id: int) -> HttpResponse:
    review = _own_review(request, review_id)
    delete_review(review)
    messages.success(request, _("Your review is deleted, with the facts of the visits it carried."))
    return redirect("my-reports")
