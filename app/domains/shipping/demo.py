"""The demo organisation's courier settings: the courier sandbox's key, every service, the demo
warehouse in Bandung as its pickup address, and a webhook receiver known in advance (its URL token,
header and secret, DEMO_COURIER_WEBHOOK_* settings) so the mounted sandbox's account is registered with it when the web process
builds the sandbox (app/domains/stores/sandbox.py): tracking in `make run` moves by webhooks, the
polling cron is only the safety net. The sandbox keeps its state in memory, so it cannot be told
over HTTP while the demo is seeded (before the server starts, and again after every restart)."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.shipping.configuration import SERVICES, active, save_settings
from app.domains.shipping.tables import ShippingSettings
from app.settings import get_settings


async def seed_demo_shipping(org_id: int) -> None:
    tenant = Tenant(org_id)
    if await active(org_id) is not None:
        return
    location = await inventory.default_location(tenant)
    settings = get_settings()
    # Only the demo organisation's token is known in advance (DEMO_COURIER_WEBHOOK_*); others' are random.
    _url, header, secret = settings.demo_courier_webhook()
    token = settings.demo_courier_webhook_token
    await save_settings(tenant, enabled=True, api_key=settings.sandbox_biteship_api_key,
                        services=list(SERVICES), webhook_header=header, webhook_secret=secret,
                        origins_in={location.id: {"contact_name": "Gudang Toko Demo", "phone": "081234567890",
                                                  "address": "Jl. Braga 12, Bandung", "postal_code": "40111"}})
    if not await ShippingSettings.exists().where(ShippingSettings.webhook_token == token):
        await ShippingSettings.update({ShippingSettings.webhook_token: token}).where(
            ShippingSettings.organization == org_id)
