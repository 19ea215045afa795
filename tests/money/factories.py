"""Orders with money on them, through the real services: manual orders, marketplace orders
ingested as an adapter returns them, and settlements recorded as the settlement job records them."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains.money.settlements import record_settlements
from app.domains.orders.ingest import ingest_page
from app.domains.orders.tables import OrderLine
from app.integrations.base import FeeKind, OrderAmounts, OrderStatus, Settlement, balanced_lines
from app.integrations.base import Order as PlatformOrder
from app.integrations.base import OrderLine as PlatformLine
from tests.support import Account, unique
from tests.tenancy_registry import ROW_FACTORIES


async def make_store(account: Account) -> int:
    return int(await ROW_FACTORIES["store_id"](account))


async def marketplace_order(tenant: Tenant, store_id: int, lines: list[tuple[dict, int]], *,
                            shipping_fee: int = 0, number: str | None = None, placed_days_ago: int = 0) -> tuple[int, str]:
    """A Shopee order of these (variant, quantity) lines at the variants' prices, ingested; (id, number)."""
    number = number or unique("SHP").upper()[:20]
    at = utcnow() - timedelta(days=placed_days_ago)
    subtotal = sum(v["price"] * q for v, q in lines)
    order = PlatformOrder(
        order_id=number, status=OrderStatus.TO_SHIP, raw_status="READY_TO_SHIP", total=subtotal + shipping_fee,
        created_at=at, updated_at=at, paid_at=at,
        lines=tuple(PlatformLine(line_ids=(str(i),), listing_id=f"L{i}", variant_id=f"M{i}", seller_sku=v["sku"],
                                 quantity=q, unit_price=v["price"]) for i, (v, q) in enumerate(lines)),
        amounts=OrderAmounts(subtotal=subtotal, shipping_fee=shipping_fee))
    [result] = await ingest_page(tenant, {"id": store_id, "platform": "shopee"}, [order])
    return result.order_id, number


async def settle(tenant: Tenant, store_id: int, number: str, parts: dict[FeeKind, int], *,
                 final: bool = True) -> int:
    """Record the marketplace's settlement of one order (its amount is the sum of the parts)."""
    amount = sum(parts.values())
    await record_settlements(tenant, store_id, [Settlement(order_id=number, amount=amount, final=final,
                                                           lines=balanced_lines(amount, parts.items()))])
    return amount


async def fix_cost(order_id: int, costs: dict[int, int]) -> None:
    """The cost of goods of an order's lines by variant id, as the ship path fixes it."""
    for variant_id, cost in costs.items():
        await OrderLine.update({OrderLine.cost_of_goods: cost}).where(
            (OrderLine.order == order_id) & (OrderLine.variant == variant_id))
