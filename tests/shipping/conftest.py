"""Shipping tests: the courier sandbox (the marketplace sandbox's server, over real HTTP) and the app
served by uvicorn in the test's own event loop, so the sandbox's webhooks reach the real receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import anyio.to_thread
import pytest
import uvicorn

from app.sandbox.courier_state import CourierSandbox
from app.sandbox.server import BackgroundSandbox
from tests.support import free_port, make_account, unique, wait_http

ORIGIN_POSTAL = "12190"  # Jakarta Selatan
HEADER = "x-courier-secret"


@dataclass
class CourierEnv:
    sandbox: CourierSandbox
    sandbox_url: str
    app_url: str

    async def flush(self) -> None:
        assert await anyio.to_thread.run_sync(self.sandbox.wait_idle), "webhooks still in flight"


@dataclass
class CourierOrg:
    org_id: int
    api_key: str
    secret: str
    webhook_url: str


@pytest.fixture(scope="session")
async def live_app(app) -> AsyncIterator[str]:
    """The app under test served over real HTTP on loopback, in this event loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    await anyio.to_thread.run_sync(wait_http, f"{url}/healthz")
    yield url
    server.should_exit = True
    await task


@pytest.fixture
def courier(marketplace: BackgroundSandbox, live_app: str) -> Iterator[CourierEnv]:
    from app.settings import get_settings

    settings = get_settings()
    saved = settings.biteship_api_base
    settings.biteship_api_base = f"{marketplace.url}/biteship"
    try:
        yield CourierEnv(marketplace.state.couriers, marketplace.url, live_app)
    finally:
        settings.biteship_api_base = saved
        marketplace.state.couriers.clear()


async def courier_org(env: CourierEnv, *, services: list[str] | None = None, account=None,
                      org_id: int | None = None) -> CourierOrg:
    """An organisation with courier booking on, every service, an origin at its first warehouse and
    the sandbox account's webhook pointing at this organisation's receiver."""
    from app.core.tenancy import Tenant
    from app.domains.inventory import default_location
    from app.domains.shipping.configuration import save_settings, webhook_token

    if org_id is None:
        account = account or await make_account()
        org_id = account.org_id
    tenant = Tenant(org_id)
    key, secret = unique("biteship_test."), unique("secret-") + "0123456789abcdef"
    location = await default_location(tenant)
    await save_settings(tenant, enabled=True, api_key=key,
                        services=services or ["jne:reg", "jne:yes", "jnt:ez", "sicepat:reg", "sicepat:best",
                                              "anteraja:reg"],
                        webhook_header=HEADER, webhook_secret=secret,
                        origins_in={location.id: {"contact_name": "Gudang Toko Uji", "phone": "081200001111",
                                                  "address": "Jl. Kemang Raya 10", "postal_code": ORIGIN_POSTAL}})
    url = f"{env.app_url}/shipping/webhooks/{await webhook_token(tenant)}"
    env.sandbox.register(key, url, HEADER, secret)
    return CourierOrg(org_id, key, secret, url)


async def weighed_order(tenant, *, grams: int = 700, units: int = 2, postal: str = "40115", cod: bool = False) -> int:
    """A manual order ready to ship (its variant weighs `grams`), addressed to `postal`."""
    from app.domains.catalog.tables import Variant
    from app.domains.orders.tables import Order
    from tests.fulfillment.factories import ready_order, stocked_variant

    variant = await stocked_variant(tenant)
    await Variant.update({Variant.weight_grams: grams, Variant.length_cm: 20, Variant.width_cm: 15,
                          Variant.height_cm: 4}).where(Variant.id == variant["id"])
    order_id = await ready_order(tenant, [(variant, units)])
    await Order.update({Order.address: {"full_address": f"Jl. Melati 5, Bandung {postal}", "postal_code": postal},
                        Order.cash_on_delivery: cod}).where(Order.id == order_id)
    return order_id
