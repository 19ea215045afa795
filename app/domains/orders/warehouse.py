"""What the warehouse (fulfillment: picking, packing, shipping, bulk actions, marketplace actions)
reads of orders, as records — fulfillment never queries the orders' tables itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Sum
from piccolo.query.methods.select import Select

from app.core.database import is_postgres
from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains.orders.statuses import OrderState
from app.domains.orders.tables import Order, OrderLine

OrderIds = Iterable[int] | Select  # ids, or a select of one column of order ids (run as a subquery)


@dataclass(slots=True)
class WarehouseOrder:
    """One order as the warehouse steps check it (its state is updated by a step that moves it)."""

    id: int
    platform_order_id: str
    state: str
    channel: str
    store: int | None
    customer_name: str
    has_unmapped_lines: bool
    oversold: bool
    shipping_carrier: str
    tracking_number: str


_WAREHOUSE_COLUMNS = (Order.id, Order.platform_order_id, Order.state, Order.channel, Order.store, Order.customer_name,
                      Order.has_unmapped_lines, Order.oversold, Order.shipping_carrier, Order.tracking_number)


def _ids(order_ids: OrderIds) -> list[int] | Select:
    return order_ids if isinstance(order_ids, Select) else list(order_ids)


def _pk(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


async def warehouse_order(tenant: Tenant, order_id: Any) -> WarehouseOrder | None:
    """The order with this id (any value: one that is no id finds nothing), or None."""
    row = await tenant.scoped(Order).select(*_WAREHOUSE_COLUMNS).where(Order.id == _pk(order_id)).first()
    return WarehouseOrder(**row) if row is not None else None


async def warehouse_orders(tenant: Tenant, order_ids: Iterable[int]) -> list[WarehouseOrder]:
    """This organisation's orders among `order_ids` (others are left out), by id."""
    return from_rows(WarehouseOrder, await tenant.scoped(Order).select(*_WAREHOUSE_COLUMNS).where(
        Order.id.is_in(list(order_ids))).order_by(Order.id))


async def lock_order(tenant: Tenant, order_id: int) -> None:
    """Inside the caller's transaction: hold the order's row until it commits (PostgreSQL; a SQLite
    write transaction is serialised already), so two steps on one order run one after the other."""
    query = tenant.scoped(Order).select(Order.id).where(Order.id == order_id)
    if is_postgres():
        await query.lock_rows()


@dataclass(frozen=True, slots=True)
class NumberedOrder:
    id: int
    state: str


async def orders_numbered(tenant: Tenant, numbers: Iterable[str]) -> list[NumberedOrder]:
    """The orders whose number is one of `numbers`, the newest first."""
    return from_rows(NumberedOrder, await tenant.scoped(Order).select(Order.id, Order.state).where(
        Order.platform_order_id.is_in(list(numbers))).order_by(Order.id, ascending=False))


@dataclass(frozen=True, slots=True)
class ReadyOrder:
    """An order waiting to be picked, on the fulfillment page."""

    id: int
    platform_order_id: str
    customer_name: str
    channel: str
    ship_by: datetime | None
    placed_at: datetime
    oversold: bool
    has_unmapped_lines: bool
    store_name: str | None


async def ready_orders(tenant: Tenant, limit: int) -> list[ReadyOrder]:
    """Orders waiting to be picked, the most urgent first (ship-by, then oldest)."""
    return from_rows(ReadyOrder, await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.customer_name, Order.channel, Order.ship_by, Order.placed_at,
        Order.oversold, Order.has_unmapped_lines, Order.store.name.as_alias("store_name"),
    ).where(Order.state == OrderState.READY_TO_SHIP).order_by(Order.ship_by).order_by(Order.id).limit(limit))


async def warehouse_counts(tenant: Tenant) -> dict[str, int]:
    """How many orders are ready to ship, being picked and packed (states with none are left out)."""
    rows = await tenant.scoped(Order).select(Order.state, Count(Order.id, alias="n")).where(
        Order.state.is_in([OrderState.READY_TO_SHIP, OrderState.PICKING, OrderState.PACKED])).group_by(Order.state)
    return {r["state"]: r["n"] for r in rows}


@dataclass(frozen=True, slots=True)
class PackedOrderRow:
    id: int
    platform_order_id: str
    customer_name: str
    channel: str
    store_name: str | None


async def packed_orders(tenant: Tenant, limit: int) -> list[PackedOrderRow]:
    """Packed orders, oldest first."""
    return from_rows(PackedOrderRow, await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.customer_name, Order.channel, Order.store.name.as_alias("store_name"),
    ).where(Order.state == OrderState.PACKED).order_by(Order.id).limit(limit))


@dataclass(frozen=True, slots=True)
class ListedOrder:
    id: int
    platform_order_id: str
    customer_name: str
    state: str
    store_name: str | None


