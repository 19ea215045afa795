"""An organisation's shipping settings: the courier aggregator's key (encrypted), the courier
services it offers, the webhook receiver's URL token and header secret, origins per location; and
its CourierGateway."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import ValidationFailed
from app.core.i18n import N_, _
from app.core.redis import redis_client
from app.core.secrets import decrypt, encrypt, new_token
from app.core.tenancy import Tenant
from app.domains import audit, fulfillment, inventory
from app.domains.shipping.tables import ShippingOrigin, ShippingSettings
from app.integrations.breaker import BreakerPolicy
from app.integrations.couriers.biteship import BiteshipGateway
from app.integrations.couriers.gateway import CourierGateway
from app.integrations.transport import RetryPolicy, Transport
from app.settings import get_settings

# The courier services StoreSync knows: code -> (courier, service label).
SERVICES: dict[str, tuple[str, str]] = {
    "jne:reg": ("JNE", "REG"), "jne:yes": ("JNE", "YES"), "jnt:ez": ("J&T", "EZ"),
    "sicepat:reg": ("SiCepat", "REG"), "sicepat:best": ("SiCepat", "BEST"), "anteraja:reg": ("AnterAja", "Regular"),
}
HEADER = re.compile(r"^[A-Za-z0-9-]{3,64}$")
POSTAL = re.compile(r"^\d{5}$")


def service_label(code: str) -> str:
    courier, service = SERVICES.get(code, (code, ""))
    return f"{courier} {service}".strip()


@dataclass(frozen=True)
class Origin:
    location_id: int
    location_name: str
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""

    @property
    def complete(self) -> bool:
        return bool(self.contact_name and self.phone and self.address and POSTAL.match(self.postal_code))


@dataclass
class ShippingView:
    enabled: bool = False
    api_key_set: bool = False
    secret_set: bool = False
    services: list[str] = field(default_factory=list)
    webhook_token: str = ""
    webhook_header: str = "x-storesync-token"
    origins: list[Origin] = field(default_factory=list)


async def _row(org_id: int) -> dict[str, Any] | None:
    return await ShippingSettings.select().where(ShippingSettings.organization == org_id).first()


def _services(value: Any) -> list[str]:
    data = json.loads(value) if isinstance(value, str) else value
    return [s for s in data or [] if s in SERVICES]


async def origins(tenant: Tenant) -> list[Origin]:
    """Every active location with its origin address (blank where none is set yet)."""
    rows = {r["location"]: r for r in await tenant.scoped(ShippingOrigin).select()}
    out = []
    for loc in await inventory.list_locations(tenant):
        if not loc.active:
            continue
        r = rows.get(loc.id, {})
        out.append(Origin(loc.id, loc.name, r.get("contact_name", ""), r.get("phone", ""), r.get("address", ""),
                          r.get("postal_code", "")))
    return out


async def settings_view(tenant: Tenant) -> ShippingView:
    row = await _row(tenant.organization_id)
    found = await origins(tenant)
    if row is None:
        return ShippingView(origins=found)
    return ShippingView(enabled=row["enabled"], api_key_set=bool(row["api_key"]), secret_set=bool(row["webhook_secret"]),
                        services=_services(row["services"]), webhook_token=row["webhook_token"],
                        webhook_header=row["webhook_header"], origins=found)


@dataclass(frozen=True)
class Active:
    """What rates and bookings need: the key and services (empty when courier shipping is off)."""

    api_key: str
    services: list[str]

    @property
    def couriers(self) -> list[str]:
        return sorted({s.split(":")[0] for s in self.services})


async def active(org_id: int) -> Active | None:
    """The organisation's courier key and services, or None when courier shipping is off."""
    # the three columns it needs, in raw SQL: every website checkout asks it
    rows = await ShippingSettings.raw(
        "SELECT enabled, api_key, services FROM shipping_settings WHERE organization = {} LIMIT 1", org_id)
    row = rows[0] if rows else None
    if row is None or not row["enabled"] or not row["api_key"]:
        return None
    services = _services(row["services"])
    return Active(decrypt(row["api_key"]), services) if services else None


