"""Bulk import of products and variants from a CSV or XLSX file.

The file's first row names the columns (any order, any letter case; unknown columns are ignored):

    product_name, sku, variant_name, colour, size, brand, category, barcode, price, cost,
    weight_grams, reorder_point, quantity, location_code, length_cm, width_cm, height_cm

Only `sku` is always required; `product_name` is required for a SKU that does not exist yet.
Rows group into products by product_name + brand. A SKU that exists already is updated in place
(it keeps its product); a column left out of the file leaves that field alone; a blank number
leaves it alone (0 for a new SKU); `quantity` sets on hand at `location_code` (blank: the first
warehouse) through a stock count, and a blank quantity leaves stock alone. A SKU may appear on
several rows only to give its stock at different locations, with the same details on each row.

Every row is validated first; a row with any error changes nothing and is reported with its row
number (the header is row 1), column and what is wrong. Valid rows are applied in batches, one
transaction each. Re-importing the same file writes nothing: fields are compared before they are
written and stock is counted only where on hand differs.

CSV is read as UTF-8 (with or without BOM, or UTF-16 with BOM) and otherwise as Windows-1252,
the encoding Excel on Windows saves; the delimiter (comma, semicolon or tab) is sniffed. A cell
holding a NUL or another control character is an error on its row (in XLSX too, however the
program that wrote it encoded the character); only a file that is not text at all is refused whole.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from piccolo.table import Table

from app.core.clock import utcnow
from app.core.database import is_postgres, pg_fetch, transaction
from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.money import parse_rupiah
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog.errors import CatalogError
from app.domains.catalog.schemas import SKU_PATTERN
from app.domains.catalog.services import search_text_of
from app.domains.catalog.statuses import ProductStatus
from app.domains.catalog.stock_port import Count, stock
from app.domains.catalog.tables import Product, Variant
from app.settings import get_settings

COLUMNS = ("product_name", "sku", "variant_name", "colour", "size", "brand", "category", "barcode", "price", "cost",
           "weight_grams", "reorder_point", "quantity", "location_code", "length_cm", "width_cm", "height_cm")
TEXT_LIMITS = {"product_name": 255, "variant_name": 255, "colour": 60, "size": 60, "brand": 120, "category": 120,
               "barcode": 64, "location_code": 32}
WHOLE_NUMBERS = ("weight_grams", "reorder_point", "quantity", "length_cm", "width_cm", "height_cm")
DIMENSIONS = ("length_cm", "width_cm", "height_cm")
MAX_BYTES = 20 * 1024 * 1024
BATCH_ROWS = 500
ERROR_COLUMNS = ("row", "sku", "column", "value", "message")
_DIGITS = re.compile(r"^\d+$")
# Control characters no spreadsheet cell means to hold (tab, CR and LF are ordinary cell text);
# PostgreSQL refuses NUL in text outright, so a cell with one must be a row error, not a crash.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEGATIVE = re.compile(r"^-\s*[\d.,]+$")


class ImportFileError(ValidationFailed, CatalogError):
    """The file as a whole cannot be imported (too large, not a spreadsheet, no header)."""

    def __init__(self, message: str, status_code: int = 422) -> None:
        super().__init__({"file": message})
        self.status_code = status_code


@dataclass(slots=True)
class RowError:
    row: int
    column: str
    message: str
    sku: str = ""
    value: str = ""


@dataclass(slots=True)
class Row:
    """One valid-looking row; None in a field means 'leave it as it is' (default for a new SKU)."""

    number: int
    sku: str
    product_name: str | None
    brand: str | None
    category: str | None
    variant_name: str | None
    colour: str | None
    size: str | None
    barcode: str | None
    price: int | None
    cost: int | None
    weight_grams: int | None
    reorder_point: int | None
    quantity: int | None
    location_code: str
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


@dataclass(slots=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    rows: int = 0
    file_format: str = ""
    report: str = ""
    problems: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged, "errors": self.errors,
                "rows": self.rows, "format": self.file_format, "report": self.report}


# -- reading the file ------------------------------------------------------------------------


@dataclass(slots=True)
class Sheet:
    header: list[str]
    total: int
    file_format: str
    records: Iterator[list[str]]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined: Latin-1 reads everything
        return data.decode("latin-1"), "Latin-1"


def _dialect(text: str) -> type[csv.Dialect]:
    """The delimiter sniffed from the first lines (comma, semicolon or tab); the header decides
    when the sniffer cannot, so a one-column file or an odd sample still reads."""
    sample = text[:64 * 1024]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    first_line = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ""
    if delimiter not in (",", ";", "\t") or not _known_columns(first_line, delimiter):
        delimiter = max((",", ";", "\t"), key=lambda d: (_known_columns(first_line, d), first_line.count(d)))

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def _known_columns(line: str, delimiter: str) -> int:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return sum(1 for c in cells if column_name(c) in COLUMNS)


def column_name(cell: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(cell or "").strip().lstrip("\ufeff").lower())


def _read_csv(data: bytes) -> Sheet:
    text, encoding = decode(data)
    dialect = _dialect(text)
    total = max(0, sum(1 for cells in csv.reader(io.StringIO(text), dialect) if any(cells)) - 1)
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, [])
    names = {",": "comma", ";": "semicolon", "\t": "tab"}
    return Sheet(header, total, f"CSV, {encoding}, {names[dialect.delimiter]}-separated", reader)


# Excel writes a control character in a cell as _xHHHH_; some other programs write it raw or as
# a character reference, which is not well-formed XML and would stop the parser at that cell.
_XLSX_ESCAPED_CONTROL = re.compile(r"_x00([01][0-9A-Fa-f]|7[Ff])_")
_XML_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_CONTROL_REFERENCE = re.compile(rb"&#(?:0*([0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*([0-8bBcCeEfF]|1[0-9a-fA-F]));")
_XLSX_TEXT_PARTS = re.compile(r"^xl/(worksheets/[^/]+|sharedStrings)\.xml$")


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _XLSX_ESCAPED_CONTROL.sub(lambda m: chr(int(m.group(1), 16)), str(value))


def _escape_control(match: re.Match[bytes]) -> bytes:
    if match.group(0).startswith(b"&#"):
        code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    else:
        code = match.group(0)[0]
    return b"_x%04X_" % code


def _well_formed(data: bytes) -> bytes:
    """The workbook with control characters in its cells' XML written the way Excel writes them,
    so that the row holding one is reported instead of the whole file failing to parse."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            parts = {name: book.read(name) for name in book.namelist() if _XLSX_TEXT_PARTS.match(name)}
            fixed = {name: _XML_CONTROL_REFERENCE.sub(_escape_control, _XML_RAW_CONTROL.sub(_escape_control, xml))
                     for name, xml in parts.items()}
            if fixed == parts:
                return data
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
                for info in book.infolist():
                    copy.writestr(info, fixed.get(info.filename, book.read(info.filename)))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return data  # openpyxl says what is wrong with it
    return out.getvalue()


