"""Webhook delivery from the sandbox, signed exactly as each platform signs its pushes.

Deliveries run on one daemon thread with a synchronous httpx client so that they work the same
whether the state is driven from an HTTP handler, from a test thread, or from the demo process.
A failed delivery is logged and recorded, never raised into the code that caused the event.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from dataclasses import dataclass

import httpx

from app.integrations.lazada import signing as lazada_signing
from app.integrations.shopee import signing as shopee_signing
from app.integrations.tiktok import signing as tiktok_signing

log = logging.getLogger(__name__)


@dataclass
class Delivery:
    platform: str
    url: str
    body: bytes
    signature: str = ""
    status: int | None = None
    error: str | None = None


class WebhookDispatcher:
    """Queue of pushes delivered in order by a background thread; ``wait_idle`` lets tests sync up."""

    def __init__(self, *, timeout: float = 3.0) -> None:
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._timeout = timeout
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.delivered: list[Delivery] = []

    def deliver(self, platform: str, url: str, payload: dict, *, secret: str, app_key: str | None) -> None:
        body = json.dumps(payload, separators=(",", ":")).encode()
        if platform == "shopee":
            signature = shopee_signing.push_sign(secret, callback_url=url, body=body)
        elif platform == "lazada":
            signature = lazada_signing.push_sign(secret, app_key=app_key or "", body=body)
        else:
            signature = tiktok_signing.webhook_sign(secret, app_key=app_key or "", body=body)
        delivery = Delivery(platform, url, body, signature)
        self._ensure_thread()
        self._queue.put(delivery)

    def _ensure_thread(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout) as client:
            while True:
                delivery = self._queue.get()
                try:
                    if delivery is None:
                        return
                    self._send(client, delivery)
                finally:
                    self._queue.task_done()

    def _send(self, client: httpx.Client, delivery: Delivery) -> None:
        try:
            response = client.post(delivery.url, content=delivery.body, headers={
                "Content-Type": "application/json", "Authorization": delivery.signature,
            })
            delivery.status = response.status_code
            if response.status_code >= 300:
                log.warning("sandbox webhook to %s answered %s", delivery.url, response.status_code)
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            log.warning("sandbox webhook to %s failed: %s", delivery.url, delivery.error)
        self.delivered.append(delivery)

    def wait_idle(self) -> None:
        """Block until every queued push has been attempted."""
        self._queue.join()
