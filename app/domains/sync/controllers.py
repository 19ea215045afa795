"""The Sync page: stores with their last sync, jobs with live progress, listing mapping,
allocation preview, and sync history per store, listing and variant."""

from __future__ import annotations

import re

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core import tasks
from app.core.errors import AppError, ValidationFailed
from app.core.i18n import N_, _, deferred, read
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import back_within, flash, form_data, htmx_target, redirect_after_post, render
from app.domains import jobs, listings, stores
from app.domains import listings as allocation
from app.domains import stores as webhook_retry
from app.domains.catalog import require_variant, variant_by_code
from app.domains.sync import log as sync_log
from app.domains.sync import mapping, reconcile
from app.domains.sync.mapping import MapOutcome
from app.domains.sync.push import push_store, store_rules
from app.domains.sync.schemas import (
    AllocationForm,
    CreateProductForm,
    ListingsBulkForm,
    ListingSelection,
    MapForm,
)

TASKS = {
    "import": (tasks.import_listings, N_("Import listings from %(store)s")),
    "push": (tasks.push_stock, N_("Push stock to %(store)s")),
    "reconcile": (tasks.reconcile, N_("Full reconcile of %(store)s")),
}


class SyncController(Controller):
    path = "/sync"

    @staticmethod
    async def _page(tenant: Tenant) -> dict:
        rows = await stores.list_stores(tenant)
        return {"stores": rows, "jobs": await jobs.recent(tenant, 15),
                "log": await sync_log.history(tenant, limit=30, store_names={r.id: r.name for r in rows}),
                "unmapped": await listings.unmapped_count(tenant),
                "failed_events": await webhook_retry.failed_events(tenant), "progress": None,
                "waiting": await reconcile.stores_waiting(tenant)}

    @get("/", name="sync:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "sync/index.html", **await self._page(tenant))

    @post("/webhook-events/{event_id:int}/retry", name="sync:retry_event", opt={"permission": Permission.JOBS_RUN})
    async def retry_event(self, request: Request, tenant: Tenant, event_id: int) -> Response:
        """Process a marketplace notification that failed again now."""
        if await webhook_retry.retry_now(tenant, event_id):
            flash(request, _("Trying the notification again."))
        else:
            flash(request, _("This notification was processed meanwhile."))
        return render(request, "sync/index.html", fragment="sync/_failed_events.html", **await self._page(tenant))

    @post("/stores/{store_id:int}/{action:str}", name="sync:run", opt={"permission": Permission.JOBS_RUN})
    async def run(self, request: Request, tenant: Tenant, store_id: int, action: str) -> Response:
        return await self._start(request, tenant, store_id, action)

    # Its own route: the router matches the static "reconcile" of .../reconcile/confirm before the
    # {action} parameter, so a POST to .../reconcile never reached `run` (404).
    @post("/stores/{store_id:int}/reconcile", name="sync:reconcile", opt={"permission": Permission.JOBS_RUN})
    async def reconcile_run(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        return await self._start(request, tenant, store_id, "reconcile")

    async def _start(self, request: Request, tenant: Tenant, store_id: int, action: str) -> Response:
        store = await stores.store_view(tenant, store_id)
        if action not in TASKS:
            raise ValidationFailed({"action": _("Unknown sync action.")})
        task, label = TASKS[action]
        extra = {"force": True} if action == "push" else {}
        # the job's label column holds 200 characters, the message id and parameters included
        row = await jobs.start(tenant, task, deferred(label, store=store.name[:120]), timeout=3600, retries=3,
                               store_id=store_id, **extra)
        flash(request, _("Started: %(label)s", label=read(row.label)))
        return render(request, "sync/index.html", fragment="jobs/_progress.html",
                      progress=await jobs.progress(tenant, row.id), stores=[], jobs=[], log=[], unmapped=0,
                      failed_events=[])

    @get("/stores/{store_id:int}/listings", name="sync:listings")
    async def store_listings(self, request: Request, tenant: Tenant, store_id: int, status: str = "",
                             after: int | None = None) -> Response:
        store = await stores.store_view(tenant, store_id)
        rows, next_after = await listings.listings_of_store(tenant, store_id, status=status, after=after)
        return render(request, "sync/listings.html", fragment="sync/_listing_rows.html" if after else None,
                      store=store, rows=rows, next_after=next_after, status=status, errors={},
                      suggested=await listings.suggestions(tenant, rows), bulk=True,
                      back=f"/sync/stores/{store_id}/listings" + (f"?status={status}" if status else ""))

    @get("/stores/{store_id:int}/reconcile/confirm", name="sync:reconcile_confirm_page")
    async def reconcile_confirm_page(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        """The listings a reconcile left alone because they would stop selling: the seller decides."""
        store = await stores.store_view(tenant, store_id)
        return render(request, "sync/reconcile_confirm.html", store=store,
                      drifts=await reconcile.waiting_for_confirmation(tenant, store_id))

    @post("/stores/{store_id:int}/reconcile/confirm", name="sync:reconcile_confirm",
          opt={"permission": Permission.JOBS_RUN})
    async def reconcile_confirm(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.store_view(tenant, store_id)
        try:
            chosen = ListingSelection.parse_multi(await request.form()).listing_id
        except ValidationFailed:
            chosen = []
        allowed = {d.listing_id for d in await reconcile.waiting_for_confirmation(tenant, store_id)}
        ids = sorted(set(chosen) & allowed)
        if not ids:
            flash(request, _("Tick at least one listing first."), "error")
            return redirect_after_post(request, f"/sync/stores/{store_id}/reconcile/confirm")
        task, label = TASKS["reconcile"]
        row = await jobs.start(tenant, task, deferred(label, store=store.name[:120]),
                               timeout=3600, retries=3, store_id=store_id, confirm_zero=ids)
        flash(request, _("Started: %(label)s", label=read(row.label)))
        return redirect_after_post(request, "/sync")

    @get("/stores/{store_id:int}/history", name="sync:store_history")
    async def store_history(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.store_view(tenant, store_id)
        return render(request, "sync/history.html", title=store.name,
                      log=await sync_log.history(tenant, store_id=store_id, limit=200))

    @get("/variants/{variant_id:int}/history", name="sync:variant_history")
    async def variant_history(self, request: Request, tenant: Tenant, variant_id: int) -> Response:
        variant = await require_variant(tenant, variant_id)
        return render(request, "sync/history.html", title=variant["sku"],
                      log=await sync_log.history(tenant, variant_id=variant_id, limit=200))

    @get("/allocation", name="sync:allocation")
    async def allocation_page(self, request: Request, tenant: Tenant, sku: str = "") -> Response:
        return await _allocation(request, tenant, sku)

    @post("/allocation", name="sync:allocation_save", opt={"permission": Permission.STORES_MANAGE})
    async def allocation_save(self, request: Request, tenant: Tenant) -> Response:
        form = AllocationForm.parse(await form_data(request))
        await allocation.set_threshold(tenant, form.threshold)
        flash(request, _("Allocation rule saved."))
        return await _allocation(request, tenant, form.sku)


async def _allocation(request: Request, tenant: Tenant, sku: str) -> Response:
    """The allocation page: the rule, and the split of one variant's stock when a SKU is given."""
    preview = None
    error = ""
    active = await stores.active_stores(tenant)
    if sku.strip():
        variant = await variant_by_code(tenant, sku)
        if variant is None:
            error = _("No variant has the SKU or barcode %(code)s.", code=sku.strip()[:64])
        else:
            preview = await allocation.preview(tenant, variant.id, list((await store_rules(tenant)).values()))
    return render(request, "sync/allocation.html", fragment="sync/_allocation.html", sku=sku, preview=preview,
                  error=error, stores=active, threshold=await allocation.threshold(tenant), errors={})


def _orders_note(outcome: MapOutcome) -> str:
    resolved = outcome.resolved
    if not resolved.orders:
        return ""
    text = _("%(n)s waiting orders now have this item", n=len(resolved.orders))
    if resolved.oversold:
        text += " · " + _("%(n)s oversold: not enough stock", n=len(resolved.oversold))
    return text + "."


class ListingMappingController(Controller):
    """One-tap mapping of marketplace listings to master variants, and the other listing actions
    that go through the sync engine (same /listings paths and route names as the listings pages)."""

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
            outcome = await mapping.map_listing(tenant, listing_id, MapForm.parse(data).code)
        except ValidationFailed as exc:
            return await self._row(request, tenant, listing_id, error=exc.message, status_code=422)
        return await self._row(request, tenant, listing_id, note=_orders_note(outcome))

    @post("/bulk", name="listings:bulk")
    async def bulk(self, request: Request, tenant: Tenant) -> Response:
        """Create products for, or map by SKU suggestion, the listings ticked in the queue."""
        form = await request.form()
        back = back_within(form.get("back"), "/sync/stores/", "/sync")
        try:
            chosen = ListingsBulkForm.parse_multi(form)
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, back)
        run = mapping.bulk_create_products if chosen.action == "create_products" else mapping.bulk_map_suggested
        outcome = await run(tenant, chosen.listing_id)
        flash(request, outcome.message, "success" if not outcome.refused else ("warning" if outcome.done else "error"))
        return redirect_after_post(request, back)

    @post("/{listing_id:int}/create-variant", name="listings:create_variant")
    async def create_variant(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        data = await form_data(request)
        try:
            outcome = await mapping.create_product(tenant, listing_id, CreateProductForm.parse(data).opening)
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
        if row.variant is None:
            error = _("Map the listing to a variant first.")
        else:
            try:
                report = await push_store(tenant, row.store, variant_ids=[row.variant], force=True)
                if report.skipped_reason:
                    error = _("Not pushed: %(why)s.", why=report.skipped_reason)
            except IntegrationError as exc:
                error = exc.seller_message
        target = htmx_target(request)
        if target and re.fullmatch(r"log-\d+", target):  # pressed on a sync log line: answer with that line
            return render(request, "sync/_log_retry.html", r=await listings.get_listing(tenant, listing_id),
                          error=error, log_row=target, status_code=200 if not error else 409)
        return await self._row(request, tenant, listing_id, error=error, status_code=200 if not error else 409)

    @get("/{listing_id:int}/history", name="listings:history", opt={"permission": Permission.VIEW})
    async def history(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/history.html", title=f"{row.title} {row.model_name}".strip(),
                      log=await sync_log.history(tenant, listing_id=listing_id, limit=200))
