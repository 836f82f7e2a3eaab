from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from caretime.core.workplace import (
    MAX_PATIENTS_PER_HOUR,
    MAX_SLOT_MINUTES,
    MAX_UNPAID_DOCUMENTATION_MINUTES,
    MIN_SLOT_MINUTES,
    ROLE_DISCIPLINES,
    AideCare,
    Booking,
    Role,
    WorkerAnswers,
    answer_problems,
    experience_years,
)
from caretime.shared.forms import ErrorSummaryForm
from caretime.workplace.models import ANSWER_COLUMNS, AideCareChoices, BookingChoices

_PATIENTS = [(n, str(n)) for n in range(1, MAX_PATIENTS_PER_HOUR)] + [(MAX_PATIENTS_PER_HOUR, _("8 or more"))]


def _number(label: Any, minimum: int, maximum: int, message: Any, help_text: Any = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=minimum,
        max_value=maximum,
        help_text=help_text,
        error_messages={"required": message, "invalid": message, "min_value": message, "max_value": message},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": minimum, "max": maximum}),
    )


def _choice(label: Any, choices: Any, message: Any, *, radios: bool = True) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int if not radios else str,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": message, "invalid_choice": message},
    )


class WorkerReportForm(ErrorSummaryForm):
    """How a workplace books its patients, for one clinic and therapy. No free text: words can
    identify their writer."""

    role = _choice(_("Your role there"), [], _("Choose your role."))
    experience_year = _choice(
        _("The year you are reporting about"), [], _("Choose the year you are reporting about."), radios=False
    )
    patients_per_hour_typical = _choice(
        _("Patients scheduled per therapist per hour, on a typical hour"),
        _PATIENTS,
        _("Choose how many patients a therapist is scheduled per hour."),
        radios=False,
    )
    patients_per_hour_peak = _choice(
        _("Patients scheduled per therapist per hour, at the busiest times"),
        _PATIENTS,
        _("Choose how many patients a therapist is scheduled per hour at the busiest times."),
        radios=False,
    )
    slot_minutes = _number(
        _("Length of one treatment slot (minutes)"),
        MIN_SLOT_MINUTES,
        MAX_SLOT_MINUTES,
        _("Enter the length of a treatment slot, from 10 to 120 minutes."),
    )
    booking = _choice(
        _("How often are patients double- or triple-booked (two or more with one therapist at once)?"),
        BookingChoices.choices,
        _("Choose how often patients are double-booked."),
    )
    quota_percent = _number(
        _("Productivity quota (%)"),
        0,
        100,
        _("Enter a percentage from 0 to 100 (0 if there is no quota)."),
        help_text=_("The share of paid time that must be billable. Enter 0 if there is no quota."),
    )
    unpaid_documentation_minutes = _number(
        _("Unpaid documentation time per day (minutes)"),
        0,
        MAX_UNPAID_DOCUMENTATION_MINUTES,
        _("Enter the minutes a day, from 0 to 240."),
        help_text=_("Notes and paperwork done off the clock, on a typical day."),
    )
    aides_skilled_care = _choice(
        _("Do aides or technicians give care that should be given by a licensed clinician?"),
        AideCareChoices.choices,
        _("Choose whether aides give care that should be skilled."),
    )
    would_recommend = _choice(
        _("Would you recommend this workplace to a colleague?"),
        [("yes", _("Yes")), ("no", _("No"))],
        _("Choose yes or no."),
    )
    npi = forms.CharField(
        label=_("Your NPI (optional, therapists and assistants)"),
        required=False,
        max_length=10,
        help_text=_(
            "If public files list your NPI at this clinic for this therapy, your report counts with others whose NPI "
            "is on this clinic's roster. We keep only a keyed code made from it, this clinic and the year, never the "
            "number itself."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"max_length": _("An NPI is exactly 10 digits.")},
    )

    def __init__(self, *args: Any, discipline: str, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [role for role in Role if ROLE_DISCIPLINES.get(role, discipline) == discipline]
        role_field = cast(forms.ChoiceField, self.fields["role"])  # declared so above
        role_field.choices = [(role.value, _(role.label)) for role in roles]
        year_field = cast(forms.TypedChoiceField, self.fields["experience_year"])
        year_field.choices = [(year, str(year)) for year in experience_years(today)]
        year_field.coerce = int

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(name in self.errors for name in ANSWER_COLUMNS):
            for name, message in answer_problems(self.answers).items():
                self.add_error(name, _(message))
        return data

    def clean_npi(self) -> str:
        return "".join(str(self.cleaned_data["npi"]).split())

    @property
    def chosen_role(self) -> Role:
        return Role(self.cleaned_data["role"])

    @property
    def answers(self) -> WorkerAnswers:
        data = self.cleaned_data
        return WorkerAnswers(
            patients_per_hour_typical=data["patients_per_hour_typical"],
            patients_per_hour_peak=data["patients_per_hour_peak"],
            slot_minutes=data["slot_minutes"],
            booking=Booking(data["booking"]),
            quota_percent=data["quota_percent"],
            unpaid_documentation_minutes=data["unpaid_documentation_minutes"],
            aides_skilled_care=AideCare(data["aides_skilled_care"]),
            would_recommend=data["would_recommend"] == "yes",
        )
