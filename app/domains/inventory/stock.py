"""The stock service: every change of stock, as named operations.

Each operation is one atomic conditional UPDATE (the condition is the business rule, checked by
the database at write time, never read-modify-write in Python) plus its ledger row and an
'available changed' signal, in one transaction. That is safe under concurrency on PostgreSQL
(row locks re-check the condition) and on SQLite (BEGIN IMMEDIATE serialises writers).
Multi-line operations touch rows in a fixed order (variant, location) so they cannot deadlock.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column
from piccolo.query import WhereRaw

from app.core.clock import utcnow
from app.core.database import is_postgres, pg_fetch, savepoint, transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _, ngettext
from app.core.tenancy import Tenant
from app.domains.catalog import (
    MAX_UNIT_COST,
    average_in,
    bundle_parts,
    components_of,
    owns_variants,
    require_variant,
)
from app.domains.inventory import signals
from app.domains.inventory.errors import InsufficientStock, InvalidCost, InvalidQuantity
from app.domains.inventory.locations import require_active_location, require_location
from app.domains.inventory.statuses import MovementKind
from app.domains.inventory.tables import StockChange, StockLevel, StockMovement

MAX_QUANTITY = 1_000_000


def _signals(operation):
    """Raise 'available changed' once the operation has committed (the outbox row is already in)."""

    @functools.wraps(operation)
    async def wrapper(tenant: Tenant, *args, **kwargs):
        result = await operation(tenant, *args, **kwargs)
        await signals.available_changed(tenant.organization_id)
        return result

    return wrapper


@dataclass(frozen=True, slots=True)
class Level:
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class Line:
    """One variant and quantity at one location, as orders and transfers carry them."""

    variant_id: int
    location_id: int
    quantity: int


def _check_quantity(quantity: int, *, allow_zero: bool = False) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise InvalidQuantity(_("Quantity must be a whole number."))
    if quantity < 0 or (quantity == 0 and not allow_zero) or quantity > MAX_QUANTITY:
        raise InvalidQuantity(_("Quantity must be between 1 and %(max)s.", max=f"{MAX_QUANTITY:,}"))
    return quantity


async def _ensure_level(tenant: Tenant, variant_id: int, location_id: int) -> None:
    """Make sure the stock row exists (created at zero); concurrent callers race harmlessly."""
    await StockLevel.insert(
        StockLevel(organization=tenant.organization_id, variant=variant_id, location=location_id)
    ).on_conflict(target=(StockLevel.variant, StockLevel.location), action="DO NOTHING")


async def _apply(tenant: Tenant, variant_id: int, location_id: int, *, on_hand: int = 0, reserved: int = 0,
                 condition: WhereRaw | None, kind: MovementKind, reason: str = "", reference: str = "",
                 unit_cost: int | None = None) -> Level:
    """The one write path: conditional update, ledger row, change signal. Raises
    InsufficientStock (and changes nothing) when the condition does not hold."""
    values: dict[Column | str, Any] = {StockLevel.updated_at: utcnow()}
    if on_hand:
        values[StockLevel.on_hand] = StockLevel.on_hand + on_hand
    if reserved:
        values[StockLevel.reserved] = StockLevel.reserved + reserved
    query = tenant.scoped(StockLevel).update(values).where(
        (StockLevel.variant == variant_id) & (StockLevel.location == location_id))
    if condition is not None:
        query = query.where(condition)
    rows = await query.returning(StockLevel.on_hand, StockLevel.reserved)
    if not rows:
        raise await _insufficient(tenant, variant_id, abs(on_hand or reserved))
    after = rows[0]
    await StockMovement.insert(StockMovement(
        organization=tenant.organization_id, variant=variant_id, location=location_id, kind=kind,
        on_hand_delta=on_hand, reserved_delta=reserved, on_hand_after=after["on_hand"],
        reserved_after=after["reserved"], reason=reason[:255], reference=reference[:120], actor=tenant.actor.user_id,
        unit_cost=unit_cost,
    ))
    await StockChange.insert(StockChange(organization=tenant.organization_id, variant=variant_id))
    return Level(variant_id, location_id, after["on_hand"], after["reserved"])


def _enough_available(quantity: int) -> WhereRaw:
    return WhereRaw("on_hand - reserved >= {}", quantity)


async def _expand(tenant: Tenant, lines: Iterable[Line]) -> list[Line]:
    """Replace bundle lines by their components; sort so rows are always locked in one order."""
    expanded: dict[tuple[int, int], int] = {}
    for line in lines:
        _check_quantity(line.quantity)
        variant = await require_variant(tenant, line.variant_id)
        await require_location(tenant, line.location_id)
        parts = await components_of(tenant, variant["id"]) if variant["is_bundle"] else []
        for variant_id, per_unit in ([(p.component, p.quantity) for p in parts] or [(variant["id"], 1)]):
            key = (variant_id, line.location_id)
            expanded[key] = expanded.get(key, 0) + per_unit * line.quantity
    return [Line(v, loc, q) for (v, loc), q in sorted(expanded.items())]


def check_unit_cost(unit_cost: int | None) -> int | None:
    """A unit cost in whole rupiah, 0 or more; None means unknown. Raises InvalidCost otherwise."""
    if unit_cost is None:
        return None
    if not isinstance(unit_cost, int) or isinstance(unit_cost, bool) or not 0 <= unit_cost <= MAX_UNIT_COST:
        raise InvalidCost(_("A unit cost is a whole number of rupiah, 0 or more."))
    return unit_cost


async def _on_hand_total(tenant: Tenant, variant_id: int) -> int:
    rows = await tenant.scoped(StockLevel).select(StockLevel.on_hand).where(StockLevel.variant == variant_id)
    return sum(r["on_hand"] for r in rows)


@_signals
async def receive(tenant: Tenant, variant_id: int, location_id: int, quantity: int, *, reason: str = "",
                  reference: str = "", kind: MovementKind = MovementKind.RECEIVE,
                  unit_cost: int | None = None) -> Level:
    """Add quantity units on hand (goods in, or a received return); records a ledger row. A goods
    receipt with its landed `unit_cost` (whole rupiah) folds it into the variant's moving average;
    the ledger row carries that cost (other receipts carry the average)."""
    _check_quantity(quantity)
    check_unit_cost(unit_cost)
    variant = await require_variant(tenant, variant_id)
    await require_active_location(tenant, location_id)
    async with transaction():
        await _ensure_level(tenant, variant_id, location_id)
        if unit_cost is not None and kind == MovementKind.RECEIVE:
            await average_in(tenant, variant_id, on_hand_before=await _on_hand_total(tenant, variant_id),
                             quantity=quantity, unit_cost=unit_cost)
            cost = unit_cost
        else:
            cost = unit_cost if unit_cost is not None else variant["unit_cost"]
        return await _apply(tenant, variant_id, location_id, on_hand=quantity, condition=None, kind=kind,
                            reason=reason, reference=reference, unit_cost=cost)


@_signals
async def adjust(tenant: Tenant, variant_id: int, location_id: int, delta: int, *, reason: str) -> Level:
    """Correct on hand by delta (±) with a reason; never below what is reserved."""
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_QUANTITY:
        raise InvalidQuantity(_("Enter a change other than zero, e.g. 5 or -3."))
    if not reason.strip():
        raise ValidationFailed({"reason": _("Give a reason for the adjustment.")})
    await require_variant(tenant, variant_id)
    await require_active_location(tenant, location_id)
    async with transaction():
        await _ensure_level(tenant, variant_id, location_id)
        condition = _enough_available(-delta) if delta < 0 else None
        return await _apply(tenant, variant_id, location_id, on_hand=delta, condition=condition,
                            kind=MovementKind.ADJUST, reason=reason)


@_signals
async def reserve(tenant: Tenant, lines: Iterable[Line], *, reference: str) -> list[Level]:
    """Reserve every line (bundles reserve their components) or none: raises InsufficientStock
    when any line lacks available units, NotFound for a variant or location not of this
    organisation; records a ledger row per reserved (variant, location).

    On PostgreSQL this is one statement (bundle expansion, row locks in (variant, location) order,
    the all-or-nothing conditional UPDATE, ledger and outbox rows), so it needs no transaction of
    its own; on SQLite the same steps run as a few statements in one write transaction. Why
    nothing was reserved is worked out only when nothing was."""
    requested: dict[tuple[int, int], int] = {}
    for line in lines:
        _check_quantity(line.quantity)
        key = (_id(line.variant_id, _("Variant not found.")), _id(line.location_id, _("Location not found.")))
        requested[key] = requested.get(key, 0) + line.quantity
    if not requested:
        return []
    if is_postgres():
        rows = await _reserve_in_one_statement(tenant, requested, reference)
    else:
        rows = await _reserve_in_steps(tenant, requested, reference)
    if not rows:
        await _why_not_reserved(tenant, requested)
    return rows


def _id(value, not_found: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        from app.domains.inventory.errors import NotFound

        raise NotFound(not_found) from None


# $1 variants, $2 locations, $3 quantities (one per requested line), $4 organisation, $5 now,
# $6 reference, $7 actor. `wanted` expands bundles into components (a bundle without components
# reserves itself; an unknown variant becomes a row no stock level can match); `locked` takes the
# row locks in (variant, location) order, so multi-line reservations cannot deadlock, and reads the
# rows as they are once locked; the UPDATE runs only when every wanted row is there with enough
# available, so a reservation is whole or nothing without a transaction around it.
_RESERVE_SQL = """
WITH requested AS (
    SELECT * FROM unnest($1::integer[], $2::integer[], $3::integer[]) AS r(variant, location, quantity)
), wanted AS (
    SELECT COALESCE(c.component, v.id) AS variant, r.location,
           SUM(r.quantity * COALESCE(c.quantity, 1))::integer AS quantity
    FROM requested r
    LEFT JOIN variant v ON v.id = r.variant AND v.organization = $4
    LEFT JOIN bundle_component c ON v.is_bundle AND c.bundle = v.id AND c.organization = $4
    GROUP BY 1, 2
), locked AS MATERIALIZED (
    SELECT s.id, w.quantity, s.on_hand - s.reserved >= w.quantity AS enough
    FROM stock_level s JOIN wanted w ON s.variant = w.variant AND s.location = w.location
    WHERE s.organization = $4
    ORDER BY s.variant, s.location
    FOR UPDATE OF s
), verdict AS (
    SELECT count(*) = (SELECT count(*) FROM wanted) AND coalesce(bool_and(enough), false) AS ok FROM locked
), updated AS (
    UPDATE stock_level s SET reserved = s.reserved + l.quantity, updated_at = $5
    FROM locked l, verdict
    WHERE s.id = l.id AND verdict.ok AND s.on_hand - s.reserved >= l.quantity
    RETURNING s.variant, s.location, s.on_hand, s.reserved, l.quantity
), ledger AS (
    INSERT INTO stock_movement (organization, variant, location, kind, on_hand_delta, reserved_delta,
                                on_hand_after, reserved_after, reason, reference, actor, created_at)
    SELECT $4, variant, location, 'reserve', 0, quantity, on_hand, reserved, '', $6, $7::integer, $5
    FROM updated
), outbox AS (
    INSERT INTO stock_change (organization, variant, created_at) SELECT $4, variant, $5 FROM updated
)
SELECT variant, location, on_hand, reserved FROM updated ORDER BY variant, location
"""


# One requested line (most reservations) as plain parameters rather than arrays: with
# plan_cache_mode 'auto' PostgreSQL plans it once and reuses the plan (0.4 ms a call saved); with
# arrays it cannot size unnest() without their values, finds its generic plan dearer and plans
# anew on every call. (Connections keep 'auto'; only the order queue asks for custom plans.)
_RESERVE_ONE_SQL = _RESERVE_SQL.replace(
    "SELECT * FROM unnest($1::integer[], $2::integer[], $3::integer[]) AS r(variant, location, quantity)",
    "SELECT $1::integer AS variant, $2::integer AS location, $3::integer AS quantity")


async def _reserve_in_one_statement(tenant: Tenant, requested: dict[tuple[int, int], int],
                                    reference: str) -> list[Level]:
    keys = list(requested)
    if len(keys) == 1:
        (variant_id, location_id), = keys
        rows = await pg_fetch(_RESERVE_ONE_SQL, variant_id, location_id, requested[keys[0]],
                              int(tenant.organization_id), utcnow(), reference[:120], tenant.actor.user_id)
    else:
        rows = await pg_fetch(
            _RESERVE_SQL, [v for v, _loc in keys], [loc for _v, loc in keys], [requested[k] for k in keys],
            int(tenant.organization_id), utcnow(), reference[:120], tenant.actor.user_id)
    return [Level(r["variant"], r["location"], r["on_hand"], r["reserved"]) for r in rows]


async def _reserve_in_steps(tenant: Tenant, requested: dict[tuple[int, int], int], reference: str) -> list[Level]:
    """The portable path (SQLite): the same steps as _RESERVE_SQL in one write transaction, which
    SQLite serialises (BEGIN IMMEDIATE); each row is still a conditional UPDATE."""
    wanted = await _expand_requested(tenant, requested)
    if wanted is None:
        return []
    org, now, actor = int(tenant.organization_id), utcnow(), tenant.actor.user_id
    try:
        return await _reserve_rows(tenant, wanted, reference, org, now, actor)
    except _NothingReserved:
        return []


async def _reserve_rows(tenant: Tenant, wanted: dict[tuple[int, int], int], reference: str, org: int, now,
                        actor: int | None) -> list[Level]:
    # A savepoint inside a caller's transaction, so that a short line undoes only this reservation.
    async with savepoint():
        levels = []
        for (variant_id, location_id), quantity in sorted(wanted.items()):
            updated = await tenant.scoped(StockLevel).update({
                StockLevel.reserved: StockLevel.reserved + quantity, StockLevel.updated_at: now,
            }).where((StockLevel.variant == variant_id) & (StockLevel.location == location_id)).where(
                _enough_available(quantity)).returning(StockLevel.on_hand, StockLevel.reserved)
            if not updated:
                raise _NothingReserved
            levels.append(Level(variant_id, location_id, updated[0]["on_hand"], updated[0]["reserved"]))
        await StockMovement.insert(*[StockMovement(
            organization=org, variant=lv.variant_id, location=lv.location_id, kind=MovementKind.RESERVE,
            on_hand_delta=0, reserved_delta=wanted[(lv.variant_id, lv.location_id)], on_hand_after=lv.on_hand,
            reserved_after=lv.reserved, reason="", reference=reference[:120], actor=actor, created_at=now)
            for lv in levels])
        await StockChange.insert(*[StockChange(organization=org, variant=lv.variant_id, created_at=now)
                                   for lv in levels])
        return levels


class _NothingReserved(Exception):
    """Inside _reserve_in_steps: a row lacked stock, undo the rows already reserved."""


async def _expand_requested(tenant: Tenant, requested: dict[tuple[int, int], int]) -> dict[tuple[int, int], int] | None:
    """(variant, location) -> quantity with bundles replaced by their components, in two queries;
    None when a variant is not this organisation's."""
    parts = await bundle_parts(tenant, [v for v, _loc in requested])
    if parts is None:
        return None
    wanted: dict[tuple[int, int], int] = {}
    for (variant_id, location_id), quantity in requested.items():
        for component, per_unit in parts.get(variant_id) or [(variant_id, 1)]:
            key = (component, location_id)
            wanted[key] = wanted.get(key, 0) + per_unit * quantity
    return wanted


