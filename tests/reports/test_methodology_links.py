"""A verdict's reasons and the clinic's calls link to how they are decided."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from caretime.directory.models import Clinic
from tests.factories import clinic_page

pytestmark = pytest.mark.django_db


def test_the_verdict_reasons_link_how_we_decide(client: Client, lincoln_park: dict[str, Clinic]) -> None:
    page = client.get(clinic_page(lincoln_park["mill"].pk, "pt")).content.decode()
    assert f'href="{reverse("methodology")}#the-verdict-good-avoid-or-unknown"' in page
    assert f'href="{reverse("methodology")}#said-on-the-phone-and-reported-after-visits"' in page
