"""Outbound webhooks: the seller's endpoints (Settings -> Webhooks), the events they subscribe to
(order.created, order.status_changed, stock.changed, product.updated, shipment.updated), signed
deliveries sent by jobs, retried with backoff for a day, logged, replayable, and endpoints that
keep failing disabled with a notification."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.webhooks.relaying import relay as relay
    from app.domains.webhooks.services import deliver_due as deliver_due
    from app.domains.webhooks.services import publish as publish
    from app.domains.webhooks.services import sweep as sweep
    from app.domains.webhooks.signing import verify as verify
else:
    __getattr__ = lazy_exports(__name__, __file__)
