"""Catalog import and export: encodings, delimiters, XLSX, per-row errors, idempotency, size, tenancy."""

from __future__ import annotations

import asyncio
import csv
import io
import time

import pytest

from app.domains.catalog.spreadsheet_import import COLUMNS, MAX_BYTES, import_file
from app.domains.catalog.tables import Product, Variant
from app.domains.inventory import stock
from app.domains.inventory.tables import StockLevel, StockMovement
from app.domains.jobs.tables import BackgroundJob
from tests.inventory.factories import make_location, make_tenant, make_variant, tenant_of
from tests.support import make_account, post, unique

ROW = {"product_name": "Kaos Polos Premium", "sku": "KP-RED-M", "variant_name": "", "colour": "Merah", "size": "M",
       "brand": "Lokal", "category": "Fashion", "barcode": "8991234567001", "price": "Rp 125.000", "cost": "60000",
       "weight_grams": "200", "reorder_point": "5", "quantity": "12", "location_code": ""}


def table(rows: list[dict], *, columns=COLUMNS, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue().encode(encoding)


def row(**changes) -> dict:
    return {**ROW, **changes}


async def ledger_rows(tenant) -> int:
    return await StockMovement.count().where(StockMovement.organization == tenant.organization_id)


async def on_hand(tenant, sku: str) -> int:
    variant = await Variant.select(Variant.id).where(
        (Variant.organization == tenant.organization_id) & (Variant.sku == sku)).first()
    return sum(level.on_hand for level in await stock.levels(tenant, [variant["id"]]))


async def run(tenant, data: bytes):
    return await import_file(tenant, data, reference="import:test")


def messages(result) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.problems]


async def test_rows_become_products_with_variants_and_stock():
    tenant = await make_tenant()
    data = table([row(), row(sku="KP-RED-L", size="L", quantity="3"),
                  row(product_name="Kopi Gayo 250g", brand="Gayo", sku="KG-250", colour="", size="", quantity="40")])
    result = await run(tenant, data)
    assert (result.created, result.updated, result.unchanged, result.errors) == (3, 0, 0, 0)
    products = await Product.select(Product.name).where(Product.organization == tenant.organization_id)
    assert sorted(p["name"] for p in products) == ["Kaos Polos Premium", "Kopi Gayo 250g"]
    variant = await Variant.select().where((Variant.organization == tenant.organization_id)
                                           & (Variant.sku == "KP-RED-M")).output(load_json=True).first()
    assert variant["price"] == 125_000 and variant["cost"] == 60_000 and variant["name"] == "Merah / M"
    assert variant["attributes"] == {"colour": "Merah", "size": "M"}
    assert "kaos polos premium" in variant["search_text"]
    assert await on_hand(tenant, "KP-RED-M") == 12 and await on_hand(tenant, "KG-250") == 40
    assert await ledger_rows(tenant) == 3


async def test_second_import_of_the_same_file_changes_nothing():
    tenant = await make_tenant()
    data = table([row(), row(sku="KP-RED-L", size="L", quantity="0"), row(sku="KP-RED-S", size="S", quantity="")])
    await run(tenant, data)
    ledger = await ledger_rows(tenant)
    before = await Variant.select(Variant.sku, Variant.updated_at).where(
        Variant.organization == tenant.organization_id).order_by(Variant.sku)
    again = await run(tenant, data)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 3, 0)
    assert await ledger_rows(tenant) == ledger
    assert await Variant.select(Variant.sku, Variant.updated_at).where(
        Variant.organization == tenant.organization_id).order_by(Variant.sku) == before


async def test_an_existing_sku_is_updated_where_the_file_differs():
    tenant = await make_tenant()
    await run(tenant, table([row()]))
    result = await run(tenant, table([row(price="130000", quantity="10")]))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    variant = await Variant.select(Variant.price).where((Variant.organization == tenant.organization_id)
                                                        & (Variant.sku == "KP-RED-M")).first()
    assert variant["price"] == 130_000
    assert await on_hand(tenant, "KP-RED-M") == 10
    movements = await StockMovement.select(StockMovement.on_hand_delta).where(
        StockMovement.organization == tenant.organization_id).order_by(StockMovement.id)
    assert [m["on_hand_delta"] for m in movements] == [12, -2]


