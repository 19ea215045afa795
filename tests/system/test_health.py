from __future__ import annotations

import httpx

from tests.support import free_port, http_client, spawn, stop, unique, wait_http


async def test_health_is_200_with_database_redis_and_a_worker(app, worker):
    async with http_client(app) as client:
        response = await client.get("/healthz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["database"]["ok"] and body["redis"]["ok"] and body["workers"]["ok"]
    assert body["workers"]["count"] >= 1


def test_health_is_503_when_no_worker_serves_the_queue():
    port = free_port()
    proc = spawn(["serve", "--port", str(port)], QUEUE_NAME=unique("queue-without-workers-"))
    try:
        wait_http(f"http://127.0.0.1:{port}/login")
        response = httpx.get(f"http://127.0.0.1:{port}/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["database"]["ok"] and body["redis"]["ok"]
        assert body["workers"]["ok"] is False and "no job worker" in body["workers"]["error"]
    finally:
        stop(proc)
