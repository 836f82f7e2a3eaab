"""Fetch a clinic for a page, or answer 404: every page about a clinic reads it here."""

from __future__ import annotations

from django.http import Http404

from caretime.directory.geo_index import geo_index
from caretime.directory.models import Clinic, DisciplineChoices
from caretime.directory.selectors import clinic_for_page, clinics_for_listing


def listed_clinic(clinic_id: int) -> Clinic | None:
    """The clinic as ``clinic_for_page`` gives it, its services and plans from this process's
    directory index when the index lists it: one query instead of three, whose compiling cost
    more than the reading. An inactive clinic, or one the index does not know yet, is read with
    its services and plans as before."""
    if not 0 < clinic_id < 2**63:  # beyond the index's integers: no such clinic there
        return clinic_for_page(clinic_id)
    index = geo_index()  # before the clinic is read: its listing is this generation's or newer
    if index.disciplines_of(clinic_id):
        found = clinics_for_listing([clinic_id], index).get(clinic_id)
        if found is not None and found.is_active:
            return found
    return clinic_for_page(clinic_id)


def clinic_or_404(clinic_id: int) -> Clinic:
    clinic = clinic_for_page(clinic_id)
    if clinic is None:
        raise Http404("No clinic with that number.")
    return clinic


def listed_clinic_or_404(clinic_id: int) -> Clinic:
    """``clinic_or_404`` for the clinic's own page, read as ``listed_clinic`` (the pages that take
    a report keep the same queries whoever sends it, so they read it as before)."""
    clinic = listed_clinic(clinic_id)
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
