"""Live progress over server-sent events from real processes: two web processes and a separate
worker process share only the database and Redis, and either web process streams the job."""

from __future__ import annotations

import json
import re

import httpx

from tests.support import free_port, make_account, spawn, stop, wait_http


def _login(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=10)
    client.get("/login")
    response = client.post("/login", data={"email": email, "password": password},
                           headers={"x-csrftoken": client.cookies["ss_csrf"]})
    assert response.status_code == 303
    return client


async def test_progress_streams_live_through_any_web_process():
    account = await make_account()
    ports = [free_port(), free_port()]
    webs = [spawn(["serve", "--port", str(p)]) for p in ports]
    worker = spawn(["worker"])
    try:
        for p in ports:
            wait_http(f"http://127.0.0.1:{p}/login")
        first = _login(f"http://127.0.0.1:{ports[0]}", account.email, account.password)
        started = first.post("/jobs/demo", headers={"x-csrftoken": first.cookies["ss_csrf"], "HX-Request": "true"})
        assert started.status_code == 200
        job_id = int(re.search(r'sse-connect="/jobs/(\d+)/events"', started.text).group(1))

        # follow it through the OTHER web process, with the same session cookie
        second = httpx.Client(base_url=f"http://127.0.0.1:{ports[1]}", timeout=30, cookies=first.cookies)
        percents, events = [], []
        with second.stream("GET", f"/jobs/{job_id}/events") as stream:  # noqa: ASYNC212 (a real server in another process)
            assert stream.headers["content-type"].startswith("text/event-stream")
            event = None
            for line in stream.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                    events.append(event)
                elif line.startswith("data:") and event == "progress":
                    percents.append(int(re.search(r'data-percent="(\d+)"', line).group(1)))
                if event == "done":
                    break
        assert events[-1] == "done"
        assert percents[-1] == 100
        assert len(set(percents)) >= 3, f"expected several live updates, got {percents}"
        assert percents == sorted(percents), "progress never goes backwards"

        health = httpx.get(f"http://127.0.0.1:{ports[1]}/healthz").json()  # noqa: ASYNC210
        assert health["workers"]["ok"] and health["workers"]["count"] >= 1, json.dumps(health)
    finally:
        for proc in [*webs, worker]:
            stop(proc)
