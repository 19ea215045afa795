"""The marketplace sandbox for the tests that need one (stores, sync, orders, fulfillment): served
over real HTTP on loopback, as production talks to the hosts.

The app under test (in-process, ASGI) is pointed at that sandbox by settings alone; the sandbox
knows the app's credentials, and TikTok's registered redirect URL is the app's callback.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.server import BackgroundSandbox
from app.sandbox.state import SandboxConfig, SandboxState, Shop
from tests.support import post

APP_URL = "http://testserver.local"


@pytest.fixture(scope="session")
def marketplace() -> Iterator[BackgroundSandbox]:
    from app.settings import get_settings

    settings = get_settings()
    state = SandboxState(seed=3)
    state.register_shopee_partner(settings.shopee_partner_id, settings.shopee_partner_key)
    state.register_tiktok_app(settings.tiktok_app_key, settings.tiktok_app_secret,
                              service_id=settings.tiktok_service_id, redirect_url=f"{APP_URL}/stores/callback")
    state.register_lazada_app(settings.lazada_app_key, settings.lazada_app_secret, redirect_url=f"{APP_URL}/stores/callback")
    with BackgroundSandbox(state) as server:
        yield server


@pytest.fixture
def sandbox(marketplace: BackgroundSandbox) -> Iterator[SandboxState]:
    """The sandbox's state, with the app's settings pointing at it for this test."""
    from app.settings import get_settings

    settings = get_settings()
    names = ("base_url", "shopee_api_base", "tiktok_api_base", "tiktok_auth_base", "tiktok_authorize_url",
             "lazada_api_base", "lazada_auth_base", "lazada_authorize_url")
    saved = {name: getattr(settings, name) for name in names}
    settings.base_url = APP_URL
    settings.shopee_api_base = f"{marketplace.url}/shopee"
    settings.tiktok_api_base = f"{marketplace.url}/tiktok"
    settings.tiktok_auth_base = f"{marketplace.url}/tiktok-auth"
    settings.tiktok_authorize_url = f"{marketplace.url}/tiktok-services/open/authorize"
    settings.lazada_api_base = f"{marketplace.url}/lazada/rest"
    settings.lazada_auth_base = f"{marketplace.url}/lazada-auth/rest"
    settings.lazada_authorize_url = f"{marketplace.url}/lazada-auth/oauth/authorize"
    try:
        yield marketplace.state
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        marketplace.state.clear_faults()
        marketplace.state.config = SandboxConfig()


def new_shop(state: SandboxState, platform: str, name: str | None = None) -> Shop:
    from app.settings import get_settings

    settings = get_settings()
    app_id = {"shopee": settings.shopee_partner_id, "tiktok": settings.tiktok_app_key,
              "lazada": settings.lazada_app_key}[platform]
    return state.create_shop(platform, app_id=app_id, name=name, products=2)


async def start_connect(client, platform: str) -> str:
    """Press "Connect ..." and return the marketplace consent page URL the app redirected to."""
    response = await post(client, "/stores/connect", {"platform": platform})
    assert response.status_code == 303, response.text[:300]
    return response.headers["location"]


async def approve(consent_url: str, shop: Shop) -> str:
    """Open the consent page over HTTP and press Authorize for ``shop``; the app URL it sends us back to."""
    async with httpx.AsyncClient() as browser:
        page = await browser.get(consent_url)
    assert page.status_code == 200, page.text[:300]
    match = re.search(rf'data-shop-id="{shop.shop_id}" href="([^"]+)"', page.text)
    assert match, f"shop {shop.shop_id} is not offered on the consent page"
    target = html.unescape(match.group(1))
    assert target.startswith(f"{APP_URL}/stores/callback?"), target
    return target[len(APP_URL):]


async def connect(client, shop: Shop) -> httpx.Response:
    """The whole flow: connect button, consent page, approve, back to the app's callback."""
    return await client.get(await approve(await start_connect(client, shop.platform), shop))
