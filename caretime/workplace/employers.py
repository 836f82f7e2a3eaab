"""The employer search: for clinicians looking for a job, the clinics of their therapy near a
place that have published workplace figures, the best workplaces first.

Only published figures are read (``caretime.workplace.selectors.employers_near``); clinics of
that therapy without any are only counted, never named, so a search cannot tell which clinics
have reports waiting for a batch."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from caretime.core.disciplines import Discipline
from caretime.core.places import Place
from caretime.core.workplace import EmployerSort
from caretime.directory.forms import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES, MIN_RADIUS_MILES, PlaceForm
from caretime.shared.forms import ErrorSummaryForm
from caretime.workplace.selectors import employers_near

TEMPLATE = "workplace/employers.html"

_RADIUS_MESSAGE = format_lazy(
    _("Choose a radius from {minimum} to {maximum} miles, as a whole number."),
    minimum=MIN_RADIUS_MILES,
    maximum=MAX_RADIUS_MILES,
)
_SORT_MESSAGE = _(
    "Sort by fewest patients per therapist, by lowest productivity quota or by most recommended; "
    "choose one of the three."
)
_THERAPY_MESSAGE = _("Choose physical therapy, occupational therapy or speech-language pathology.")
_PLACE_MESSAGE = _("Type a 5-digit ZIP code or a city and state, like “Austin, TX”.")


@dataclass(frozen=True)
class EmployerQuery:
    place: Place
    radius_miles: int
    discipline: Discipline
    sort: EmployerSort

    @property
    def therapy_label(self) -> str:
        return gettext(self.discipline.label)

    @property
    def sort_label(self) -> str:
        return gettext(self.sort.label)


class EmployerSearchForm(PlaceForm, ErrorSummaryForm):
    """Where, which therapy, how far, and which workplaces first. Not the patients'
    ``ClinicSearchForm``: a clinician searches one therapy (required), has no insurance
    filter, and chooses how workplaces are ranked."""

    near = forms.CharField(
        label=_("ZIP code or city"),
        max_length=100,
        error_messages={"required": _PLACE_MESSAGE, "max_length": _PLACE_MESSAGE},
        widget=forms.TextInput(attrs={"placeholder": _("60614 or Chicago, IL")}),
    )
    discipline = forms.ChoiceField(
        label=_("Therapy"),
        choices=[(d.value, _(d.label)) for d in Discipline],
        initial=Discipline.PHYSICAL_THERAPY.value,
        error_messages={"required": _THERAPY_MESSAGE, "invalid_choice": _THERAPY_MESSAGE},
    )
    radius_miles = forms.IntegerField(
        label=_("Within (miles)"),
        min_value=MIN_RADIUS_MILES,
        max_value=MAX_RADIUS_MILES,
        initial=DEFAULT_RADIUS_MILES,
        error_messages={"min_value": _RADIUS_MESSAGE, "max_value": _RADIUS_MESSAGE, "invalid": _RADIUS_MESSAGE},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    sort = forms.ChoiceField(
        label=_("Best first by"),
        choices=[(s.value, _(s.label)) for s in EmployerSort],
        initial=EmployerSort.DENSITY.value,
        error_messages={"required": _SORT_MESSAGE, "invalid_choice": _SORT_MESSAGE},
    )

    @classmethod
    def from_query(cls, query: QueryDict) -> EmployerSearchForm | None:
        """The form bound to the query string, a missing radius or sort counting as the default;
        None when the query asks nothing of this form (the page opened without a search)."""
        if not any(name in query for name in cls.base_fields):
            return None
        data = query.copy()
        if not data.get("radius_miles"):
            data["radius_miles"] = str(DEFAULT_RADIUS_MILES)
        if not data.get("sort"):
            data["sort"] = EmployerSort.DENSITY.value
        return cls(data)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # screen readers read the message with the field it belongs to
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_error"}
                )

    def to_query(self) -> EmployerQuery:
        data = self.cleaned_data
        return EmployerQuery(
            place=self.place,
            radius_miles=data["radius_miles"],
            discipline=Discipline(data["discipline"]),
            sort=EmployerSort(data["sort"]),
        )


@require_GET
def employer_search(request: HttpRequest) -> HttpResponse:
    form = EmployerSearchForm.from_query(request.GET)
    if form is None:
        return render(request, TEMPLATE, {"form": EmployerSearchForm()})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=400)
    query = form.to_query()
    search = employers_near(query.place.point, query.radius_miles, query.discipline.value, query.sort)
    return render(request, TEMPLATE, {"form": form, "query": query, "search": search})
