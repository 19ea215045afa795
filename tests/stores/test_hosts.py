"""Where the adapters point: the mounted sandbox by default, the live hosts by settings alone."""

from __future__ import annotations

from app.settings import Settings
from tests.support import http_client


def test_hosts_default_to_the_mounted_sandbox_and_switch_to_live_hosts_by_settings():
    sandboxed = Settings(base_url="https://toko.example.id/", sandbox_enabled=True)
    assert sandboxed.marketplace_host("shopee_api_base") == "https://toko.example.id/sandbox/shopee"
    assert sandboxed.marketplace_host("tiktok_auth_base") == "https://toko.example.id/sandbox/tiktok-auth"
    live = Settings(sandbox_enabled=False)
    assert live.marketplace_host("shopee_api_base") == "https://partner.shopeemobile.com"
    assert live.marketplace_host("tiktok_api_base") == "https://open-api.tiktokglobalshop.com"
    assert live.marketplace_host("tiktok_authorize_url") == "https://services.tiktokshop.com/open/authorize"
    explicit = Settings(shopee_api_base="https://openplatform.sandbox.test-stable.shopee.sg/")
    assert explicit.marketplace_host("shopee_api_base") == "https://openplatform.sandbox.test-stable.shopee.sg"


async def test_the_mounted_sandbox_answers_under_sandbox_without_login(app):
    async with http_client(app) as client:
        consent = await client.get("/sandbox/tiktok-services/open/authorize", params={"service_id": "unknown"})
        assert consent.status_code == 400 and consent.text == "Unknown service_id"
        unsigned = await client.get("/sandbox/shopee/api/v2/shop/get_shop_info")
        assert unsigned.status_code == 400 and unsigned.json()["error"] == "error_param"
