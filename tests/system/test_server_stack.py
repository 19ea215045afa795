"""`storesync serve` and the benchmark's bare route run on uvicorn's fast parser and event loop,
with the same settings (bench/http.py takes them from app/cli.py)."""

from __future__ import annotations

import inspect

import uvicorn

from app.cli import server_options


def test_uvicorn_runs_the_app_on_httptools_and_uvloop():
    options = server_options()
    assert options["http"] == "httptools" and options["loop"] == "uvloop"
    config = uvicorn.Config("app.asgi:app", **options)
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    loop = config.get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()


def test_the_bare_bench_route_is_served_with_the_apps_settings():
    import bench.http

    source = inspect.getsource(bench.http.serve_bare)
    assert "**server_options()" in source
