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
