"""The demo organisation's courier settings: the courier sandbox's key, every service, the demo
warehouse in Bandung as its pickup address (the polling cron follows its parcels; the sandbox's
webhooks need the receiver's URL set through /sandbox/_control/couriers/accounts)."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.shipping.configuration import SERVICES, active, save_settings
from app.settings import get_settings


async def seed_demo_shipping(org_id: int) -> None:
    tenant = Tenant(org_id)
    if await active(org_id) is not None:
        return
    location = await inventory.default_location(tenant)
    await save_settings(tenant, enabled=True, api_key=get_settings().sandbox_biteship_api_key,
                        services=list(SERVICES), webhook_header="x-storesync-token",
                        webhook_secret="storesync-demo-courier-webhook-secret",
                        origins_in={location.id: {"contact_name": "Gudang Toko Demo", "phone": "081234567890",
                                                  "address": "Jl. Braga 12, Bandung", "postal_code": "40111"}})
