"""Forms of the sync screens: listings ticked for a reconcile, the allocation rule."""

from __future__ import annotations

from app.core.forms import Form, TickedIds, WholeNumber
from app.core.i18n import _


class ListingSelection(Form):
    """The listings ticked on a confirmation page (`listing_id`, one value per ticked box)."""

    listing_id: TickedIds


class AllocationForm(Form):
    """The last-units threshold, and the SKU whose split the page was showing."""

    threshold: WholeNumber
    sku: str = ""
    messages = {"threshold": lambda: _("Enter a number between 0 and 100000.")}