def _unreadable_workbook(exc: Exception) -> ImportFileError:
    return ImportFileError(_("This file could not be read as an Excel workbook (%(reason)s).",
                             reason=str(exc) or type(exc).__name__))


def _read_xlsx(data: bytes) -> Sheet:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(_well_formed(data)), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:  # SyntaxError: bad XML
        raise _unreadable_workbook(exc) from None
    sheet = book.worksheets[0]

    def rows() -> Iterator[list[str]]:
        try:
            for values in sheet.iter_rows(values_only=True):
                yield [_xlsx_text(v) for v in values]
        except (ValueError, SyntaxError) as exc:
            raise _unreadable_workbook(exc) from None
        finally:
            book.close()

    records = rows()
    header = next(records, [])
    total = max(0, (sheet.max_row or 1) - 1)
    return Sheet(header, total, "XLSX", records)


def read_sheet(data: bytes) -> Sheet:
    """The header and rows of an uploaded file, told apart by its content, not its name."""
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("Old Excel .xls files cannot be read: save the sheet as .xlsx or CSV and upload that."))
    if _looks_binary(data):
        raise ImportFileError(_("This is not a CSV or XLSX file."))
    return _read_csv(data)


_BINARY_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF-", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\x7fELF")


def _looks_binary(data: bytes) -> bool:
    """An image, archive or program rather than text. A stray NUL or control character in one cell
    does not make a file binary (that cell's row gets an error); many of them in the first bytes do."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text: every other byte is NUL
    if data.startswith(_BINARY_MAGIC):
        return True
    head = data[:4096]
    controls = sum(1 for b in head if b < 9 or 13 < b < 32 or b in (11, 12))
    return controls > max(8, len(head) // 20)


# -- checking one row ---------------------------------------------------------------------------


def _whole_number(column: str, raw: str, errors: list[RowError], number: int, sku: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if _NEGATIVE.match(value):
        errors.append(RowError(number, column, _("%(column)s cannot be negative.", column=column), sku, raw))
        return None
    if not _DIGITS.match(value):
        errors.append(RowError(number, column, _("%(column)s must be a whole number such as 12, not %(value)s.",
                                                 column=column, value=repr(value)), sku, raw))
        return None
    parsed = int(value)
    if parsed > stock().max_quantity:
        errors.append(RowError(number, column, _("%(column)s must be at most %(max)s.", column=column,
                                                 max=f"{stock().max_quantity:,}"), sku, raw))
        return None
    return parsed


def _money(column: str, raw: str, errors: list[RowError], number: int, sku: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if _NEGATIVE.match(value.replace("Rp", "").strip()):
        errors.append(RowError(number, column, _("%(column)s cannot be negative.", column=column), sku, raw))
        return None
    if value.isdigit() and len(value) <= 13:
        return int(value)
    try:
        return parse_rupiah(value)
    except ValueError:
        errors.append(RowError(number, column, _("%(column)s is not an amount in rupiah such as 125000 or "
                                                 "Rp 125.000: %(value)s.", column=column, value=repr(value)), sku, raw))
        return None


def check_row(number: int, cells: dict[str, str]) -> tuple[Row | None, list[RowError]]:
    """A Row from one line of the file, or the list of what is wrong with it."""
    errors: list[RowError] = []
    raw_sku = cells.get("sku", "")
    sku = _CONTROL.sub("\ufffd", raw_sku).strip().upper()
    garbled = {column for column, value in cells.items() if _CONTROL.search(value)}
    for column in sorted(garbled, key=COLUMNS.index):
        errors.append(RowError(number, column, _(
            "%(column)s contains an invalid character (a control character such as NUL): remove it "
            "and import the row again.", column=column), sku, _CONTROL.sub("\ufffd", cells[column])[:80]))
    cells = {column: ("" if column in garbled else value) for column, value in cells.items()}
    if "sku" in garbled:
        pass  # reported above
    elif not sku:
        errors.append(RowError(number, "sku", _("SKU is missing."), "", raw_sku))
    elif len(sku) > 64:
        errors.append(RowError(number, "sku", _("SKU is longer than 64 characters."), sku[:64], raw_sku))
    elif not SKU_PATTERN.match(sku):
        errors.append(RowError(number, "sku", _("SKU may use letters, digits, spaces and . _ / -, starting and "
                                                "ending with a letter or digit."), sku, raw_sku))
    text: dict[str, str | None] = {}
    for column, limit in TEXT_LIMITS.items():
        if column not in cells:
            text[column] = None
            continue
        value = cells[column].strip()
        if value.startswith("'") and value[1:2] in ("=", "+", "-", "@"):
            value = value[1:]  # written by our export to keep spreadsheets from running it
        if len(value) > limit:
            errors.append(RowError(number, column, _("%(column)s is longer than %(n)s characters (%(len)s).",
                                                     column=column, n=limit, len=len(value)), sku, value[:80]))
        text[column] = value
    if "product_name" in cells and not text["product_name"]:
        text["product_name"] = None  # blank: keep an existing SKU's product; required for a new one
    numbers = {c: _whole_number(c, cells.get(c, ""), errors, number, sku) for c in WHOLE_NUMBERS}
    money = {c: _money(c, cells.get(c, ""), errors, number, sku) for c in ("price", "cost")}
    if errors:
        return None, errors
    return Row(number, sku, text["product_name"], text["brand"], text["category"], text["variant_name"],
               text["colour"], text["size"], text["barcode"], money["price"], money["cost"], numbers["weight_grams"],
               numbers["reorder_point"], numbers["quantity"], (text["location_code"] or "").upper(),
               numbers["length_cm"], numbers["width_cm"], numbers["height_cm"]), []


# -- applying rows ----------------------------------------------------------------------------


def _key(name: str, brand: str) -> tuple[str, str]:
    return name.strip().casefold(), brand.strip().casefold()


class CatalogImport:
    """One import run for one organisation: remembers what earlier batches created."""

    def __init__(self, tenant: Tenant, reference: str) -> None:
        self.tenant = tenant
        self.reference = reference
        self.result = ImportResult()
        self.products: dict[tuple[str, str], int] = {}
        self.product_fields: dict[int, dict[str, str]] = {}
        self.touched_products: set[int] = set()
        self.locations: dict[str, int] = {}
        self.default_location_id: int | None = None
        self.seen: dict[str, tuple[int, int, dict[str, int]]] = {}  # sku -> (row, details, location -> row)
        self.inserted = 0
        self.analyzed_at = -1

    async def keep_plans_right(self) -> None:
        """PostgreSQL plans from table statistics, and a table that grew during this import still
        looks small to it until autovacuum catches up: it would then scan the whole organisation
        for every batch instead of using the SKU index. So ANALYZE at the start and whenever the
        rows this import inserted have doubled."""
        if is_postgres() and (self.analyzed_at < 0 or self.inserted >= max(2 * self.analyzed_at, BATCH_ROWS)):
            await Variant.raw("ANALYZE variant, product, stock_level")
            self.analyzed_at = self.inserted

    async def prepare(self) -> None:
        await self.keep_plans_right()
        rows = await self.tenant.scoped(Product).select(Product.id, Product.name, Product.brand, Product.category).order_by(
            Product.id)
        for r in rows:
            self.products.setdefault(_key(r["name"], r["brand"]), r["id"])
            self.product_fields[r["id"]] = {"name": r["name"], "brand": r["brand"], "category": r["category"]}
        self.locations = {r.code.upper(): r.id for r in await stock().locations(self.tenant, active_only=False)}

    def screen(self, row: Row, cells: dict[str, str]) -> RowError | None:
        """File-wide checks: a SKU repeats only to give stock at another location; known locations."""
        if row.location_code and row.location_code not in self.locations:
            return RowError(row.number, "location_code", _("No location has the code %(code)s: add it under "
                                                           "Inventory first or fix the code.", code=row.location_code),
                            row.sku, row.location_code)
        details = hash(tuple(v for k, v in sorted(cells.items()) if k not in ("quantity", "location_code")))
        first = self.seen.get(row.sku)
        if first is None:
            self.seen[row.sku] = (row.number, details, {row.location_code: row.number})
            return None
        first_row, first_details, places = first
        if row.location_code in places or row.quantity is None:
            return RowError(row.number, "sku", _("SKU %(sku)s already appears in row %(row)s.", sku=row.sku,
                                                 row=places.get(row.location_code, first_row)), row.sku, row.sku)
        if details != first_details:
            return RowError(row.number, "sku", _("SKU %(sku)s already appears in row %(row)s with other details; "
                                                 "repeat a SKU only to give its stock at another location.",
                                                 sku=row.sku, row=first_row), row.sku, row.sku)
        places[row.location_code] = row.number
        return None

    async def _location_id(self, code: str) -> int:
        if code:
            return self.locations[code]
        if self.default_location_id is None:
            self.default_location_id = await stock().default_location_id(self.tenant)
        return self.default_location_id

    async def apply(self, rows: list[Row]) -> list[RowError]:
        """Apply one batch of checked rows in one transaction; the rows refused here are returned."""
        if not rows:
            return []
        for attempt in (1, 2):
            try:
                async with transaction():
                    return await self._apply(rows)
            except AppError:  # a refusal (rows invalid, stock moved): the same on a second run
                raise
            except Exception:
                # A concurrent writer (another import of the same SKUs) may win a unique key: the
                # batch rolled back whole; its second run sees those rows as existing.
                if attempt == 2:
                    raise
        return []

    async def _apply(self, rows: list[Row]) -> list[RowError]:
        tenant = self.tenant
        skus = sorted({r.sku for r in rows})
        existing = {v["sku"]: v for v in await tenant.scoped(Variant).select(
            Variant.id, Variant.sku, Variant.product, Variant.name, Variant.barcode, Variant.attributes, Variant.price,
            Variant.cost, Variant.weight_grams, Variant.reorder_point, Variant.is_bundle, Variant.search_text,
            Variant.length_cm, Variant.width_cm, Variant.height_cm,
        ).where(Variant.sku.is_in(skus)).output(load_json=True)}
        levels = {(lv.variant_id, lv.location_id): lv
                  for lv in await stock().levels(tenant, [v["id"] for v in existing.values()])}
        refused: list[RowError] = []
        places: dict[int, int] = {}  # row number -> location id of its quantity
        accepted: list[Row] = []
        for row in rows:  # stock rules first, so a refused row changes nothing at all
            if row.quantity is not None:
                places[row.number] = await self._location_id(row.location_code)
                current = existing.get(row.sku)
                if current is not None and current["is_bundle"]:
                    refused.append(RowError(row.number, "quantity", _(
                        "SKU %(sku)s is a bundle: its stock is what its components allow.", sku=row.sku), row.sku))
                    continue
                level = levels.get((current["id"], places[row.number])) if current else None
                if level is not None and row.quantity < level.reserved:
                    refused.append(RowError(row.number, "quantity", _(
                        "%(r)s units of %(sku)s are reserved for orders: quantity cannot be less.", r=level.reserved,
                        sku=row.sku), row.sku, str(row.quantity)))
                    continue
            accepted.append(row)

        outcome: dict[int, str] = {}  # row number -> created / updated / unchanged
        new_products: dict[tuple[str, str], dict[str, str]] = {}
        new_variants: list[tuple[Row, tuple[str, str] | int]] = []
        variant_updates: list[tuple[int, dict[Any, Any]]] = []
        product_updates: dict[int, dict[str, str]] = {}
        defined: set[str] = set()
        repeats: list[Row] = []
        for row in accepted:
            if row.sku in defined or self.seen[row.sku][0] != row.number:
                repeats.append(row)  # the same SKU again for another location: stock only
                continue
            defined.add(row.sku)
            current = existing.get(row.sku)
            if current is None:
                if not row.product_name:
                    refused.append(RowError(row.number, "product_name", _("product_name is required for a new SKU."),
                                            row.sku))
                    continue
                key = _key(row.product_name, row.brand or "")
                product_ref: tuple[str, str] | int
                if key in self.products:
                    product_ref = self.products[key]
                    self._product_change(product_ref, row, product_updates, rename=False)
                else:
                    product_ref = key
                    new_products.setdefault(key, {"name": row.product_name, "brand": row.brand or "",
                                                  "category": row.category or ""})
                new_variants.append((row, product_ref))
                outcome[row.number] = "created"
                continue
            product_changed = self._product_change(current["product"], row, product_updates, rename=True)
            values = self._variant_values(row, current, self._product_view(current["product"], product_updates))
            changed = {k: v for k, v in values.items() if current.get(k) != v}
            if changed:
                variant_updates.append((current["id"], changed))
            outcome[row.number] = "updated" if changed or product_changed else "unchanged"

        await self._write_products(new_products, product_updates)
        ids = {**{sku: v["id"] for sku, v in existing.items()}, **await self._write_variants(new_variants)}
        for variant_id, changed in variant_updates:
            await tenant.scoped(Variant).update({**changed, "updated_at": utcnow()}).where(Variant.id == variant_id)
        await self._refresh_search_text(product_updates, {vid for vid, _c in variant_updates})

        refused_rows = {e.row for e in refused}
        lines: dict[tuple[int, int], Row] = {}
        for row in accepted:
            if row.number in refused_rows:
                continue
            if row.sku not in ids:  # a repeat whose first row was refused
                refused.append(RowError(row.number, "sku", _("The first row of SKU %(sku)s (row %(row)s) was not "
                                                             "imported.", sku=row.sku, row=self.seen[row.sku][0]),
                                        row.sku))
                continue
            if row.quantity is None:
                continue
            line_key = (ids[row.sku], places[row.number])
            lines[line_key] = row
            level = levels.get(line_key)
            if level is None or level.on_hand != row.quantity:
                if outcome.get(row.number) != "created" and (level.on_hand if level else 0) != row.quantity:
                    outcome[row.number] = "updated"
            outcome.setdefault(row.number, "unchanged")
        to_count = [Count(v, loc, row.quantity) for (v, loc), row in lines.items()
                    if row.quantity is not None
                    and (levels[(v, loc)].on_hand if (v, loc) in levels else None) != row.quantity]
        if to_count:
            counted = await stock().count_many(tenant, to_count, reference=self.reference, reason=_("catalog import"))
            for line_key, refusal in counted.items():
                if refusal is not None:  # only when stock moved during this batch
                    row = lines[line_key]
                    refused.append(RowError(row.number, "quantity", refusal, row.sku, str(row.quantity)))
        refused_rows = {e.row for e in refused}
        for number, kind in outcome.items():
            if number not in refused_rows:
                setattr(self.result, kind, getattr(self.result, kind) + 1)
        return refused

    def _product_view(self, product_id: int, updates: dict[int, dict[str, str]]) -> dict[str, str]:
        return {**self.product_fields.get(product_id, {}), **updates.get(product_id, {})}

    def _product_change(self, product_id: int, row: Row, updates: dict[int, dict[str, str]], *, rename: bool) -> bool:
        """Note the product fields this row changes; the first row of a product in the file wins."""
        if product_id in self.touched_products:
            return False
        self.touched_products.add(product_id)
        current = self.product_fields.get(product_id, {})
        wanted = {"category": row.category}
        if rename:
            wanted.update({"name": row.product_name, "brand": row.brand if row.product_name else None})
        changes = {k: v for k, v in wanted.items() if v is not None and current.get(k) != v}
        if changes:
            updates[product_id] = changes
        return bool(changes)

    @staticmethod
    def _variant_values(row: Row, current: dict[str, Any] | None, product: dict[str, str]) -> dict[str, Any]:
        attributes = dict((current or {}).get("attributes") or {})
        for name, value in (("colour", row.colour), ("size", row.size)):
            if value:
                attributes[name] = value
            elif value is not None:
                attributes.pop(name, None)
        if row.variant_name is not None:
            label = row.variant_name or " / ".join(str(v) for v in attributes.values())
        else:
            label = (current or {}).get("name") or " / ".join(str(v) for v in attributes.values())

        def number(value: int | None, column: str) -> int:
            return value if value is not None else int((current or {}).get(column) or 0)

        barcode = row.barcode if row.barcode is not None else (current or {}).get("barcode", "")
        values = {"name": label, "barcode": barcode, "attributes": attributes, "price": number(row.price, "price"),
                  "cost": number(row.cost, "cost"), "weight_grams": number(row.weight_grams, "weight_grams"),
                  "reorder_point": number(row.reorder_point, "reorder_point"),
                  **{d: number(getattr(row, d), d) for d in DIMENSIONS}}
        values["search_text"] = search_text_of(product, {"sku": row.sku, **values})
        return values

    async def _write_products(self, new: dict[tuple[str, str], dict[str, str]],
                              updates: dict[int, dict[str, str]]) -> None:
        if new:
            now = utcnow()
            inserted = await insert_rows(
                Product, ("organization", "name", "brand", "category", "description", "status", "created_at",
                          "updated_at"),
                [(self.tenant.organization_id, f["name"], f["brand"], f["category"], "", ProductStatus.ACTIVE.value,
                  now, now) for f in new.values()], returning=("id", "name", "brand"))
            for r in inserted:
                key = _key(r["name"], r["brand"])
                self.products[key] = r["id"]
                self.product_fields[r["id"]] = new[key]
                self.touched_products.add(r["id"])
        for product_id, changes in updates.items():
            await self.tenant.scoped(Product).update({**changes, "updated_at": utcnow()}).where(
                Product.id == product_id)
            old = self.product_fields.setdefault(product_id, {})
            self.products.pop(_key(old.get("name", ""), old.get("brand", "")), None)
            old.update(changes)
            self.products.setdefault(_key(old.get("name", ""), old.get("brand", "")), product_id)

    async def _write_variants(self, new: list[tuple[Row, tuple[str, str] | int]]) -> dict[str, int]:
        if not new:
            return {}
        now = utcnow()
        rows = []
        for row, ref in new:
            product_id = ref if isinstance(ref, int) else self.products[ref]
            v = self._variant_values(row, None, self.product_fields[product_id])
            rows.append((self.tenant.organization_id, product_id, row.sku, v["barcode"], v["name"],
                         json.dumps(v["attributes"], ensure_ascii=False), v["price"], v["cost"], v["weight_grams"], "",
                         v["reorder_point"], False, False, v["search_text"], now, now,
                         v["length_cm"], v["width_cm"], v["height_cm"]))
        self.inserted += len(rows)
        inserted = await insert_rows(
            Variant, ("organization", "product", "sku", "barcode", "name", "attributes", "price", "cost",
                      "weight_grams", "image_url", "reorder_point", "is_bundle", "archived", "search_text",
                      "created_at", "updated_at", *DIMENSIONS), rows, returning=("id", "sku"))
        return {r["sku"]: r["id"] for r in inserted}

    async def _refresh_search_text(self, product_updates: dict[int, dict[str, str]], skip: set[int]) -> None:
        """A renamed product's other variants must still be found by its new name."""
        if not product_updates:
            return
        variants = await self.tenant.scoped(Variant).select(
            Variant.id, Variant.sku, Variant.barcode, Variant.name, Variant.attributes, Variant.product,
            Variant.search_text).where(Variant.product.is_in(list(product_updates))).output(load_json=True)
        for v in variants:
            text = search_text_of(self.product_fields[v["product"]], v)
            if v["id"] not in skip and text != v["search_text"]:
                await self.tenant.scoped(Variant).update({Variant.search_text: text}).where(Variant.id == v["id"])


