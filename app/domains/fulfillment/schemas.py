"""Forms of the fulfillment screens: the order selection of a bulk action, a pick list, a pack scan
and a manual shipment."""

from __future__ import annotations

from pydantic import field_validator

from app.core.forms import Checkbox, FieldProblem, Form, OptionalWholeNumber, TickedIds
from app.core.i18n import N_, _
from app.domains.fulfillment.bulk import MAX_IDS, BulkAction


def _some_not_too_many(ids: list[int]) -> list[int]:
    if not ids:
        raise FieldProblem(N_("Select at least one order first."))
    if len(ids) > MAX_IDS:
        raise FieldProblem(_(
            "You selected %(n)s orders; one bulk action takes at most %(max)s. Filter the queue and do it in parts.",
            n=len(ids), max=MAX_IDS))
    return ids


class OrderSelection(Form):
    """Orders ticked in the queue (`order_id`, one value per ticked box), or listed in a link ("1,2")."""

    order_id: TickedIds

    _checked = field_validator("order_id")(_some_not_too_many)


class BulkOrdersForm(Form):
    """One action for the ticked orders; a missing or unknown action is the problem shown first."""

    action: BulkAction
    order_id: TickedIds
    messages = {"action": lambda: _("Choose what to do with the selected orders.")}

    _checked = field_validator("order_id")(_some_not_too_many)


class PickListForm(Form):
    """The ticked ready orders, or `all` of them (the "pick everything" button)."""

    all: Checkbox = False
    order_id: TickedIds = []


class PackScanForm(Form):
    """A scanned code, and the order being packed (empty before the first scan opens one)."""

    order_id: OptionalWholeNumber = None
    code: str = ""


class ShipForm(Form):
    """A manual order's courier and tracking number (the service says which are required)."""

    carrier: str = ""
    tracking_number: str = ""


class MarketplaceCancelForm(Form):
    """The reason, picked from the platform's reasons, for asking a marketplace to cancel an order."""

    reason: str = ""