async def _why_not_reserved(tenant: Tenant, requested: dict[tuple[int, int], int]) -> None:
    """Nothing was reserved: raise what the caller should hear, in the order of the lines — a
    variant or location not of this organisation, else the first (component) line short of stock."""
    for variant_id, location_id in requested:
        await require_variant(tenant, variant_id)
        await require_location(tenant, location_id)
    wanted = await _expand_requested(tenant, requested) or {}
    have = {(lv.variant_id, lv.location_id): lv for lv in await levels(tenant, {v for v, _loc in wanted})}
    for key, quantity in sorted(wanted.items()):
        level = have.get(key)
        if level is None or level.available < quantity:
            raise await _insufficient(tenant, key[0], quantity)
    # Enough now, not when the reservation looked (another order released stock in between).
    first, quantity = min(wanted.items()) if wanted else (next(iter(requested)), 0)
    raise await _insufficient(tenant, first[0], quantity)


async def _insufficient(tenant: Tenant, variant_id: int, wanted: int) -> InsufficientStock:
    """The error a person reads names the SKU, not the variant's id."""
    try:
        sku = (await require_variant(tenant, variant_id))["sku"]
    except NotFound:
        sku = ""
    return InsufficientStock(variant_id, wanted, shown_sku=sku)


@_signals
async def release(tenant: Tenant, lines: Iterable[Line], *, reference: str, reason: str = "") -> list[Level]:
    """Give reserved units back to available (an order cancelled before shipping)."""
    expanded = await _expand(tenant, lines)
    async with transaction():
        return [await _apply(tenant, line.variant_id, line.location_id, reserved=-line.quantity,
                             condition=WhereRaw("reserved >= {}", line.quantity), kind=MovementKind.RELEASE,
                             reason=reason, reference=reference) for line in expanded]


