from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from caretime.core.calls import MAX_MINUTES
from caretime.core.care_time import MAX_OTHER_PATIENTS
from caretime.core.reviews import (
    FLAG_RULES,
    MAX_STARS,
    MAX_TEXT_CHARS,
    MIN_STARS,
    RULE_LABELS,
    review_visit_facts,
    text_problem,
)
from caretime.reviews.models import SUB_RATINGS
from caretime.reviews.services import Draft
from caretime.shared.forms import ReportForm, month_input

_STARS = [(str(n), str(n)) for n in range(MAX_STARS, MIN_STARS - 1, -1)]
_SUB = [("", _("Not saying"))] + [(str(n), str(n)) for n in range(MAX_STARS, MIN_STARS - 1, -1)]


def _yes_no(label: Any, message: Any, *, required: bool = True, unsure: Any = None) -> forms.ChoiceField:
    choices = [("yes", _("Yes")), ("no", _("No"))] + ([("", unsure)] if unsure else [])
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class ReviewForm(ReportForm):
    """A review of the clinic: stars, the clinic's ways of working, words, and optionally the
    facts of the visits (filed as the writer's visit report, which feeds the verdict)."""

    month_field = "visited_in"
    month_of = "visit"

    discipline = forms.ChoiceField(
        label=_("Therapy"),
        error_messages={
            "required": _("Choose the therapy you went for."),
            "invalid_choice": _("Choose a therapy this clinic offers."),
        },
    )
    stars = forms.ChoiceField(
        label=_("Overall, how many stars do you give the clinic?"),
        choices=_STARS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars."), "invalid_choice": _("Choose from 1 to 5 stars.")},
    )
    time_rating = forms.ChoiceField(label=SUB_RATINGS["time_rating"], choices=_SUB, required=False)
    attention_rating = forms.ChoiceField(label=SUB_RATINGS["attention_rating"], choices=_SUB, required=False)
    honesty_rating = forms.ChoiceField(label=SUB_RATINGS["honesty_rating"], choices=_SUB, required=False)
    scheduling_rating = forms.ChoiceField(label=SUB_RATINGS["scheduling_rating"], choices=_SUB, required=False)
    billing_rating = forms.ChoiceField(label=SUB_RATINGS["billing_rating"], choices=_SUB, required=False)
    text = forms.CharField(
        label=_("Your review of the clinic"),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_TEXT_CHARS}),
        help_text=_(
            "About the clinic and how it books and treats patients, in 20 to 3,000 characters. Please name no one: "
            "names of people, phone numbers, e-mail addresses and record numbers are taken out before anything "
            "is published, and you see the result first."
        ),
        error_messages={
            "required": _("Write at least 20 characters about the clinic."),
            "max_length": _("Keep the review to 3,000 characters or fewer."),
        },
    )
    visited_in = month_input(
        _("Month of your last visit"), _("Enter the month of your last visit, for example 2026-11.")
    )
    connected = _yes_no(
        _("Are you connected to this clinic (staff, family of staff, owner)?"),
        _("Choose whether you are connected to this clinic."),
    )
    therapist_minutes = forms.IntegerField(
        label=_("Minutes alone with a licensed therapist on a typical visit (optional)"),
        min_value=0,
        max_value=MAX_MINUTES,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("Enter a whole number of minutes from 0 to 240."),
            "max_value": _("Enter a whole number of minutes from 0 to 240."),
            "invalid": _("Enter a whole number of minutes from 0 to 240."),
        },
    )
    other_patients = forms.ChoiceField(
        label=_("Other patients the therapist treated at the same time (optional)"),
        choices=[("", _("Not saying")), ("0", _("None")), ("1", "1"), ("2", "2"), ("3", _("3 or more"))],
        required=False,
        error_messages={"invalid_choice": _("Choose how many other patients, or “not saying”.")},
    )
    every_visit = _yes_no(
        _("Was it one-on-one on every visit? (optional)"),
        _("Choose yes, no or “not sure”."),
        required=False,
        unsure=_("Not sure"),
    )

    def clean_visited_in(self) -> date:
        return self._clean_month()

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        problem = text_problem(text)
        if problem:
            raise forms.ValidationError(_(problem))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minutes, others = data.get("therapist_minutes"), data.get("other_patients")
        if (minutes is None) != (others in (None, "")) and "therapist_minutes" not in self.errors:
            self.add_error(
                "therapist_minutes" if minutes is None else "other_patients",
                _("To add the facts of your visits, give both the minutes and the other patients (or neither)."),
            )
        return data

    @property
    def draft(self) -> Draft:
        data = self.cleaned_data
        connected = data["connected"] == "yes"
        facts = None
        if data.get("therapist_minutes") is not None and data.get("other_patients") not in (None, ""):
            every = data.get("every_visit") or ""
            facts = review_visit_facts(
                therapist_minutes=data["therapist_minutes"],
                other_patients=min(int(data["other_patients"]), MAX_OTHER_PATIENTS),
                every_visit=None if every == "" else every == "yes",
                connected=connected,
            )
        return Draft(
            discipline=data["discipline"],
            stars=int(data["stars"]),
            text=data["text"],
            visited_in=data["visited_in"],
            connected=connected,
            sub_ratings=tuple((name, int(data[name]) if data.get(name) else None) for name in SUB_RATINGS),
            facts=facts,
        )


class FlagForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("What is wrong with this review?"),
        choices=[(rule.value, _(RULE_LABELS[rule])) for rule in FLAG_RULES],
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason from the list.")},
    )
