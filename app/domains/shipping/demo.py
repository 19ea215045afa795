"""The demo organisation's courier settings: the courier sandbox's key, every service, the demo
warehouse in Bandung as its pickup address, and a webhook receiver known in advance (its URL token,
header and secret) so the mounted sandbox's account is registered with it when the web process
builds the sandbox (app/domains/stores/sandbox.py): tracking in `make run` moves by webhooks, the
polling cron is only the safety net. The sandbox keeps its state in memory, so it cannot be told
over HTTP while the demo is seeded (before the server starts, and again after every restart)."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.shipping.configuration import SERVICES, active, save_settings
from app.domains.shipping.tables import ShippingSettings
from app.settings import get_settings

# Only the demo organisation uses these (development); every other organisation's token is random.
DEMO_WEBHOOK_TOKEN = "demo-courier-webhooks-toko-demo"
DEMO_WEBHOOK_HEADER = "x-storesync-token"
DEMO_WEBHOOK_SECRET = "storesync-demo-courier-webhook-secret"


def demo_courier_webhook(base_url: str) -> tuple[str, str, str]:
    """The demo organisation's courier webhook as the aggregator is told it: URL, header name, header value."""
    return f"{base_url.rstrip('/')}/shipping/webhooks/{DEMO_WEBHOOK_TOKEN}", DEMO_WEBHOOK_HEADER, DEMO_WEBHOOK_SECRET


async def seed_demo_shipping(org_id: int) -> None:
    tenant = Tenant(org_id)
    if await active(org_id) is not None:
        return
    location = await inventory.default_location(tenant)
    await save_settings(tenant, enabled=True, api_key=get_settings().sandbox_biteship_api_key,
                        services=list(SERVICES), webhook_header=DEMO_WEBHOOK_HEADER,
                        webhook_secret=DEMO_WEBHOOK_SECRET,
                        origins_in={location.id: {"contact_name": "Gudang Toko Demo", "phone": "081234567890",
                                                  "address": "Jl. Braga 12, Bandung", "postal_code": "40111"}})
    if not await ShippingSettings.exists().where(ShippingSettings.webhook_token == DEMO_WEBHOOK_TOKEN):
        await ShippingSettings.update({ShippingSettings.webhook_token: DEMO_WEBHOOK_TOKEN}).where(
            ShippingSettings.organization == org_id)
