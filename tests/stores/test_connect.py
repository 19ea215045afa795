"""Connecting a store: the seller's round trip to the marketplace's consent page and back, over HTTP."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import utcnow
from app.core.secrets import decrypt
from app.domains.audit.tables import AuditEntry
from app.domains.stores.tables import ConnectionAttempt, Store
from app.sandbox.state import SandboxState
from tests.marketplace import approve, connect, new_shop, start_connect
from tests.support import add_member, http_client, login, make_account, post


async def _stores_of(org_id: int) -> list[dict]:
    return await Store.select().where(Store.organization == org_id).order_by(Store.id)


async def test_seller_connects_a_shopee_store_and_sees_it(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee", "Toko Batik Sari")
    consent = await start_connect(owner_client, "shopee")
    assert "/shopee/api/v2/shop/auth_partner?" in consent

    back = await owner_client.get(await approve(consent, shop))

    [store] = await _stores_of(owner_client.account.org_id)
    assert back.status_code == 303 and back.headers["location"] == f"/stores/{store['id']}"
    assert (store["platform"], store["platform_shop_id"], store["name"]) == ("shopee", shop.shop_id, "Toko Batik Sari")
    assert store["status"] == "active" and store["access_expires_at"] > utcnow() + timedelta(hours=3)
    page = await owner_client.get(back.headers["location"])
    assert "Toko Batik Sari is connected." in page.text and "Connected" in page.text
    listing = await owner_client.get("/stores")
    assert "Toko Batik Sari" in listing.text and "Check connection" in listing.text
    assert await AuditEntry.exists().where((AuditEntry.action == "store.connected") & (AuditEntry.entity_id == store["id"]))


async def test_seller_connects_a_tiktok_store_with_its_cipher(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "tiktok", "Toko Kopi Nusantara")
    consent = await start_connect(owner_client, "tiktok")
    assert "/tiktok-services/open/authorize?" in consent

    back = await owner_client.get(await approve(consent, shop))

    [store] = await _stores_of(owner_client.account.org_id)
    assert back.status_code == 303 and back.headers["location"] == f"/stores/{store['id']}"
    assert store["shop_cipher"] == shop.cipher and store["name"] == "Toko Kopi Nusantara"
    assert store["seller_name"] == "Toko Kopi Nusantara" and store["status"] == "active"
    health = await post(owner_client, f"/stores/{store['id']}/health")
    assert health.status_code == 303
    assert "the connection works" in (await owner_client.get(f"/stores/{store['id']}")).text


async def test_tokens_are_encrypted_at_rest(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee")
    await connect(owner_client, shop)
    [store] = await _stores_of(owner_client.account.org_id)
    issued = {token for token, grant in sandbox.access_tokens.items() if grant.shop_id == shop.shop_id}
    refresh = {token for token, grant in sandbox.refresh_tokens.items() if grant.shop_id == shop.shop_id}
    assert decrypt(store["access_token"]) in issued and decrypt(store["refresh_token"]) in refresh
    for token in issued | refresh:
        assert token not in store["access_token"] and token not in store["refresh_token"]
    page = await owner_client.get(f"/stores/{store['id']}")
    assert not any(token in page.text for token in issued | refresh)


async def test_a_used_state_cannot_be_replayed(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee")
    callback = await approve(await start_connect(owner_client, "shopee"), shop)
    assert (await owner_client.get(callback)).status_code == 303
    [before] = await _stores_of(owner_client.account.org_id)

    replay = await owner_client.get(callback)

    assert replay.status_code == 303 and replay.headers["location"] == "/stores"
    assert "not valid any more" in (await owner_client.get("/stores")).text
    assert await _stores_of(owner_client.account.org_id) == [before]


async def test_a_forged_or_expired_state_is_refused(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee")
    callback = await approve(await start_connect(owner_client, "shopee"), shop)
    forged = callback.replace("state=", "state=forged")
    assert (await owner_client.get(forged)).headers["location"] == "/stores"
    await ConnectionAttempt.update({ConnectionAttempt.expires_at: utcnow() - timedelta(seconds=1)}).where(
        ConnectionAttempt.organization == owner_client.account.org_id)
    assert (await owner_client.get(callback)).headers["location"] == "/stores"
    assert await _stores_of(owner_client.account.org_id) == []


async def test_a_state_only_works_for_the_person_and_organisation_that_started_it(app, owner_client,
                                                                                   sandbox: SandboxState):
    shop = new_shop(sandbox, "tiktok")
    callback = await approve(await start_connect(owner_client, "tiktok"), shop)
    other = await make_account()
    colleague = await add_member(owner_client.account.org_id, "admin")
    for person in (other, colleague):
        async with http_client(app) as client:
            await login(client, person)
            response = await client.get(callback)
            assert response.headers["location"] == "/stores"
    assert await _stores_of(other.org_id) == [] and await _stores_of(owner_client.account.org_id) == []
    # The link is still unused, so its rightful owner can finish.
    assert (await owner_client.get(callback)).headers["location"].startswith("/stores/")


async def test_the_same_shop_cannot_be_connected_by_another_organisation(app, owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee", "Toko Rebutan")
    await connect(owner_client, shop)
    rival = await make_account()
    async with http_client(app) as client:
        await login(client, rival)
        response = await connect(client, shop)
        assert response.headers["location"] == "/stores"
        page = await client.get("/stores")
    assert "already connected to another StoreSync account" in page.text
    assert owner_client.account.org_name not in page.text
    assert await _stores_of(rival.org_id) == []


async def test_reconnecting_the_same_shop_renews_tokens_and_reactivates_it(owner_client, sandbox: SandboxState):
    shop = new_shop(sandbox, "shopee")
    await connect(owner_client, shop)
    [first] = await _stores_of(owner_client.account.org_id)
    await Store.update({Store.status: "needs_reauth", Store.last_error: "expired"}).where(Store.id == first["id"])
    page = await owner_client.get(f"/stores/{first['id']}")
    assert "Reconnect" in page.text and "expired" in page.text

    reconnect = await post(owner_client, f"/stores/{first['id']}/reconnect")
    assert reconnect.status_code == 303
    back = await owner_client.get(await approve(reconnect.headers["location"], shop))

    [again] = await _stores_of(owner_client.account.org_id)
    assert back.headers["location"] == f"/stores/{first['id']}"
    assert again["status"] == "active" and again["last_error"] == ""
    assert decrypt(again["access_token"]) != decrypt(first["access_token"])


async def test_only_store_managers_may_connect(app, owner_client, sandbox: SandboxState):
    member = await add_member(owner_client.account.org_id, "member")
    async with http_client(app) as client:
        await login(client, member)
        assert (await post(client, "/stores/connect", {"platform": "shopee"})).status_code == 403
        page = await client.get("/stores")
        assert page.status_code == 200 and "Connect Shopee" not in page.text

