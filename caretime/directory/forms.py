from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from caretime.core.places import Place, PlaceNotFound, resolve_place
from caretime.directory.models import DisciplineChoices, InsurancePlan
from caretime.directory.selectors import ClinicSearch

MIN_RADIUS_MILES = 1
MAX_RADIUS_MILES = 100
DEFAULT_RADIUS_MILES = 25


class PlaceForm(forms.Form):
    """A form with a "near" field (ZIP code or city) resolved offline to ``place``: the patients'
    clinic search and the clinicians' employer search read a place the same way."""

    place: Place  # set by clean_near

    def clean_near(self) -> str:
        text: str = self.cleaned_data["near"]
        try:
            self.place = resolve_place(text)
        except PlaceNotFound as problem:
            raise forms.ValidationError(str(problem)) from None
        return text


class ClinicSearchForm(PlaceForm):
    near = forms.CharField(
        label="ZIP code or city",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "60614 or Chicago, IL"}),
    )
    radius_miles = forms.IntegerField(
        label="Within (miles)",
        min_value=MIN_RADIUS_MILES,
        max_value=MAX_RADIUS_MILES,
        initial=DEFAULT_RADIUS_MILES,
        required=False,
        error_messages={
            "min_value": f"Choose a radius from {MIN_RADIUS_MILES} to {MAX_RADIUS_MILES} miles.",
            "max_value": f"Choose a radius from {MIN_RADIUS_MILES} to {MAX_RADIUS_MILES} miles.",
            "invalid": "The radius is a whole number of miles.",
        },
    )
    discipline = forms.ChoiceField(
        label="Therapy",
        choices=[("", "Any therapy"), *DisciplineChoices.choices],
        required=False,
        error_messages={"invalid_choice": "Choose physical, occupational or speech therapy."},
    )
    insurance = forms.ChoiceField(
        label="Insurance",
        required=False,
        error_messages={"invalid_choice": "We don't know that insurance plan; choose one from the list."},
    )

    @classmethod
    def from_query(cls, query: QueryDict) -> ClinicSearchForm:
        """A form bound to the query string; a missing radius shows, and counts as, the default."""
        data = query.copy()
        if not data.get("radius_miles"):
            data["radius_miles"] = str(DEFAULT_RADIUS_MILES)
        return cls(data)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = InsurancePlan.objects.filter(is_curated=True).values_list("slug", "name")
        insurance = self.fields["insurance"]
        assert isinstance(insurance, forms.ChoiceField)
        insurance.choices = [("", "Any insurance"), *plans]

    def to_search(self) -> ClinicSearch:
        data = self.cleaned_data
        return ClinicSearch(
            center=self.place.point,
            radius_miles=float(data["radius_miles"] or DEFAULT_RADIUS_MILES),
            discipline=data["discipline"] or None,
            insurance=data["insurance"] or None,
        )
