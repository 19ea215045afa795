"""Shipping figures: a website checkout's courier rate quote through the courier sandbox, and how
long from the courier's status change to the shipment (and its order) having moved.

The courier sandbox (app.sandbox.server.BackgroundSandbox, a thread of this process) answers rates
over real HTTP; its webhooks go over real HTTP to the app's receiver, served by uvicorn in this
event loop. A quote is timed through `rates.checkout_options` (origin, parcel from the variants,
the Redis cache, the aggregator): each quote asks for a new destination and weight, so it is a
cache miss; the cached figure repeats a quote. A webhook is timed from the moment it leaves
the sandbox to the receiver's answer, which comes after the status is applied and committed (the order shipped
with the waybill as tracking number, stock deducted); the log also gives it from the status change,
the sandbox's own delivery queue included. Statuses change WAVE shipments at a time.

Figures: shipping.rates.p50_ms / .p95_ms (target p95 < 300 ms), shipping.rates_cached.p95_ms,
shipping.webhook_to_state.p50_ms / .p95_ms (target p95 < 500 ms).
"""

from __future__ import annotations

import asyncio
import logging
import time

import anyio.to_thread

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.shipping")

QUOTES = 200
SHIPMENTS = 100
WAVE = 10
API_KEY = "biteship_test.bench"
SECRET = "bench-webhook-secret-0123456789"


@benchmark("shipping.")
async def courier_figures(env: BenchEnvironment) -> None:
    import uvicorn

    from app.core.tenancy import Actor, Tenant
    from app.domains import inventory
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.catalog import ProductForm, VariantForm, create_product, variant_by_code
    from app.domains.orders.services import create_manual_order
    from app.domains.shipping import rates
    from app.domains.shipping.booking import book
    from app.domains.shipping.configuration import save_settings, webhook_token
    from app.domains.shipping.tables import CourierShipment
    from app.main import create_app
    from app.sandbox.server import BackgroundSandbox, free_port
    from app.settings import get_settings

    settings = get_settings()
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning", access_log=False))
    serving = asyncio.create_task(server.serve())
    with BackgroundSandbox() as sandbox:
        couriers = sandbox.state.couriers
        settings.biteship_api_base = f"{sandbox.url}/biteship"
        user_id, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Bench Shipping",
                                                   email=f"ship-{env.run_id}@bench.example.id",
                                                   password="bench-password-123"), ip="127.0.0.1")
        tenant = Tenant(org_id, Actor(user_id))
        location = await inventory.default_location(tenant)
        await save_settings(tenant, enabled=True, api_key=API_KEY,
                            services=["jne:reg", "jne:yes", "jnt:ez", "sicepat:reg", "sicepat:best", "anteraja:reg"],
                            webhook_header="x-bench-token", webhook_secret=SECRET,
                            origins_in={location.id: {"contact_name": "Gudang", "phone": "081200000000",
                                                      "address": "Jl. Kemang Raya 10", "postal_code": "12190"}})
        couriers.register(API_KEY, f"{app_url}/shipping/webhooks/{await webhook_token(tenant)}", "x-bench-token",
                          SECRET)
        sku = f"KOPI-{env.run_id}".upper()
        await create_product(tenant, ProductForm(name="Kopi Gayo", brand="Bench", category="Kopi", variants=[
            VariantForm(sku=sku, price=75_000, weight_grams=500, length_cm=20, width_cm=10, height_cm=8)]))
        variant = await variant_by_code(tenant, sku)
        await inventory.receive(tenant, variant["id"], location.id, SHIPMENTS * 2 + 10)

        # -- checkout quotes: each a new (destination, weight), so the aggregator is asked -------
        samples: list[float] = []
        for n in range(QUOTES):
            destination = f"{10110 + (n * 379) % 89000:05d}"
            began = time.perf_counter()
            options = await rates.checkout_options(tenant, location_id=None, destination_postal=destination,
                                                   lines=[rates.ParcelLine(variant["id"], 1 + n % 4, 75_000)])
            samples.append((time.perf_counter() - began) * 1000)
            assert options, f"no courier option for {destination}"
        cached: list[float] = []
        for _n in range(50):
            began = time.perf_counter()
            await rates.checkout_options(tenant, location_id=None, destination_postal="40115",
                                         lines=[rates.ParcelLine(variant["id"], 2, 75_000)])
            cached.append((time.perf_counter() - began) * 1000)
        log.info("checkout quotes: %d, p50 %.1f ms, p95 %.1f ms; cached p95 %.1f ms", len(samples),
                 percentile(samples, 50), percentile(samples, 95), percentile(cached[1:], 95))
        env.report("shipping.rates.p50_ms", round(percentile(samples, 50), 1), "ms", len(samples))
        env.report("shipping.rates.p95_ms", round(percentile(samples, 95), 1), "ms", len(samples))
        env.report("shipping.rates_cached.p95_ms", round(percentile(cached[1:], 95), 1), "ms", len(cached) - 1)

        # -- webhooks: booked shipments picked up, WAVE at a time --------------------------------
        booked: list[str] = []
        for n in range(SHIPMENTS):
            order_id = await create_manual_order(tenant, customer_name=f"Pembeli {n}", phone="081211110000",
                                                 address=f"Jl. Braga {n}, Bandung 40111", lines=[(sku, 1)])
            shipment = await book(tenant, order_id, service="jnt:ez", pickup=True)
            booked.append(shipment.booking_id)
        waits: list[float] = []
        queued: list[float] = []  # including the wait in the sandbox's own delivery queue
        try:
            for first in range(0, SHIPMENTS, WAVE):
                start = len(couriers.delivered)
                for booking_id in booked[first:first + WAVE]:
                    couriers.set_status(booking_id, "picked")
                assert await anyio.to_thread.run_sync(couriers.wait_idle), "webhooks still in flight"
                wave = couriers.delivered[start:]
                assert all(d.status == 200 for d in wave), [d.status for d in wave]
                waits += [((d.answered_at or 0) - (d.sent_at or 0)) * 1000 for d in wave]
                queued += [((d.answered_at or 0) - d.queued_at) * 1000 for d in wave]
        finally:
            server.should_exit = True
            await serving
        picked = await CourierShipment.count().where((CourierShipment.organization == org_id)
                                                     & (CourierShipment.state == "picked"))
        assert picked == SHIPMENTS, f"{picked} of {SHIPMENTS} shipments moved"
    log.info("webhook -> state: %d webhooks, p50 %.1f ms, p95 %.1f ms (from the status change, queue included: "
             "p95 %.1f ms)", len(waits), percentile(waits, 50), percentile(waits, 95), percentile(queued, 95))
    env.report("shipping.webhook_to_state.p50_ms", round(percentile(waits, 50), 1), "ms", len(waits))
    env.report("shipping.webhook_to_state.p95_ms", round(percentile(waits, 95), 1), "ms", len(waits))
