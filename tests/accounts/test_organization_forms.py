"""The organisations page's two forms posted as the browser sends them: a new business's name
(empty, blank, too long refused; nothing created) and the switcher's id (junk is "not found")."""

from __future__ import annotations

import pytest

from app.domains.accounts.tables import Membership
from tests.support import post


async def _memberships(account) -> int:
    return await Membership.count().where(Membership.user == account.user_id)


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
async def test_a_bad_business_name_is_refused_and_creates_nothing(owner_client, name):
    before = await _memberships(owner_client.account)
    response = await post(owner_client, "/account/organizations", {"name": name})
    assert response.status_code == 422
    assert "Business name is required (at most 120 characters)." in response.text
    assert await _memberships(owner_client.account) == before


async def test_a_new_business_name_is_trimmed(owner_client):
    before = await _memberships(owner_client.account)
    response = await post(owner_client, "/account/organizations", {"name": "  Toko Cabang  "})
    assert response.status_code in (200, 303)
    assert await _memberships(owner_client.account) == before + 1
    assert "Organisation Toko Cabang created." in (await owner_client.get("/")).text


@pytest.mark.parametrize(("value", "status"), [("", 404), ("abc", 404), ("1.5", 404), ("9" * 19, 400)])
async def test_a_junk_organisation_id_is_not_found_and_switches_nothing(owner_client, value, status):
    """(A number past 64 bits is refused before any handler, as "too large".)"""
    response = await post(owner_client, "/account/organizations/switch", {"organization_id": value})
    assert response.status_code == status
    assert owner_client.account.org_name in (await owner_client.get("/")).text
