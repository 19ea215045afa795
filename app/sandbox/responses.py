"""Response building shared by the emulated platforms, including the fault switches.

A fault is decided before anything else in a request (as a real outage would be), except
``expire_token`` which silently expires the shop's tokens and lets the normal checks refuse.
"""

from __future__ import annotations

import asyncio
import html
import json
import secrets
from collections.abc import Callable
from typing import Any

from litestar import Response

from app.sandbox.state import SandboxState

MALFORMED_BODY = b'{"request_id": "sandbox-malformed", "error": "", "response": {"item": [{"item_id": 1'


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(content=json.dumps(payload, separators=(",", ":")).encode(), status_code=status,
                    media_type="application/json", headers=headers)


def request_id() -> str:
    return secrets.token_hex(16)


async def apply_fault(
    state: SandboxState,
    platform: str,
    shop_id: str | None,
    *,
    rate_limited: Callable[[], Response],
    server_error: Callable[[], Response],
    path: str | None = None,
) -> Response | None:
    """Consume one matching fault: a response to send instead, or None to carry on normally."""
    fault = state.take_fault(platform, shop_id, path)
    if fault is None:
        return None
    if fault.kind == "rate_limit":
        return rate_limited()
    if fault.kind == "server_error":
        return server_error()
    if fault.kind == "malformed":
        return Response(content=MALFORMED_BODY, status_code=200, media_type="application/json")
    if fault.kind in ("slow", "hang"):
        # A hang is a slow answer longer than the client waits; both then answer normally.
        await asyncio.sleep(fault.seconds)
        return None
    if fault.kind == "expire_token" and shop_id:
        state.expire_tokens(platform, shop_id)
    return None


def html_page(title: str, heading: str, body: str) -> Response:
    """A small self-contained HTML page (the platforms' consent screens)."""
    page = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;max-width:32rem;margin:2rem auto;"
        "padding:0 1rem}ul{list-style:none;padding:0}li{border:1px solid #ddd;border-radius:8px;padding:1rem;"
        "margin:1rem 0}.button{display:inline-block;background:#ee4d2d;color:#fff;padding:.75rem 1.5rem;"
        "border-radius:6px;text-decoration:none}</style></head><body>"
        f"<h1>{html.escape(heading)}</h1><p>{html.escape(title)}</p><ul>{body}</ul></body></html>"
    )
    return Response(content=page, media_type="text/html", status_code=200)
