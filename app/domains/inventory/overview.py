"""Read models of stock for screens: availability per variant, levels per location, low stock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from piccolo.query import WhereRaw

from app.core.records import from_rows
from app.core.tenancy import Tenant
from app.domains.catalog import bundle_components
from app.domains.inventory.tables import StockLevel, StockMovement


async def availability(tenant: Tenant, variant_ids: Iterable[int], *, locations: Iterable[int] = (),
                       ) -> dict[int, dict[str, int]]:
    """on_hand / reserved / available per variant, summed over locations (only `locations`, when given)."""
    ids = list(variant_ids)
    if not ids:
        return {}
    query = tenant.scoped(StockLevel).select(StockLevel.variant, StockLevel.on_hand, StockLevel.reserved).where(
        StockLevel.variant.is_in(ids))
    if only := list(locations):
        query = query.where(StockLevel.location.is_in(only))
    rows = await query
    totals: dict[int, dict[str, int]] = defaultdict(lambda: {"on_hand": 0, "reserved": 0, "available": 0})
    for r in rows:
        t = totals[r["variant"]]
        t["on_hand"] += r["on_hand"]
        t["reserved"] += r["reserved"]
        t["available"] += r["on_hand"] - r["reserved"]
    return dict(totals)


async def available_at_default_location(tenant: Tenant, variant_ids: Iterable[int],
                                       ) -> tuple[int | None, dict[int, int]]:
    """(the default location's id, {variant: on_hand - reserved there}) in one statement: the default
    location is the organisation's first active one, as `default_location` says (None when it has
    none; `default_location` then makes it). Variants without a stock row there are absent."""
    ids = sorted({int(i) for i in variant_ids}) or [0]
    rows = await StockLevel.raw(
        "SELECT l.id AS location, s.variant, s.on_hand, s.reserved FROM (SELECT id FROM location"
        " WHERE organization = {} AND active ORDER BY id LIMIT 1) l LEFT JOIN stock_level s ON s.location = l.id"
        f" AND s.organization = {{}} AND s.variant IN ({', '.join('{}' for _ in ids)})",
        tenant.organization_id, tenant.organization_id, *ids)
    if not rows:
        return None, {}
    return rows[0]["location"], {r["variant"]: r["on_hand"] - r["reserved"] for r in rows if r["variant"] is not None}


async def availability_with_bundles(tenant: Tenant, variants: Iterable[dict]) -> dict[int, dict[str, int]]:
    """Like `availability` for rows with `id` and `is_bundle`: a bundle has no stock of its own, so
    it has what its components allow (the least of each component's units // units per bundle) —
    the same figure the stores are offered."""
    rows = list(variants)
    bundles = {r["id"] for r in rows if r.get("is_bundle")}
    # one query for the components of every bundle shown, not one per bundle
    components = await bundle_components(tenant, sorted(bundles)) if bundles else {}
    parts = {b: [{"component": c["component"], "quantity": c["quantity"]} for c in components.get(b, [])]
             for b in sorted(bundles)}
    needed = {r["id"] for r in rows} - bundles | {p["component"] for comps in parts.values() for p in comps}
    totals = await availability(tenant, needed)
    empty = {"on_hand": 0, "reserved": 0, "available": 0}
    result = {v: totals.get(v, empty) for v in {r["id"] for r in rows} - bundles}
    for bundle, comps in parts.items():
        figures = {key: max(0, min((totals.get(p["component"], empty)[key] // max(p["quantity"], 1) for p in comps),
                                   default=0)) for key in ("on_hand", "available")}
        result[bundle] = dict(figures, reserved=max(0, figures["on_hand"] - figures["available"]))
    return result


@dataclass(frozen=True, slots=True)
class LocationLevel:
    """One variant's stock at one location, for the product page."""

    variant: int
    location: int
    on_hand: int
    reserved: int
    location_name: str
    location_code: str
    sku: str


@dataclass(frozen=True, slots=True)
class StockRow:
    """One line of the stock table (variant × location)."""

    id: int
    variant: int
    location: int
    on_hand: int
    reserved: int
    sku: str
    variant_name: str
    reorder_point: int
    product_id: int
    product_name: str
    location_code: str

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


async def levels_by_location(tenant: Tenant, variant_ids: Iterable[int]) -> list[LocationLevel]:
    ids = list(variant_ids)
    if not ids:
        return []
    return from_rows(LocationLevel, await tenant.scoped(StockLevel).select(
        StockLevel.variant, StockLevel.location, StockLevel.on_hand, StockLevel.reserved,
        StockLevel.location.name.as_alias("location_name"), StockLevel.location.code.as_alias("location_code"),
        StockLevel.variant.sku.as_alias("sku"),
    ).where(StockLevel.variant.is_in(ids)).order_by(StockLevel.variant).order_by(StockLevel.location))


async def stock_table(tenant: Tenant, *, location_id: int | None = None, low_only: bool = False, q: str = "",
                      after: int | None = None, limit: int = 50) -> tuple[list[StockRow], int | None]:
    """Stock rows (variant × location) with SKU and names, keyset-paged by stock row id."""
    query = tenant.scoped(StockLevel).select(
        StockLevel.id, StockLevel.variant, StockLevel.location, StockLevel.on_hand, StockLevel.reserved,
        StockLevel.variant.sku.as_alias("sku"), StockLevel.variant.name.as_alias("variant_name"),
        StockLevel.variant.reorder_point.as_alias("reorder_point"),
        StockLevel.variant._.product.id.as_alias("product_id"),
        StockLevel.variant._.product.name.as_alias("product_name"), StockLevel.location.code.as_alias("location_code"),
    )
    if location_id:
        query = query.where(StockLevel.location == location_id)
    if low_only:
        query = query.where(WhereRaw("stock_level.on_hand - stock_level.reserved <= (SELECT v.reorder_point FROM variant v WHERE v.id = stock_level.variant)"))
    for word in q.lower().split()[:4]:
        query = query.where(WhereRaw(
            "stock_level.variant IN (SELECT v.id FROM variant v WHERE v.search_text LIKE {})", f"%{word}%"))
    if after:
        query = query.where(StockLevel.id < after)
    found = await query.order_by(StockLevel.id, ascending=False).limit(limit + 1)
    rows = from_rows(StockRow, found[:limit])
    return rows, (rows[-1].id if len(found) > limit and rows else None)


def low_stock_count_sql(organization_id: int) -> tuple[str, list]:
    """The low-stock count as a scalar subquery (Piccolo raw placeholders) and its arguments, for a
    caller that reads several counts in one statement (the dashboard)."""
    return ("(SELECT COUNT(*) FROM (SELECT s.variant FROM stock_level s JOIN variant v ON v.id = s.variant "
            "WHERE s.organization = {} AND v.archived = false AND v.reorder_point > 0 "
            "GROUP BY s.variant, v.reorder_point HAVING SUM(s.on_hand - s.reserved) <= v.reorder_point) AS low)",
            [organization_id])


async def low_stock_count(tenant: Tenant) -> int:
    """Variants at or below their reorder point (summed over locations), for the nav counter."""
    sql, args = low_stock_count_sql(tenant.organization_id)
    return int((await StockLevel.raw(f"SELECT {sql} AS n", *args))[0]["n"])


@dataclass(frozen=True, slots=True)
class MovementRow:
    """A line of the stock ledger with its SKU, location code and who made it; a movement made
    for an order may be given the order's id and number (the page links to it)."""

    id: int
    variant: int
    location: int
    kind: str
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reason: str
    reference: str
    actor: int | None
    actor_email: str | None
    created_at: datetime
    sku: str
    location_code: str
    order_id: int | None = None
    order_number: str | None = None


async def movements(tenant: Tenant, *, variant_id: int | None = None, location_id: int | None = None,
                    kind: str = "", after: int | None = None, limit: int = 100) -> tuple[list[MovementRow], int | None]:
    """The ledger, newest first, filterable; keyset-paged by movement id."""
    query = tenant.scoped(StockMovement).select(
        StockMovement.all_columns(), StockMovement.variant.sku.as_alias("sku"),
        StockMovement.location.code.as_alias("location_code"), StockMovement.actor.email.as_alias("actor_email"),
    )
    if variant_id:
        query = query.where(StockMovement.variant == variant_id)
    if location_id:
        query = query.where(StockMovement.location == location_id)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if after:
        query = query.where(StockMovement.id < after)
    rows = await query.order_by(StockMovement.id, ascending=False).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return from_rows(MovementRow, rows), (rows[-1]["id"] if more and rows else None)


