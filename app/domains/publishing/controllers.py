"""Publish a product to a store: the targets fragment on the product page, the form, the result."""

from __future__ import annotations

import json
import re

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core import tasks as contracts
from app.core.errors import Conflict, ValidationFailed
from app.core.i18n import _, deferred
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, wants_fragment
from app.domains import catalog, jobs, listings, stores
from app.domains.publishing import edits, sale, services
from app.integrations import errors


class PublishingController(Controller):
    path = "/publish"
    opt = {"permission": Permission.CATALOG_EDIT}

    @get("/products/{product_id:int}/targets", name="publishing:targets")
    async def targets(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        """Lazy fragment of the product page: the active stores it can be published to."""
        product, _variants = await catalog.get_product(tenant, product_id)
        active = await stores.active_stores(tenant)
        return render(request, "publishing/_targets.html", product=product, stores=active,
                      labels={s.platform: stores.platform_label(s.platform) for s in active})

    async def _form(self, request: Request, tenant: Tenant, product_id: int, store_id: int, *,
                    category_id: str | None = None, form: dict | None = None, errors: dict | None = None,
                    status_code: int = 200) -> Response:
        proposal = await services.propose(tenant, product_id, store_id, category_id=category_id)
        values = services.form_values(proposal)
        if form is not None:  # as posted: an unticked checkbox is absent
            values.pop("tokopedia", None)
            values.update(form)
        return render(request, "publishing/form.html", status_code=status_code, proposal=proposal,
                      store=await stores.store_view(tenant, store_id), form=values, errors=errors or {})

    @get("/products/{product_id:int}/stores/{store_id:int}", name="publishing:form")
    async def show(self, request: Request, tenant: Tenant, product_id: int, store_id: int) -> Response:
        category_id = (request.query_params.get("category_id") or "").strip()[:32] or None
        try:
            return await self._form(request, tenant, product_id, store_id, category_id=category_id)
        except ValidationFailed as exc:
            return render(request, "publishing/refused.html", status_code=422, errors=exc.errors,
                          product_id=product_id)
        except errors.IntegrationError as exc:
            # The marketplace could not be asked for its categories: the page says so (try again later).
            return render(request, "publishing/refused.html", errors={"platform": _(str(exc.seller_message))},
                          product_id=product_id)

    @post("/products/{product_id:int}/stores/{store_id:int}", name="publishing:publish")
    async def publish(self, request: Request, tenant: Tenant, product_id: int, store_id: int) -> Response:
        data = await form_data(request)
        try:
            published = await services.publish(tenant, product_id, store_id, data)
        except ValidationFailed as exc:
            category_id = (data.get("category_id") or "").strip()[:32] or None
            try:
                return await self._form(request, tenant, product_id, store_id, category_id=category_id, form=data,
                                        errors=exc.errors, status_code=422)
            except ValidationFailed as again:
                return render(request, "publishing/refused.html", status_code=422, errors=again.errors,
                              product_id=product_id)
            except errors.IntegrationError as down:
                return render(request, "publishing/refused.html", status_code=422,
                              errors={"platform": _(str(down.seller_message))}, product_id=product_id)
        return render(request, "publishing/done.html", published=published, product_id=product_id,
                      store=await stores.store_view(tenant, store_id))


    async def _changes(self, request: Request, tenant: Tenant, product_id: int, *, status_code: int = 200,
                       problems: dict | None = None, queued: dict | None = None) -> Response:
        product, _variants = await catalog.get_product(tenant, product_id)
        changes = await edits.preview(tenant, product_id)
        return render(request, "publishing/_changes.html", status_code=status_code, product=product, changes=changes,
                      labels={c.platform: stores.platform_label(c.platform) for c in changes},
                      errors=problems or {}, queued=queued or {})

    @get("/products/{product_id:int}/changes", name="publishing:changes")
    async def changes(self, request: Request, tenant: Tenant, product_id: int) -> Response:
        """Lazy fragment of the product page: per published listing, old -> new title and prices."""
        return await self._changes(request, tenant, product_id)

    @post("/products/{product_id:int}/listings/{listing_id:int}/send", name="publishing:send_changes")
    async def send_changes(self, request: Request, tenant: Tenant, product_id: int, listing_id: int) -> Response:
        """"Send changes" on one listing: a job sends the product's content (the form has no fields)."""
        changes = await edits.changes_of(tenant, product_id, listing_id)  # 404 for anything not this product's
        if not changes.can_send:
            return await self._changes(request, tenant, product_id, status_code=422, problems={
                changes.listing_row_id: changes.blocked})
        row = await jobs.start(tenant, contracts.send_listing_changes, deferred("Send product changes"), timeout=600,
                               retries=1, product_id=product_id, listing_row_id=listing_id,
                               actor_id=tenant.actor.user_id)
        return await self._changes(request, tenant, product_id, queued={changes.listing_row_id: row.id})


class ListingSaleController(Controller):
    """"Put on sale" / "Take off sale" of a listing (the store's listings page and the product page
    show the same fragment): the request records the change, a job asks the marketplace."""

    path = "/listings"
    opt = {"permission": Permission.CATALOG_EDIT}

    async def _fragment(self, request: Request, tenant: Tenant, listing_id: int, *, error: str = "",
                        status_code: int = 200) -> Response:
        return render(request, "publishing/_sale.html", s=await listings.get_listing(tenant, listing_id),
                      sale_problem=error, status_code=status_code)

    @get("/{listing_id:int}/sale", name="publishing:sale_state", opt={"permission": Permission.VIEW})
    async def state(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        """The listing's sale state and button (polled while a change is on its way)."""
        return await self._fragment(request, tenant, listing_id)

    @post("/{listing_id:int}/sale", name="publishing:sale")
    async def change(self, request: Request, tenant: Tenant, listing_id: int) -> Response:
        """The form posts ``to`` (live or unlisted) and ``back`` (the page it was on)."""
        data = await form_data(request)
        try:
            state = sale.target_state(data.get("to"))
            target = await sale.ask(tenant, listing_id, state)  # 404 for another organisation's listing
        except (ValidationFailed, Conflict) as exc:
            if wants_fragment(request):
                return await self._fragment(request, tenant, listing_id, error=exc.message, status_code=422)
            await listings.get_listing(tenant, listing_id)  # 404 before anything is said about it
            flash(request, exc.message, "error")
            return redirect_after_post(request, _sale_back(data.get("back"), "/sync"))
        label = deferred("Put a listing on sale") if state == listings.ListingState.LIVE else deferred(
            "Take a listing off sale")
        try:
            await jobs.start(tenant, contracts.change_listing_sale, label, timeout=300, retries=1,
                             listing_id=listing_id, state=state.value, actor_id=tenant.actor.user_id)
        except Exception:
            await sale.forget(tenant, target)  # no job will answer: the row must not wait for one
            raise
        if wants_fragment(request):
            return await self._fragment(request, tenant, listing_id)
        flash(request, _("The change is on its way to the marketplace."))
        return redirect_after_post(request, _sale_back(data.get("back"), f"/sync/stores/{target.store_id}/listings"))


class BulkPublishingController(Controller):
    """Bulk "Publish to…" of the ticked products: a background job, its progress, its results."""

    path = "/publish/bulk"
    opt = {"permission": Permission.CATALOG_EDIT}

    @get("/", name="publishing:bulk_pick")
    async def pick(self, request: Request, tenant: Tenant) -> Response:
        """Tick the products and choose the store (bounded: the first 500 active products by name)."""
        active = await stores.active_stores(tenant)
        tokopedia = await services.tokopedia_stores(tenant, active)
        return render(request, "publishing/bulk_pick.html", products=(await catalog.active_products(tenant))[:500],
                      stores=active, tokopedia=[s for s in active if s.id in tokopedia])

    @post("/", name="publishing:bulk")
    async def start(self, request: Request, tenant: Tenant) -> Response:
        form = await request.form()
        ids = sorted({int(v) for v in form.getall("ids", []) if isinstance(v, str) and v.isdigit()})[:500]
        store_id = str(form.get("store_id") or "")
        problems = {}
        try:
            choices = services.PublishChoices.parse_multi(form)
        except ValidationFailed as exc:
            problems.update(exc.errors)
            choices = services.PublishChoices()
        if not ids:
            problems["ids"] = _("Tick the products to publish.")
        if not store_id.isdigit():
            problems["store_id"] = _("Choose the store to publish to.")
        if problems:
            return render(request, "publishing/refused.html", status_code=422, errors=problems, product_id=None)
        store = await stores.store_view(tenant, int(store_id))
        if not await catalog.products_exist(tenant, ids):
            return render(request, "publishing/refused.html", status_code=422, product_id=None,
                          errors={"ids": _("Some of these products no longer exist.")})
        row = await jobs.start(tenant, contracts.publish_products, deferred("Publish to a store"), timeout=3600,
                               retries=1, store_id=store.id, product_ids=ids, actor_id=tenant.actor.user_id,
                               draft=choices.visibility == "draft", tokopedia=choices.tokopedia)
        return redirect_after_post(request, f"/publish/bulk/{row.id}")

    @get("/{job_id:int}", name="publishing:bulk_results")
    async def results(self, request: Request, tenant: Tenant, job_id: int) -> Response:
        job = await jobs.get_job(tenant, job_id)
        publishing = job.kind == contracts.publish_products.__name__  # another job shows its progress only
        outcome = _json(job.result) if publishing else {}
        parameters = _json(job.parameters) if publishing else {}
        return render(request, "publishing/bulk.html", progress=await jobs.progress(tenant, job_id),
                      outcome=outcome, results=outcome.get("results") or [],
                      store_id=(parameters.get("kwargs") or {}).get("store_id"))


def _sale_back(value: object, default: str) -> str:
    """Where a sale button's form goes back to: the product page or a store's listings page it was on."""
    text = str(value or "")
    return text if re.fullmatch(r"/(products/\d+|sync/stores/\d+/listings)", text) else default


def _json(value: object) -> dict:
    """A JSON column as a dict (it comes back as text without load_json)."""
    if isinstance(value, str):
        try:
            value = json.loads(value or "{}")
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
