"""Shipping tasks: courier bookings retried after an outage, bulk booking, the tracking poll.
Thin: they call the shipping domain."""

from __future__ import annotations

from typing import Any

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements, report_progress


@implements(contracts.book_courier)
async def book_courier(ctx: WorkerContext, *, organization_id: int, shipment_id: int) -> dict[str, str]:
    from app.core.tenancy import Actor, Tenant
    from app.domains.shipping.booking import attempt

    shipment = await attempt(Tenant(organization_id, Actor(None, "worker")), shipment_id)
    return {"state": str(shipment.state), "waybill": shipment.waybill}


@implements(contracts.cancel_courier)
async def cancel_courier(ctx: WorkerContext, *, organization_id: int, order_id: int) -> dict[str, str]:
    from app.core.tenancy import Actor, Tenant
    from app.domains.shipping.cancel import cancel_with_order

    return {"outcome": await cancel_with_order(Tenant(organization_id, Actor(None, "worker")), order_id)}


@implements(contracts.book_couriers)
async def book_couriers(ctx: WorkerContext, *, organization_id: int, background_job_id: int, order_ids: list[int],
                        pickup: bool = True, actor_id: int | None = None) -> dict[str, Any]:
    from app.core.tenancy import Actor, Tenant
    from app.domains.shipping.booking import book_bulk

    tenant = Tenant(organization_id, Actor(actor_id, "worker"))
    done: list[str] = []
    failed: list[str] = []
    for index, order_id in enumerate(order_ids):
        outcome = await book_bulk(tenant, [order_id], pickup=pickup)
        done += outcome["done"]
        failed += outcome["failed"]
        await report_progress(ctx, index + 1, len(order_ids), current=str(order_id), errors=len(failed))
    return {"booked": len(done), "failed": failed[:50]}


async def retry_courier_bookings(ctx: WorkerContext) -> dict[str, int]:
    """Cron: book again the courier bookings that waited for an outage and are due."""
    from app.domains.shipping.booking import retry_due

    return {"tried": await retry_due()}


async def poll_courier_tracking(ctx: WorkerContext) -> dict[str, int]:
    """Cron: ask the courier for the tracking of active shipments whose poll is due."""
    from app.domains.shipping.tracking import poll_due

    return await poll_due()
