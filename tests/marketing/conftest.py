"""Each marketing test's buyers come from an address of their own: the checkout throttle counts
checkouts per IP address a minute, and these tests place many (races, refusals)."""

from __future__ import annotations

import itertools

import httpx
import pytest

_addresses = itertools.count(1)


@pytest.fixture
async def client(app):
    n = next(_addresses)
    transport = httpx.ASGITransport(app=app, client=(f"198.51.{100 + n // 250}.{n % 250 + 1}", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as test_client:
        yield test_client