@_signals
async def commit(tenant: Tenant, lines: Iterable[Line], *, reference: str) -> list[Level]:
    """Ship reserved units: they leave on hand and reserved together."""
    expanded = await _expand(tenant, lines)
    async with transaction():
        return [await _apply(tenant, line.variant_id, line.location_id, on_hand=-line.quantity,
                             reserved=-line.quantity,
                             condition=WhereRaw("reserved >= {} AND on_hand >= {}", line.quantity, line.quantity),
                             kind=MovementKind.COMMIT, reference=reference) for line in expanded]


@_signals
async def write_off(tenant: Tenant, variant_id: int, location_id: int, quantity: int, *, reason: str,
                    reference: str = "") -> Level:
    """Remove damaged or lost units from available stock."""
    _check_quantity(quantity)
    async with transaction():
        return await _apply(tenant, variant_id, location_id, on_hand=-quantity, condition=_enough_available(quantity),
                            kind=MovementKind.WRITE_OFF, reason=reason, reference=reference)


@_signals
async def transfer(tenant: Tenant, variant_id: int, source_id: int, target_id: int, quantity: int, *,
                   reason: str = "") -> tuple[Level, Level]:
    """Move available units from one location to another in one transaction."""
    _check_quantity(quantity)
    if source_id == target_id:
        raise InvalidQuantity(_("Choose two different locations."))
    await require_variant(tenant, variant_id)
    await require_location(tenant, source_id)
    await require_active_location(tenant, target_id)
    reference = f"transfer:{source_id}->{target_id}"
    async with transaction():
        await _ensure_level(tenant, variant_id, target_id)
        out = await _apply(tenant, variant_id, source_id, on_hand=-quantity, condition=_enough_available(quantity),
                           kind=MovementKind.TRANSFER_OUT, reason=reason, reference=reference)
        into = await _apply(tenant, variant_id, target_id, on_hand=quantity, condition=None,
                            kind=MovementKind.TRANSFER_IN, reason=reason, reference=reference)
        return out, into


