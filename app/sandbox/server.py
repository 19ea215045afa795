"""Run the sandbox on its own: ``run_sandbox()`` (`storesync sandbox`) and ``serve()`` in the foreground,
``BackgroundSandbox`` in a thread (tests, demo)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from app.sandbox.app import create_sandbox_app
from app.sandbox.state import SandboxState
from app.settings import Settings, get_settings


def serve(host: str = "127.0.0.1", port: int = 8090, *, state: SandboxState | None = None,
          log_level: str = "info", access_log: bool = True) -> None:
    """Serve the sandbox with uvicorn until interrupted; base URLs are http://host:port/shopee etc."""
    uvicorn.run(create_sandbox_app(state), host=host, port=port, log_level=log_level, access_log=access_log)


def standalone_state(settings: Settings) -> SandboxState:
    """The state `storesync sandbox` starts with: the SANDBOX_* credentials registered (so any client
    holding them can sign requests) and one shop per platform whose pushes go to StoreSync's BASE_URL."""
    base = settings.base_url.rstrip("/")
    state = SandboxState(seed=2026)
    state.register_shopee_partner(settings.sandbox_shopee_partner_id, settings.sandbox_shopee_partner_key)
    state.register_tiktok_app(settings.sandbox_tiktok_app_key, settings.sandbox_tiktok_app_secret,
                              service_id=settings.tiktok_service_id, redirect_url=f"{base}/stores/callback")
    state.register_lazada_app(settings.sandbox_lazada_app_key, settings.sandbox_lazada_app_secret,
                              redirect_url=f"{base}/stores/callback")
    state.create_shop("shopee", app_id=settings.sandbox_shopee_partner_id, name="Sandbox Shopee Shop", products=30,
                      callback_url=f"{base}/webhooks/shopee")
    state.create_shop("tiktok", app_id=settings.sandbox_tiktok_app_key, name="Sandbox TikTok Shop", products=30,
                      callback_url=f"{base}/webhooks/tiktok")
    state.create_shop("lazada", app_id=settings.sandbox_lazada_app_key, name="Sandbox Lazada Shop", products=30,
                      callback_url=f"{base}/webhooks/lazada")
    register_payment_accounts(state, settings)
    return state


def register_payment_accounts(state: SandboxState, settings: Settings, public_url: str = "") -> None:
    """Midtrans and Xendit accounts with the SANDBOX_* keys, notifying StoreSync's receivers at BASE_URL."""
    base = settings.base_url.rstrip("/")
    if public_url:
        state.payments.public_url = public_url.rstrip("/")
    state.payments.register_midtrans(settings.sandbox_midtrans_server_key, f"{base}/payments/midtrans/notification")
    state.payments.register_xendit(settings.sandbox_xendit_secret_key, settings.sandbox_xendit_callback_token,
                                   f"{base}/payments/xendit/callback")
    # The courier aggregator's account; its webhook is set through /_control/couriers/accounts
    # (the receiver's URL and header are each organisation's own, shown in Settings -> Shipping).
    state.couriers.register(settings.sandbox_biteship_api_key)


def run_sandbox(host: str = "127.0.0.1", port: int = 8100, *, settings: Settings | None = None) -> None:
    """`storesync sandbox`: serve the emulator on its own until interrupted."""
    settings = settings or get_settings()
    state = standalone_state(settings)
    url = f"http://{host}:{port}"
    state.payments.public_url = url
    # Ids only: the keys are secrets and never printed.
    print(f"Marketplace sandbox on {url}: Shopee {url}/shopee (partner id {settings.sandbox_shopee_partner_id}), "
          f"TikTok Shop {url}/tiktok and {url}/tiktok-auth (app key {settings.sandbox_tiktok_app_key}), "
          f"Lazada {url}/lazada/rest and {url}/lazada-auth (app key {settings.sandbox_lazada_app_key}), "
          f"Midtrans {url}/midtrans, Xendit {url}/xendit, couriers {url}/biteship, control API {url}/_control", flush=True)
    for shop in state.shops.values():
        print(f"  {shop.platform} shop {shop.shop_id}: {shop.name}", flush=True)
    # No access log: TikTok's token host takes app_secret in the query string. /_control/calls lists calls.
    serve(host, port, state=state, access_log=False)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class BackgroundSandbox:
    """The sandbox served by uvicorn on a background thread; ``with BackgroundSandbox() as sb: sb.url``."""

    def __init__(self, state: SandboxState | None = None, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.state = state or SandboxState()
        self.host = host
        self.port = port or free_port(host)
        if not self.state.payments.public_url:
            self.state.payments.public_url = self.url
        config = uvicorn.Config(create_sandbox_app(self.state), host=host, port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sandbox-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundSandbox:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
