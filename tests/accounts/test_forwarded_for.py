"""X-Forwarded-For is believed only from TRUSTED_PROXIES: a local process cannot pick its own
address to escape the login throttle or to write a made-up address into the audit trail. The
throttle also counts failures per account, whatever the address."""

from __future__ import annotations

import json

import httpx
import pytest

from app.domains.audit.tables import AuditEntry
from tests.support import free_port, make_account, spawn, stop, wait_http


async def _failed_login_ips(email: str) -> list[str]:
    rows = await AuditEntry.select(AuditEntry.ip, AuditEntry.after).where(AuditEntry.action == "account.login_failed")
    found = []
    for row in rows:
        after = json.loads(row["after"]) if isinstance(row["after"], str) else row["after"]
        if (after or {}).get("email") == email:
            found.append(row["ip"])
    return found


def _attempt(client: httpx.Client, email: str, password: str, forwarded_for: str) -> httpx.Response:
    if not client.cookies.get("ss_csrf"):
        client.get("/login")
    return client.post("/login", data={"email": email, "password": password},
                       headers={"x-csrftoken": client.cookies["ss_csrf"], "HX-Request": "true",
                                "X-Forwarded-For": forwarded_for})


@pytest.fixture
def server_trusting():
    """Start `storesync serve` with the given TRUSTED_PROXIES; stopped after the test."""
    procs = []

    def start(trusted: str) -> str:
        port = free_port()
        proc = spawn(["serve", "--port", str(port)], TRUSTED_PROXIES=trusted)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_http(url + "/healthz", timeout=60)
        except TimeoutError:
            print(stop(proc))
            raise
        return url

    yield start
    for proc in procs:
        stop(proc)


async def test_forwarded_for_from_an_untrusted_peer_neither_escapes_the_throttle_nor_reaches_the_audit(server_trusting):
    account = await make_account()
    url = server_trusting("")
    with httpx.Client(base_url=url, timeout=30) as client:
        for n in range(5):
            response = _attempt(client, account.email, "wrong-password", f"203.0.113.{n + 1}")
            assert response.status_code == 422, (n, response.status_code)
        blocked = _attempt(client, account.email, account.password, "198.51.100.77")
    assert blocked.status_code == 429, "a new X-Forwarded-For bought fresh attempts"
    ips = await _failed_login_ips(account.email)
    assert ips == ["127.0.0.1"] * 5, ips


async def test_forwarded_for_from_a_trusted_proxy_is_the_client_address(server_trusting):
    account = await make_account()
    url = server_trusting("127.0.0.1")
    with httpx.Client(base_url=url, timeout=30) as client:
        response = _attempt(client, account.email, "wrong-password", "203.0.113.9")
        assert response.status_code == 422
        # behind a trusted proxy each client address has its own per-address count
        for _ in range(4):
            _attempt(client, account.email, "wrong-password", "203.0.113.9")
        assert _attempt(client, account.email, account.password, "203.0.113.9").status_code == 429
        assert _attempt(client, account.email, account.password, "203.0.113.10").status_code in (200, 303)
    assert (await _failed_login_ips(account.email))[0] == "203.0.113.9"


async def test_an_account_is_throttled_whatever_address_the_guesses_come_from(app):
    from app.settings import get_settings

    account = await make_account()
    limit = get_settings().login_account_max_attempts
    per_address = get_settings().login_max_attempts - 1  # stay under the per-address limit
    addresses = [f"10.9.{n // 250}.{n % 250 + 1}" for n in range(limit // per_address + 2)]
    failures = 0
    for address in addresses:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
            await client.get("/login")
            for _ in range(per_address):
                if failures == limit:
                    break
                response = await client.post("/login", data={"email": account.email, "password": "wrong-guess"},
                                             headers={"x-csrftoken": client.cookies["ss_csrf"], "HX-Request": "true"})
                assert response.status_code == 422, (address, failures, response.status_code)
                failures += 1
    assert failures == limit
    transport = httpx.ASGITransport(app=app, client=("10.9.99.99", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        await client.get("/login")
        response = await client.post("/login", data={"email": account.email, "password": account.password},
                                     headers={"x-csrftoken": client.cookies["ss_csrf"], "HX-Request": "true"})
    assert response.status_code == 429, "a fresh address still had tries on an account under attack"
