"""The person's bar (minimum one-on-one minutes, one-on-one on every visit), kept in the
session so that search, clinic pages and compare all judge by it without an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from caretime.core.places import Place, PlaceNotFound, resolve_place
from caretime.core.verdict import DEFAULT_BAR_MINUTES, MAX_BAR_MINUTES, MIN_BAR_MINUTES, Bar

SESSION_KEY = "caretime.bar"
RADIUS_SESSION_KEY = "caretime.search_radius_miles"
PLACE_SESSION_KEY = "caretime.search_place"
DEFAULT_RADIUS_MILES = 25
MAX_RADIUS_MILES = 100


def bar_from_session(request: HttpRequest) -> Bar:
    stored: Any = request.session.get(SESSION_KEY)
    if isinstance(stored, dict):
        try:
            return Bar(int(stored["min_minutes"]), bool(stored["every_visit"]))
        except (KeyError, TypeError, ValueError):
            pass  # an old or damaged session: fall back to the default bar
    return Bar()


def save_bar(request: HttpRequest, bar: Bar) -> None:
    request.session[SESSION_KEY] = {"min_minutes": bar.min_one_on_one_minutes, "every_visit": bar.every_visit_required}


def remember_search(request: HttpRequest, radius_miles: float, near: str) -> None:
    """Alternatives on a clinic page are looked for around the place and within the radius of
    the last search. Result links carry both in the query (``origin_query``); they are also
    kept in a session the person already has (from setting their bar or sending a report):
    a plain search never creates a session or writes to the database.
    """
    if not request.session.session_key:
        return
    if request.session.get(RADIUS_SESSION_KEY) != radius_miles:
        request.session[RADIUS_SESSION_KEY] = radius_miles
    if request.session.get(PLACE_SESSION_KEY) != near:
        request.session[PLACE_SESSION_KEY] = near


def search_place(request: HttpRequest) -> Place | None:
    """The place the person searched from (?near=, else the last search's), if it is one."""
    text = request.GET.get("near", "") or request.session.get(PLACE_SESSION_KEY, "")
    if not isinstance(text, str) or not text.strip() or len(text) > 100:
        return None
    try:
        return resolve_place(text)
    except PlaceNotFound:
        return None


# What every link from a search carries on: the place, the radius, the therapy and the insurance.
# The bar needs no place here: it is in the session.
SEARCH_CONTEXT_FIELDS = ("near", "radius_miles", "discipline", "insurance")


def origin_query(near: str, radius_miles: float, *, discipline: str = "", insurance: str = "") -> str:
    """``near=...&radius_miles=...&discipline=...&insurance=...`` for links from results to
    clinic pages and on from there, so that no page forgets what the person searched for.
    Empty parts are left out."""
    radius = str(int(radius_miles)) if near else ""  # a radius means nothing without a place
    fields = {"near": near, "radius_miles": radius, "discipline": discipline, "insurance": insurance}
    return urlencode({name: value for name, value in fields.items() if value})


def search_context(request: HttpRequest, *, discipline: str | None = None) -> str:
    """The search a page was reached from, read from its query, as ``origin_query`` writes it;
    ``discipline`` names the therapy the link is about when the page chose one."""
    return origin_query(
        _short(request.GET.get("near", "")),
        search_radius(request),
        discipline=_short(request.GET.get("discipline", "")) if discipline is None else discipline,
        insurance=_short(request.GET.get("insurance", "")),
    )


def clinic_page_url(clinic_id: int, discipline: str, request: HttpRequest) -> str:
    """A clinic's page for one therapy, keeping the search the person came from."""
    return f"{reverse('clinic-detail', args=[clinic_id])}?{search_context(request, discipline=discipline)}"


def _short(value: str) -> str:
    return value[:100]


def search_radius(request: HttpRequest) -> float:
    """The radius asked for in the query (?radius_miles=), else the last search's, else 25."""
    asked = request.GET.get("radius_miles", "")
    if asked.isdigit() and 1 <= int(asked) <= MAX_RADIUS_MILES:
        return float(asked)
    stored: Any = request.session.get(RADIUS_SESSION_KEY)
    if isinstance(stored, int | float) and 1 <= stored <= MAX_RADIUS_MILES:
        return float(stored)
    return float(DEFAULT_RADIUS_MILES)


_MINIMUM_MESSAGE = format_lazy(
    _("Choose a minimum from {minimum} to {maximum} minutes."), minimum=MIN_BAR_MINUTES, maximum=MAX_BAR_MINUTES
)
_EVERY_VISIT_MESSAGE = _("Choose whether one-on-one care on every visit is required.")


class BarForm(forms.Form):
    min_minutes = forms.IntegerField(
        label=_("Minimum one-on-one minutes"),
        min_value=MIN_BAR_MINUTES,
        max_value=MAX_BAR_MINUTES,
        initial=DEFAULT_BAR_MINUTES,
        error_messages={
            "min_value": _MINIMUM_MESSAGE,
            "max_value": _MINIMUM_MESSAGE,
            "invalid": _("The minimum is a whole number of minutes."),
            "required": _MINIMUM_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    every_visit = forms.ChoiceField(
        label=_("One-on-one on every visit"),
        choices=[("yes", _("Required")), ("no", _("Not required"))],
        error_messages={"invalid_choice": _EVERY_VISIT_MESSAGE, "required": _EVERY_VISIT_MESSAGE},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    @classmethod
    def for_bar(cls, bar: Bar, next_url: str) -> BarForm:
        return cls(
            initial={
                "min_minutes": bar.min_one_on_one_minutes,
                "every_visit": "yes" if bar.every_visit_required else "no",
                "next": next_url,
            }
        )

    def to_bar(self) -> Bar:
        return Bar(self.cleaned_data["min_minutes"], self.cleaned_data["every_visit"] == "yes")
