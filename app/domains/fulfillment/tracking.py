"""The scheduled retry of missing tracking numbers: a shipment arranged on a marketplace whose
tracking number has not come yet is asked for it again, less and less often (5 minutes doubling
to 6 hours), and the organisation is told once when it is still missing after a few hours."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.clock import utcnow
from app.core.errors import AppError
from app.core.i18n import deferred
from app.core.tenancy import Actor, Tenant
from app.domains.fulfillment import shipping
from app.domains.fulfillment.statuses import ShipmentStatus
from app.domains.fulfillment.tables import Shipment
from app.domains.notifications import notify

log = logging.getLogger(__name__)

FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
NOTIFY_AFTER = 6  # attempts: about 5 hours after the first retry
BATCH = 200


@dataclass(slots=True)
class TrackingSweep:
    checked: int = 0
    found: int = 0
    waiting: int = 0
    notified: int = 0


def next_wait(attempts: int) -> timedelta:
    """How long to wait after `attempts` unsuccessful reads."""
    return min(FIRST_WAIT * (2 ** max(0, attempts - 1)), LONGEST_WAIT)


async def retry_missing_tracking(now: datetime | None = None) -> TrackingSweep:
    """Ask the marketplace again for every due shipment still waiting for its tracking number,
    across organisations (each one acted on as that organisation). A number found ships the order
    as the ship page does; otherwise the next attempt is pushed back."""
    now = now or utcnow()
    due = await Shipment.select(Shipment.id, Shipment.organization, Shipment.order, Shipment.tracking_attempts,
                                Shipment.order.platform_order_id.as_alias("number")).where(
        (Shipment.status == ShipmentStatus.AWAITING_TRACKING) & Shipment.order.store.is_not_null()
        & (Shipment.next_tracking_check_at.is_null() | (Shipment.next_tracking_check_at <= now))
    ).order_by(Shipment.next_tracking_check_at).order_by(Shipment.id).limit(BATCH)
    sweep = TrackingSweep()
    for row in due:
        tenant = Tenant(row["organization"], Actor(None, "worker"))
        sweep.checked += 1
        try:
            result = await shipping.refresh_tracking(tenant, row["order"])
        except AppError as exc:  # shipped or cancelled meanwhile: nothing left to wait for
            log.info("tracking retry for order %s skipped: %s", row["order"], exc.message)
            continue
        if result.shipped:
            sweep.found += 1
            log.info("tracking number of order %s found on retry %s", row["order"], row["tracking_attempts"] + 1)
            continue
        attempts = row["tracking_attempts"] + 1
        sweep.waiting += 1
        await Shipment.update({Shipment.tracking_attempts: attempts,
                               Shipment.next_tracking_check_at: now + next_wait(attempts)}).where(
            (Shipment.id == row["id"]) & (Shipment.organization == row["organization"]))
        log.warning("order %s still has no tracking number after %s retries", row["order"], attempts)
        if attempts == NOTIFY_AFTER and await notify(
                tenant, "late_order",
                deferred("Order %(number)s was handed to the marketplace but still has no tracking number. "
                  "Check it on the marketplace.", number=row["number"]),
                link=f"/fulfillment/orders/{row['order']}/ship", dedupe_key=f"tracking-missing:{row['order']}"):
            sweep.notified += 1
    return sweep
