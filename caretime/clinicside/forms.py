"""The forms of the clinic's side: claiming, the code, the statement and a schedule file."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from caretime.clinicside.models import FOLLOW_UP_CHOICES, Channel, CorrectionKind
from caretime.core.calls import FollowUpBy
from caretime.core.schedule import MAX_FILE_BYTES
from caretime.core.statement import MAX_MINUTES, MAX_PATIENTS_AT_ONCE, ClinicStatement
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.shared.forms import ErrorSummaryForm


class ClaimForm(ErrorSummaryForm):
    channel = forms.ChoiceField(
        label=_("Where should we send the code?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose where to send the code.")},
    )
    email = forms.EmailField(
        label=_("E-mail address at the clinic's web domain"),
        required=False,
        help_text=_("Only for the e-mail choice."),
    )

    def __init__(self, *args: object, channels: list[tuple[Channel, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ChoiceField, self.fields["channel"])
        field.choices = [(channel.value, f"{channel.label}: {to}") for channel, to in channels]


class CodeForm(ErrorSummaryForm):
    code = forms.CharField(
        label=_("The code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        error_messages={"required": _("Enter the code the clinic received.")},
    )


class StatementForm(ErrorSummaryForm):
    discipline = forms.ChoiceField(label=_("Therapy"))
    one_on_one_minutes = forms.IntegerField(
        label=_("Minutes one-on-one with a licensed therapist in a visit"), min_value=1, max_value=MAX_MINUTES
    )
    every_visit = forms.TypedChoiceField(
        label=_("Is it one-on-one on every visit?"),
        choices=[("yes", _("Yes, every visit")), ("no", _("No, only the first visit"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    most_patients_at_once = forms.IntegerField(
        label=_("The most patients one therapist treats at the same time"), min_value=1, max_value=MAX_PATIENTS_AT_ONCE
    )
    follow_up_by = forms.ChoiceField(
        label=_("Who treats patients on follow-up visits?"), choices=FOLLOW_UP_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, clinic: Clinic, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = cast(forms.ChoiceField, self.fields["discipline"])
        field.choices = [(d, DisciplineChoices(d).label) for d in clinic.disciplines]

    def statement(self) -> ClinicStatement:
        data = self.cleaned_data
        return ClinicStatement(
            one_on_one_minutes=data["one_on_one_minutes"],
            every_visit=data["every_visit"],
            most_patients_at_once=data["most_patients_at_once"],
            follow_up_by=FollowUpBy(data["follow_up_by"]),
        )


class ScheduleForm(ErrorSummaryForm):
    schedule = forms.FileField(
        label=_("Schedule sample (CSV)"),
        help_text=_(
            "Columns therapist, patient, start, end. Codes, never names. Times like 2026-03-02T09:00. "
            "At least 4 weeks in a row."
        ),
        error_messages={"required": _("Choose the CSV file of the schedule.")},
    )

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data["schedule"]
        return bytes(upload.read(MAX_FILE_BYTES + 1))


class AnswerForm(ErrorSummaryForm):
    text = forms.CharField(
        label=_("The clinic's answer"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Shown under the review once a moderator has read it. Do not name the patient or any staff."),
        error_messages={"required": _("Write the answer.")},
    )


class CorrectionForm(ErrorSummaryForm):
    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=CorrectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong.")},
    )
    details = forms.CharField(
        label=_("What is right?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the new address, or the plans it takes. Do not name patients or staff."),
        error_messages={"required": _("Say what is wrong and what is right.")},
    )
    phone = forms.CharField(label=_("The right phone number (optional)"), max_length=20, required=False)
    disciplines = forms.MultipleChoiceField(
        label=_("The therapies it offers (optional)"),
        choices=DisciplineChoices.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
