"""/api/v1/shipments and shipping an order, through fulfillment's services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from app.core.tenancy import Tenant
from app.domains import fulfillment
from app.domains.platform_api.v1.models import Page, ShipIn, ShipmentOut, ShipOut, decode_cursor, next_cursor

Limit = Annotated[int, Parameter(ge=1, le=500, description="Items per page (1-500).")]


class ShipmentsApi(Controller):
    path = "/shipments"
    tags = ["fulfillment"]

    @get("/", opt={"api_scope": "fulfillment:read"}, summary="A page of shipments, oldest first")
    async def list_shipments(self, tenant: Tenant, cursor: str | None = None, limit: Limit = 100,
                             order_id: int | None = None, shipped_since: datetime | None = None) -> Page[ShipmentOut]:
        rows = await fulfillment.shipment_page(tenant, after=decode_cursor(cursor), limit=limit, order_id=order_id,
                                               shipped_since=shipped_since)
        return Page[ShipmentOut](items=[ShipmentOut.model_validate(r) for r in rows], next_cursor=next_cursor(rows, limit))


class ShipApi(Controller):
    path = "/orders"
    tags = ["fulfillment"]

    @post("/{order_id:int}/ship", opt={"api_scope": "fulfillment:write"}, status_code=200,
          summary="Ship a packed order: a manual one at once, a marketplace one through its marketplace (a job)")
    async def ship(self, tenant: Tenant, order_id: int, data: ShipIn) -> ShipOut:
        return ShipOut.model_validate(await fulfillment.ship_order(tenant, order_id, carrier=data.carrier,
                                                                   tracking_number=data.tracking_number))