async def listed_orders(tenant: Tenant, order_ids: OrderIds) -> list[ListedOrder]:
    """The orders (number, customer, state, store) a pick list names, by id."""
    return from_rows(ListedOrder, await tenant.scoped(Order).select(
        Order.id, Order.platform_order_id, Order.customer_name, Order.state, Order.store.name.as_alias("store_name"),
    ).where(Order.id.is_in(_ids(order_ids))).order_by(Order.id))


@dataclass(frozen=True, slots=True)
class PickSum:
    """Units of one variant (or unmapped seller SKU) at one location over a set of orders."""

    location_code: str | None
    location_name: str | None
    sku: str | None
    variant_name: str | None
    barcode: str | None
    product_name: str | None
    seller_sku: str
    quantity: int | None
    orders: int | None


async def pick_sums(tenant: Tenant, order_ids: OrderIds) -> list[PickSum]:
    """The orders' lines summed per (location, variant, seller SKU), in one statement."""
    members = _ids(order_ids)
    return from_rows(PickSum, await tenant.scoped(OrderLine).select(
        OrderLine.order._.location.code.as_alias("location_code"),
        OrderLine.order._.location.name.as_alias("location_name"),
        OrderLine.variant.sku.as_alias("sku"), OrderLine.variant.name.as_alias("variant_name"),
        OrderLine.variant.barcode.as_alias("barcode"), OrderLine.variant._.product.name.as_alias("product_name"),
        OrderLine.seller_sku, Sum(OrderLine.quantity, alias="quantity"), Count(distinct=[OrderLine.order], alias="orders"),
    ).where(OrderLine.order.is_in(members)).group_by(
        OrderLine.order._.location.code, OrderLine.order._.location.name, OrderLine.variant.sku,
        OrderLine.variant.name, OrderLine.variant.barcode, OrderLine.variant._.product.name, OrderLine.seller_sku,
    ))


@dataclass(frozen=True, slots=True)
class PackItem:
    """One mapped line of an order as the packing bench scans it."""

    variant: int
    quantity: int
    title: str
    sku: str
    barcode: str | None
    variant_name: str | None
    product_name: str | None


async def pack_items(tenant: Tenant, order_id: int) -> list[PackItem]:
    """The order's lines mapped to a variant, in line order."""
    return from_rows(PackItem, await tenant.scoped(OrderLine).select(
        OrderLine.variant, OrderLine.quantity, OrderLine.title, OrderLine.variant.sku.as_alias("sku"),
        OrderLine.variant.barcode.as_alias("barcode"), OrderLine.variant.name.as_alias("variant_name"),
        OrderLine.variant._.product.name.as_alias("product_name"),
    ).where((OrderLine.order == order_id) & OrderLine.variant.is_not_null()).order_by(OrderLine.id))


@dataclass(frozen=True, slots=True)
class LabelRow:
    """What a shipping label shows of one order (its lines and shipment are added by the warehouse)."""

    id: int
    channel: str
    platform_order_id: str
    customer_name: str
    customer_phone: str
    address: dict[str, Any]
    total: int
    currency: str
    cash_on_delivery: bool
    shipping_carrier: str
    tracking_number: str
    store_name: str | None
    location_code: str | None


async def label_rows(tenant: Tenant, order_ids: Iterable[int]) -> list[LabelRow]:
    """The chosen orders that are not cancelled, by id."""
    rows = await tenant.scoped(Order).select(
        Order.id, Order.channel, Order.platform_order_id, Order.customer_name, Order.customer_phone, Order.address,
        Order.total, Order.currency, Order.cash_on_delivery, Order.shipping_carrier, Order.tracking_number,
        Order.store.name.as_alias("store_name"), Order.location.code.as_alias("location_code"),
    ).where(Order.id.is_in(list(order_ids)) & (Order.state != OrderState.CANCELLED)).order_by(Order.id).output(
        load_json=True)
    return [LabelRow(**{**row, "address": row["address"] or {}}) for row in rows]


async def line_quantities(tenant: Tenant, order_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each order's line quantities (order id -> [quantity per line])."""
    quantities: dict[int, list[int]] = {}
    for line in await tenant.scoped(OrderLine).select(OrderLine.order, OrderLine.quantity).where(
            OrderLine.order.is_in(list(order_ids) or [-1])):
        quantities.setdefault(line["order"], []).append(line["quantity"])
    return quantities


async def platform_lines(tenant: Tenant, order_id: int) -> list[tuple[str, str]]:
    """The order's lines as its marketplace names them: (item id, model id)."""
    rows = await tenant.scoped(OrderLine).select(OrderLine.platform_item_id, OrderLine.platform_model_id).where(
        OrderLine.order == order_id)
    return [(r["platform_item_id"], r["platform_model_id"]) for r in rows]
