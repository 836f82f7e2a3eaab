"""Every clinic page carries schema.org data about the clinic, so that search engines and apps
can read where it is, how to call it and what it treats."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client

from caretime.directory.models import Clinic

_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def clinic_json_ld(client: Client, clinic: Clinic) -> list[dict[str, Any]]:
    page = client.get(f"/clinics/{clinic.pk}/").content.decode()
    return [json.loads(block) for block in _LD.findall(page)]


def test_one_medical_clinic_with_address_place_phone_and_specialties(
    client: Client, chicago_clinics: dict[str, Clinic]
) -> None:
    (found,) = clinic_json_ld(client, chicago_clinics["near"])  # one node: the clinic and its reviews
    assert found["@type"] == "MedicalClinic"
    assert found["address"]["postalCode"] == "60614"
    assert found["geo"] == {"@type": "GeoCoordinates", "latitude": 41.9227, "longitude": -87.6533}
    assert found["telephone"] == "(312) 555-0100"
    assert found["medicalSpecialty"] == ["Physiotherapy"]  # schema.org has no occupational therapy


def test_speech_therapy_is_speech_pathology(client: Client, chicago_clinics: dict[str, Clinic]) -> None:
    (found,) = clinic_json_ld(client, chicago_clinics["mid"])
    assert found["medicalSpecialty"] == ["SpeechPathology"]
