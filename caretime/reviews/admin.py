from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caretime.core.reviews import RULE_LABELS, Rule
from caretime.reviews.models import SUB_RATINGS, Review, ReviewAnswer, ReviewDecision, ReviewFlag
from caretime.reviews.services import CannotPublish, moderate, moderate_answer

if TYPE_CHECKING:
    _ReviewAdmin = admin.ModelAdmin[Review]
    _DecisionAdmin = admin.ModelAdmin[ReviewDecision]
    _FlagAdmin = admin.ModelAdmin[ReviewFlag]
else:  # ModelAdmin is generic for the type checker only
    _ReviewAdmin = _DecisionAdmin = _FlagAdmin = admin.ModelAdmin

Action = Callable[[Any, HttpRequest, QuerySet[Review]], None]


def _action(rule: Rule) -> Action:
    def decide(model_admin: Any, request: HttpRequest, queryset: QuerySet[Review]) -> None:
        if not isinstance(request.user, User):  # only a signed-in moderator reaches an action
            raise PermissionDenied
        done, refused = 0, 0
        for review in queryset.select_related("clinic__organization"):
            try:
                moderate(review, moderator=request.user, rule=rule)
                done += 1
            except CannotPublish:
                refused += 1
        model_admin.message_user(
            request,
            ngettext("%(count)d review decided: %(rule)s.", "%(count)d reviews decided: %(rule)s.", done)
            % {"count": done, "rule": _(RULE_LABELS[rule])},
            messages.SUCCESS,
        )
        if refused:
            model_admin.message_user(
                request,
                ngettext(
                    "%(count)d review could not be published: its text has not been screened for names.",
                    "%(count)d reviews could not be published: their texts have not been screened for names.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    decide.__name__ = f"decide_{rule.value}"
    verb = {"published": _("Publish"), "not_recommended": _("Not recommended"), "removed": _("Remove")}[
        rule.leads_to.value
    ]
    return admin.action(description=f"{verb}: {_(RULE_LABELS[rule])}", permissions=["moderate"])(decide)


@admin.register(Review)
class ReviewAdmin(_ReviewAdmin):
    """The moderation queue. A moderator decides by one of the policy's rules, by an action;
    nothing is edited by hand. The stars and sub-ratings are left out of these pages, so that
    no decision can lean on them, and so is the account behind a review."""

    list_display = ["id", "clinic", "discipline", "state", "hold_reason", "open_flags", "written_on", "connected"]
    list_filter = ["state", "hold_reason", "connected", "is_demo"]
    search_fields = ["clinic__name", "text"]
    exclude = ["account", "stars", *SUB_RATINGS]
    readonly_fields = ["clinic", "discipline", "text", "unscreened_text", "visited_in", "connected", "state",
                       "hold_reason", "visit_report", "written_on", "edited_on", "published_on", "is_demo"]  # fmt: skip
    actions = [_action(rule) for rule in Rule]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        return (
            super()
            .get_queryset(request)
            .select_related("clinic")
            .annotate(flags_open=Count("flags", filter=Q(flags__resolved_on__isnull=True)))
        )

    @admin.display(description=_("Open flags"), ordering="flags_open")
    def open_flags(self, review: Review) -> int:
        return int(getattr(review, "flags_open", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Review | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("reviews.view_review")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(_DecisionAdmin):
    """Every decision on a review: who, when, from what to what, under which rule. Read only."""

    list_display = ["decided_at", "review_number", "from_state", "to_state", "rule", "hold_reason", "moderator"]
    list_filter = ["to_state", "rule"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewDecision | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReviewDecision | None = None) -> bool:
        return False


@admin.register(ReviewFlag)
class ReviewFlagAdmin(_FlagAdmin):
    """Flags wait here and on their review in the queue; a decision on the review settles them."""

    list_display = ["flagged_on", "review", "rule", "resolved_on"]
    list_filter = ["rule", "resolved_on"]
    raw_id_fields = ["review"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewFlag | None = None) -> bool:
        return False


if TYPE_CHECKING:
    _AnswerAdmin = admin.ModelAdmin[ReviewAnswer]
else:
    _AnswerAdmin = admin.ModelAdmin


def _answer_action(rule: Rule) -> Callable[[Any, HttpRequest, QuerySet[ReviewAnswer]], None]:
    def decide(model_admin: Any, request: HttpRequest, queryset: QuerySet[ReviewAnswer]) -> None:
        if not isinstance(request.user, User):
            raise PermissionDenied
        for answer in queryset:
            moderate_answer(answer, moderator=request.user, rule=rule)
        model_admin.message_user(
            request,
            ngettext("%(count)d answer decided: %(rule)s.", "%(count)d answers decided: %(rule)s.", len(queryset))
            % {"count": len(queryset), "rule": _(RULE_LABELS[rule])},
            messages.SUCCESS,
        )

    decide.__name__ = f"answer_{rule.value}"
    return admin.action(description=_(RULE_LABELS[rule]), permissions=["moderate"])(decide)


@admin.register(ReviewAnswer)
class ReviewAnswerAdmin(_AnswerAdmin):
    """Clinics' answers to reviews, decided by the rules of the same review policy."""

    list_display = ["id", "review", "state", "rule", "written_on"]
    list_filter = ["state"]
    readonly_fields = ["review", "claim", "text", "state", "rule", "written_on", "published_on"]
    actions = [_answer_action(rule) for rule in Rule]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewAnswer | None = None) -> bool:
        return False

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.has_perm("reviews.view_review")
