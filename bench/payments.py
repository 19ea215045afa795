"""Payment figures: how long from the gateway deciding "paid" to the order's payment being paid.

The payment sandbox (app.sandbox.server.BackgroundSandbox, a thread of this process) sends the
signed Midtrans settlement notification over real HTTP to the app's receiver, served by uvicorn
in this event loop; the clock starts when the sandbox's pay action runs (what a buyer's "Pay" does)
and stops when PaymentSettled is emitted (verified, amount checked, applied, committed). Payments
are paid WAVE at a time, as buyers do, not all at once.

Figures: payments.notification_to_paid.p50_ms / .p95_ms (target p95 < 500 ms).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import anyio.to_thread

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.payments")

PAYMENTS = 200
WAVE = 10
SERVER_KEY = "SB-Mid-server-bench"


@benchmark("payments.")
async def notification_to_paid(env: BenchEnvironment) -> None:
    import uvicorn

    from app.core.clock import utcnow
    from app.core.tenancy import Tenant
    from app.domains import payments
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.payments import events
    from app.domains.payments.configuration import save_settings
    from app.main import create_app
    from app.sandbox.server import BackgroundSandbox, free_port
    from app.settings import get_settings

    settings = get_settings()
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, lifespan="off",
                                           log_level="warning", access_log=False))
    serving = asyncio.create_task(server.serve())
    settled: dict[int, float] = {}
    done = asyncio.Event()
    wave_target = [0]

    async def listen(event: events.PaymentSettled) -> None:
        settled[event.payment_id] = time.perf_counter()
        if len(settled) >= wave_target[0]:
            done.set()

    with BackgroundSandbox() as sandbox:
        sandbox.state.payments.register_midtrans(SERVER_KEY, f"{app_url}/payments/midtrans/notification")
        settings.midtrans_snap_base = f"{sandbox.url}/midtrans/snap/v1"
        settings.midtrans_api_base = f"{sandbox.url}/midtrans"
        _user, org_id = await sign_up(SignupForm(name="Dewi Lestari", organization_name="Bench Payments",
                                                 email=f"pay-{env.run_id}@bench.example.id",
                                                 password="bench-password-123"), ip="127.0.0.1")
        await save_settings(Tenant(org_id), cod_enabled=True, bank_transfer_enabled=False, midtrans_enabled=True,
                            xendit_enabled=False, bank_accounts=[], secrets={"midtrans_server_key": SERVER_KEY})
        numbers: list[tuple[int, str]] = []
        for n in range(PAYMENTS):
            number = f"W-BENCH-{env.run_id}-{n:05d}"
            start = await payments.start_payment(org_id, 10_000_000 + n, number, 50_000 + n, "midtrans", "Bench",
                                                 "+6281200000000", None, utcnow() + timedelta(hours=1), app_url)
            numbers.append((start.payment_id, number))
        events.on_payment_settled(listen)
        samples: list[float] = []
        try:
            for first in range(0, PAYMENTS, WAVE):
                wave = numbers[first:first + WAVE]
                wave_target[0] = first + len(wave)
                done.clear()
                began: dict[int, float] = {}
                for payment_id, number in wave:
                    began[payment_id] = time.perf_counter()
                    await anyio.to_thread.run_sync(sandbox.state.payments.midtrans_act, number, "pay")
                await asyncio.wait_for(done.wait(), timeout=60)
                samples += [(settled[pid] - began[pid]) * 1000 for pid in began]
        finally:
            events.remove_listener(listen)
            server.should_exit = True
            await serving
    log.info("notification -> paid: %d payments, p50 %.1f ms, p95 %.1f ms", len(samples), percentile(samples, 50),
             percentile(samples, 95))
    env.report("payments.notification_to_paid.p50_ms", round(percentile(samples, 50), 1), "ms", len(samples))
    env.report("payments.notification_to_paid.p95_ms", round(percentile(samples, 95), 1), "ms", len(samples))
