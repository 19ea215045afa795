"""The listings a store sells, mapped to master variants: one-tap mapping, bulk actions of the
unmapped queue, ignore, create a product from a listing, retry a failed push, a listing's history.
(The per-store listing pages live with the Sync page: /sync/stores/{id}/listings.)"""

from __future__ import annotations

import re

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import sync as mapping
from app.domains import sync as sync_log
from app.domains.listings import services as listings
from app.domains.sync import push_store


def _orders_note(outcome: mapping.MapOutcome) -> str:
    resolved = outcome.resolved
    if not resolved.orders:
        return ""
    text = _("%(n)s waiting orders now have this item", n=len(resolved.orders))
    if resolved.oversold:
        text += " · " + _("%(n)s oversold: not enough stock", n=len(resolved.oversold))
    return text + "."


class ListingsController(Controller):
    """One-tap mapping of marketplace listings to master variants."""

    path = "/listings"
    opt = {"permission": Permission.CATALOG_EDIT}

    async def _row(self, request: Request, tenant: Tenant, listing_id: int, *, error: str = "", note: str = "",
                   status_code: int = 200) -> Response:
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/_listing_row.html", r=row, error=error, note=note, status_code=status_code,
                      suggested=await listings.suggestions(tenant, [row]), bulk=False)

    @post("/{listing_id:int}/map", name="listings:map")
    async def map(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        data = await form_data(request)
        try:
            outcome = await mapping.map_listing(tenant, listing_id, data.get("code", ""))
        except ValidationFailed as exc:
            return await self._row(request, tenant, listing_id, error=exc.message, status_code=422)
        return await self._row(request, tenant, listing_id, note=_orders_note(outcome))

    @post("/bulk", name="listings:bulk")
    async def bulk(self, request: Request, tenant: Tenant) -> Response:
        """Create products for, or map by SKU suggestion, the listings ticked in the queue."""
        form = await request.form()
        back = form.get("back") if isinstance(form.get("back"), str) else ""
        back = back if back.startswith("/sync/stores/") and "//" not in back else "/sync"
        action = form.get("action") or ""
        run = {"create_products": mapping.bulk_create_products, "map_suggested": mapping.bulk_map_suggested}.get(action)
        if run is None:
            flash(request, _("Choose what to do with the ticked listings."), "error")
            return redirect_after_post(request, back)
        try:
            chosen = form.getall("listing_id") if "listing_id" in form else []
            ids = mapping.parse_listing_ids([v for v in chosen if isinstance(v, str)])
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, back)
        outcome = await run(tenant, ids)
        flash(request, outcome.message, "success" if not outcome.refused else ("warning" if outcome.done else "error"))
        return redirect_after_post(request, back)

    @post("/{listing_id:int}/ignore", name="listings:ignore")
    async def ignore(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        await listings.ignore_listing(tenant, listing_id)
        return await self._row(request, tenant, listing_id)

    @post("/{listing_id:int}/create-variant", name="listings:create_variant")
    async def create_variant(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        data = await form_data(request)
        try:
            outcome = await mapping.create_product(tenant, listing_id, mapping.parse_opening(data.get("opening")))
        except AppError as exc:
            return await self._row(request, tenant, listing_id, error=exc.message, status_code=422)
        note = _("Product created with %(n)s units of opening stock.", n=outcome.opening or 0)
        return await self._row(request, tenant, listing_id, note=" ".join(x for x in (note, _orders_note(outcome)) if x))

    @post("/{listing_id:int}/retry", name="listings:retry", opt={"permission": Permission.JOBS_RUN})
    async def retry(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        """Push this listing's quantity again now (after a failed push)."""
        from app.integrations.errors import IntegrationError

        row = await listings.get_listing(tenant, listing_id)
        error = ""
        if row["variant"] is None:
            error = _("Map the listing to a variant first.")
        else:
            try:
                report = await push_store(tenant, row["store"], variant_ids=[row["variant"]], force=True)
                if report.skipped_reason:
                    error = _("Not pushed: %(why)s.", why=report.skipped_reason)
            except IntegrationError as exc:
                error = exc.seller_message
        target = request.htmx.target if request.htmx else None
        if target and re.fullmatch(r"log-\d+", target):  # pressed on a sync log line: answer with that line
            return render(request, "sync/_log_retry.html", r=await listings.get_listing(tenant, listing_id),
                          error=error, log_row=target, status_code=200 if not error else 409)
        return await self._row(request, tenant, listing_id, error=error, status_code=200 if not error else 409)

    @get("/{listing_id:int}/history", name="listings:history", opt={"permission": Permission.VIEW})
    async def history(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/history.html", title=f"{row['title']} {row['model_name']}".strip(),
                      log=await sync_log.history(tenant, listing_id=listing_id, limit=200))
