"""The Sync page: stores with their last sync, jobs with live progress, listing mapping,
allocation preview, and sync history per store, listing and variant."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core import tasks
from app.core.errors import ValidationFailed
from app.core.i18n import N_, _, deferred, read
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import jobs, listings, stores
from app.domains import listings as allocation
from app.domains import stores as webhook_retry
from app.domains.catalog import require_variant, variant_by_code
from app.domains.sync import log as sync_log
from app.domains.sync import reconcile
from app.domains.sync.push import store_rules

TASKS = {
    "import": (tasks.import_listings, N_("Import listings from %(store)s")),
    "push": (tasks.push_stock, N_("Push stock to %(store)s")),
    "reconcile": (tasks.reconcile, N_("Full reconcile of %(store)s")),
}


class SyncController(Controller):
    path = "/sync"

    @staticmethod
    async def _page(tenant: Tenant) -> dict:
        rows = [{**row, "next_order_fetch_at": stores.next_order_fetch_at(row)} for row in await stores.list_stores(tenant)]
        return {"stores": rows, "jobs": await jobs.recent(tenant, 15),
                "log": await sync_log.history(tenant, limit=30, store_names={r["id"]: r["name"] for r in rows}),
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
        row = await jobs.start(tenant, task, deferred(label, store=store["name"][:120]), timeout=3600, retries=3,
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
        form = await request.form()
        chosen = [v for v in (form.getall("listing_id") if "listing_id" in form else []) if isinstance(v, str)]
        allowed = {d.listing_id for d in await reconcile.waiting_for_confirmation(tenant, store_id)}
        ids = sorted({int(v) for v in chosen if v.strip().isdigit() and len(v.strip()) <= 18} & allowed)
        if not ids:
            flash(request, _("Tick at least one listing first."), "error")
            return redirect_after_post(request, f"/sync/stores/{store_id}/reconcile/confirm")
        task, label = TASKS["reconcile"]
        row = await jobs.start(tenant, task, deferred(label, store=store["name"][:120]),
                               timeout=3600, retries=3, store_id=store_id, confirm_zero=ids)
        flash(request, _("Started: %(label)s", label=read(row.label)))
        return redirect_after_post(request, "/sync")

    @get("/stores/{store_id:int}/history", name="sync:store_history")
    async def store_history(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.store_view(tenant, store_id)
        return render(request, "sync/history.html", title=store["name"],
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
        data = await form_data(request)
        try:
            value = int((data.get("threshold") or "").strip())
            await allocation.set_threshold(tenant, value)
        except ValueError:
            raise ValidationFailed({"threshold": _("Enter a number between 0 and 100000.")}) from None
        flash(request, _("Allocation rule saved."))
        return await _allocation(request, tenant, data.get("sku", ""))


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
            preview = await allocation.preview(tenant, variant["id"], list((await store_rules(tenant)).values()))
    return render(request, "sync/allocation.html", fragment="sync/_allocation.html", sku=sku, preview=preview,
                  error=error, stores=active, threshold=await allocation.threshold(tenant), errors={})
