"""The audit log: every admin and moderator action, in Django's admin log (``LogEntry``).

The admin writes its own entries for what is added, changed and deleted through it. The
moderators' decisions (a review published, not recommended or removed; a held report released
or rejected) are made by admin actions, which the admin does not log; each is already a row of
its own decision table (``ReviewDecision``, ``ModerationDecision``). The apps of those tables
connect ``review_decided`` and ``report_decided`` to them when they are ready (this module
knows no app above it), adding, for each such row that names a moderator, an entry in the admin log,
written in the same transaction as the decision, so that every decision, by whatever page or
command it is made, is in the one log. Nobody can change or delete entries through the admin
(caretime.accounts.admin).

An entry names the decided item by its kind and number only ("Visit report 12"), never by
its content: the log outlives a report or review its author deletes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

__all__ = ["log_moderation", "report_decided", "review_decided"]


def log_moderation(*, moderator_id: int, model: type[models.Model], object_id: int, message: str) -> LogEntry:
    """An admin log entry: this moderator changed this item, as ``message`` says."""
    name = str(model._meta.verbose_name)
    return LogEntry.objects.create(
        user_id=moderator_id,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(object_id),
        object_repr=f"{name[:1].upper()}{name[1:]} {object_id}"[:200],
        action_flag=CHANGE,
        change_message=message,
    )


def review_decided(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw or instance.moderator_id is None:
        return  # the automatic holds name no moderator; fixtures are not decisions
    was = instance.get_from_state_display() if instance.from_state else "new"
    message = f"Moderated: {was} → {instance.get_to_state_display()}, by the rule “{instance.get_rule_display()}”."
    review_model = sender._meta.get_field("review").related_model
    log_moderation(
        moderator_id=instance.moderator_id, model=review_model, object_id=instance.review_number, message=message
    )


def report_decided(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not created or raw:
        return
    field = "report" if instance.report_id is not None else "visit_report"
    report_model = sender._meta.get_field(field).related_model
    message = f"Moderated: {instance.get_decision_display()}. The rule that held it: {instance.rule}"
    log_moderation(
        moderator_id=instance.moderator_id,
        model=report_model,
        object_id=getattr(instance, f"{field}_id"),
        message=message,
    )
