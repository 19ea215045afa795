"""Channel allocation: how many units each store is offered of each variant.

offered = max(0, floor((available - store buffer) × store percent / 100)), where available is
summed over the store's locations — every location unless the store lists some (StoreLocation) —
and a bundle has what its components allow there.
When available is at or below the organisation's last-units threshold and some store is marked
preferred, only preferred stores are offered anything, so two channels never sell the same last
unit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog import bundle_components, require_variant
from app.domains.inventory import availability, list_locations
from app.domains.listings.tables import AllocationRule, StoreLocation
from app.domains.stores import get_store


@dataclass(frozen=True, slots=True)
class StoreRule:
    store_id: int
    buffer: int
    percent: int
    preferred: bool
    locations: frozenset[int] = frozenset()  # empty: every location


# Channels that are not marketplace stores (the website) say whether they keep the last units:
# each provider, registered at start-up by create_app, answers for one organisation.
PreferredProvider = Callable[[Tenant], Awaitable[bool]]
_preferred_providers: list[PreferredProvider] = []


def register_preferred_channel(provider: PreferredProvider) -> None:
    if provider not in _preferred_providers:
        _preferred_providers.append(provider)


async def other_channels_preferred(tenant: Tenant) -> bool:
    """Whether a channel other than the marketplace stores keeps the last units."""
    for provider in _preferred_providers:
        if await provider(tenant):
            return True
    return False


def offer(available: int, rule: StoreRule, *, threshold: int = 0, any_preferred: bool = False) -> int:
    """The quantity one store is offered of `available` units under its rule."""
    if threshold and available <= threshold and any_preferred and not rule.preferred:
        return 0
    return max(0, (available - max(rule.buffer, 0)) * min(max(rule.percent, 0), 100) // 100)


async def threshold(tenant: Tenant) -> int:
    # raw: every shop page and website checkout asks it
    rows = await AllocationRule.raw("SELECT last_units_threshold FROM allocation_rule WHERE organization = {} LIMIT 1",
                                    tenant.organization_id)
    return rows[0]["last_units_threshold"] if rows else 0


async def set_threshold(tenant: Tenant, value: int) -> None:
    from app.core.errors import ValidationFailed
    from app.core.i18n import _

    if not 0 <= value <= 100_000:
        raise ValidationFailed({"threshold": _("Enter a number between 0 and 100000.")})
    before = await threshold(tenant)
    updated = await tenant.scoped(AllocationRule).update({AllocationRule.last_units_threshold: value}).returning(
        AllocationRule.id)
    if not updated:
        await tenant.scoped(AllocationRule).new(last_units_threshold=value).save()
    await record(tenant.organization_id, tenant.actor, "allocation.threshold_changed", "allocation_rule", None,
                 before={"threshold": before}, after={"threshold": value})


async def available_by_variant(tenant: Tenant, variant_ids: Iterable[int], bundles: Iterable[int] = (),
                               locations: Iterable[int] = ()) -> dict[int, int]:
    """Available units per variant in one query (at `locations` only, when given); bundles from
    their components."""
    ids = set(variant_ids)
    bundle_ids = set(bundles) & ids
    plain = ids - bundle_ids
    components = await bundle_components(tenant, sorted(bundle_ids)) if bundle_ids else {}
    parts = {b: components.get(b, []) for b in bundle_ids}  # one query for every bundle, not one each
    needed = plain | {p["component"] for comps in parts.values() for p in comps}
    totals = await availability(tenant, needed, locations=locations)
    result = {v: max(0, totals.get(v, {}).get("available", 0)) for v in plain}
    for bundle, comps in parts.items():
        result[bundle] = max(0, min((totals.get(p["component"], {}).get("available", 0) // max(p["quantity"], 1)
                                     for p in comps), default=0))
    return result


async def preview(tenant: Tenant, variant_id: int, rules: list[StoreRule], *, threshold_value: int | None = None,
                  ) -> dict[str, object]:
    """What every store would be offered of one variant under `rules` (saved or proposed)."""
    variant = await require_variant(tenant, variant_id)
    bundles = [variant["id"]] if variant["is_bundle"] else []
    avail = (await available_by_variant(tenant, [variant["id"]], bundles))[variant["id"]]
    limit = await threshold(tenant) if threshold_value is None else threshold_value
    any_preferred = any(r.preferred for r in rules) or await other_channels_preferred(tenant)
    offers, availables = {}, {}
    for r in rules:
        here = avail if not r.locations else (
            await available_by_variant(tenant, [variant["id"]], bundles, r.locations))[variant["id"]]
        availables[r.store_id] = here
        offers[r.store_id] = offer(here, r, threshold=limit, any_preferred=any_preferred)
    return {"variant": variant, "available": avail, "threshold": limit, "offers": offers,
            "available_by_store": availables}


async def store_locations(tenant: Tenant, store_ids: Iterable[int] | None = None) -> dict[int, frozenset[int]]:
    """The locations each store lists (stores that list none are absent: they get every location)."""
    query = tenant.scoped(StoreLocation).select(StoreLocation.store, StoreLocation.location)
    if store_ids is not None:
        query = query.where(StoreLocation.store.is_in(list(store_ids) or [0]))
    found: dict[int, set[int]] = {}
    for row in await query:
        found.setdefault(row["store"], set()).add(row["location"])
    return {store: frozenset(locs) for store, locs in found.items()}


async def set_store_locations(tenant: Tenant, store_id: int, location_ids: Iterable[int]) -> frozenset[int]:
    """Offer a store the stock of these locations only (none: every location). Every id must be
    one of the organisation's active locations; otherwise nothing changes."""
    from app.core.database import transaction
    from app.core.errors import ValidationFailed
    from app.core.i18n import _

    await get_store(tenant, store_id)  # another organisation's store is "not found"
    try:
        wanted = frozenset(int(i) for i in location_ids)
    except (TypeError, ValueError):
        raise ValidationFailed({"locations": _("Choose locations from the list.")}) from None
    active = {row.id for row in await list_locations(tenant)}
    if not wanted <= active:
        raise ValidationFailed({"locations": _("Choose locations from the list.")})
    before = (await store_locations(tenant, [store_id])).get(store_id, frozenset())
    if wanted == before:
        return wanted
    async with transaction():
        await tenant.scoped(StoreLocation).delete().where(StoreLocation.store == store_id)
        if wanted:
            await StoreLocation.insert(*[StoreLocation(organization=tenant.organization_id, store=store_id, location=loc)
                                         for loc in sorted(wanted)])
    await record(tenant.organization_id, tenant.actor, "store.locations_changed", "store", store_id,
                 before={"locations": sorted(before)}, after={"locations": sorted(wanted)})
    return wanted
