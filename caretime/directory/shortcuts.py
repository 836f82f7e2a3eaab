"""Fetch a clinic for a page, or answer 404: every page about a clinic reads it here."""

from __future__ import annotations

from django.http import Http404

from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.selectors import clinic_for_page


def clinic_or_404(clinic_id: int) -> Clinic:
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404("No clinic with that number.")
    return clinic


def clinic_and_discipline(clinic_id: int, discipline: str) -> Clinic:
    """The clinic of a page about one of its therapies, or a 404 that says which part is wrong:
    every page and form about a clinic and therapy checks the pair here."""
    if discipline not in DisciplineChoices.values:
        raise Http404("No such therapy.")
    clinic = clinic_or_404(clinic_id)
    if not clinic.offers(discipline):
        raise Http404("This clinic is not listed for that therapy.")
    return clinic
