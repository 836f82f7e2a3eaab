"""Staff see which tokens exist and can revoke one; never a hash, never a new token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from caretime.accounts.services import create_api_token
from tests.staff import staff_client

pytestmark = pytest.mark.django_db


def test_the_admin_lists_tokens_without_their_hash(alice: User) -> None:
    created = create_api_token(user=alice, name="alice's phone")
    staff = User.objects.create_superuser("staff", "staff@example.org", "unused-password-1")
    client = staff_client(staff)

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "alice&#x27;s phone" in listing
    assert created.token.prefix in listing
    assert created.token.key_hash not in listing

    change = client.get(f"/admin/accounts/apitoken/{created.token.pk}/change/").content.decode()
    assert created.token.key_hash not in change
    assert 'name="key_hash"' not in change
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