@_signals
async def count(tenant: Tenant, variant_id: int, location_id: int, counted: int, *, reference: str,
                expected: int | None = None) -> Level:
    """Post a counted quantity (stock opname): on hand becomes `counted`, the difference is
    recorded. With `expected`, refuses if on hand moved since the count sheet was made."""
    _check_quantity(counted, allow_zero=True)
    await require_variant(tenant, variant_id)
    await require_active_location(tenant, location_id)
    async with transaction():
        await _ensure_level(tenant, variant_id, location_id)
        query = tenant.scoped(StockLevel).select(StockLevel.on_hand, StockLevel.reserved).where(
            (StockLevel.variant == variant_id) & (StockLevel.location == location_id))
        if is_postgres():
            query = query.lock_rows()
        current = await query.first()
        if expected is not None and current["on_hand"] != expected:
            raise InsufficientStock(variant_id, counted, _("Stock moved while you were counting: count again."))
        delta = counted - current["on_hand"]
        if counted < current["reserved"]:
            raise InsufficientStock(variant_id, counted, ngettext(
                "Counted %(counted)s but %(num)s is reserved for orders: check the shelf again.",
                "Counted %(counted)s but %(num)s are reserved for orders: check the shelf again.", current["reserved"],
                counted=counted))
        if delta == 0:
            return Level(variant_id, location_id, current["on_hand"], current["reserved"])
        return await _apply(tenant, variant_id, location_id, on_hand=delta,
                            condition=WhereRaw("on_hand = {}", current["on_hand"]), kind=MovementKind.COUNT,
                            reason=_("stock count"), reference=reference)


