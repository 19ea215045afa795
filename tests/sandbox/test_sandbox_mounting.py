"""The sandbox works mounted under a prefix in another Litestar app, both as a mount and as routers."""

from __future__ import annotations

import time

import pytest
from litestar import Litestar, Router, asgi
from litestar.testing import AsyncTestClient
from litestar.types import Receive, Scope, Send

from app.integrations.shopee import signing
from app.sandbox import SandboxState, create_sandbox_app
from app.sandbox.app import sandbox_routers


def _host_apps(state: SandboxState) -> list[Litestar]:
    child = create_sandbox_app(state)

    @asgi("/sandbox", is_mount=True, copy_scope=True)
    async def mounted(scope: Scope, receive: Receive, send: Send) -> None:
        await child(scope, receive, send)

    return [Litestar([mounted]), Litestar([Router("/sandbox", route_handlers=sandbox_routers(state))])]


@pytest.mark.parametrize("style", [0, 1], ids=["asgi-mount", "routers"])
async def test_signed_call_and_control_api_work_under_a_prefix(style: int):
    state = SandboxState(seed=7)
    state.register_shopee_partner(1, "mount-key")
    shop = state.create_shop("shopee", app_id=1, products=3)
    token, *_ = state.issue_tokens("shopee", shop.shop_id, "1")
    path = "/api/v2/product/get_item_list"
    ts = int(time.time())
    sign = signing.api_sign("mount-key", partner_id=1, path=path, timestamp=ts, access_token=token,
                            shop_id=shop.shop_id)
    async with AsyncTestClient(_host_apps(state)[style]) as client:
        listed = await client.get(f"/sandbox/shopee{path}", params={
            "partner_id": 1, "timestamp": ts, "sign": sign, "access_token": token, "shop_id": shop.shop_id,
            "offset": 0, "page_size": 10, "item_status": "NORMAL"})
        assert listed.status_code == 200 and listed.json()["response"]["total_count"] == 3
        control = await client.get(f"/sandbox/_control/shops/shopee/{shop.shop_id}")
        assert control.json()["products"] == 3
