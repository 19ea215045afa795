"""Export of the catalog and its stock as CSV, in the import's columns so the file round-trips.

One row per variant per location that has stock, with on hand as `quantity`, then reserved and
available; a variant with no stock anywhere has one row with those cells blank. Streamed a page
of variants at a time, so the whole catalog never sits in memory.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from app.core.tenancy import Tenant
from app.domains.catalog.spreadsheet_import import COLUMNS
from app.domains.catalog.stock_port import Level, stock
from app.domains.catalog.tables import Variant

EXPORT_COLUMNS = (*COLUMNS, "reserved", "available", "archived")
PAGE = 1000


async def export_csv(tenant: Tenant) -> AsyncIterator[bytes]:
    """The organisation's variants with product fields and stock per location, as CSV bytes
    (UTF-8 with BOM, which Excel needs to show accents)."""
    port = stock()
    codes = {r.id: r.code for r in await port.locations(tenant, active_only=False)}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode()
    after = 0
    while True:
        variants = await tenant.scoped(Variant).select(
            Variant.id, Variant.sku, Variant.name, Variant.attributes, Variant.barcode, Variant.price, Variant.cost,
            Variant.weight_grams, Variant.reorder_point, Variant.archived, Variant.length_cm, Variant.width_cm,
            Variant.height_cm,
            Variant.product.name.as_alias("product_name"), Variant.product.brand.as_alias("brand"),
            Variant.product.category.as_alias("category"),
        ).where(Variant.id > after).order_by(Variant.id).limit(PAGE).output(load_json=True)
        if not variants:
            return
        by_variant: dict[int, list[Level]] = {}
        for level in await port.levels(tenant, [v["id"] for v in variants]):
            by_variant.setdefault(level.variant_id, []).append(level)
        buffer.seek(0)
        buffer.truncate()
        for v in variants:
            attributes = v["attributes"] or {}
            base = [*map(spreadsheet_safe, (v["product_name"], v["sku"], v["name"], attributes.get("colour", ""),
                                            attributes.get("size", ""), v["brand"], v["category"], v["barcode"])),
                    v["price"], v["cost"], v["weight_grams"], v["reorder_point"]]
            archived = "yes" if v["archived"] else ""
            sizes = [v["length_cm"], v["width_cm"], v["height_cm"]]
            levels = sorted(by_variant.get(v["id"], []), key=lambda lv: codes.get(lv.location_id, ""))
            if not levels:
                writer.writerow([*base, "", "", *sizes, "", "", archived])
            for lv in levels:
                writer.writerow([*base, lv.on_hand, codes.get(lv.location_id, ""), *sizes, lv.reserved,
                                 lv.available, archived])
        yield buffer.getvalue().encode()
        after = variants[-1]["id"]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection);
    the importer removes it again, so an export still imports back unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