async def levels(tenant: Tenant, variant_ids: Iterable[int]) -> list[Level]:
    ids = list(variant_ids)
    if not ids:
        return []
    rows = await tenant.scoped(StockLevel).select(StockLevel.variant, StockLevel.location, StockLevel.on_hand,
                                                  StockLevel.reserved).where(StockLevel.variant.is_in(ids))
    return [Level(r["variant"], r["location"], r["on_hand"], r["reserved"]) for r in rows]


async def available(tenant: Tenant, variant_id: int, location_ids: Iterable[int] | None = None) -> int:
    """Available units of a variant across locations; a bundle has what its components allow."""
    variant = await require_variant(tenant, variant_id)
    locs = set(location_ids) if location_ids is not None else None

    async def of(vid: int) -> int:
        return sum(lv.available for lv in await levels(tenant, [vid]) if locs is None or lv.location_id in locs)

    if variant["is_bundle"]:
        parts = await components_of(tenant, variant_id)
        if not parts:
            return 0
        return max(0, min([await of(p.component) // max(p.quantity, 1) for p in parts]))
    return max(0, await of(variant_id))


async def count_many(tenant: Tenant, lines: Iterable[Line], *, reference: str, reason: str = "",
                     chunk: int = 500) -> dict[tuple[int, int], Level | InsufficientStock]:
    """Post many counted quantities at once (a catalog import): for each line on hand becomes its
    quantity, like count(), with one ledger row per line that changes and none for a line already
    right. A line counted below what is reserved is refused (its InsufficientStock is returned in
    its place) and changes nothing; the others are applied, in one transaction."""
    from app.domains.inventory.errors import NotFound
    from app.domains.inventory.tables import Location

    wanted: dict[tuple[int, int], int] = {}
    for line in lines:
        wanted[(line.variant_id, line.location_id)] = _check_quantity(line.quantity, allow_zero=True)
    if not wanted:
        return {}
    variant_ids = sorted({v for v, _loc in wanted})
    location_ids = sorted({loc for _v, loc in wanted})
    if not await owns_variants(tenant, variant_ids):
        raise NotFound(_("Variant not found."))
    if await tenant.scoped(Location).count().where(Location.id.is_in(location_ids)) != len(location_ids):
        raise NotFound(_("Location not found."))
    keys = sorted(wanted)  # the one lock order: (variant, location)
    results: dict[tuple[int, int], Level | InsufficientStock] = {}
    async with transaction():
        for start in range(0, len(keys), chunk):
            part = keys[start:start + chunk]
            now, org = _timestamp(utcnow()), int(tenant.organization_id)
            await StockLevel.raw(
                "INSERT INTO stock_level (organization, variant, location, on_hand, reserved, updated_at) VALUES "
                + ", ".join(f"({org}, {int(v)}, {int(loc)}, 0, 0, {now})" for v, loc in part)
                + " ON CONFLICT (variant, location) DO NOTHING")
            query = tenant.scoped(StockLevel).select(
                StockLevel.variant, StockLevel.location, StockLevel.on_hand, StockLevel.reserved).where(
                StockLevel.variant.is_in(sorted({v for v, _loc in part}))).order_by(
                StockLevel.variant).order_by(StockLevel.location)
            if is_postgres():
                query = query.lock_rows()
            current = {(r["variant"], r["location"]): r for r in await query}
            changes = []
            for key in part:
                row, counted = current[key], wanted[key]
                if counted < row["reserved"]:
                    results[key] = InsufficientStock(key[0], counted, ngettext(
                        "Counted %(counted)s but %(num)s is reserved for orders.",
                        "Counted %(counted)s but %(num)s are reserved for orders.", row["reserved"], counted=counted))
                elif counted == row["on_hand"]:
                    results[key] = Level(key[0], key[1], row["on_hand"], row["reserved"])
                else:
                    changes.append((key[0], key[1], row["on_hand"], counted))
            if changes:
                results.update(await _set_counted(tenant, changes, reference, reason or _("stock count")))
    return results


async def _set_counted(tenant: Tenant, changes: list[tuple[int, int, int, int]], reference: str,
                       reason: str) -> dict[tuple[int, int], Level | InsufficientStock]:
    """One conditional UPDATE for many (variant, location, expected on hand, counted) rows, then
    their ledger rows and change signals. A row whose on hand is no longer `expected` is refused."""
    # Whole numbers are written into the statement (they cannot carry SQL); only text is a parameter:
    # building parameters costs more than running the statement at import sizes.
    org, now = int(tenant.organization_id), _timestamp(utcnow())
    values = ", ".join(f"({int(v)}, {int(loc)}, {int(expected)}, {int(counted)})"
                       for v, loc, expected, counted in changes)
    sql = (f"WITH v(variant, location, expected, counted) AS (VALUES {values}) "
           f"UPDATE stock_level SET on_hand = v.counted, updated_at = {now} FROM v "
           f"WHERE stock_level.organization = {org} AND stock_level.variant = v.variant "
           "AND stock_level.location = v.location AND stock_level.on_hand = v.expected "
           "RETURNING stock_level.variant, stock_level.location, stock_level.on_hand, stock_level.reserved")
    updated = {(r["variant"], r["location"]): r for r in await StockLevel.raw(sql)}
    results: dict[tuple[int, int], Level | InsufficientStock] = {}
    movements: list[str] = []
    changed_variants = set()
    actor = "NULL" if tenant.actor.user_id is None else int(tenant.actor.user_id)
    for variant_id, location_id, expected, counted in changes:
        row = updated.get((variant_id, location_id))
        if row is None:
            results[(variant_id, location_id)] = InsufficientStock(variant_id, counted, _(
                "Stock moved while the count was posted: count again."))
            continue
        results[(variant_id, location_id)] = Level(variant_id, location_id, row["on_hand"], row["reserved"])
        changed_variants.add(variant_id)
        movements.append(f"({org}, {int(variant_id)}, {int(location_id)}, '{MovementKind.COUNT.value}', "
                         f"{row['on_hand'] - expected}, 0, {int(row['on_hand'])}, {int(row['reserved'])}, {{}}, {{}}, "
                         f"{actor}, {now})")
    if movements:
        await StockMovement.raw(
            "INSERT INTO stock_movement (organization, variant, location, kind, on_hand_delta, reserved_delta, "
            "on_hand_after, reserved_after, reason, reference, actor, created_at) VALUES " + ", ".join(movements),
            *[reason[:255], reference[:120]] * len(movements))
        await StockChange.raw("INSERT INTO stock_change (organization, variant, created_at) VALUES "
                              + ", ".join(f"({org}, {int(v)}, {now})" for v in sorted(changed_variants)))
    return results


def _timestamp(moment) -> str:
    """A UTC moment as an SQL literal both engines read into a timestamptz column (the text is ours)."""
    from datetime import UTC

    return "'" + str(moment.astimezone(UTC)) + "'"
