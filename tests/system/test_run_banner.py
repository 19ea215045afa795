"""`storesync run` (what `make run` calls) prints the URL it actually serves."""

from __future__ import annotations

import httpx

from tests.support import free_port, output, spawn, stop, wait_http


def test_the_run_banner_names_the_port_from_PORT():
    port = free_port()
    env = {"PORT": str(port)}
    proc = spawn(["run"], **env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/login", timeout=120)
        banner = output(proc)
        assert httpx.get(url + "/login").status_code == 200
    finally:
        printed = stop(proc)
    assert f"StoreSync demo: {url}" in banner, printed[-2000:]
    assert "127.0.0.1:8000" not in banner
