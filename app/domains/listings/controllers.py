"""The listings a store sells: ignore one. (Mapping, bulk actions, creating a product from a listing,
retrying a push and a listing's history act through the sync engine: sync/controllers.py serves them
under the same /listings paths. The per-store listing pages live with the Sync page.)"""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.response import Response

from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import render
from app.domains.listings import services as listings


class ListingsController(Controller):
    """A listing the seller does not want mapped."""

    path = "/listings"
    opt = {"permission": Permission.CATALOG_EDIT}

    @post("/{listing_id:int}/ignore", name="listings:ignore")
    async def ignore(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        await listings.ignore_listing(tenant, listing_id)
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/_listing_row.html", r=row, error="", note="", status_code=200,
                      suggested=await listings.suggestions(tenant, [row]), bulk=False)
