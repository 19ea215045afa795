"""The states of an outbound webhook delivery and the event types a seller subscribes to (labelled)."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.statuses import Labelled


class DeliveryStatus(Labelled):
    PENDING = "pending"  # waiting for its job, or for its next attempt after a failure
    DELIVERED = "delivered"  # the receiver answered 2xx
    GAVE_UP = "gave_up"  # failed for a day (every retry), or its endpoint was disabled

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"pending": N_("Waiting"), "delivered": N_("Delivered"), "gave_up": N_("Gave up")}


class WebhookEventType(Labelled):
    ORDER_CREATED = "order.created"
    ORDER_STATUS_CHANGED = "order.status_changed"
    STOCK_CHANGED = "stock.changed"
    PRODUCT_UPDATED = "product.updated"
    SHIPMENT_UPDATED = "shipment.updated"
    PING = "webhook.ping"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"order.created": N_("An order arrived or was created"),
                "order.status_changed": N_("An order changed status"),
                "stock.changed": N_("Available stock changed"),
                "product.updated": N_("A product was created or edited"),
                "shipment.updated": N_("A shipment got a tracking number"),
                "webhook.ping": N_("Test ping")}


SUBSCRIBABLE = tuple(t for t in WebhookEventType if t is not WebhookEventType.PING)
