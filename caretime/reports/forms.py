from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from caretime.core.calls import (
    MAX_MINUTES,
    MAX_OTHER_PATIENTS,
    NOTE_MAX_CHARS,
    CallAnswers,
    Care,
    FollowUpBy,
    Visits,
    contradictions,
)
from caretime.core.care_time import VisitFacts, VisitKind, WholeTime, visit_contradictions
from caretime.directory.models import DisciplineChoices
from caretime.reports.models import (
    OTHER_PATIENTS_CHOICES,
    CareChoices,
    FollowUpChoices,
    VisitKindChoices,
    VisitsChoices,
    WholeTimeChoices,
)
from caretime.shared.forms import ReportForm, month_input


def _count_field(label: StrOrPromise, maximum: int, *, help_text: StrOrPromise = "") -> forms.IntegerField:
    message = format_lazy(gettext_lazy("Enter a whole number from 0 to {maximum}."), maximum=maximum)
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        required=False,
        help_text=help_text,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _choice_field(
    label: StrOrPromise, choices: Any, *, required: StrOrPromise, invalid: StrOrPromise
) -> forms.ChoiceField:
    """``required`` says what to choose when nothing was; ``invalid`` when the choice is not
    one of the list: each a whole sentence, so that a translation never has to fit a phrase
    into another."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required, "invalid_choice": invalid},
    )


class CallReportForm(ReportForm):
    """What the clinic said on the phone. Every answer can be "they would not say"."""

    discipline = forms.ChoiceField(
        label=gettext_lazy("Therapy you asked about"),
        error_messages={
            "required": gettext_lazy("Choose the therapy you asked about."),
            "invalid_choice": gettext_lazy("Choose a therapy this clinic offers."),
        },
    )
    called_in = month_input(
        gettext_lazy("Month of the call"), gettext_lazy("Enter the month of the call, for example 2026-11.")
    )
    therapist_minutes = _count_field(
        gettext_lazy("Minutes with the therapist per visit"),
        MAX_MINUTES,
        help_text=gettext_lazy("Only the time with a licensed therapist."),
    )
    minutes_withheld = forms.BooleanField(label=gettext_lazy("They would not say how many minutes"), required=False)
    care = _choice_field(
        gettext_lazy("One-on-one or shared?"),
        CareChoices.choices,
        required=gettext_lazy("Choose one-on-one, shared, or “they would not say”."),
        invalid=gettext_lazy("Choose one-on-one, shared, or “they would not say” from the list."),
    )
    other_patients = _count_field(
        gettext_lazy("If shared: how many other patients at the same time?"),
        MAX_OTHER_PATIENTS,
        help_text=gettext_lazy("Leave empty if it is one-on-one or they did not say."),
    )
    visits = _choice_field(
        gettext_lazy("One-on-one on every visit, or only the first?"),
        VisitsChoices.choices,
        required=gettext_lazy("Choose every visit, first visit only, or “they would not say”."),
        invalid=gettext_lazy("Choose every visit, first visit only, or “they would not say” from the list."),
    )
    follow_up_by = _choice_field(
        gettext_lazy("Who treats you on follow-up visits?"),
        FollowUpChoices.choices,
        required=gettext_lazy("Choose who treats on follow-up visits."),
        invalid=gettext_lazy("Choose who treats on follow-up visits from the list."),
    )
    visit_length_minutes = _count_field(
        gettext_lazy("Scheduled length of a visit (minutes)"),
        MAX_MINUTES,
        help_text=gettext_lazy("Door to door, as booked. Leave empty if not said."),
    )
    note = forms.CharField(
        label=gettext_lazy("Anything else they said (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_CHARS}),
        help_text=format_lazy(
            gettext_lazy("At most {limit} characters. Kept private: notes are not published yet. Please name no one."),
            limit=f"{NOTE_MAX_CHARS:,}",
        ),
        error_messages={
            "max_length": format_lazy(
                gettext_lazy("Keep the note to {limit} characters or fewer."), limit=f"{NOTE_MAX_CHARS:,}"
            )
        },
    )

    month_field = "called_in"
    month_of = "call"

    def clean_called_in(self) -> date:
        return self._clean_month()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in ("care", "visits", "follow_up_by")):
            return data
        for contradiction in contradictions(self._answers(data)):
            for name in contradiction.fields:
                # The messages are marked in caretime.core.calls; one built with the
                # answers' numbers has no catalogue entry and stays as written.
                message = _(contradiction.message)
                if name not in self.errors or message not in self.errors[name]:
                    self.add_error(name, message)
        return data

    @staticmethod
    def _answers(data: dict[str, Any]) -> CallAnswers:
        return CallAnswers(
            therapist_minutes=data.get("therapist_minutes"),
            minutes_withheld=bool(data.get("minutes_withheld")),
            care=Care(data["care"]),
            other_patients=data.get("other_patients"),
            visits=Visits(data["visits"]),
            follow_up_by=FollowUpBy(data["follow_up_by"]),
            visit_length_minutes=data.get("visit_length_minutes"),
        )

    @property
    def answers(self) -> CallAnswers:
        return self._answers(self.cleaned_data)


def _radio_field(label: StrOrPromise, choices: Any, message: StrOrPromise) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def _visit_count_field(label: StrOrPromise, *, required: bool, help_text: StrOrPromise = "") -> forms.IntegerField:
    # Lazy: the fields are built once, at import, long before a request names its language.
    message = format_lazy(gettext_lazy("Enter a whole number of minutes from 0 to {maximum}."), maximum=MAX_MINUTES)
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_MINUTES,
        required=required,
        help_text=help_text,
        error_messages={
            "min_value": message,
            "max_value": message,
            "invalid": message,
            "required": gettext_lazy("Enter the minutes one-on-one with the therapist: 0 if there were none."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class VisitReportForm(ReportForm):
    """What a patient lived through on one visit. Field names match the API's."""

    month_field = "visited_in"
    month_of = "visit"

    discipline = forms.ChoiceField(
        label=gettext_lazy("Therapy"),
        error_messages={
            "required": gettext_lazy("Choose the therapy of your visit."),
            "invalid_choice": gettext_lazy("Choose a therapy this clinic offers."),
        },
    )
    visited_in = month_input(
        gettext_lazy("Month of the visit"), gettext_lazy("Enter the month of the visit, for example 2026-11.")
    )
    visit_kind = _radio_field(
        gettext_lazy("Which visit was it?"), VisitKindChoices.choices, gettext_lazy("Choose which visit it was.")
    )
    scheduled_minutes = _visit_count_field(
        gettext_lazy("Scheduled length of the visit (minutes)"),
        required=False,
        help_text=gettext_lazy("As booked. Leave empty if you don't know."),
    )
    therapist_minutes = _visit_count_field(
        gettext_lazy("Minutes one-on-one with a licensed therapist"),
        required=False,
        help_text=gettext_lazy("Only time when the therapist was with you and no one else. 0 if none."),
    )
    # Not stored: an empty minutes field with this ticked is stored as unknown (null).
    minutes_unknown = forms.BooleanField(
        label=gettext_lazy("I don't know how many minutes"),
        required=False,
        help_text=gettext_lazy("Tick this instead of guessing. Your other answers still count."),
    )
    aide_minutes = _visit_count_field(
        gettext_lazy("Minutes with an aide or technician, or alone on equipment, ice or heat"),
        required=False,
        help_text=gettext_lazy("Leave empty for none."),
    )
    other_patients = _radio_field(
        gettext_lazy("How many other patients was the therapist treating during your visit?"),
        [(str(value), gettext_lazy(label)) for value, label in OTHER_PATIENTS_CHOICES],
        gettext_lazy("Choose how many other patients the therapist was treating: none, 1, 2, or 3 or more."),
    )
    whole_time = _radio_field(
        gettext_lazy("Was the therapist with you for the whole time you were being treated?"),
        WholeTimeChoices.choices,
        gettext_lazy("Choose whether the therapist was with you the whole time."),
    )
    connected = _radio_field(
        gettext_lazy("Are you connected to this clinic (staff, family of staff, owner)?"),
        [("no", gettext_lazy("No")), ("yes", gettext_lazy("Yes: my report is shown as such and counts in no score"))],
        gettext_lazy("Choose whether you are connected to this clinic."),
    )
    from_timer = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_visited_in(self) -> date:
        return self._clean_month()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "therapist_minutes" not in self.errors:
            self._check_minutes_given_or_unknown(data)
        needed = ("visit_kind", "other_patients", "whole_time", "connected")
        checked = (*needed, "therapist_minutes", "minutes_unknown", "aide_minutes")
        if any(name in self.errors for name in checked) or any(data.get(name) is None for name in needed):
            return data
        for contradiction in visit_contradictions(self._facts(data)):
            for name in contradiction.fields:
                self.add_error(name, _(contradiction.message))
        return data

    def _check_minutes_given_or_unknown(self, data: dict[str, Any]) -> None:
        """The minutes with the therapist, or the box that says they are not known: one of them."""
        given, unknown = data.get("therapist_minutes") is not None, bool(data.get("minutes_unknown"))
        if given and unknown:
            message = _(
                "Minutes with the therapist and “I don't know” disagree: give the minutes or tick the box, not both."
            )
            self.add_error("therapist_minutes", message)
            self.add_error("minutes_unknown", message)
        elif not given and not unknown:
            self.add_error(
                "therapist_minutes",
                _(
                    "Enter the minutes one-on-one with the therapist (0 if there were none), or tick “I don't know how many minutes”."
                ),
            )

    @staticmethod
    def _facts(data: dict[str, Any]) -> VisitFacts:
        aide_minutes = data.get("aide_minutes")
        return VisitFacts(
            visit_kind=VisitKind(data["visit_kind"]),
            scheduled_minutes=data.get("scheduled_minutes"),
            therapist_minutes=data.get("therapist_minutes"),
            # An empty field is "none", unless the patient said they do not know the minutes.
            aide_minutes=aide_minutes if aide_minutes is not None or data.get("minutes_unknown") else 0,
            other_patients=int(data["other_patients"]),
            whole_time=WholeTime(data["whole_time"]),
            connected=data["connected"] == "yes",
        )

    @property
    def facts(self) -> VisitFacts:
        return self._facts(self.cleaned_data)


class ClinicIdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 12:
                raise forms.ValidationError(_("%(text)s is not a clinic number."), params={"text": repr(text)})
            ids.append(int(text))
        return ids


class CompareForm(forms.Form):
    clinic = ClinicIdsField(required=False)
    discipline = forms.ChoiceField(
        choices=[(d.value, gettext_lazy(d.label)) for d in DisciplineChoices],
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose physical, occupational or speech therapy.")},
    )
    near = forms.CharField(required=False, max_length=100)

    def clean_clinic(self) -> list[int]:
        ids: list[int] = list(dict.fromkeys(self.cleaned_data["clinic"]))
        if not 2 <= len(ids) <= 4:
            raise forms.ValidationError(_("Tick 2 to 4 clinics to compare."))
        return ids
