from __future__ import annotations

from litestar import get
from litestar.response import Response

from app.domains.system.services import health


@get("/healthz", name="system:health", opt={"public": True, "skip_session": True})
async def healthz() -> Response:
    state = await health()
    return Response(state, status_code=200 if state["ok"] else 503, headers={"Cache-Control": "no-store"})