async def test_malformed_rows_are_reported_with_row_and_column_and_change_nothing():
    tenant = await make_tenant()
    rows = [
        row(sku="OK-1"),
        row(sku=""),  # row 3
        row(sku="BAD SKU!"),  # row 4
        row(sku="OK-2", price="seratus"),  # row 5
        row(sku="OK-3", price="-5000"),  # row 6
        row(sku="OK-4", quantity="-3"),  # row 7
        row(sku="OK-5", quantity="lima"),  # row 8
        row(sku="OK-6", quantity="2.5"),  # row 9
        row(sku="OK-7", product_name="K" * 256),  # row 10
        row(sku="OK-8", location_code="NOWHERE"),  # row 11
        row(sku="OK-9", weight_grams="berat"),  # row 12
        row(sku="OK-10", product_name=""),  # row 13: a new SKU needs a product
    ]
    data = table(rows) + b'"Stray",OK-11' + b"," * (len(COLUMNS) - 2) + b',extra,cells\r\n'  # row 14: too many cells
    result = await run(tenant, data)
    assert result.created == 1 and result.errors == 12
    found = {(r, c) for r, c, _m in messages(result)}
    assert found >= {(3, "sku"), (4, "sku"), (5, "price"), (6, "price"), (7, "quantity"), (8, "quantity"),
                     (9, "quantity"), (10, "product_name"), (11, "location_code"), (12, "weight_grams"),
                     (13, "product_name"), (14, "")}
    text = dict(((r, c), m) for r, c, m in messages(result))
    assert "missing" in text[(3, "sku")]
    assert "negative" in text[(6, "price")] and "negative" in text[(7, "quantity")]
    assert "whole number" in text[(8, "quantity")]
    assert "255" in text[(10, "product_name")]
    assert "NOWHERE" in text[(11, "location_code")]
    assert f"header names {len(COLUMNS)} columns" in text[(14, "")]
    skus = {v["sku"] for v in await Variant.select(Variant.sku).where(Variant.organization == tenant.organization_id)}
    assert skus == {"OK-1"}
    assert await ledger_rows(tenant) == 1


async def test_a_duplicate_sku_in_the_file_is_an_error_on_its_second_row():
    tenant = await make_tenant()
    result = await run(tenant, table([row(), row(price="99000"), row(sku="kp-red-m", quantity="1")]))
    assert result.created == 1 and result.errors == 2
    assert [(r, c) for r, c, _m in messages(result)] == [(3, "sku"), (4, "sku")]
    assert "row 2" in result.problems[0].message
    variant = await Variant.select(Variant.price).where(Variant.organization == tenant.organization_id).first()
    assert variant["price"] == 125_000


async def test_a_sku_may_repeat_to_give_its_stock_at_other_locations():
    tenant = await make_tenant()  # signs up with its first warehouse, GU
    await make_location(tenant, "JKT")
    data = table([row(location_code="GU", quantity="5"), row(location_code="JKT", quantity="7"),
                  row(location_code="JKT", quantity="8"), row(location_code="", quantity="5", price="1")])
    result = await run(tenant, data)
    assert (result.created, result.updated + result.unchanged, result.errors) == (1, 1, 2)
    assert "already appears in row 3" in result.problems[0].message
    assert "other details" in result.problems[1].message
    assert await on_hand(tenant, "KP-RED-M") == 12


async def test_utf8_with_bom_is_read():
    tenant = await make_tenant()
    data = b"\xef\xbb\xbf" + table([row(product_name="Kopi Gayo Rp Spécial Müller", sku="KG-1")])
    result = await run(tenant, data)
    assert result.created == 1 and result.errors == 0 and "UTF-8" in result.file_format
    product = await Product.select(Product.name).where(Product.organization == tenant.organization_id).first()
    assert product["name"] == "Kopi Gayo Rp Spécial Müller"


