"""Locations: which ones a store sells from, renaming, and deactivating only what holds nothing."""

from __future__ import annotations

import pytest

from app.core.errors import AppError, NotFound, ValidationFailed
from app.domains.inventory import locations, overview, stock
from app.domains.listings import allocation
from app.domains.listings.statuses import MappingStatus
from app.domains.listings.tables import Listing, StoreLocation
from app.domains.sync.push import offers_for_store, store_rules
from tests.inventory.factories import make_location, make_tenant, make_variant, tenant_of
from tests.support import make_account, post, unique
from tests.tenancy_registry import ROW_FACTORIES


async def _shop_with_stock():
    """A tenant with 10 units at Jakarta and 4 at Bandung, and one store selling the variant."""
    account = await make_account()
    tenant = tenant_of(account)
    jakarta, bandung = await make_location(tenant, unique("JKT")[:10]), await make_location(tenant, unique("BDG")[:10])
    variant = await make_variant(tenant)
    await stock.adjust(tenant, variant["id"], jakarta["id"], 10, reason="stok awal")
    await stock.adjust(tenant, variant["id"], bandung["id"], 4, reason="stok awal")
    store_id = await ROW_FACTORIES["store_id"](account)
    await Listing(organization=account.org_id, store=store_id, platform_item_id=unique("item"), platform_model_id="0",
                  variant=variant["id"], status=MappingStatus.MAPPED, seller_sku=variant["sku"]).save()
    return account, tenant, store_id, variant, jakarta, bandung


async def _offered(tenant, store_id) -> int:
    [(_row, qty)] = await offers_for_store(tenant, store_id)
    return qty


async def test_a_store_sells_every_location_until_it_lists_some():
    _account, tenant, store_id, variant, jakarta, bandung = await _shop_with_stock()
    assert await _offered(tenant, store_id) == 14
    await allocation.set_store_locations(tenant, store_id, [str(bandung["id"])])
    assert await _offered(tenant, store_id) == 4
    rules = list((await store_rules(tenant)).values())
    preview = await allocation.preview(tenant, variant["id"], rules)
    assert preview["available"] == 14 and preview["available_by_store"][store_id] == 4
    assert preview["offers"][store_id] == 4
    await allocation.set_store_locations(tenant, store_id, [jakarta["id"], bandung["id"]])
    assert await _offered(tenant, store_id) == 14
    await allocation.set_store_locations(tenant, store_id, [])
    assert await _offered(tenant, store_id) == 14
    assert await StoreLocation.count().where(StoreLocation.store == store_id) == 0


async def test_a_store_cannot_list_another_organisations_location_and_nothing_changes():
    _account, tenant, store_id, _variant, _jakarta, bandung = await _shop_with_stock()
    await allocation.set_store_locations(tenant, store_id, [bandung["id"]])
    stranger = await make_location(await make_tenant())
    for bad in ([stranger["id"]], [bandung["id"], stranger["id"]], ["gudang"]):
        with pytest.raises(ValidationFailed):
            await allocation.set_store_locations(tenant, store_id, bad)
        assert await allocation.store_locations(tenant, [store_id]) == {store_id: frozenset({bandung["id"]})}
    other_store = await ROW_FACTORIES["store_id"](await make_account())
    with pytest.raises(NotFound):
        await allocation.set_store_locations(tenant, other_store, [bandung["id"]])


async def test_rename_and_recode_a_location_with_clear_refusals():
    tenant = await make_tenant()
    first, second = await make_location(tenant, "GU1"), await make_location(tenant, "GU2")
    row = await locations.update_location(tenant, first["id"], "  Gudang Surabaya ", "sby")
    assert (row["name"], row["code"]) == ("Gudang Surabaya", "SBY")
    with pytest.raises(ValidationFailed) as taken:
        await locations.update_location(tenant, first["id"], "Gudang Surabaya", "gu2")
    assert "already used" in taken.value.errors["code"]
    with pytest.raises(ValidationFailed):
        await locations.update_location(tenant, second["id"], "", "GU2")
    assert (await locations.require_location(tenant, first["id"]))["code"] == "SBY"
    assert (await locations.require_location(tenant, second["id"]))["name"] == second["name"]
    with pytest.raises(NotFound):
        await locations.update_location(await make_tenant(), first["id"], "Mine now", "X")


