from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from caretime.core.kept import Kept
from caretime.core.places import (
    MESSAGE_BAD_LOCATION,
    Place,
    PlaceChoice,
    PlaceNotFound,
    PlaceUnclear,
    Unclear,
    place_from_location,
    resolve_place,
)
from caretime.directory.models import DisciplineChoices, InsurancePlan
from caretime.directory.search_cache import directory_generation
from caretime.directory.selectors import ClinicSearch

MIN_RADIUS_MILES = 1
MAX_RADIUS_MILES = 100
DEFAULT_RADIUS_MILES = 25
# What a search keeps when the place is changed: the person's other inputs, never the page
# (the new place has its own first page).
SEARCH_FIELDS = ("radius_miles", "discipline", "insurance", "meets_bar")

# Shorter than the core's messages, which list the places in the text: these forms show them
# as links right below.
_CHOOSE_BELOW = {
    Unclear.SEVERAL: _(
        "More than one state has a place called %(city)s. Choose one below, or type the state too, like “%(example)s”."
    ),
    Unclear.MISSPELT: _("We don't know a place called %(typed)s. Did you mean one of the places below?"),
}

_RADIUS_MESSAGE = format_lazy(
    _("Choose a radius from {minimum} to {maximum} miles."), minimum=MIN_RADIUS_MILES, maximum=MAX_RADIUS_MILES
)


@dataclass(frozen=True, slots=True)
class PlaceLink:
    """A place to search instead, with the query string that searches it."""

    label: str
    query: str


class PlaceForm(forms.Form):
    """A form with a "near" field (ZIP code or city) resolved offline to ``place``: the patients'
    clinic search and the clinicians' employer search read a place the same way."""

    place: Place  # set by clean_near
    # Set by clean_near when the place was unclear: the places the person can choose from.
    place_choices: tuple[PlaceChoice, ...] = ()
    # True where the template lists ``place_links`` under the field; the message then points
    # to them instead of naming the places itself.
    shows_place_links = False

    def clean_near(self) -> str:
        text: str = self.cleaned_data["near"]
        try:
            self.place = resolve_place(text)
        except PlaceUnclear as problem:
            self.place_choices = problem.choices
            if self.shows_place_links:
                raise forms.ValidationError(str(_CHOOSE_BELOW[problem.reason]), params=problem.params) from None
            raise forms.ValidationError(gettext(problem.template), params=problem.params) from None
        except PlaceNotFound as problem:
            raise forms.ValidationError(gettext(problem.template), params=problem.params) from None
        return text

    @property
    def place_links(self) -> list[PlaceLink]:
        """The places to choose from, each as this search's query with the place changed and
        the person's other inputs kept."""
        links = []
        for choice in self.place_choices:
            query = QueryDict(mutable=True)
            query["near"] = choice.label
            for name in SEARCH_FIELDS:
                if self.data.get(name):
                    query[name] = self.data[name]
            links.append(PlaceLink(choice.label, query.urlencode()))
        return links


def _insurance_choices() -> list[tuple[str, str]]:
    # Read once per directory generation (saving a plan starts one) and language, not on every
    # page with a search form: the list is the same for everyone.
    key = (directory_generation(), get_language())
    choices = _kept_plans.get(key)
    if choices is None:
        plans = InsurancePlan.objects.filter(is_curated=True).values_list("slug", "name")
        choices = (("", str(_("Any insurance"))), *plans)
        _kept_plans.put(key, choices)
    return list(choices)


_kept_plans: Kept[tuple[tuple[str, str], ...]] = Kept(4)


class ClinicSearchForm(PlaceForm):
    shows_place_links = True

    near = forms.CharField(
        label=_("ZIP code or city"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("60614, Chicago or Chicago, IL")}),
    )
    radius_miles = forms.IntegerField(
        label=_("Within (miles)"),
        min_value=MIN_RADIUS_MILES,
        max_value=MAX_RADIUS_MILES,
        initial=DEFAULT_RADIUS_MILES,
        required=False,
        error_messages={
            "min_value": _RADIUS_MESSAGE,
            "max_value": _RADIUS_MESSAGE,
            "invalid": _("The radius is a whole number of miles."),
        },
    )
    discipline = forms.ChoiceField(
        label=_("Therapy"),
        choices=[("", _("Any therapy")), *((d.value, _(d.label)) for d in DisciplineChoices)],
        required=False,
        error_messages={"invalid_choice": _("Choose physical, occupational or speech therapy.")},
    )
    insurance = forms.ChoiceField(
        label=_("Insurance"),
        choices=_insurance_choices,  # read when the field is rendered or checked, not when a form is made
        required=False,
        error_messages={"invalid_choice": _("We don't know that insurance plan; choose one from the list.")},
    )

    @property
    def plans_listed(self) -> int:
        """What the insurance choices are made of, for the kept form (``_search_form.html``):
        the curated plans of the directory's generation (the language is in every kept key)."""
        return directory_generation()

    @classmethod
    def from_query(cls, query: QueryDict) -> ClinicSearchForm:
        """A form bound to the query string; a missing radius shows, and counts as, the default."""
        data = query.copy()
        if not data.get("radius_miles"):
            data["radius_miles"] = str(DEFAULT_RADIUS_MILES)
        return cls(data)

    def to_search(self) -> ClinicSearch:
        data = self.cleaned_data
        return ClinicSearch(
            center=self.place.point,
            radius_miles=float(data["radius_miles"] or DEFAULT_RADIUS_MILES),
            discipline=data["discipline"] or None,
            insurance=data["insurance"] or None,
        )


_UNREADABLE_LOCATION = {"required": _(MESSAGE_BAD_LOCATION), "invalid": _(MESSAGE_BAD_LOCATION)}


class LocationForm(forms.Form):
    """ "Use my location": the coordinates the browser gave, posted from the search form. Read
    only to find the nearest ZIP code (``place_from_location``); never stored or logged."""

    place: Place  # set by clean

    latitude = forms.FloatField(error_messages=_UNREADABLE_LOCATION)
    longitude = forms.FloatField(error_messages=_UNREADABLE_LOCATION)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if "latitude" in cleaned and "longitude" in cleaned:
            try:
                self.place = place_from_location(cleaned["latitude"], cleaned["longitude"])
            except PlaceNotFound as problem:
                raise forms.ValidationError(gettext(problem.template), params=problem.params) from None
        return cleaned

    def first_error(self) -> str:
        return next((str(message) for messages in self.errors.values() for message in messages), "")

    def search_query(self) -> str:
        """The search from the nearest ZIP code, with the other inputs of the posted form."""
        query = QueryDict(mutable=True)
        query["near"] = self.place.zip_code or self.place.label
        for name in SEARCH_FIELDS:
            value = self.data.get(name)
            if value and len(value) <= 100:
                query[name] = value
        return query.urlencode()