async def save_settings(tenant: Tenant, *, enabled: bool, api_key: str, services: list[str], webhook_header: str,
                        webhook_secret: str, origins_in: dict[int, dict[str, str]]) -> None:
    """Store the settings and origins; a blank key or secret keeps the stored one. ValidationFailed
    (nothing saved) names every problem."""
    org_id = tenant.organization_id
    row = await _row(org_id)
    errors: dict[str, str] = {}
    unknown = [s for s in services if s not in SERVICES]
    if unknown:
        errors["services"] = _("Choose courier services from the list.")
    if enabled and not (api_key or (row and row["api_key"])):
        errors["api_key"] = _("Enter the courier aggregator's API key to book couriers.")
    if enabled and not services:
        errors["services"] = _("Tick at least one courier service.")
    if not HEADER.match(webhook_header):
        errors["webhook_header"] = _("A header name has 3 to 64 letters, digits or dashes.")
    if webhook_secret and not 16 <= len(webhook_secret) <= 200:
        errors["webhook_secret"] = _("The webhook secret has 16 to 200 characters.")
    if enabled and not (webhook_secret or (row and row["webhook_secret"])):
        errors["webhook_secret"] = _("Choose a webhook secret (16 characters or more) and set it at the aggregator.")
    known = {o.location_id for o in await origins(tenant)}
    clean: dict[int, dict[str, str]] = {}
    for location_id, values in origins_in.items():
        if location_id not in known:
            errors[f"origin_{location_id}"] = _("That location is not one of yours.")
            continue
        typed = {k: (values.get(k) or "").strip() for k in ("contact_name", "phone", "address", "postal_code")}
        if not any(typed.values()):
            continue
        if typed["postal_code"] and not POSTAL.match(typed["postal_code"]):
            errors[f"postal_code_{location_id}"] = _("A postal code has 5 digits.")
        elif not all(typed.values()):
            errors[f"origin_{location_id}"] = _("Fill in contact, phone, address and postal code, or leave all empty.")
        elif len(typed["contact_name"]) > 120 or len(typed["phone"]) > 40 or len(typed["address"]) > 500:
            errors[f"origin_{location_id}"] = _("Contact, phone or address is too long.")
        clean[location_id] = typed
    if errors:
        raise ValidationFailed(errors)
    stored: dict[str, Any] = {"enabled": enabled, "services": services, "webhook_header": webhook_header.lower()}
    if api_key:
        stored["api_key"] = encrypt(api_key)
    if webhook_secret:
        stored["webhook_secret"] = encrypt(webhook_secret)
    if row is None:
        await ShippingSettings.insert(ShippingSettings(organization=org_id, webhook_token=new_token()[:48], **stored))
    else:
        await ShippingSettings.update({getattr(ShippingSettings, k): v for k, v in stored.items()}).where(
            ShippingSettings.organization == org_id)
    for location_id, origin in clean.items():
        existing = await tenant.scoped(ShippingOrigin).select(ShippingOrigin.id).where(
            ShippingOrigin.location == location_id).first()
        if existing:
            await tenant.scoped(ShippingOrigin).update({getattr(ShippingOrigin, k): v for k, v in origin.items()}).where(
                ShippingOrigin.id == existing["id"])
        else:
            await tenant.scoped(ShippingOrigin).new(location=location_id, **origin).save()
    changed = sorted(k for k, v in (("courier_api_key", api_key), ("webhook_secret", webhook_secret)) if v)
    await audit.record(org_id, tenant.actor, "shipping.settings", "shipping_settings", row["id"] if row else None,
                       after={"enabled": enabled, "courier_services": services, "shipping_keys_changed": changed,
                              "origins": len(clean)})


async def webhook_token(tenant: Tenant) -> str:
    """The organisation's webhook URL token (made on first use)."""
    row = await _row(tenant.organization_id)
    if row is not None:
        return row["webhook_token"]
    token = new_token()[:48]
    await ShippingSettings.insert(ShippingSettings(organization=tenant.organization_id, webhook_token=token))
    return token


async def by_webhook_token(token: str) -> tuple[int, str, str] | None:
    """(organisation, header name, header secret) of the receiver behind this URL token, or None."""
    if not token or len(token) > 64:
        return None
    row = await ShippingSettings.select(ShippingSettings.organization, ShippingSettings.webhook_header,
                                        ShippingSettings.webhook_secret).where(
        ShippingSettings.webhook_token == token).first()
    if row is None or not row["webhook_secret"]:
        return None
    return row["organization"], row["webhook_header"], decrypt(row["webhook_secret"])


async def origin_of(tenant: Tenant, location_id: int | None) -> Origin | None:
    """The origin address of this location (the default location when None), if complete."""
    location = location_id or (await inventory.default_location(tenant)).id
    for origin in await origins(tenant):
        if origin.location_id == location and origin.complete:
            return origin
    return None


# One Transport per event loop (an httpx pool belongs to one loop).
_transports: dict[int, Transport] = {}


def _transport() -> Transport:
    loop_id = id(asyncio.get_running_loop())
    if loop_id not in _transports:
        _transports[loop_id] = Transport(platform="biteship", redis=redis_client(), timeout=10.0,
                                         breaker=BreakerPolicy(threshold=5, cooldown=30.0),
                                         retry=RetryPolicy(attempts=2, initial=0.1, maximum=0.5),
                                         prefix=get_settings().queue_name)
    return _transports[loop_id]


def gateway_for(org_id: int, api_key: str) -> CourierGateway:
    return BiteshipGateway(api_key=api_key, transport=_transport(), api_base=get_settings().courier_host(),
                           key=f"org{org_id}")


SETTING_LABELS = {"courier_api_key": N_("Courier API key"), "webhook_secret": N_("Courier webhook secret")}


def setting_label(name: str) -> str:
    """A shipping secret's name as people read it (the audit trail's "keys changed")."""
    return _(SETTING_LABELS[name]) if name in SETTING_LABELS else name


def services_label(code: str) -> str:
    """A courier service as people read it (the audit trail)."""
    return service_label(code)


async def pickup_addresses(tenant: Tenant) -> dict[str, fulfillment.PickupAddress]:
    """The pickup address of each location that has one, by location code (own labels print it)."""
    rows = await tenant.scoped(ShippingOrigin).select(
        ShippingOrigin.location.code.as_alias("code"), ShippingOrigin.contact_name, ShippingOrigin.phone,
        ShippingOrigin.address, ShippingOrigin.postal_code).where(ShippingOrigin.address != "")
    return {r["code"]: fulfillment.PickupAddress(r["contact_name"], r["phone"], r["address"], r["postal_code"])
            for r in rows}
