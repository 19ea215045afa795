"""Run the sandbox on its own: ``serve()`` in the foreground, ``BackgroundSandbox`` in a thread (tests, demo)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from app.sandbox.app import create_sandbox_app
from app.sandbox.state import SandboxState


def serve(host: str = "127.0.0.1", port: int = 8090, *, state: SandboxState | None = None,
          log_level: str = "info") -> None:
    """Serve the sandbox with uvicorn until interrupted; base URLs are http://host:port/shopee etc."""
    uvicorn.run(create_sandbox_app(state), host=host, port=port, log_level=log_level)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class BackgroundSandbox:
    """The sandbox served by uvicorn on a background thread; ``with BackgroundSandbox() as sb: sb.url``."""

    def __init__(self, state: SandboxState | None = None, *, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.state = state or SandboxState()
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(create_sandbox_app(self.state), host=host, port=self.port, log_level="warning",
                                lifespan="on", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="sandbox-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 10.0) -> BackgroundSandbox:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)

    def __enter__(self) -> BackgroundSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
