"""Courier rates: a parcel's weight and size from its variants, quotes from the aggregator cached
briefly in Redis per (origin, destination, weight, couriers), and the options website checkout shows."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains import catalog
from app.domains.shipping import configuration
from app.integrations import errors
from app.integrations.couriers.gateway import Parcel, Rate
from app.settings import get_settings

log = logging.getLogger(__name__)
CACHE_SECONDS = 120
MIN_WEIGHT = 100  # grams: a parcel whose variants have no weight yet is quoted at this


@dataclass(frozen=True)
class ParcelLine:
    variant_id: int | None
    quantity: int
    unit_price: int


async def parcel_of(tenant: Tenant, lines: Sequence[ParcelLine]) -> Parcel:
    """The parcel of these lines: weight = sum of line weights (at least MIN_WEIGHT), the largest
    length and width, heights stacked, value = what the buyer pays for the goods."""
    sizes = await catalog.parcel_sizes(tenant, [ln.variant_id for ln in lines if ln.variant_id])
    weight = length = width = height = 0
    for line in lines:
        w, ln_, wd, h = sizes.get(line.variant_id or -1, (0, 0, 0, 0))
        weight += w * line.quantity
        length, width, height = max(length, ln_), max(width, wd), height + h * line.quantity
    return Parcel(weight_grams=max(weight, MIN_WEIGHT), value=sum(ln.unit_price * ln.quantity for ln in lines),
                  length_cm=length, width_cm=width, height_cm=height)


def _cache_key(org_id: int, origin: str, destination: str, parcel: Parcel, couriers: list[str]) -> str:
    raw = json.dumps([origin, destination, parcel.weight_grams, parcel.value, parcel.length_cm, parcel.width_cm,
                      parcel.height_cm, sorted(couriers)])
    return f"{get_settings().queue_name}:rates:{org_id}:{hashlib.sha1(raw.encode()).hexdigest()}"


async def quote(org_id: int, *, origin: str, destination: str, parcel: Parcel,
                active: configuration.Active | None = None) -> list[Rate]:
    """The enabled services' rates for this parcel, cheapest first; cached for CACHE_SECONDS.
    [] when courier shipping is off; IntegrationError when the aggregator fails or refuses."""
    active = active or await configuration.active(org_id)
    if active is None:
        return []
    key = _cache_key(org_id, origin, destination, parcel, active.couriers)
    redis = redis_client()
    cached = await redis.get(key)
    if cached is not None:
        rates = [Rate(**r) for r in json.loads(cached)]
    else:
        gateway = configuration.gateway_for(org_id, active.api_key)
        rates = await gateway.rates(origin_postal=origin, destination_postal=destination, parcel=parcel,
                                    couriers=active.couriers)
        await redis.set(key, json.dumps([asdict(r) for r in rates]), ex=CACHE_SECONDS)
    return sorted((r for r in rates if r.code in active.services), key=lambda r: (r.price, r.code))


@dataclass(frozen=True)
class CheckoutOption:
    """A shipping choice at checkout: "seller" (the seller's own rate) or "courier:<courier>:<service>"."""

    id: str
    name: str
    fee: int
    eta: str = ""
    cod_available: bool = True
    cod_fee: int = 0


async def checkout_options(tenant: Tenant, *, location_id: int | None, destination_postal: str,
                           lines: Sequence[ParcelLine]) -> list[CheckoutOption]:
    """Live courier options for a website cart (none when courier shipping is off, the origin is
    not set, or the aggregator cannot answer now: checkout then offers the seller's own rate)."""
    active = await configuration.active(tenant.organization_id)
    if active is None or not destination_postal:
        return []
    origin = await configuration.origin_of(tenant, location_id)
    if origin is None:
        return []
    parcel = await parcel_of(tenant, lines)
    try:
        rates = await quote(tenant.organization_id, origin=origin.postal_code, destination=destination_postal,
                            parcel=parcel, active=active)
    except errors.IntegrationError as exc:
        log.warning("courier rates for checkout unavailable: %s", exc)
        return []
    return [CheckoutOption(id=f"courier:{r.code}", name=f"{r.courier_name} {r.service_name}", fee=r.price,
                           eta=r.duration, cod_available=r.cod_available, cod_fee=r.cod_fee) for r in rates]
