"""What a real `storesync serve` process prints: uvicorn's access log with secrets in query strings
masked, and (in development) one warning about the development settings."""

from __future__ import annotations

import httpx

from tests.support import free_port, spawn, stop, wait_http


def test_the_access_log_masks_secrets_and_development_warns_once():
    port = free_port()
    proc = spawn(["serve", "--port", str(port)], STORESYNC_ENV="development", ENCRYPTION_KEYS="")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/healthz", timeout=60)
        with httpx.Client(base_url=url, timeout=30) as client:
            client.get("/stores/callback", params={"code": "oauth-code-5150", "shop_id": "77", "state": "s"})
            client.get("/login", params={"access_token": "leaky-token-6160", "sign": "abcdef0123456789"})
    finally:
        text = stop(proc)
    assert "GET /login?access_token=[redacted]&sign=[redacted]" in text, text[-3000:]
    assert "/stores/callback?code=[redacted]&shop_id=77" in text, text[-3000:]
    for secret in ("oauth-code-5150", "leaky-token-6160", "abcdef0123456789"):
        assert secret not in text
    assert text.count("development settings (not for production") == 1, text[-3000:]
