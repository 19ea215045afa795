"""`storesync serve` and the benchmark's bare route run on uvicorn's fast parser and event loop."""

from __future__ import annotations

import uvicorn


def test_uvicorn_picks_httptools_and_uvloop_for_the_app():
    # Both app/cli.py and bench/http.py leave uvicorn's http and loop on "auto": installed, these win.
    config = uvicorn.Config("app.asgi:app")
    assert config.http == "auto" and config.loop == "auto"
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    loop = config.get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