async def insert_rows(table: type[Table], columns: tuple[str, ...], rows: list[tuple[Any, ...]], *,
                      returning: tuple[str, ...]) -> list[dict[str, Any]]:
    """One multi-row INSERT ... RETURNING. An import inserts hundreds of thousands of rows, and
    building a Piccolo object or a parameter per value costs more than the database does.

    PostgreSQL: one array parameter per column, unnested into rows (`INSERT ... SELECT FROM
    unnest(...)`), so the statement text is the same for every batch (parsed and planned once per
    connection) and no value is formatted into SQL. SQLite: whole numbers, booleans and our own
    timestamps are written into the statement (they cannot carry SQL), text goes as parameters."""
    if is_postgres():
        return await _insert_unnested(table, columns, rows, returning=returning)
    args: list[Any] = []
    tuples = []
    for row in rows:
        cells = []
        for value in row:
            literal = _literal(value)
            if literal is None:
                cells.append("{}")
                args.append(value)
            else:
                cells.append(literal)
        tuples.append("(" + ", ".join(cells) + ")")
    sql = (f"INSERT INTO {table._meta.tablename} ({', '.join(columns)}) VALUES {', '.join(tuples)} "
           f"RETURNING {', '.join(returning)}")
    return await table.raw(sql, *args)


