"""Outbound webhook figure: from a domain event to the signed POST arriving at the seller's server.

An endpoint subscribed to order.created points at a real HTTP receiver on loopback (a thread of
this process) that checks every signature. The clock starts when OrderCreated is emitted (what
the orders domain does after its commit: the relay writes the delivery and enqueues its job) and
stops when the receiver has the verified POST; a SAQ worker in this event loop sends it, as a
worker process would. Events come WAVE at a time.

Figures: webhooks.event_to_delivery.p50_ms / .p95_ms (target p95 < 1,000 ms).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench import benchmark
from bench.environment import BenchEnvironment, percentile

log = logging.getLogger("bench.webhooks")

EVENTS = 200
WAVE = 10


@benchmark("webhooks.")
async def event_to_delivery(env: BenchEnvironment) -> None:
    from saq import Worker

    from app.core.events import emit
    from app.core.tenancy import Tenant
    from app.domains import orders
    from app.domains.accounts.schemas import SignupForm
    from app.domains.accounts.services import sign_up
    from app.domains.webhooks import services
    from tasks import worker_settings

    arrived: dict[int, float] = {}
    refused: list[bytes] = []
    secret = [""]
    lock = threading.Lock()
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    wave_target = [0]

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            parts = dict(item.split("=", 1) for item in self.headers.get("StoreSync-Signature", "").split(","))
            expected = hmac.new(secret[0].encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(expected, parts.get("v1", "")):
                refused.append(body)
                self.send_response(401)
                self.end_headers()
                return
            order_id = json.loads(body)["data"]["order_id"]
            with lock:
                arrived[order_id] = time.perf_counter()
                if len(arrived) >= wave_target[0]:
                    loop.call_soon_threadsafe(done.set)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    _user, org_id = await sign_up(SignupForm(name="Rudi Hartono", organization_name="Bench Webhooks",
                                             email=f"hooks-{env.run_id}@bench.example.id",
                                             password="bench-password-123"), ip="127.0.0.1")
    _endpoint, secret[0] = await services.create_endpoint(Tenant(org_id), url=url, description="bench",
                                                          events=["order.created"])
    worker = Worker(**worker_settings())
    worker.SIGNALS = []
    worker.context["in_web_process"] = True
    running = asyncio.create_task(worker.start())
    samples: list[float] = []
    try:
        for first in range(0, EVENTS, WAVE):
            wave = range(first, min(first + WAVE, EVENTS))
            wave_target[0] = first + len(wave)
            done.clear()
            began: dict[int, float] = {}
            for order_id in wave:
                began[order_id] = time.perf_counter()
                await emit(orders.OrderCreated(org_id, order_id, "manual", "ready_to_ship"))
            await asyncio.wait_for(done.wait(), timeout=60)
            samples += [(arrived[i] - began[i]) * 1000 for i in began]
    finally:
        await worker.stop()
        running.cancel()
        server.shutdown()
        server.server_close()
    if refused:
        raise AssertionError(f"{len(refused)} deliveries failed the signature check")
    log.info("event -> delivery: %d events, p50 %.1f ms, p95 %.1f ms", len(samples), percentile(samples, 50),
             percentile(samples, 95))
    env.report("webhooks.event_to_delivery.p50_ms", round(percentile(samples, 50), 1), "ms", len(samples))
    env.report("webhooks.event_to_delivery.p95_ms", round(percentile(samples, 95), 1), "ms", len(samples))
