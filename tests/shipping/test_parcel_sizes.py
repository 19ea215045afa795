"""A variant's weight and dimensions: typed on the product page, imported and exported as CSV, and
summed into an order's parcel (unless the packer weighs it)."""

from __future__ import annotations

import csv
import io

from app.core.tenancy import Tenant
from app.domains.catalog.spreadsheet_import import COLUMNS, import_file
from app.domains.catalog.tables import Variant
from tests.support import post, unique


async def test_product_page_takes_dimensions_and_refuses_junk(owner_client):
    sku = unique("DIM-").upper()
    base = {"name": "Kardus", "brand": "Lokal", "category": "Rumah", "description": "",
            "variants-0-sku": sku, "variants-0-price": "10.000", "variants-0-weight_grams": "850",
            "variants-0-length_cm": "30", "variants-0-width_cm": "20", "variants-0-height_cm": "12"}
    junk = await post(owner_client, "/products", {**base, "variants-0-height_cm": "tinggi"}, htmx=True)
    assert junk.status_code == 422 and await Variant.count().where(Variant.sku == sku) == 0
    made = await post(owner_client, "/products", base)
    assert made.status_code in (200, 303), made.text[:300]
    row = await Variant.select(Variant.weight_grams, Variant.length_cm, Variant.width_cm, Variant.height_cm).where(
        Variant.sku == sku).first()
    assert row == {"weight_grams": 850, "length_cm": 30, "width_cm": 20, "height_cm": 12}


async def test_csv_import_sets_dimensions_and_export_shows_them(owner_client):
    tenant = Tenant(owner_client.account.org_id)
    sku = unique("CSV-").upper()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    values = {"product_name": "Kardus", "sku": sku, "price": "10000", "weight_grams": "400", "length_cm": "25",
              "width_cm": "18", "height_cm": "9"}
    writer.writerow([values.get(c, "") for c in COLUMNS])
    result = await import_file(tenant, out.getvalue().encode(), reference="import:test")
    assert result.created == 1 and not result.problems
    exported = await owner_client.get("/catalog/export.csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    mine = next(r for r in rows if r["sku"] == sku)
    assert (mine["weight_grams"], mine["length_cm"], mine["width_cm"], mine["height_cm"]) == ("400", "25", "18", "9")


async def test_parcel_weight_is_the_sum_of_line_weights():
    from app.domains.shipping.rates import MIN_WEIGHT, ParcelLine, parcel_of
    from tests.fulfillment.factories import stocked_variant
    from tests.inventory.factories import make_tenant

    tenant = await make_tenant()
    a, b = await stocked_variant(tenant), await stocked_variant(tenant)
    await Variant.update({Variant.weight_grams: 300, Variant.length_cm: 30, Variant.height_cm: 5}).where(
        Variant.id == a["id"])
    await Variant.update({Variant.weight_grams: 1200, Variant.width_cm: 40, Variant.height_cm: 10}).where(
        Variant.id == b["id"])
    parcel = await parcel_of(tenant, [ParcelLine(a["id"], 3, 10_000), ParcelLine(b["id"], 1, 50_000)])
    assert (parcel.weight_grams, parcel.value) == (3 * 300 + 1200, 80_000)
    assert (parcel.length_cm, parcel.width_cm, parcel.height_cm) == (30, 40, 3 * 5 + 10)
    unweighed = await stocked_variant(tenant)
    assert (await parcel_of(tenant, [ParcelLine(unweighed["id"], 1, 1)])).weight_grams == MIN_WEIGHT
