"""Products over HTTP: create with variants, validation, SKU uniqueness per organisation,
search, edit, archive."""

from __future__ import annotations

from app.domains.catalog.tables import Product, Variant
from tests.inventory.factories import make_variant, tenant_of
from tests.support import add_member, http_client, login, make_account, post, unique


def product_data(name: str, *variants: dict) -> dict:
    data = {"name": name, "brand": "Batik Keris", "category": "Fashion", "description": "Katun"}
    for i, v in enumerate(variants):
        for key, value in v.items():
            data[f"variants-{i}-{key}"] = value
    return data


async def test_create_product_with_variants_and_find_it(owner_client):
    sku = unique("KMJ-").upper()
    response = await post(owner_client, "/products", product_data(
        "Kemeja Batik Parang", {"sku": sku + "-M", "price": "Rp 250.000", "colour": "Biru", "size": "M"},
        {"sku": sku + "-L", "price": "275000", "size": "L", "barcode": "8991234567890"}))
    assert response.status_code in (200, 303), response.text[:500]
    rows = await Variant.select(Variant.sku, Variant.price, Variant.attributes).where(
        Variant.organization == owner_client.account.org_id).order_by(Variant.sku).output(load_json=True)
    assert [(r["sku"], r["price"]) for r in rows] == [(sku + "-L", 275_000), (sku + "-M", 250_000)]
    assert rows[1]["attributes"] == {"colour": "Biru", "size": "M"}
    found = await owner_client.get("/products", params={"q": "parang biru"}, headers={"HX-Request": "true"})
    assert sku + "-M" in found.text and sku + "-L" not in found.text
    by_barcode = await owner_client.get("/products", params={"q": "8991234567890"})
    assert sku + "-L" in by_barcode.text
    assert "Rp 275.000" in by_barcode.text


async def test_bad_product_input_is_refused_and_changes_nothing(owner_client):
    org = owner_client.account.org_id
    taken = await make_variant(tenant_of(owner_client.account))
    before = await Variant.count().where(Variant.organization == org)
    cases = [
        (product_data("", {"sku": "A1"}), "Product name is required"),
        (product_data("Kaos", {"sku": "bad sku!"}), "SKU may use letters"),
        (product_data("Kaos", {"sku": "A1", "price": "-5"}), "is not valid"),
        (product_data("Kaos", {"sku": "A1", "price": "dua ribu"}), "is not valid"),
        (product_data("Kaos", {"sku": "A1"}, {"sku": "a1"}), "appears twice"),
        (product_data("Kaos", {"sku": taken["sku"]}), "already used"),
        (product_data("K" * 256, {"sku": "A2"}), "at most 255"),
        ({"name": "Kaos"}, "Add at least one variant"),
    ]
    for data, message in cases:
        response = await post(owner_client, "/products", data, htmx=True)
        assert response.status_code == 422, data
        assert message in response.text, (message, response.text[:2000])
    assert await Variant.count().where(Variant.organization == org) == before


async def test_the_same_sku_may_exist_in_two_organisations(owner_client):
    other = tenant_of(await make_account())
    sku = unique("SAME-").upper()
    await make_variant(other, sku=sku)
    response = await post(owner_client, "/products", product_data("Kaos", {"sku": sku, "price": "1000"}))
    assert response.status_code in (200, 303)


async def test_edit_archives_dropped_variants_and_archive_keeps_history(owner_client):
    tenant = tenant_of(owner_client.account)
    v = await make_variant(tenant)
    product_id = v["product"]
    response = await post(owner_client, f"/products/{product_id}", product_data(
        "Kaos Baru", {"sku": unique("NEW-").upper(), "price": "50000"}))
    assert response.status_code in (200, 303)
    old = await Variant.select(Variant.archived).where(Variant.id == v["id"]).first()
    assert old["archived"] is True
    assert (await Product.select(Product.name).where(Product.id == product_id).first())["name"] == "Kaos Baru"
    await post(owner_client, f"/products/{product_id}/archive")
    assert (await Product.select(Product.status).where(Product.id == product_id).first())["status"] == "archived"
    listing = await owner_client.get("/products")
    assert "Kaos Baru" not in listing.text
    page = await owner_client.get(f"/products/{product_id}")
    assert page.status_code == 200 and "archived" in page.text


async def test_warehouse_staff_can_see_but_not_edit_products(app):
    account = await make_account()
    staff = await add_member(account.org_id, "warehouse")
    async with http_client(app) as client:
        await login(client, staff)
        assert (await client.get("/products")).status_code == 200
        response = await post(client, "/products", product_data("Kaos", {"sku": "WH-1"}), htmx=True)
        assert response.status_code == 403


async def test_a_variant_becomes_a_bundle_of_components(owner_client):
    from app.domains.catalog.tables import BundleComponent
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location

    tenant = tenant_of(owner_client.account)
    shirt, cap = await make_variant(tenant), await make_variant(tenant)
    bundle = await make_variant(tenant, name="Paket Hemat")
    location = await default_location(tenant)
    await stock.receive(tenant, shirt["id"], location["id"], 6)
    await stock.receive(tenant, cap["id"], location["id"], 2)
    url = f"/products/{bundle['product']}/variants/{bundle['id']}/bundle"
    ok = await post(owner_client, url, {"components": f"{shirt['sku']} 2\n{cap['sku']}"})
    assert ok.status_code in (200, 303)
    assert await stock.available(tenant, bundle["id"]) == 2  # min(6 // 2, 2 // 1)
    refused = await post(owner_client, url, {"components": f"{bundle['sku']} 1"})
    assert refused.status_code in (200, 303)
    assert await BundleComponent.count().where(BundleComponent.bundle == bundle["id"]) == 2, "bad input changed nothing"
    page = await owner_client.get(f"/products/{bundle['product']}")
    assert "cannot be a component" in page.text or "bundle" in page.text


async def test_a_bundle_shows_in_the_product_list_what_its_components_allow(owner_client):
    """The product list and the allocation preview agree: a bundle has what its components allow."""
    import re

    from app.domains.catalog.services import set_bundle
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location
    from app.domains.listings.allocation import preview

    tenant = tenant_of(owner_client.account)
    shirt, cap = await make_variant(tenant), await make_variant(tenant)
    bundle = await make_variant(tenant, name="Paket Lebaran")
    location = await default_location(tenant)
    await stock.receive(tenant, shirt["id"], location["id"], 41)
    await stock.receive(tenant, cap["id"], location["id"], 7)
    await set_bundle(tenant, bundle["id"], [(shirt["sku"], 2), (cap["sku"], 1)])
    page = await owner_client.get("/products", params={"q": "Paket Lebaran"})
    row = re.search(rf"{re.escape(bundle['sku'])}.*?</tr>", page.text, re.S).group(0)
    shown = re.search(r'<td class="avail num"><span class="stock \w+">(\d+)</span>', row).group(1)
    assert int(shown) == 7 == (await preview(tenant, bundle["id"], []))["available"]  # min(41 // 2, 7 // 1)