async def _insert_unnested(table: type[Table], columns: tuple[str, ...], rows: list[tuple[Any, ...]], *,
                           returning: tuple[str, ...]) -> list[dict[str, Any]]:
    if not rows:
        return []
    arrays = ", ".join(f"${n}::{_pg_type(table, name)}[]" for n, name in enumerate(columns, start=1))
    sql = (f"INSERT INTO {table._meta.tablename} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
           f"RETURNING {', '.join(returning)}")
    return [dict(r) for r in await pg_fetch(sql, *(list(values) for values in zip(*rows, strict=True)))]


def _pg_type(table: type[Table], column: str) -> str:
    """The column's type without its length (VARCHAR(64) -> VARCHAR), for an array parameter."""
    return table._meta.get_column_by_name(column).column_type.split("(")[0]


def _literal(value: Any) -> str | None:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if type(value) is int:
        return str(value)
    if isinstance(value, datetime):
        return "'" + str(value.astimezone(UTC)) + "'"
    return None


# -- the whole run ----------------------------------------------------------------------------

Progress = Callable[[int, int, int, str], Awaitable[None]]


def uploads_dir(organization_id: int) -> Path:
    return get_settings().var_dir / "uploads" / str(int(organization_id))


def report_path(organization_id: int, background_job_id: int) -> Path:
    """Where the error report of an import job is written (inside the organisation's folder)."""
    return uploads_dir(organization_id) / f"import-{int(background_job_id)}.errors.csv"


