"""Review pages: flag anyone's review, the clinic's not-recommended reviews, and the public review
policy. (Writing, editing and deleting one's own review file the visit facts as a visit report
too, so those pages stand above both sources: ``caretime.verdicts.review_pages``.)"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caretime.core.reviews import FLAG_RULES, MIN_REVIEWS_FOR_AVERAGE, RULE_LABELS, ReviewState, Rule
from caretime.directory.shortcuts import clinic_or_404
from caretime.reviews.forms import FlagForm
from caretime.reviews.models import Review
from caretime.reviews.selectors import not_recommended_reviews
from caretime.reviews.services import (
    flag_review,
)
from caretime.shared.limits import RateLimited


@require_POST
def flag(request: HttpRequest, review_id: int) -> HttpResponse:
    review = get_object_or_404(
        Review, pk=review_id, state__in=[ReviewState.PUBLISHED.value, ReviewState.NOT_RECOMMENDED.value]
    )
    form = FlagForm(request.POST)
    back = f"{reverse('clinic-detail', args=[review.clinic_id])}#review-{review.pk}"
    if not form.is_valid():
        messages.error(request, _("Choose a reason to flag the review."))
        return redirect(back)
    flagged = flag_review(request=request, review=review, rule=Rule(form.cleaned_data["rule"]))
    if isinstance(flagged, RateLimited):
        response = render(
            request, "reviews/flag_refused.html", {"review": review, "message": flagged.message}, status=429
        )
        response["Retry-After"] = str(flagged.retry_after_seconds)
        return response
    messages.success(request, _("Thank you. A moderator will look at the review; it stays up meanwhile."))
    return redirect(back)


@require_GET
def not_recommended(request: HttpRequest, clinic_id: int) -> HttpResponse:
    clinic = clinic_or_404(clinic_id)
    return render(
        request,
        "reviews/not_recommended.html",
        {"clinic": clinic, "reviews": not_recommended_reviews(clinic)},
    )


@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reviews/policy.html",
        {
            "rules": [(rule, _(RULE_LABELS[rule]), rule.leads_to) for rule in Rule],
            "flag_rules": FLAG_RULES,
            "min_reviews": MIN_REVIEWS_FOR_AVERAGE,
        },
    )
