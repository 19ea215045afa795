"""Payments tests: the payment sandbox (the marketplace sandbox's server, over real HTTP) and the app
served by uvicorn in the test's own event loop, so the sandbox's notifications reach the real
receivers over HTTP and PaymentSettled listeners registered here see what happens."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import anyio.to_thread
import pytest
import uvicorn

from app.sandbox.payment_state import PaymentSandbox
from app.sandbox.server import BackgroundSandbox
from tests.support import free_port, make_account, unique, wait_http

SERVER_KEY = "SB-Mid-server-tests"
XENDIT_SECRET = "xnd_development_tests"
CALLBACK_TOKEN = "xendit-callback-token-tests"


@dataclass
class PayEnv:
    sandbox: PaymentSandbox
    sandbox_url: str
    app_url: str

    async def flush(self) -> None:
        assert await anyio.to_thread.run_sync(self.sandbox.dispatcher.wait_idle), "notifications still in flight"


@pytest.fixture(scope="session")
async def live_app(app) -> AsyncIterator[str]:
    """The app under test served over real HTTP on loopback, in this event loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    url = f"http://127.0.0.1:{port}"
    await anyio.to_thread.run_sync(wait_http, f"{url}/healthz")  # the loop keeps serving while we wait
    yield url
    server.should_exit = True
    await task


@pytest.fixture
def pay(marketplace: BackgroundSandbox, live_app: str) -> Iterator[PayEnv]:
    from app.settings import get_settings

    settings = get_settings()
    names = ("midtrans_snap_base", "midtrans_api_base", "xendit_api_base")
    saved = {name: getattr(settings, name) for name in names}
    settings.midtrans_snap_base = f"{marketplace.url}/midtrans/snap/v1"
    settings.midtrans_api_base = f"{marketplace.url}/midtrans"
    settings.xendit_api_base = f"{marketplace.url}/xendit"
    sandbox = marketplace.state.payments
    sandbox.register_midtrans(SERVER_KEY, f"{live_app}/payments/midtrans/notification")
    sandbox.register_xendit(XENDIT_SECRET, CALLBACK_TOKEN, f"{live_app}/payments/xendit/callback")
    try:
        yield PayEnv(sandbox, marketplace.url, live_app)
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        sandbox.clear()


async def gateway_org(**overrides) -> int:
    """An organisation with every method on and the test keys."""
    from app.core.tenancy import Tenant
    from app.domains.payments.configuration import save_settings

    account = await make_account()
    values = dict(cod_enabled=True, bank_transfer_enabled=True, midtrans_enabled=True, xendit_enabled=True,
                  bank_accounts=[{"bank": "BCA", "number": "1234567890", "holder": "Toko Uji"}],
                  secrets={"midtrans_server_key": SERVER_KEY, "xendit_secret_key": XENDIT_SECRET,
                           "xendit_callback_token": CALLBACK_TOKEN})
    values.update(overrides)
    await save_settings(Tenant(account.org_id), **values)
    return account.org_id


def order_number() -> str:
    return unique("W-").upper()


@pytest.fixture
def settled() -> Iterator[list]:
    """Every PaymentSettled emitted during the test."""
    from app.domains.payments import events

    seen: list = []

    async def listen(event) -> None:
        seen.append(event)

    events.on_payment_settled(listen)
    yield seen
    events.remove_listener(listen)
