"""Forms of the sync screens: listings ticked for a reconcile, the allocation rule, and the listing
screens' actions (a bulk action on ticked listings, mapping one, creating its product)."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from app.core.forms import FieldProblem, Form, OptionalWholeNumber, TickedIds, WholeNumber
from app.core.i18n import N_, _

MAX_BULK = 200  # one bulk action takes at most this many listings
MAX_OPENING = 1_000_000


class ListingSelection(Form):
    """The listings ticked on a confirmation page (`listing_id`, one value per ticked box)."""

    listing_id: TickedIds


class AllocationForm(Form):
    """The last-units threshold, and the SKU whose split the page was showing."""

    threshold: WholeNumber
    sku: str = ""
    messages = {"threshold": lambda: _("Enter a number between 0 and 100000.")}


class ListingsBulkForm(Form):
    """Create products for, or map by SKU suggestion, the ticked listings (`listing_id`, one per box)."""

    action: Literal["create_products", "map_suggested"]
    listing_id: TickedIds
    messages = {"action": lambda: _("Choose what to do with the ticked listings.")}

    @field_validator("listing_id")
    @classmethod
    def _some_not_too_many(cls, ids: list[int]) -> list[int]:
        if not ids:
            raise FieldProblem(N_("Tick at least one listing first."))
        if len(ids) > MAX_BULK:
            raise FieldProblem(_("One bulk action takes at most %(max)s listings.", max=MAX_BULK))
        return ids


class MapForm(Form):
    """The SKU or barcode of the master variant a listing sells."""

    code: str = ""


class CreateProductForm(Form):
    """The opening stock of the product made from a listing; empty takes the marketplace's quantity."""

    opening: OptionalWholeNumber = None
    messages = {"opening": lambda: _("Opening stock is a whole number from 0 to 1000000, or empty to take "
                                     "the marketplace's quantity.")}

    @field_validator("opening")
    @classmethod
    def _in_range(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_OPENING:
            raise ValueError("out of range")
        return value