async def _rows(sheet: Sheet) -> AsyncIterator[tuple[int, list[str] | None, str]]:
    number = 1
    while True:
        try:
            cells = next(sheet.records)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            yield number, None, str(exc)
            continue
        number += 1
        yield number, cells, ""


async def import_file(tenant: Tenant, data: bytes, *, reference: str, progress: Progress | None = None,
                      every: int = BATCH_ROWS) -> ImportResult:
    """Import the rows of a CSV or XLSX file; invalid rows are reported in the result and change
    nothing. Raises ImportFileError when the file as a whole is unusable."""
    sheet = read_sheet(data)
    header = [column_name(c) for c in sheet.header]
    if "sku" not in header:
        raise ImportFileError(_("The first row must name the columns, including sku (found: %(found)s). Columns: "
                                "%(columns)s.", found=", ".join(c for c in header if c)[:200] or "nothing",
                                columns=", ".join(COLUMNS)))
    wanted = [(i, name) for i, name in enumerate(header) if name in COLUMNS]
    run = CatalogImport(tenant, reference)
    run.result.file_format = sheet.file_format
    await run.prepare()
    batch: list[Row] = []
    done = 0

    async def flush() -> None:
        run.result.problems.extend(await run.apply(batch))
        batch.clear()
        await run.keep_plans_right()
        if progress is not None:
            await progress(done, max(sheet.total, done), len({e.row for e in run.result.problems}),
                           _("row %(n)s", n=done + 1))

    async for number, cells, failure in _rows(sheet):
        if cells is not None and not any(c.strip() for c in cells):
            continue
        done += 1
        if cells is None:
            run.result.problems.append(RowError(number, "", _("This row cannot be read: %(reason)s", reason=failure)))
        elif len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            run.result.problems.append(RowError(number, "", _(
                "This row has %(n)s cells but the header names %(h)s columns: check for a stray delimiter or quote.",
                n=len(cells), h=len(header)), cells[header.index("sku")].strip() if "sku" in header else ""))
        else:
            values = {name: (cells[i] if i < len(cells) else "") for i, name in wanted}
            row, problems = check_row(number, values)
            if row is not None and (problem := run.screen(row, values)) is not None:
                row, problems = None, [problem]
            if row is None:
                if problems and problems[0].column != "sku" and values.get("sku", "").strip():
                    run.seen.setdefault(values["sku"].strip().upper(), (number, 0, {}))
                run.result.problems.extend(problems)
            else:
                batch.append(row)
        if len(batch) >= every or done % every == 0:
            await flush()
    await flush()
    run.result.rows = done
    run.result.errors = len({e.row for e in run.result.problems})
    run.result.problems.sort(key=lambda e: e.row)
    return run.result


