"""Settings -> API keys, posted the way a browser posts it: every field, empty ones, absent
checkboxes, junk. The secret appears once; bad input changes nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.domains.platform_api.tables import ApiKey
from tests.platform_api.factories import bearer
from tests.support import add_member, http_client, login, post

SECRET = re.compile(r"ssk_[0-9a-f]{10}_[A-Za-z0-9_-]{20,}")


def _form(**overrides) -> dict:
    return {"name": "Accounting export", "scopes": ["orders:read", "inventory:write"], "expires_on": "",
            "allowed_ips": "", **overrides}


async def _count(org_id: int) -> int:
    return await ApiKey.count().where(ApiKey.organization == org_id)


async def test_owner_makes_a_key_sees_its_secret_once_and_it_works(owner_client):
    page = await owner_client.get("/settings/api/")
    assert page.status_code == 200 and 'name="scopes"' in page.text
    made = await post(owner_client, "/settings/api/", _form())
    assert made.status_code == 201
    secret = SECRET.search(made.text).group(0)
    assert secret not in (await owner_client.get("/settings/api/")).text
    row = await ApiKey.select().where(ApiKey.organization == owner_client.account.org_id).output(load_json=True).first()
    assert row["scopes"] == ["inventory:write", "orders:read"] and secret not in str(row)
    assert row["secret_hash"] != secret and secret.startswith(f"ssk_{row['prefix']}_")
    async with http_client(owner_client._transport.app) as api:
        assert (await api.get("/api/v1/orders", headers=bearer(secret))).status_code == 200
        assert (await api.get("/api/v1/stock", headers=bearer(secret))).status_code == 200
        assert (await api.get("/api/v1/products", headers=bearer(secret))).status_code == 403
    listed = (await owner_client.get("/settings/api/")).text
    assert "Accounting export" in listed and f"ssk_{row['prefix']}_" in listed


@pytest.mark.parametrize("fields, field", [
    ({"name": ""}, "name"),
    ({"scopes": []}, "scopes"),
    ({"scopes": ["orders:read", "admin:write"]}, "scopes"),
    ({"allowed_ips": "not-an-address"}, "allowed_ips"),
    ({"expires_on": "kemarin"}, "expires_on"),
    ({"expires_on": (date.today() - timedelta(days=2)).isoformat()}, "expires_on"),
    ({"name": "x" * 81}, "name"),
])
async def test_bad_key_forms_are_refused_in_place_and_make_nothing(owner_client, fields, field):
    data = _form(**fields)
    if data["scopes"] == []:
        data.pop("scopes")  # no box ticked: the browser sends no scopes at all
    response = await post(owner_client, "/settings/api/", data, htmx=True)
    assert response.status_code == 422
    assert 'class="error"' in response.text and not SECRET.search(response.text)
    assert await _count(owner_client.account.org_id) == 0


async def test_expiry_and_address_list_are_kept(owner_client):
    day = (date.today() + timedelta(days=30)).isoformat()
    response = await post(owner_client, "/settings/api/", _form(expires_on=day, allowed_ips="203.0.113.0/24, 198.51.100.7"))
    assert response.status_code == 201
    row = await ApiKey.select().where(ApiKey.organization == owner_client.account.org_id).output(load_json=True).first()
    assert row["allowed_ips"] == ["203.0.113.0/24", "198.51.100.7/32"] and row["expires_at"] is not None


async def test_rotate_replaces_the_secret_and_revoke_refuses_the_key(owner_client):
    secret = SECRET.search((await post(owner_client, "/settings/api/", _form())).text).group(0)
    key_id = (await ApiKey.select(ApiKey.id).where(ApiKey.organization == owner_client.account.org_id).first())["id"]
    rotated = await post(owner_client, f"/settings/api/{key_id}/rotate", htmx=True)
    assert rotated.status_code == 200
    new_secret = SECRET.search(rotated.text).group(0)
    assert new_secret != secret
    async with http_client(owner_client._transport.app) as api:
        assert (await api.get("/api/v1/orders", headers=bearer(secret))).status_code == 401
        assert (await api.get("/api/v1/orders", headers=bearer(new_secret))).status_code == 200
        revoked = await post(owner_client, f"/settings/api/{key_id}/revoke", htmx=True)
        assert revoked.status_code == 200 and "revoked" in revoked.text
        assert (await api.get("/api/v1/orders", headers=bearer(new_secret))).status_code == 401
    assert (await post(owner_client, f"/settings/api/{key_id}/rotate")).status_code == 404


@pytest.mark.parametrize("role", ["member", "warehouse", "viewer"])
async def test_only_owners_and_admins_manage_keys(app, owner, role):
    person = await add_member(owner.org_id, role)
    async with http_client(app) as client:
        await login(client, person)
        assert (await client.get("/settings/api/")).status_code == 403
        assert (await post(client, "/settings/api/", _form())).status_code == 403
        assert "/settings/api/" not in (await client.get("/settings")).text
    assert await _count(owner.org_id) == 0


async def test_an_admin_manages_keys(app, owner):
    admin = await add_member(owner.org_id, "admin")
    async with http_client(app) as client:
        await login(client, admin)
        assert "/settings/api/" in (await client.get("/settings")).text
        assert (await post(client, "/settings/api/", _form())).status_code == 201


async def test_in_indonesian_the_revoke_button_says_what_its_question_says(owner_client):
    """The button read 'Batalkan' (cancel) while its confirmation asks 'Cabut …?' (revoke)."""
    await post(owner_client, "/settings/api/", _form())
    await post(owner_client, "/language", {"locale": "id", "next": ""})
    page = (await owner_client.get("/settings/api/")).text
    assert ">Cabut</button>" in page and ">Batalkan</button>" not in page
