"""The payment sandbox inside the web app (the demo's, no internet): its gateway pages answer
everyone, its control API only loopback clients; the demo keys are registered with it."""

from __future__ import annotations

import base64

import httpx

from app.domains.stores.sandbox import mounted_sandbox
from app.settings import get_settings

REMOTE = ("203.0.113.7", 40123)


def client_from(app, address) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=address), base_url="http://testserver.local")


async def test_remote_visitors_reach_the_gateway_api_but_not_its_control(app):
    payments = mounted_sandbox().state.sandbox.payments
    settings = get_settings()
    auth = "Basic " + base64.b64encode(f"{settings.sandbox_midtrans_server_key}:".encode()).decode()
    async with client_from(app, REMOTE) as client:
        refused = await client.post("/sandbox/_control/payments/faults", json={"kind": "drop"})
        created = await client.post("/sandbox/midtrans/snap/v1/transactions", headers={"Authorization": auth},
                                    json={"transaction_details": {"order_id": "W-MOUNTED-1", "gross_amount": 10_000}})
        page = await client.get(created.json()["redirect_url"].replace(settings.base_url.rstrip("/"), ""))
    assert refused.status_code == 404 and payments.faults == []
    assert created.status_code == 201, created.text
    assert created.json()["redirect_url"].startswith(settings.base_url.rstrip("/") + "/sandbox/midtrans/snap/v4/")
    assert page.status_code == 200 and "W-MOUNTED-1" in page.text
    async with client_from(app, ("127.0.0.1", 5000)) as local:
        allowed = await local.post("/sandbox/_control/payments/faults", json={"kind": "drop", "provider": "midtrans"})
        await local.delete("/sandbox/_control/payments/faults")
    assert allowed.status_code == 201
    assert settings.sandbox_xendit_secret_key in payments.xendit_accounts
    assert payments.xendit_accounts[settings.sandbox_xendit_secret_key].callback_url.endswith("/payments/xendit/callback")
