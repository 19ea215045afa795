"""Publishing (cross-listing): create a catalog product as a new listing on a connected store —
category proposed from the platform's cached tree, the category's attributes as a form, variants as
tiers, photos uploaded, price with the store's markup, stock by the allocation rules — and map it
at once, so that it is synced from then on like any imported listing; and a product's edited title,
description and prices sent to the listings it feeds, after a preview (edits.py); and a listing put
on sale or taken off sale by a job (sale.py)."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.publishing.edits import ListingChanges as ListingChanges
    from app.domains.publishing.edits import preview as preview
    from app.domains.publishing.edits import send_changes as send_changes
    from app.domains.publishing.sale import change_sale as change_sale
    from app.domains.publishing.services import Proposal as Proposal
    from app.domains.publishing.services import Published as Published
    from app.domains.publishing.services import propose as propose
    from app.domains.publishing.services import publish as publish
    from app.domains.publishing.services import publish_many as publish_many
    from app.domains.publishing.trees import refresh_trees as refresh_trees
else:
    __getattr__ = lazy_exports(__name__, __file__)
