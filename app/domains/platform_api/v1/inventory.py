"""/api/v1/locations, /api/v1/stock and /api/v1/stock/adjustments, through inventory's services."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Response

from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.platform_api import idempotency
from app.domains.platform_api.guard import STATE_PRINCIPAL
from app.domains.platform_api.v1.models import (
    AdjustmentIn,
    AdjustmentOut,
    LocationOut,
    Page,
    StockLevelOut,
    decode_cursor,
    encode_cursor,
)

Limit = Annotated[int, Parameter(ge=1, le=500, description="Items per page (1-500).")]
READ, WRITE = {"api_scope": "inventory:read"}, {"api_scope": "inventory:write"}
IdempotencyKey = Annotated[str | None, Parameter(header="Idempotency-Key", required=False, description=(
    "Any unique text (a UUID): a retry with the same key and body within 24 h returns the first answer and "
    "changes nothing; the same key with another body is refused (422)."))]


class LocationsApi(Controller):
    path = "/locations"
    tags = ["inventory"]

    @get("/", opt=READ, summary="The organisation's locations (warehouses and bins)")
    async def list_locations(self, tenant: Tenant, include_inactive: bool = False) -> list[LocationOut]:
        rows = await inventory.list_locations(tenant, active_only=not include_inactive)
        return [LocationOut.model_validate(row) for row in rows]


class StockApi(Controller):
    path = "/stock"
    tags = ["inventory"]

    @get("/", opt=READ, summary="Stock levels per variant per location (newest rows first)")
    async def list_levels(self, tenant: Tenant, cursor: str | None = None, limit: Limit = 100,
                          location_id: int | None = None, q: str = "") -> Page[StockLevelOut]:
        after = decode_cursor(cursor)
        rows, more = await inventory.stock_table(tenant, location_id=location_id, q=q, after=after or None, limit=limit)
        items = [StockLevelOut(id=r.id, variant=r.variant, sku=r.sku, location=r.location, location_code=r.location_code,
                               on_hand=r.on_hand, reserved=r.reserved, available=r.available) for r in rows]
        return Page[StockLevelOut](items=items, next_cursor=encode_cursor(more) if more else None)

    @post("/adjustments", opt=WRITE, status_code=201,
          summary="Correct on hand by a delta with a reason (Idempotency-Key honoured for 24 h)")
    async def adjust(self, request: Request, tenant: Tenant, data: AdjustmentIn,
                     idempotency_key: IdempotencyKey = None) -> Response[AdjustmentOut]:
        async def run() -> tuple[int, dict]:
            level = await inventory.adjust(tenant, data.variant_id, data.location_id, data.delta, reason=data.reason)
            out = AdjustmentOut(variant_id=level.variant_id, location_id=level.location_id, on_hand=level.on_hand,
                                reserved=level.reserved, available=level.available)
            return 201, out.model_dump()

        principal = request.state[STATE_PRINCIPAL]
        answer = await idempotency.once(principal.key_id, idempotency_key,
                                        idempotency.fingerprint("POST", request.url.path, data.model_dump()), run)
        return Response(answer.body, status_code=answer.status,
                        headers={"Idempotent-Replayed": "true"} if answer.replayed else None)
