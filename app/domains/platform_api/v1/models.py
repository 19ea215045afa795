"""The REST API's request and response bodies (pydantic: Litestar validates them and documents
them in the OpenAPI schema). Requests refuse unknown fields (400 naming the field)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import AppError

T = TypeVar("T")


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(Out, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class BadCursor(AppError):
    status_code = 400

    def __init__(self) -> None:
        super().__init__("The cursor is not one this API gave out.", field="cursor")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor() from None
    kind, _sep, value = text.partition(":")
    if kind != "id" or not value.isdigit() or int(value) > 2**31 - 1:
        raise BadCursor()
    return int(value)


def next_cursor(rows: list[Any], limit: int) -> str | None:
    return encode_cursor(rows[-1]["id"]) if len(rows) == limit and rows else None


class KeyOut(Out):
    """The key making the call."""

    prefix: str = Field(description="The visible start of the key: ssk_<prefix>_…")
    organization_id: int
    scopes: list[str]
    expires_at: datetime | None


# -- catalog -----------------------------------------------------------------------------------

class CatalogVariantOut(Out):
    id: int
    product: int = Field(description="The product's id.")
    sku: str
    barcode: str
    name: str
    attributes: dict[str, str]
    price: int = Field(description="Selling price in rupiah.")
    cost: int = Field(description="Unit cost in rupiah.")
    weight_grams: int
    image_url: str
    reorder_point: int
    is_bundle: bool
    archived: bool


class CatalogProductOut(Out):
    id: int
    name: str
    brand: str
    category: str
    description: str
    status: str
    created_at: datetime
    updated_at: datetime
    variants: list[CatalogVariantOut]


class VariantIn(In):
    id: int | None = Field(default=None, description="An existing variant of this product (update); empty: a new one.")
    sku: str
    barcode: str = ""
    name: str = ""
    price: int = Field(default=0, ge=0, description="Rupiah.")
    cost: int = Field(default=0, ge=0, description="Rupiah.")
    weight_grams: int = 0
    reorder_point: int = 0
    image_url: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)


class ProductIn(In):
    name: str
    brand: str = ""
    category: str = ""
    description: str = ""
    variants: list[VariantIn]


class ProductPatch(In):
    """Only the fields sent change. `variants`, when sent, is the whole list: variants left out are archived."""

    name: str | None = None
    brand: str | None = None
    category: str | None = None
    description: str | None = None
    variants: list[VariantIn] | None = None


# -- inventory ---------------------------------------------------------------------------------

class LocationOut(Out):
    id: int
    name: str
    code: str
    parent: int | None
    active: bool


class StockLevelOut(Out):
    id: int
    variant: int
    sku: str
    location: int
    location_code: str
    on_hand: int
    reserved: int
    available: int


class AdjustmentIn(In):
    variant_id: int
    location_id: int
    delta: int = Field(description="Units to add (positive) or remove (negative); never below what is reserved.")
    reason: str = Field(max_length=200)


class AdjustmentOut(Out):
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int
    available: int


# -- orders ------------------------------------------------------------------------------------

class OrderSummaryOut(Out):
    id: int
    number: str
    channel: str
    store: int | None
    state: str
    stock_state: str
    oversold: bool
    customer_name: str
    currency: str
    total: int = Field(description="Rupiah: what the buyer pays.")
    subtotal: int
    shipping_fee: int
    placed_at: datetime
    updated_at: datetime


class OrderLineOut(Out):
    id: int
    variant: int | None
    sku: str
    title: str
    quantity: int
    unit_price: int


class OrderOut(OrderSummaryOut):
    customer_phone: str
    customer_email: str
    address: dict[str, Any]
    shipping_carrier: str
    tracking_number: str
    tags: list[str]
    next_states: list[str] = Field(description="States this order may be moved to here (POST .../transition).")
    lines: list[OrderLineOut]


class OrderLineIn(In):
    sku: str = Field(description="SKU or barcode of an active variant.")
    quantity: int


class OrderIn(In):
    customer_name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    shipping_fee: int = Field(default=0, ge=0, description="Rupiah charged for shipping.")
    discount: int = Field(default=0, ge=0, description="Rupiah off.")
    lines: list[OrderLineIn]


class TransitionIn(In):
    state: str = Field(description="The new state, one of the order's next_states.")


class CustomerOut(Out):
    key: str = Field(description="The customer's phone number, else e-mail address.")
    name: str
    phones: list[str]
    emails: list[str]
    orders: int
    spent: int = Field(description="Rupiah over all their orders.")
    last_order: datetime | None


# -- fulfillment -------------------------------------------------------------------------------

class ShipmentOut(Out):
    id: int
    order: int
    status: str
    mode: str
    carrier: str
    tracking_number: str
    note: str
    created_at: datetime
    shipped_at: datetime | None


class ShipIn(In):
    carrier: str = ""
    tracking_number: str = ""


class ShipOut(Out):
    order_id: int
    status: str = Field(description="shipped, awaiting_tracking, ... or requested (a job asks the marketplace).")
    carrier: str
    tracking_number: str
    already: bool


# -- reports -----------------------------------------------------------------------------------

class SalesRow(Out):
    channel: str
    state: str
    orders: int
    total: int
    shipping: int


class SalesSummaryOut(Out):
    since: datetime
    until: datetime
    orders: int = Field(description="Orders placed in the period, cancelled ones excluded.")
    revenue: int = Field(description="Rupiah: their totals.")
    cancelled: int
    by_channel: dict[str, int] = Field(description="Rupiah per channel, cancelled orders excluded.")
    rows: list[SalesRow]
