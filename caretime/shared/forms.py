"""What every form of the site shares, and the base of the forms people report with."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caretime.core.evidence import month_problem, parse_month
from caretime.directory.models import Clinic, DisciplineChoices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ErrorSummaryForm(forms.Form):
    """A form whose errors are also listed once at the top of the page, each linked to its
    field (``verdicts/_form_errors.html``), so that a screen-reader user hears them all."""

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) once per message, in form order."""
        seen: set[str] = set()
        summary = []
        for field in self:
            for error in map(str, field.errors):
                if error not in seen:
                    seen.add(error)
                    summary.append((field.id_for_label or field.auto_id, str(field.label), error))
        for error in map(str, self.non_field_errors()):
            if error not in seen:
                seen.add(error)
                summary.append(("", "", error))
        return summary


def month_input(label: StrOrPromise, required: StrOrPromise) -> forms.CharField:
    """A month typed as YYYY-MM (a month picker where the browser has one); read and checked
    by ``ReportForm._clean_month``."""
    return forms.CharField(
        label=label,
        max_length=10,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
        error_messages={"required": required},
    )


_UNREADABLE_MONTH = {
    "call": gettext_lazy("Enter the month of the call as year-month, for example %(example)s."),
    "visit": gettext_lazy("Enter the month of the visit as year-month, for example %(example)s."),
}


class ReportForm(ErrorSummaryForm):
    """What the call and visit report forms share: the therapy choices of the clinic, the
    month of what is reported, and one summary of the errors at the top."""

    month_field = ""  # the field holding the month of the call or the visit
    month_of = ""  # "call" or "visit", for the month's messages

    def __init__(self, *args: Any, clinic: Clinic, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        codes = clinic.disciplines or [choice.value for choice in DisciplineChoices]
        field = cast(forms.ChoiceField, self.fields["discipline"])  # every report form declares it so
        field.choices = [(code, _(DisciplineChoices(code).label)) for code in codes]

    def _clean_month(self) -> date:
        month = parse_month(self.cleaned_data[self.month_field])
        if month is None:
            raise forms.ValidationError(_UNREADABLE_MONTH[self.month_of] % {"example": f"{self.today:%Y-%m}"})
        problem = month_problem(month, self.today, of=self.month_of)
        if problem:
            raise forms.ValidationError(_(problem))
        return month