async def test_windows_1252_is_read():
    tenant = await make_tenant()
    data = table([row(product_name="Kopi Gayo Rp Café Müller – 250g", sku="KG-2", brand="Kafé")], encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = await run(tenant, data)
    assert result.created == 1 and "Windows-1252" in result.file_format
    product = await Product.select(Product.name, Product.brand).where(
        Product.organization == tenant.organization_id).first()
    assert product == {"name": "Kopi Gayo Rp Café Müller – 250g", "brand": "Kafé"}


@pytest.mark.parametrize("delimiter, name", [(";", "semicolon"), ("\t", "tab")])
async def test_semicolon_and_tab_separated_files_are_read(delimiter, name):
    tenant = await make_tenant()
    data = table([row(price="Rp 1.250.000,00"), row(sku="KP-RED-L", size="L", price="1.250.000")],
                 delimiter=delimiter)
    result = await run(tenant, data)
    assert result.created == 2 and result.errors == 0 and name in result.file_format
    prices = await Variant.select(Variant.price).where(Variant.organization == tenant.organization_id)
    assert {p["price"] for p in prices} == {1_250_000}


async def test_xlsx_with_the_same_columns_is_read():
    import openpyxl

    tenant = await make_tenant()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(["Kaos Polos", "X-1", "", "Hitam", "XL", "Lokal", "Fashion", 8991234567001, 125000, 60000.0, 200, 5,
                  9, None])
    sheet.append(["Kaos Polos", "X-2", "", "Hitam", "L", "Lokal", "Fashion", None, "abc", 0, 200, 5, -1, None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = await run(tenant, buffer.getvalue())
    assert result.file_format == "XLSX" and result.created == 1
    assert {(e.row, e.column) for e in result.problems} == {(3, "price"), (3, "quantity")}
    variant = await Variant.select(Variant.barcode, Variant.price).where(
        Variant.organization == tenant.organization_id).first()
    assert variant == {"barcode": "8991234567001", "price": 125_000}
    assert await on_hand(tenant, "X-1") == 9


async def test_quantity_below_what_is_reserved_is_refused():
    tenant = await make_tenant()
    await run(tenant, table([row()]))
    variant = await Variant.select(Variant.id).where(Variant.organization == tenant.organization_id).first()
    level = (await stock.levels(tenant, [variant["id"]]))[0]
    await stock.reserve(tenant, [stock.Line(variant["id"], level.location_id, 4)], reference="order-1")
    result = await run(tenant, table([row(quantity="3", price="1")]))
    assert result.errors == 1 and "reserved" in result.problems[0].message
    assert await on_hand(tenant, "KP-RED-M") == 12
    price = await Variant.select(Variant.price).where(Variant.id == variant["id"]).first()
    assert price["price"] == 125_000  # the refused row changed nothing, not even its price


async def test_100000_rows_of_10_mb_import_quickly_and_reimport_writes_nothing():
    tenant = await make_tenant()
    rows = []
    for i in range(100_000):
        rows.append({"product_name": f"Produk Contoh Nomor {i // 3:06d} Edisi Terbatas", "sku": f"BULK-{i:06d}",
                     "colour": ("Merah", "Hitam", "Putih")[i % 3], "size": "M", "brand": "Merek Lokal Indonesia",
                     "category": "Fashion Pria", "barcode": f"899{i:010d}", "price": str(50_000 + i),
                     "cost": "30000", "weight_grams": "250", "reorder_point": "3", "quantity": str(i % 50)})
    data = table(rows)
    assert len(data) >= 10_000_000
    started = time.perf_counter()
    result = await run(tenant, data)
    first = time.perf_counter() - started
    assert (result.created, result.errors) == (100_000, 0)
    assert await Variant.count().where(Variant.organization == tenant.organization_id) == 100_000
    ledger = await ledger_rows(tenant)
    assert ledger == sum(1 for i in range(100_000) if i % 50)
    started = time.perf_counter()
    again = await run(tenant, data)
    second = time.perf_counter() - started
    print(f"\n100k rows, {len(data) / 1e6:.1f} MB: first import {first:.1f}s ({100_000 / first:,.0f} rows/s), "
          f"re-import {second:.1f}s")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 100_000)
    assert await ledger_rows(tenant) == ledger


async def test_export_has_only_this_tenants_variants_with_stock_per_location(owner_client):
    mine = tenant_of(owner_client.account)
    other = await make_tenant()
    secret = await make_variant(other, sku=unique("SECRET-").upper(), name="Produk Rahasia")
    await stock.receive(other, secret["id"], (await make_location(other))["id"], 9)
    await run(mine, table([row(), row(sku="KP-RED-L", size="L", quantity="")]))
    variant = await Variant.select(Variant.id).where((Variant.organization == mine.organization_id)
                                                     & (Variant.sku == "KP-RED-M")).first()
    level = (await stock.levels(mine, [variant["id"]]))[0]
    await stock.reserve(mine, [stock.Line(variant["id"], level.location_id, 2)], reference="order-9")
    response = await owner_client.get("/catalog/export.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "Rahasia" not in response.text and secret["sku"] not in response.text
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["sku"] for r in lines] == ["KP-RED-M", "KP-RED-L"]
    assert (lines[0]["quantity"], lines[0]["reserved"], lines[0]["available"]) == ("12", "2", "10")
    assert lines[0]["location_code"] == "GU" and lines[1]["quantity"] == ""
    again = await run(mine, response.content)  # the export imports back as a no-op
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, 0)


async def _wait_finished(job_id: int, timeout: float = 60) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        job = await BackgroundJob.select().where(BackgroundJob.id == job_id).output(load_json=True).first()
        if job["status"] in ("complete", "failed", "aborted"):
            return job
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def test_upload_runs_as_a_job_with_progress_and_a_downloadable_error_report(owner_client, worker):
    data = table([row(), row(sku="BAD*SKU"), row(sku="KP-2", quantity="-1")])
    response = await post(owner_client, "/catalog/import", files={"file": ("../../etc/passwd.csv", data, "text/csv")},
                          htmx=True)
    assert response.status_code == 200, response.text[:500]
    assert 'sse-connect="/jobs/' in response.text
    job = await BackgroundJob.select().where((BackgroundJob.organization == owner_client.account.org_id)
                                             & (BackgroundJob.kind == "import_catalog")).first()
    finished = await _wait_finished(job["id"])
    assert finished["status"] == "complete", finished["error"]
    assert {k: finished["result"][k] for k in ("created", "updated", "unchanged", "errors")} == {
        "created": 1, "updated": 0, "unchanged": 0, "errors": 2}
    assert finished["done"] == 3 and finished["errors"] == 2
    report = await owner_client.get(f"/catalog/import/{job['id']}/errors.csv")
    assert report.status_code == 200
    lines = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [(r["row"], r["column"]) for r in lines] == [("3", "sku"), ("4", "quantity")]
    page = await owner_client.get("/catalog/import")
    assert f"/catalog/import/{job['id']}/errors.csv" in page.text

    other = await make_account()
    foreign = BackgroundJob(organization=other.org_id, kind="import_catalog", label="x", saq_key=f"bg:{unique()}")
    await foreign.save()
    assert (await owner_client.get(f"/catalog/import/{foreign.id}/errors.csv")).status_code == 404


async def test_an_upload_over_the_limit_is_refused_with_a_clear_message(owner_client):
    just_over = b"sku\n" + b"A" * (MAX_BYTES - 3)
    response = await post(owner_client, "/catalog/import", files={"file": ("big.csv", just_over, "text/csv")},
                          htmx=True)
    assert response.status_code == 413 and "larger than 20 MB" in response.text
    far_over = b"sku\n" + b"A" * (MAX_BYTES + 2 * 1024 * 1024)
    response = await post(owner_client, "/catalog/import", files={"file": ("big.csv", far_over, "text/csv")})
    assert response.status_code == 413 and "larger than 20 MB" in response.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 0


async def test_a_file_without_a_sku_column_is_refused_before_any_job(owner_client):
    response = await post(owner_client, "/catalog/import", files={"file": ("x.csv", b"nama,harga\nKaos,1000\n",
                                                                           "text/csv")}, htmx=True)
    assert response.status_code == 422 and "sku" in response.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == owner_client.account.org_id) == 0


