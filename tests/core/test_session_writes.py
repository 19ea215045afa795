"""A request that leaves the session as it was does not write it to Redis again; one that changes
it does, and an active session is still renewed before it can expire."""

from __future__ import annotations

from datetime import timedelta

from app.core.clock import clock_at, utcnow
from app.core.redis import redis_client
from app.settings import get_settings
from tests.support import http_client, post

MAX_AGE = get_settings().session_max_age


def _key(client) -> str:
    return f"{get_settings().queue_name}-sessions:{client.cookies.get('ss_session')}"


async def _shorten(client, seconds: int = 1000) -> None:
    """Bring the stored session's expiry down, so a write (which sets it to the full age) shows."""
    assert await redis_client().expire(_key(client), seconds)


async def test_reading_pages_does_not_rewrite_the_session(owner_client):
    await _shorten(owner_client)
    before = await redis_client().get(_key(owner_client))
    for path in ("/", "/orders", "/products"):
        response = await owner_client.get(path)
        assert response.status_code == 200
        assert "ss_session=" in response.headers.get("set-cookie", "")  # the cookie still goes out
    assert await redis_client().ttl(_key(owner_client)) <= 1000
    assert await redis_client().get(_key(owner_client)) == before


async def test_a_changed_session_is_written(owner_client):
    await _shorten(owner_client)
    response = await post(owner_client, "/language", {"locale": "id"})
    assert response.status_code in (200, 303)
    assert await redis_client().ttl(_key(owner_client)) > MAX_AGE - 60
    assert b'"locale":"id"' in (await redis_client().get(_key(owner_client))).replace(b" ", b"")


async def test_an_active_session_is_renewed_before_it_expires(owner_client):
    await _shorten(owner_client)
    with clock_at(utcnow() + timedelta(seconds=MAX_AGE // 10 + 60)):
        assert (await owner_client.get("/")).status_code == 200
    assert await redis_client().ttl(_key(owner_client)) > MAX_AGE - 60
    # ...and the next request, within the tenth of its life, leaves it alone again
    await _shorten(owner_client)
    with clock_at(utcnow() + timedelta(seconds=MAX_AGE // 10 + 120)):
        assert (await owner_client.get("/orders")).status_code == 200
    assert await redis_client().ttl(_key(owner_client)) <= 1000


async def test_a_visitor_who_has_not_signed_in_gets_no_stored_session(app):
    async with http_client(app) as client:
        response = await client.get("/login")
        assert response.status_code == 200
        assert "ss_session" not in client.cookies
        response = await post(client, "/login", {"email": "nobody@example.id", "password": "wrong-password-1"})
        assert response.status_code in (200, 400, 401, 422)
        assert "ss_session" not in client.cookies or await redis_client().get(_key(client)) is not None
