"""`storesync run` seeds the demo, which places website orders and so counts checkouts, in an event
loop of its own before the server starts in another: the throttle must work in the second loop too
(a limiter cached from the first made every checkout and login after `make run` a 500)."""

from __future__ import annotations

import asyncio
import uuid

from app.core import throttle


def test_the_checkout_and_login_throttles_work_in_a_second_event_loop():
    phone = f"08{uuid.uuid4().int % 10**10:010d}"
    # the seed's loop, then closed
    assert asyncio.run(throttle.checkout_allowed("demo-1", phone)) is True

    async def in_the_servers_loop():
        return (await throttle.checkout_allowed("203.0.113.7", phone),
                await throttle.login_allowed(f"{phone}@example.com", "203.0.113.7"))

    assert asyncio.run(in_the_servers_loop()) == (True, True)


def test_redis_clients_and_the_job_queue_work_in_a_second_event_loop():
    """The same for every Redis client: the worker's queue enqueues after the seed's loop closed."""
    from app.core.queue import get_queue
    from app.core.redis import redis_client

    key = f"loops-{uuid.uuid4().hex}"

    async def use() -> tuple[bool, object]:
        await redis_client().set(key, "1", ex=60)
        job = await get_queue().enqueue("demo_count", key=key, steps=1, delay=0)
        assert job is not None
        await get_queue().abort(job, "test done")
        return bool(await redis_client().exists(key)), redis_client()

    first_ok, first_client = asyncio.run(use())  # the seed's loop, then closed
    second_ok, second_client = asyncio.run(use())
    assert first_ok and second_ok
    assert second_client is not first_client  # each loop has its own connections
