"""When clinics' rosters change: ``rosters_changed`` is sent with the ids of the clinics whose
roster gained a clinician or a clinician's new name, after the change is stored. Reviews are
screened for the names on the roster, so the reviews app screens the stored text of those
clinics' reviews again (``caretime.reviews``); the directory knows nothing of reviews.

The importers send it once per run (``caretime.datasets.runs``: the roster file adds people,
the NPPES registry renames them); any other way a roster gains a person through the ORM
(``clinician.clinics.add(clinic)``, the admin, the shell) sends it through ``m2m_changed``,
connected here.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed
from django.dispatch import Signal

from caretime.directory.models import Clinic, Clinician
from caretime.progress import ProgressCallback

# Sent with ``clinic_ids`` (a set of clinic ids) and ``progress`` (a ProgressCallback or None).
rosters_changed = Signal()


def announce_rosters_changed(clinic_ids: Collection[int], progress: ProgressCallback | None = None) -> None:
    """Tell the receivers that these clinics' rosters changed, once the change is committed (a
    change that is rolled back never happened)."""
    if clinic_ids:
        ids = set(clinic_ids)
        transaction.on_commit(lambda: rosters_changed.send(sender=Clinic, clinic_ids=ids, progress=progress))


def _links_added(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action != "post_add" or not pk_set:
        return
    # clinic.clinicians.add(...) is the reverse side: the instance is the clinic.
    announce_rosters_changed({instance.pk} if reverse else pk_set)


m2m_changed.connect(_links_added, sender=Clinician.clinics.through, dispatch_uid="caretime.directory.rosters")
