"""Catalog import of odd but real files: a NUL or other control character in one cell, a BOM, CRLF,
semicolons, and XLSX cells holding control characters. Each row either imports or gets its own
error; the file as a whole is refused only when it is not a spreadsheet at all."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.domains.catalog.spreadsheet_import import COLUMNS, ImportFileError, import_file
from app.domains.catalog.tables import Product, Variant
from app.domains.jobs.tables import BackgroundJob
from tests.catalog.test_import import row, table
from tests.inventory.factories import make_tenant
from tests.support import post


async def run(tenant, data: bytes):
    return await import_file(tenant, data, reference="import:test")


async def skus(tenant) -> set[str]:
    rows = await Variant.select(Variant.sku).where(Variant.organization == tenant.organization_id)
    return {r["sku"] for r in rows}


def problems(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.problems]


async def test_a_nul_byte_in_one_cell_is_an_error_on_that_row_only():
    tenant = await make_tenant()
    data = table([row(sku="OK-1"), row(sku="NUL-1", product_name="Kaos\x00Polos"), row(sku="OK-2", size="L")])
    result = await run(tenant, data)
    assert (result.created, result.errors) == (2, 1)
    assert problems(result) == [(3, "product_name")]
    problem = result.problems[0]
    assert "invalid character" in problem.message and "product_name" in problem.message
    assert problem.sku == "NUL-1" and "\x00" not in problem.value
    assert await skus(tenant) == {"OK-1", "OK-2"}
    names = await Product.select(Product.name).where(Product.organization == tenant.organization_id)
    assert all("\x00" not in p["name"] for p in names)


@pytest.mark.parametrize("column, value", [("sku", "NUL\x00-1"), ("price", "125\x00000"), ("brand", "Lo\x1fkal"),
                                           ("location_code", "\x00"), ("barcode", "899\x7f1")])
async def test_a_control_character_in_any_column_names_that_column(column, value):
    tenant = await make_tenant()
    result = await run(tenant, table([row(sku="OK-1"), row(**{"sku": "OK-2", column: value})]))
    assert result.created == 1 and problems(result) == [(3, column)]
    assert "invalid character" in result.problems[0].message
    assert await skus(tenant) == {"OK-1"}


async def test_bom_crlf_and_semicolons_with_a_nul_in_one_cell_import_the_other_rows():
    tenant = await make_tenant()
    data = b"\xef\xbb\xbf" + table([row(sku="A-1", price="Rp 1.250.000,00"),
                                     row(sku="A-2", colour="Hi\x00tam"),
                                     row(sku="A-3", product_name="Kopi; Gayo", brand="Gayo")], delimiter=";")
    assert b"\r\n" in data
    result = await run(tenant, data)
    assert "semicolon" in result.file_format and "UTF-8" in result.file_format
    assert (result.created, result.errors) == (2, 1) and problems(result) == [(3, "colour")]
    assert await skus(tenant) == {"A-1", "A-3"}
    price = await Variant.select(Variant.price).where((Variant.organization == tenant.organization_id)
                                                      & (Variant.sku == "A-1")).first()
    assert price["price"] == 1_250_000


def workbook(rows: list[list], replace: dict[bytes, bytes] | None = None) -> bytes:
    """An XLSX file; `replace` edits the sheet's XML afterwards, as another program might write it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    if not replace:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(out, "w") as copy:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                for old, new in replace.items():
                    content = content.replace(old, new)
            copy.writestr(name, content)
    return out.getvalue()


def xlsx_row(sku: str, name: str = "Kaos Polos") -> list:
    return [name, sku, "", "Hitam", "XL", "Lokal", "Fashion", None, 125000, 60000, 200, 5, 3, None]


@pytest.mark.parametrize("written_as", [b"Kaos_x0000_Polos", b"Kaos_x0001_Polos", b"Kaos\x01Polos", b"Kaos&#1;Polos",
                                        b"Kaos&#x1f;Polos", b"Kaos\x00Polos"])
async def test_xlsx_cell_with_a_control_character_is_an_error_on_its_row(written_as):
    tenant = await make_tenant()
    data = workbook([xlsx_row("X-1"), xlsx_row("X-2", "MARKER"), xlsx_row("X-3")], {b"MARKER": written_as})
    result = await run(tenant, data)
    assert result.file_format == "XLSX"
    assert (result.created, result.errors) == (2, 1) and problems(result) == [(3, "product_name")]
    assert await skus(tenant) == {"X-1", "X-3"}


async def test_a_binary_file_is_still_refused_as_a_whole():
    tenant = await make_tenant()
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    with pytest.raises(ImportFileError) as refused:
        await run(tenant, png)
    assert "not a CSV or XLSX" in refused.value.message
    noise = b"sku\n" + bytes(range(32)) * 200
    with pytest.raises(ImportFileError):
        await run(tenant, noise)


async def test_an_upload_with_a_nul_in_one_cell_starts_an_import(owner_client):
    data = table([row(sku="OK-1"), row(sku="NUL-1", product_name="Kaos\x00Polos")])
    response = await post(owner_client, "/catalog/import", files={"file": ("stok.csv", data, "text/csv")}, htmx=True)
    assert response.status_code == 200, response.text[:500]
    assert "not a CSV" not in response.text
    assert await BackgroundJob.count().where((BackgroundJob.organization == owner_client.account.org_id)
                                             & (BackgroundJob.kind == "import_catalog")) == 1
