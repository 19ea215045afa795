"""Mapping a listing, and everything that must follow it: the open orders that arrived while it
was unmapped get their variant and their stock (listings.services only maps), the store's stock
push runs, and a product created from a listing starts with the marketplace's quantity (or the
one the seller typed) as opening stock, recorded in the ledger.

Bulk actions of the unmapped queue (create products, map by SKU suggestion) are the same steps
for each ticked listing; one listing refused does not stop the others.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import inventory as stock
from app.domains import listings
from app.domains import listings as allocation
from app.domains.inventory import default_location
from app.domains.listings import MappingStatus
from app.domains.orders import Resolved, resolve_listing_lines, waiting_units
from app.domains.sync.dispatch import enqueue_store_push

log = logging.getLogger(__name__)
MAX_BULK = 200
MAX_OPENING = 1_000_000


@dataclass(slots=True)
class MapOutcome:
    variant: dict
    resolved: Resolved
    opening: int | None = None  # units received as opening stock, for a created product


@dataclass(slots=True)
class BulkOutcome:
    done: int = 0
    orders: int = 0
    refused: Counter[str] = field(default_factory=Counter)

    @property
    def message(self) -> str:
        text = _("%(n)s listings done", n=self.done)
        if self.orders:
            text += ", " + _("%(n)s waiting orders updated", n=self.orders)
        if self.refused:
            reasons = "; ".join(f"{reason} ({n})" for reason, n in self.refused.most_common())
            text += ", " + _("%(n)s refused: %(reasons)s", n=sum(self.refused.values()), reasons=reasons)
        return text + "."


async def map_listing(tenant: Tenant, listing_id: int, code: str) -> MapOutcome:
    """Map the listing to the variant with this SKU or barcode, then re-resolve the open orders
    waiting for it and push the store's stock."""
    variant = await listings.map_listing(tenant, listing_id, code)
    return MapOutcome(variant, await _after_mapping(tenant, listing_id, variant["id"]))


def parse_opening(text: str | None) -> int | None:
    """The opening stock as typed: empty means the marketplace's quantity (None)."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_OPENING:
        raise ValidationFailed({"opening": _("Opening stock is a whole number from 0 to 1000000, or empty to take "
                                             "the marketplace's quantity.")})
    return int(text)


async def create_product(tenant: Tenant, listing_id: int, opening: int | None = None) -> MapOutcome:
    """Create a product from the listing and map it; its opening stock is `opening` units, or (None)
    the marketplace's quantity plus the units of open orders waiting for the listing (the
    marketplace has already taken those off its figure, and they are still on the shelf here).
    A ledger row records it at the location the store's orders take stock from."""
    return (await _create_products(tenant, [listing_id], {listing_id: opening}))[0]


async def _create_products(tenant: Tenant, listing_ids: list[int], openings: dict[int, int | None]
                           ) -> list[MapOutcome]:
    """One product for listings of one marketplace item, a variant each, with opening stock."""
    rows = [await listings.get_listing(tenant, listing_id) for listing_id in listing_ids]
    if any(row["status"] == MappingStatus.MAPPED for row in rows):
        raise ValidationFailed({"listing": _("This listing is mapped already.")})
    quantities = {}
    for row in rows:
        opening = openings.get(row["id"])
        if opening is None:
            opening = max(0, row["platform_quantity"]) + await waiting_units(
                tenant, row["store"], row["platform_item_id"], row["platform_model_id"])
        quantities[row["id"]] = opening
    variants = await listings.create_product_from_listings(tenant, listing_ids)
    outcomes = []
    for row, variant in zip(rows, variants, strict=True):
        if quantities[row["id"]]:
            location = await _store_location(tenant, row["store"])
            await stock.receive(tenant, variant["id"], location, quantities[row["id"]],
                                reason=_("opening stock from the marketplace listing"), reference=f"listing:{row['id']}")
        outcomes.append(MapOutcome(variant, await _after_mapping(tenant, row["id"], variant["id"]),
                                   quantities[row["id"]]))
    return outcomes


async def _store_location(tenant: Tenant, store_id: int) -> int:
    """Where the store's orders take stock: the first location it sells from, else the default."""
    listed = (await allocation.store_locations(tenant, [store_id])).get(store_id)
    return min(listed) if listed else (await default_location(tenant))["id"]


async def _after_mapping(tenant: Tenant, listing_id: int, variant_id: int) -> Resolved:
    listing = await listings.get_listing(tenant, listing_id)
    resolved = await resolve_listing_lines(tenant, listing["store"], listing["platform_item_id"],
                                           listing["platform_model_id"], variant_id)
    try:
        await enqueue_store_push(tenant.organization_id, listing["store"])
    except Exception:  # the mapping is saved; the sweep and the next change push it
        log.exception("could not enqueue the stock push of store %s after mapping", listing["store"])
    return resolved


def parse_listing_ids(values: list[str]) -> list[int]:
    ids = []
    for value in values:
        if not value.strip().isdigit() or len(value.strip()) > 18:
            raise ValidationFailed({"listing_id": _("The selection is not valid: reload the page and choose again.")})
        ids.append(int(value.strip()))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationFailed({"listing_id": _("Tick at least one listing first.")})
    if len(ids) > MAX_BULK:
        raise ValidationFailed({"listing_id": _("One bulk action takes at most %(max)s listings.", max=MAX_BULK)})
    return ids


async def bulk_create_products(tenant: Tenant, ids: list[int]) -> BulkOutcome:
    """Create products for the ticked listings, the marketplace's quantity as opening stock: one
    product per marketplace item, with a variant for each of its ticked models."""
    outcome = BulkOutcome()
    rows = await listings.listings_by_id(tenant, ids)
    outcome.refused.update({_("not found"): len(ids) - len(rows)} if len(ids) > len(rows) else {})
    groups: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        if row["status"] == MappingStatus.MAPPED:
            outcome.refused[_("mapped already")] += 1
        else:
            groups.setdefault((row["store"], row["platform_item_id"]), []).append(row["id"])
    for group in groups.values():
        try:
            results = await _create_products(tenant, group, {})
        except AppError as exc:
            log.info("bulk create product refused for listings %s: %s", group, exc.message)
            outcome.refused[_("its SKU is taken or not valid: create it on its own")] += len(group)
            continue
        outcome.done += len(results)
        outcome.orders += sum(len(r.resolved.orders) for r in results)
    return outcome


async def bulk_map_suggested(tenant: Tenant, ids: list[int]) -> BulkOutcome:
    """Map each ticked listing to the variant its seller SKU suggests."""
    outcome = BulkOutcome()
    rows = await listings.listings_by_id(tenant, ids)
    outcome.refused.update({_("not found"): len(ids) - len(rows)} if len(ids) > len(rows) else {})
    suggested = await listings.suggestions(tenant, rows)
    for row in rows:
        if row["status"] == MappingStatus.MAPPED:
            outcome.refused[_("mapped already")] += 1
        elif row["id"] not in suggested:
            outcome.refused[_("no variant has its SKU")] += 1
        else:
            result = await map_listing(tenant, row["id"], suggested[row["id"]]["sku"])
            outcome.done += 1
            outcome.orders += len(result.resolved.orders)
    return outcome