def write_report(path: Path, problems: list[RowError]) -> None:
    """The per-row error report as CSV (UTF-8 with BOM, so Excel shows accents right)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ERROR_COLUMNS)
        for e in problems:
            writer.writerow([e.row, e.sku, e.column, e.value, e.message])


def _stored_upload(organization_id: int, path: str) -> Path:
    folder = uploads_dir(organization_id).resolve()
    upload = Path(path).resolve()
    if not upload.is_relative_to(folder) or not upload.is_file():
        raise ImportFileError(_("The uploaded file is gone; upload it again."))
    return upload


async def run_import_job(organization_id: int, background_job_id: int, path: str, *, actor_id: int | None = None,
                         progress: Progress | None = None) -> dict[str, Any]:
    """The import_catalog job: read the stored upload, import it, write the error report, return
    the counts. The path must lie in the organisation's own upload folder."""
    from app.core.tenancy import Actor

    upload = await asyncio.to_thread(_stored_upload, organization_id, path)
    tenant = Tenant(organization_id, Actor(actor_id))
    report = report_path(organization_id, background_job_id)
    try:
        data = await asyncio.to_thread(upload.read_bytes)
        result = await import_file(tenant, data, reference=f"import:{background_job_id}", progress=progress)
    except ImportFileError as exc:
        await asyncio.to_thread(write_report, report, [RowError(1, "file", exc.message)])
        raise
    await asyncio.to_thread(write_report, report, result.problems)
    await asyncio.to_thread(upload.unlink, True)  # kept until now so that a retried job can read it again
    result.report = report.name
    await record(organization_id, tenant.actor, "catalog.imported", "background_job", background_job_id,
                 after=result.as_dict())
    return result.as_dict()
