"""The Sync page: stores with their last sync, jobs with live progress, listing mapping,
allocation preview, and sync history per store, listing and variant."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import AppError, ValidationFailed
from app.core.i18n import N_, _, deferred, read
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, render
from app.domains.catalog.services import variant_by_code
from app.domains.jobs import services as jobs
from app.domains.listings import allocation
from app.domains.listings import services as listings
from app.domains.stores import services as stores
from app.domains.sync import dispatch  # noqa: F401  (registers the stock-change listener)
from app.domains.sync import log as sync_log
from app.domains.sync.push import store_rules

TASKS = {
    "import": ("import_listings", N_("Import listings from %(store)s")),
    "push": ("push_stock", N_("Push stock to %(store)s")),
    "reconcile": ("reconcile", N_("Full reconcile of %(store)s")),
}


class SyncController(Controller):
    path = "/sync"

    @get("/", name="sync:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "sync/index.html", stores=await stores.list_stores(tenant),
                      jobs=await jobs.recent(tenant, 15), log=await sync_log.history(tenant, limit=30),
                      unmapped=await listings.unmapped_count(tenant), progress=None)

    @post("/stores/{store_id:int}/{action:str}", name="sync:run", opt={"permission": Permission.JOBS_RUN})
    async def run(self, request: Request, tenant: Tenant, store_id: int, action: str) -> Response:
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
                      progress=await jobs.progress(tenant, row.id), stores=[], jobs=[], log=[], unmapped=0)

    @get("/stores/{store_id:int}/listings", name="sync:listings")
    async def store_listings(self, request: Request, tenant: Tenant, store_id: int, status: str = "",
                             after: int | None = None) -> Response:
        store = await stores.store_view(tenant, store_id)
        rows, next_after = await listings.listings_of_store(tenant, store_id, status=status, after=after)
        return render(request, "sync/listings.html", fragment="sync/_listing_rows.html" if after else None,
                      store=store, rows=rows, next_after=next_after, status=status, errors={})

    @get("/stores/{store_id:int}/history", name="sync:store_history")
    async def store_history(self, request: Request, tenant: Tenant, store_id: int) -> Response:
        store = await stores.store_view(tenant, store_id)
        return render(request, "sync/history.html", title=store["name"],
                      log=await sync_log.history(tenant, store_id=store_id, limit=200))

    @get("/variants/{variant_id:int}/history", name="sync:variant_history")
    async def variant_history(self, request: Request, tenant: Tenant, variant_id: int) -> Response:
        from app.domains.catalog.services import require_variant

        variant = await require_variant(tenant, variant_id)
        return render(request, "sync/history.html", title=variant["sku"],
                      log=await sync_log.history(tenant, variant_id=variant_id, limit=200))

    @get("/allocation", name="sync:allocation")
    async def allocation_page(self, request: Request, tenant: Tenant, sku: str = "") -> Response:
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

    @post("/allocation", name="sync:allocation_save", opt={"permission": Permission.STORES_MANAGE})
    async def allocation_save(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            value = int((data.get("threshold") or "").strip())
            await allocation.set_threshold(tenant, value)
        except ValueError:
            raise ValidationFailed({"threshold": _("Enter a number between 0 and 100000.")}) from None
        flash(request, _("Allocation rule saved."))
        return await self.allocation_page(request, tenant, sku=data.get("sku", ""))


class ListingsController(Controller):
    """One-tap mapping of marketplace listings to master variants."""

    path = "/listings"
    opt = {"permission": Permission.CATALOG_EDIT}

    async def _row(self, request: Request, tenant: Tenant, listing_id: int, *, error: str = "",
                   status_code: int = 200) -> Response:
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/_listing_row.html", r=row, error=error, status_code=status_code)

    @post("/{listing_id:int}/map", name="listings:map")
    async def map(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        data = await form_data(request)
        try:
            await listings.map_listing(tenant, listing_id, data.get("code", ""))
        except ValidationFailed as exc:
            return await self._row(request, tenant, listing_id, error=exc.message, status_code=422)
        return await self._row(request, tenant, listing_id)

    @post("/{listing_id:int}/ignore", name="listings:ignore")
    async def ignore(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        await listings.ignore_listing(tenant, listing_id)
        return await self._row(request, tenant, listing_id)

    @post("/{listing_id:int}/create-variant", name="listings:create_variant")
    async def create_variant(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        try:
            await listings.create_variant_from_listing(tenant, listing_id)
        except AppError as exc:
            return await self._row(request, tenant, listing_id, error=exc.message, status_code=422)
        return await self._row(request, tenant, listing_id)

    @post("/{listing_id:int}/retry", name="listings:retry", opt={"permission": Permission.JOBS_RUN})
    async def retry(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        """Push this listing's quantity again now (after a failed push)."""
        from app.domains.sync.push import push_store
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
        return await self._row(request, tenant, listing_id, error=error, status_code=200 if not error else 409)

    @get("/{listing_id:int}/history", name="listings:history", opt={"permission": Permission.VIEW})
    async def history(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        row = await listings.get_listing(tenant, listing_id)
        return render(request, "sync/history.html", title=f"{row['title']} {row['model_name']}".strip(),
                      log=await sync_log.history(tenant, listing_id=listing_id, limit=200))
