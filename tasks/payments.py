"""Payment tasks: closing a cancelled payment at its gateway. Thin: they call the payments domain."""

from __future__ import annotations

from app.core import tasks as contracts
from app.core.queue import WorkerContext, implements
from app.domains.payments import services


@implements(contracts.expire_gateway_payment)
async def expire_gateway_payment(ctx: WorkerContext, *, organization_id: int, payment_id: int) -> dict[str, object]:
    return {"payment_id": payment_id, "outcome": await services.expire_at_gateway(organization_id, payment_id)}