async def test_deactivate_only_an_empty_location_no_store_sells_from_and_never_the_last_one():
    _account, tenant, store_id, variant, jakarta, bandung = await _shop_with_stock()
    with pytest.raises(AppError, match="still holds stock"):
        await locations.set_active(tenant, bandung["id"], False)
    await stock.transfer(tenant, variant["id"], bandung["id"], jakarta["id"], 4, reason="pindah gudang")
    await allocation.set_store_locations(tenant, store_id, [bandung["id"]])
    with pytest.raises(AppError, match="A store sells"):
        await locations.set_active(tenant, bandung["id"], False)
    await allocation.set_store_locations(tenant, store_id, [])
    row = await locations.set_active(tenant, bandung["id"], False)
    assert row["active"] is False
    assert bandung["id"] not in {r["id"] for r in await locations.list_locations(tenant)}
    # the other locations of this organisation (its default one and Jakarta) are still active
    for other in await locations.list_locations(tenant):
        if other["id"] != jakarta["id"]:
            await locations.set_active(tenant, other["id"], False)
    await stock.adjust(tenant, variant["id"], jakarta["id"], -14, reason="rusak")
    with pytest.raises(AppError, match="only active location"):
        await locations.set_active(tenant, jakarta["id"], False)
    assert (await locations.set_active(tenant, bandung["id"], True))["active"] is True


async def test_locations_page_edits_and_deactivates_over_http(owner_client):
    tenant = tenant_of(owner_client.account)
    spare = await make_location(tenant, unique("SPR")[:10])
    page = await owner_client.get("/inventory/locations")
    assert page.status_code == 200 and f'id="loc-{spare["id"]}-code"' in page.text
    bad = await post(owner_client, f"/inventory/locations/{spare['id']}", {"name": "", "code": "X"}, htmx=True)
    assert bad.status_code == 422 and "Name is required" in bad.text
    ok = await post(owner_client, f"/inventory/locations/{spare['id']}", {"name": "Gudang Medan", "code": "mdn"},
                    htmx=True)
    assert ok.status_code == 200 and "MDN" in ok.text
    off = await post(owner_client, f"/inventory/locations/{spare['id']}/active", {}, htmx=True)
    assert off.status_code == 200 and "MDN is deactivated" in off.text
    assert (await locations.require_location(tenant, spare["id"]))["active"] is False


async def test_store_page_chooses_its_locations(owner_client):
    tenant = tenant_of(owner_client.account)
    store_id = await ROW_FACTORIES["store_id"](owner_client.account)
    medan = await make_location(tenant, unique("MDN")[:10])
    page = await owner_client.get(f"/stores/{store_id}")
    assert page.status_code == 200 and 'name="location"' in page.text and medan["code"] in page.text
    refused = await post(owner_client, f"/stores/{store_id}/locations", {"location": "999999999"}, htmx=True)
    assert refused.status_code == 422 and "Choose locations from the list." in refused.text
    for junk in ("abc", "1.5", f"{medan['id']},x"):
        refused = await post(owner_client, f"/stores/{store_id}/locations", {"location": junk}, htmx=True)
        assert refused.status_code == 422 and "Choose locations from the list." in refused.text, junk
    assert await allocation.store_locations(tenant, [store_id]) == {}
    saved = await post(owner_client, f"/stores/{store_id}/locations", {"location": str(medan["id"])})
    assert saved.status_code in (200, 303)
    assert await allocation.store_locations(tenant, [store_id]) == {store_id: frozenset({medan["id"]})}
    everywhere = await post(owner_client, f"/stores/{store_id}/locations", {})  # no box ticked: every location
    assert everywhere.status_code in (200, 303)
    assert await allocation.store_locations(tenant, [store_id]) == {}


async def test_no_stock_goes_into_a_deactivated_location():
    _account, tenant, _store_id, variant, jakarta, bandung = await _shop_with_stock()
    await stock.transfer(tenant, variant["id"], bandung["id"], jakarta["id"], 4, reason="tutup gudang")
    await locations.set_active(tenant, bandung["id"], False)
    attempts = [
        lambda: stock.receive(tenant, variant["id"], bandung["id"], 5),
        lambda: stock.adjust(tenant, variant["id"], bandung["id"], 5, reason="salah input"),
        lambda: stock.transfer(tenant, variant["id"], jakarta["id"], bandung["id"], 1),
        lambda: stock.count(tenant, variant["id"], bandung["id"], 3, reference="opname"),
    ]
    for attempt in attempts:
        with pytest.raises(AppError, match="is deactivated"):
            await attempt()
    levels = {r.location: (r.on_hand, r.reserved) for r in await overview.levels_by_location(
        tenant, [variant["id"]])}
    assert levels[jakarta["id"]] == (14, 0) and levels.get(bandung["id"], (0, 0)) == (0, 0)
