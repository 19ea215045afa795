"""Managing a connected store: pause, resume, disconnect, settings, health, token refresh."""

from __future__ import annotations

import html
from datetime import timedelta

from app.core.clock import utcnow
from app.core.secrets import decrypt
from app.domains.audit.tables import AuditEntry
from app.domains.stores.connections import refresh_expiring_tokens
from app.domains.stores.tables import Store
from app.sandbox.state import SandboxState
from tasks.stores import refresh_store_tokens
from tests.marketplace import connect, new_shop
from tests.support import post


async def _connected(client, sandbox: SandboxState, platform: str = "shopee") -> dict:
    shop = new_shop(sandbox, platform)
    response = await connect(client, shop)
    store_id = int(response.headers["location"].rsplit("/", 1)[1])
    return await Store.select().where(Store.id == store_id).first()


async def _store(store_id: int) -> dict:
    return await Store.select().where(Store.id == store_id).first()


async def _actions(store_id: int) -> list[str]:
    rows = await AuditEntry.select(AuditEntry.action).where(
        (AuditEntry.entity == "store") & (AuditEntry.entity_id == store_id)).order_by(AuditEntry.id)
    return [r["action"] for r in rows]


async def test_pause_resume_and_disconnect_keep_history_and_wipe_tokens(owner_client, sandbox: SandboxState):
    store = await _connected(owner_client, sandbox)
    url = f"/stores/{store['id']}"

    assert (await post(owner_client, f"{url}/pause")).status_code == 303
    assert (await _store(store["id"]))["status"] == "paused"
    assert "Resume" in (await owner_client.get(url)).text
    assert (await post(owner_client, f"{url}/pause")).status_code == 409  # already paused
    assert (await post(owner_client, f"{url}/resume", htmx=True)).headers.get("HX-Redirect") == url
    assert (await _store(store["id"]))["status"] == "active"

    assert (await post(owner_client, f"{url}/disconnect")).status_code == 303
    gone = await _store(store["id"])
    assert gone["status"] == "disconnected" and gone["access_token"] == "" and gone["refresh_token"] == ""
    assert gone["name"] == store["name"]  # the row (and what points at it) stays
    page = await owner_client.get(url)
    assert "Disconnected" in page.text and "Reconnect" in page.text
    assert await _actions(store["id"]) == ["store.connected", "store.paused", "store.resumed", "store.disconnected"]


async def test_settings_are_validated_and_bad_input_changes_nothing(owner_client, sandbox: SandboxState):
    store = await _connected(owner_client, sandbox)
    url = f"/stores/{store['id']}/settings"
    good = {"auto_push_stock": "on", "sync_interval_minutes": "30", "stock_buffer": "2", "stock_percent": "80",
            "price_markup_percent": "-10", "preferred_for_last_units": "on"}
    bad_cases = [
        {**good, "stock_buffer": "-1"},
        {**good, "stock_percent": "0"},
        {**good, "stock_percent": "101"},
        {**good, "sync_interval_minutes": "4"},
        {**good, "sync_interval_minutes": "1441"},
        {**good, "price_markup_percent": "-51"},
        {**good, "price_markup_percent": "abc"},
    ]
    for bad in bad_cases:
        response = await post(owner_client, url, bad, htmx=True)
        assert response.status_code == 422, bad
        assert "Nothing was saved" in response.text and 'id="store-settings"' in response.text
        assert await _store(store["id"]) == store, f"{bad} changed the store"

    response = await post(owner_client, url, good)
    assert response.status_code == 303
    saved = await _store(store["id"])
    assert (saved["auto_push_stock"], saved["auto_import_orders"], saved["sync_interval_minutes"]) == (True, False, 30)
    assert (saved["stock_buffer"], saved["stock_percent"], saved["price_markup_percent"]) == (2, 80, -10)
    assert saved["preferred_for_last_units"] is True
    assert "store.settings_changed" in await _actions(store["id"])


async def test_health_check_shows_the_sellers_message_when_authorization_is_gone(owner_client, sandbox: SandboxState):
    store = await _connected(owner_client, sandbox, "tiktok")
    sandbox.expire_tokens("tiktok", store["platform_shop_id"], refresh_too=True)

    response = await post(owner_client, f"/stores/{store['id']}/health")

    assert response.status_code == 303
    page = await owner_client.get(f"/stores/{store['id']}")
    after = await _store(store["id"])
    assert after["status"] == "needs_reauth" and "reconnect" in after["last_error"].lower()
    assert after["last_error"] in page.text and "Reconnect" in page.text


async def test_token_refresh_cron_renews_tokens_that_expire_soon(owner_client, sandbox: SandboxState):
    store = await _connected(owner_client, sandbox)
    soon = utcnow() + timedelta(minutes=20)
    await Store.update({Store.access_expires_at: soon}).where(Store.id == store["id"])
    later = await _connected(owner_client, sandbox, "tiktok")  # expires in days: left alone

    result = await refresh_store_tokens({})

    assert store["id"] in result["refreshed"] and later["id"] not in result["refreshed"]
    renewed = await _store(store["id"])
    assert decrypt(renewed["access_token"]) != decrypt(store["access_token"])
    assert decrypt(renewed["refresh_token"]) != decrypt(store["refresh_token"])
    assert renewed["access_expires_at"] > utcnow() + timedelta(hours=3) and renewed["status"] == "active"
    assert decrypt((await _store(later["id"]))["access_token"]) == decrypt(later["access_token"])
    # Nothing is due any more.
    assert store["id"] not in (await refresh_expiring_tokens()).refreshed


async def test_token_refresh_cron_marks_a_store_whose_refresh_is_refused(owner_client, sandbox: SandboxState):
    store = await _connected(owner_client, sandbox)
    await Store.update({Store.access_expires_at: utcnow() + timedelta(minutes=5)}).where(Store.id == store["id"])
    sandbox.expire_tokens("shopee", store["platform_shop_id"], refresh_too=True)

    report = await refresh_expiring_tokens()

    assert store["id"] in report.needs_reauth
    after = await _store(store["id"])
    assert after["status"] == "needs_reauth" and after["last_error"]
    assert "store.needs_reauth" in await _actions(store["id"])
    page = await owner_client.get("/stores")
    assert "Needs reconnecting" in page.text and "Reconnect" in page.text
    # A store needing re-authorization is not retried by the cron.
    assert store["id"] not in (await refresh_expiring_tokens()).needs_reauth


async def test_token_refresh_cron_goes_on_past_a_store_it_cannot_read(owner_client, sandbox: SandboxState):
    bad = await _connected(owner_client, sandbox)
    good = await _connected(owner_client, sandbox)
    # the bad row comes first (it expires sooner) and its shop id is not a number the marketplace accepts
    await Store.update({Store.access_expires_at: utcnow() + timedelta(minutes=5),
                        Store.platform_shop_id: f"shop-{bad['id']}"}).where(Store.id == bad["id"])
    await Store.update({Store.access_expires_at: utcnow() + timedelta(minutes=20)}).where(Store.id == good["id"])

    report = await refresh_expiring_tokens()

    assert bad["id"] in report.failed and bad["id"] not in report.refreshed
    assert good["id"] in report.refreshed
    assert decrypt((await _store(good["id"]))["access_token"]) != decrypt(good["access_token"])
    after = await _store(bad["id"])
    assert after["status"] == "active" and after["last_error"]  # marked, retried next run
    page = await owner_client.get("/stores")
    assert "could not renew this store's access" in html.unescape(page.text)
