"""The courier webhook receiver: one unguessable URL per organisation, the header secret the
seller chose (compared in constant time), every webhook stored with its verdict. A forged,
malformed or unknown one changes nothing; a duplicate or an older status changes nothing either."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.tenancy import Tenant
from app.domains.shipping import configuration, tracking
from app.domains.shipping.statuses import EventSource, Verdict
from app.domains.shipping.tables import CourierShipment, CourierWebhook
from app.integrations.couriers.biteship import parse_notice

log = logging.getLogger(__name__)
STATUS_CODES = {Verdict.APPLIED: 200, Verdict.DUPLICATE: 200, Verdict.STALE: 200, Verdict.FORGED: 401,
                Verdict.UNKNOWN: 404, Verdict.MALFORMED: 400}


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    message: str

    @property
    def status_code(self) -> int:
        return STATUS_CODES[self.verdict]


async def _store(org_id: int | None, body: bytes, verdict: Verdict, detail: str, *, booking_id: str = "",
                 status: str = "") -> Outcome:
    await CourierWebhook.insert(CourierWebhook(organization=org_id, booking_id=booking_id[:80], courier_status=status[:40],
                                               raw_body=body[:20_000].decode("utf-8", errors="replace"),
                                               verdict=verdict, detail=detail, received_at=utcnow()))
    if verdict in (Verdict.FORGED, Verdict.MALFORMED, Verdict.UNKNOWN):
        log.warning("courier webhook refused: %s (%s)", verdict.value, detail)
    return Outcome(verdict, detail)


async def receive(token: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """Verify, parse and apply one webhook sent to /shipping/webhooks/<token>."""
    receiver = await configuration.by_webhook_token(token)
    if receiver is None:
        return Outcome(Verdict.UNKNOWN, "No receiver has this URL.")  # nobody's: not even stored
    org_id, header, secret = receiver
    sent = next((v for k, v in headers.items() if k.lower() == header.lower()), "")
    if not hmac.compare_digest(sent.encode(), secret.encode()):
        return await _store(org_id, body, Verdict.FORGED, f"The {header} header does not match.")
    notice = parse_notice(body)
    if notice is None:
        return await _store(org_id, body, Verdict.MALFORMED, "Not an order status webhook.")
    shipment = await CourierShipment.select(CourierShipment.id).where(
        (CourierShipment.organization == org_id) & (
            (CourierShipment.booking_id == notice.booking_id)
            | ((CourierShipment.waybill == notice.waybill) & (CourierShipment.waybill != "")))).first()
    if shipment is None:
        return await _store(org_id, body, Verdict.UNKNOWN, "No shipment has this booking or waybill.",
                            booking_id=notice.booking_id, status=notice.status)
    verdict = await tracking.apply_status(Tenant(org_id), shipment["id"], notice.status, at=notice.at,
                                          source=EventSource.WEBHOOK)
    return await _store(org_id, body, verdict, f"{notice.status} -> {verdict.value}", booking_id=notice.booking_id,
                        status=notice.status)
