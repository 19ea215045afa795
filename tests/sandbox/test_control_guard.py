"""The sandbox mounted in the web app: its control API answers only loopback clients and signed-in
platform admins; the emulated marketplace APIs stay reachable for everyone (as the real hosts are)."""

from __future__ import annotations

import httpx
import pytest

from app.domains.stores.sandbox import mounted_sandbox
from tests.support import PASSWORD, Account, login, make_account, unique

REMOTE = ("203.0.113.7", 40123)
FAULT = {"kind": "server_error", "platform": "shopee", "shop_id": "1", "count": 1}


def remote_client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=REMOTE), base_url="http://testserver.local")


def _faults() -> int:
    return len(mounted_sandbox().state.sandbox.faults)


async def superuser_account() -> Account:
    from app.domains.accounts.services import create_user

    email = f"{unique('admin')}@example.id"
    user_id = await create_user(email, PASSWORD, "Platform Admin", superuser=True)
    account = await make_account()  # the admin also belongs to an organisation, as most do
    from app.domains.accounts.tables import Membership

    await Membership(organization=account.org_id, user=user_id, role="viewer").save()
    return Account(user_id, account.org_id, email, PASSWORD, account.org_name)


async def test_a_remote_visitor_cannot_use_the_control_api(app, caplog):
    before = _faults()
    async with remote_client(app) as client:
        injected = await client.post("/sandbox/_control/faults", json=FAULT)
        listed = await client.get("/sandbox/_control/shops")
        sneaky = await client.post("/sandbox//_control/faults", json=FAULT)
        api = await client.get("/sandbox/tiktok-auth/api/v2/token/get", params={"app_key": "x", "app_secret": "y"})

    assert (injected.status_code, listed.status_code, sneaky.status_code) == (404, 404, 404)
    assert _faults() == before
    assert "sandbox control API refused to 203.0.113.7" in caplog.text
    assert api.status_code == 401 and "Invalid credentials" in api.text  # the emulated host still answers


async def test_a_signed_in_seller_is_not_a_platform_admin(app):
    async with remote_client(app) as client:
        await login(client, await make_account())
        response = await client.post("/sandbox/_control/faults", json=FAULT,
                                     headers={"x-csrftoken": client.cookies.get("ss_csrf")})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["superuser", "loopback"])
async def test_platform_admins_and_loopback_clients_use_the_control_api(app, who):
    client = remote_client(app) if who == "superuser" else httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 5555)), base_url="http://testserver.local")
    async with client:
        if who == "superuser":
            await login(client, await superuser_account())
        injected = await client.post("/sandbox/_control/faults", json=FAULT)
        shops = await client.get("/sandbox/_control/shops")
        cleared = await client.delete("/sandbox/_control/faults")

    assert injected.status_code == 201 and "id" in injected.json()
    assert _faults() == 0
    assert shops.status_code == 200 and {s["platform"] for s in shops.json()} >= {"shopee", "tiktok"}
    assert cleared.json() == {"cleared": True}
