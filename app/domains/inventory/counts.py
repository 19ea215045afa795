"""Stock counts (stock opname): open a count for a location, scan or type quantities, review
the differences, post them in one step through the stock service."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog import variant_by_code
from app.domains.inventory import stock
from app.domains.inventory.errors import InsufficientStock
from app.domains.inventory.locations import require_active_location
from app.domains.inventory.tables import StockCount, StockCountLine, StockLevel


@dataclass(slots=True)
class ScanResult:
    sku: str
    counted: int


async def open_count(tenant: Tenant, location_id: int, note: str = "") -> int:
    await require_active_location(tenant, location_id)
    row = tenant.scoped(StockCount).new(location=location_id, note=note.strip()[:200], created_by=tenant.actor.user_id)
    await row.save()
    await record(tenant.organization_id, tenant.actor, "stock_count.opened", "stock_count", row.id,
                 after={"location": location_id})
    return row.id


async def get_count(tenant: Tenant, count_id: int) -> dict:
    row = await tenant.scoped(StockCount).select(
        StockCount.all_columns(), StockCount.location.code.as_alias("location_code"),
        StockCount.location.name.as_alias("location_name"),
    ).where(StockCount.id == _pk(count_id)).first()
    if row is None:
        from app.core.errors import NotFound

        raise NotFound(_("Stock count not found."))
    return row


def _pk(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


async def recent_counts(tenant: Tenant) -> list[dict]:
    return await tenant.scoped(StockCount).select(
        StockCount.all_columns(), StockCount.location.code.as_alias("location_code")
    ).order_by(StockCount.id, ascending=False).limit(20)


async def lines(tenant: Tenant, count_id: int) -> list[dict]:
    rows = await tenant.scoped(StockCountLine).select(
        StockCountLine.all_columns(), StockCountLine.variant.sku.as_alias("sku"),
        StockCountLine.variant.name.as_alias("variant_name"),
        StockCountLine.variant.product.name.as_alias("product_name"),
    ).where(StockCountLine.stock_count == count_id).order_by(StockCountLine.updated_at, ascending=False)
    for r in rows:
        r["difference"] = r["counted"] - r["expected"]
    return rows


async def scan(tenant: Tenant, count_id: int, code: str, quantity: int | None = None) -> ScanResult:
    """Count a scanned or typed code: +1 per scan, or set to `quantity` when one is typed."""
    count = await get_count(tenant, count_id)
    if count["status"] != "open":
        raise Conflict(_("This count is already posted."))
    variant = await variant_by_code(tenant, code)
    if variant is None:
        raise ValidationFailed({"code": _("Unknown barcode or SKU: %(code)s", code=(code or "").strip()[:64])})
    if quantity is not None and not 0 <= quantity <= stock.MAX_QUANTITY:
        raise ValidationFailed({"quantity": _("Quantity must be between 0 and %(max)s.", max=stock.MAX_QUANTITY)})
    async with transaction():
        line = await tenant.scoped(StockCountLine).select().where(
            (StockCountLine.stock_count == count_id) & (StockCountLine.variant == variant["id"])).first()
        if line is None:
            level = await tenant.scoped(StockLevel).select(StockLevel.on_hand).where(
                (StockLevel.variant == variant["id"]) & (StockLevel.location == count["location"])).first()
            counted = quantity if quantity is not None else 1
            await tenant.scoped(StockCountLine).new(stock_count=count_id, variant=variant["id"],
                                                    expected=level["on_hand"] if level else 0, counted=counted).save()
        else:
            counted = quantity if quantity is not None else line["counted"] + 1
            await tenant.scoped(StockCountLine).update({StockCountLine.counted: counted,
                                                        StockCountLine.updated_at: utcnow()}).where(
                StockCountLine.id == line["id"])
    return ScanResult(variant["sku"], counted)


async def post_count(tenant: Tenant, count_id: int) -> int:
    """Post every line as the new on hand (all or nothing); returns how many lines changed stock.
    Refuses when stock moved since a line was first counted, naming the SKU to recount."""
    count = await get_count(tenant, count_id)
    if count["status"] != "open":
        raise Conflict(_("This count is already posted."))
    rows = await lines(tenant, count_id)
    if not rows:
        raise ValidationFailed({"code": _("Nothing counted yet.")})
    changed = 0
    async with transaction():
        for line in sorted(rows, key=lambda r: r["variant"]):
            try:
                level = await stock.count(tenant, line["variant"], count["location"], line["counted"],
                                          reference=f"count:{count_id}", expected=line["expected"])
            except InsufficientStock as exc:
                raise Conflict(f"{line['sku']}: {exc.message}") from None
            changed += int(level.on_hand != line["expected"])
        await tenant.scoped(StockCount).update({StockCount.status: "posted", StockCount.posted_at: utcnow()}).where(
            StockCount.id == count_id)
    await record(tenant.organization_id, tenant.actor, "stock_count.posted", "stock_count", count_id,
                 after={"lines": len(rows), "changed": changed})
    return changed
