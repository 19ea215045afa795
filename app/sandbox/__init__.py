"""A local, stateful emulator of the Shopee Open Platform v2 and TikTok Shop (202309) HTTP APIs.

Entry points: ``create_sandbox_app(state)`` (an ASGI app), ``SandboxState`` (the Python API),
``app.sandbox.server.serve`` / ``BackgroundSandbox`` (run it on its own).
"""

from app.sandbox.app import create_sandbox_app
from app.sandbox.state import SandboxConfig, SandboxState

__all__ = ["SandboxConfig", "SandboxState", "create_sandbox_app"]