async def test_viewers_cannot_import_but_see_the_page(app):
    from tests.support import add_member, http_client, login

    account = await make_account()
    viewer = await add_member(account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        assert (await client.get("/catalog/import")).status_code == 200
        response = await post(client, "/catalog/import", files={"file": ("a.csv", table([row()]), "text/csv")})
        assert response.status_code == 403
    assert await Variant.count().where(Variant.organization == account.org_id) == 0


async def test_stock_levels_stay_equal_to_the_ledger_after_imports():
    tenant = await make_tenant()
    await run(tenant, table([row(), row(sku="B-1", quantity="4")]))
    await run(tenant, table([row(quantity="2"), row(sku="B-1", quantity="9")]))
    levels = await StockLevel.select(StockLevel.variant, StockLevel.on_hand).where(
        StockLevel.organization == tenant.organization_id)
    for level in levels:
        deltas = await StockMovement.select(StockMovement.on_hand_delta).where(
            StockMovement.variant == level["variant"])
        assert sum(d["on_hand_delta"] for d in deltas) == level["on_hand"]



async def test_export_neutralises_formulas_and_imports_them_back_unchanged(owner_client):
    mine = tenant_of(owner_client.account)
    await run(mine, table([row(product_name="=HYPERLINK(\"http://x\")", sku="KP-FORMULA-1", quantity="")]))
    response = await owner_client.get("/catalog/export.csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    again = await run(mine, response.content)
    assert (again.created, again.updated, again.errors) == (0, 0, 0)
