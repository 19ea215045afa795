"""The warehouse on a tablet: pick lists, the packing bench, shipping, labels and the manifest."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.errors import AppError, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import back_within, flash, form_data, redirect_after_post, render
from app.domains.fulfillment import bulk, label_jobs, packing, picking, platform_actions, shipping
from app.domains.fulfillment.barcodes import code128_svg
from app.domains.fulfillment.bulk import BulkAction
from app.domains.fulfillment.schemas import (
    BulkOrdersForm,
    MarketplaceCancelForm,
    OrderSelection,
    PackScanForm,
    PickListForm,
    ShipForm,
)
from app.domains.fulfillment.statuses import ActionKind
from app.domains.orders import get_order, order_page


class FulfillmentController(Controller):
    """Every action is one or two taps; the scan box keeps focus (static/js/scan.js)."""

    path = "/fulfillment"
    opt = {"permission": Permission.FULFILLMENT}

    @get("/", name="fulfillment:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "fulfillment/index.html", fragment="fulfillment/_ready.html",
                      counts=await picking.counts(tenant), ready=await picking.ready_orders(tenant),
                      packed=await shipping.packed_orders(tenant), pick_lists=await picking.recent_pick_lists(tenant),
                      error="")

    @post("/picklists", name="fulfillment:picklist_create")
    async def create_pick_list(self, request: Request, tenant: Tenant) -> Response:
        try:
            chosen = PickListForm.parse_multi(await request.form())
            pick_list_id = await picking.create_pick_list(tenant, None if chosen.all else chosen.order_id)
        except AppError as exc:
            return render(request, "fulfillment/index.html", fragment="fulfillment/_ready.html",
                          status_code=exc.status_code, counts=await picking.counts(tenant),
                          ready=await picking.ready_orders(tenant), packed=await shipping.packed_orders(tenant),
                          pick_lists=await picking.recent_pick_lists(tenant), error=exc.message)
        return redirect_after_post(request, f"/fulfillment/picklists/{pick_list_id}")

    @get("/picklists/{pick_list_id:int}", name="fulfillment:picklist")
    async def pick_list(self, request: Request, tenant: Tenant, pick_list_id: int) -> Response:
        return render(request, "fulfillment/picklist.html", pick_list=await picking.get_pick_list(tenant, pick_list_id),
                      barcode=code128_svg)

    @get("/pack", name="fulfillment:pack")
    async def pack(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "fulfillment/pack.html", fragment="fulfillment/_pack.html", view=None, message="",
                      error="")

    @get("/pack/{order_id:int}", name="fulfillment:pack_order")
    async def pack_order(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        result = await packing.open_order(tenant, order_id)
        return render(request, "fulfillment/pack.html", fragment="fulfillment/_pack.html", view=result.view,
                      message=result.message, error="")

    @post("/pack", name="fulfillment:pack_scan")
    async def pack_scan(self, request: Request, tenant: Tenant) -> Response:
        current = None
        try:
            scan = PackScanForm.parse(await form_data(request))
            current = scan.order_id
            result = await packing.scan(tenant, current, scan.code)
        except AppError as exc:
            view = None
            if current and not isinstance(exc, NotFound):
                view = (await packing.open_order(tenant, current)).view
            return render(request, "fulfillment/pack.html", fragment="fulfillment/_pack.html",
                          status_code=exc.status_code, view=view, message="", error=exc.message)
        return render(request, "fulfillment/pack.html", fragment="fulfillment/_pack.html", view=result.view,
                      message=result.message, error="", finished=result.finished)

    async def _ship_panel(self, request: Request, tenant: Tenant, order_id: int, *, status_code: int = 200,
                          error: str = "", message: str = "", errors: dict | None = None,
                          form: dict | None = None) -> Response:
        order = await get_order(tenant, order_id)
        action = await platform_actions.latest_action(tenant, order_id, ActionKind.SHIP) if order.store else None
        return render(request, "fulfillment/ship.html", fragment="fulfillment/_ship.html", status_code=status_code,
                      order=order, shipment=await shipping.shipment_of(tenant, order_id), action=action,
                      error=error, message=message, errors=errors or {}, form=form or {})

    @get("/orders/{order_id:int}/ship", name="fulfillment:ship_form")
    async def ship_form(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        return await self._ship_panel(request, tenant, order_id)

    @post("/orders/{order_id:int}/ship", name="fulfillment:ship")
    async def ship(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        """A marketplace order is sent to its marketplace by a job (the panel follows its answer);
        a manual order ships at once with the courier and tracking number typed."""
        data = await form_data(request)
        order = await get_order(tenant, order_id)
        if order.store is not None and order.state not in shipping.ALREADY_SHIPPED:
            try:
                await platform_actions.request_ship(tenant, order_id)
            except AppError as exc:
                return await self._ship_panel(request, tenant, order_id, status_code=exc.status_code,
                                              error=exc.message)
            return await self._ship_panel(request, tenant, order_id,
                                          message=_("Sent to the marketplace: this page shows its answer."))
        try:
            typed = ShipForm.parse(data)
            result = await shipping.ship(tenant, order_id, carrier=typed.carrier, tracking_number=typed.tracking_number)
        except NotFound:
            raise
        except AppError as exc:
            return await self._ship_panel(request, tenant, order_id, status_code=exc.status_code, error=exc.message,
                                          errors=getattr(exc, "errors", None), form=data)
        if result.already:
            message = _("Already shipped — nothing sent again. Tracking number %(number)s.", number=result.tracking_number)
        elif result.shipped:
            message = _("Shipped with %(carrier)s, tracking number %(number)s. Stock deducted.",
                        carrier=result.carrier, number=result.tracking_number)
        else:
            message = _("Shipment arranged. The marketplace has no tracking number yet: try again in a minute.")
        return await self._ship_panel(request, tenant, order_id, message=message)

    @get("/orders/{order_id:int}/label", name="fulfillment:label")
    async def label(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        order = await get_order(tenant, order_id)
        return render(request, "fulfillment/label.html", order=order, barcode=code128_svg,
                      shipment=await shipping.shipment_of(tenant, order_id), slip=True)

    @get("/orders/{order_id:int}/packing-slip", name="fulfillment:slip")
    async def slip(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        order = await get_order(tenant, order_id)
        return render(request, "fulfillment/slip.html", order=order, barcode=code128_svg)

    @get("/manifest", name="fulfillment:manifest")
    async def manifest(self, request: Request, tenant: Tenant, day: str = "") -> Response:
        try:
            wanted = date.fromisoformat(day) if day else None
        except ValueError:
            wanted = None
        shown, by_carrier = await shipping.manifest(tenant, wanted)
        return render(request, "fulfillment/manifest.html", day=shown, by_carrier=by_carrier, barcode=code128_svg)


class OrderActionsController(Controller):
    """The warehouse's and the marketplace's actions offered on the order queue and an order's page
    (bulk accept / pick list / labels / pack / ship, marketplace cancel and ship). They keep the
    /orders paths and route names of the pages they sit on."""

    path = "/orders"

    @post("/bulk", name="orders:bulk", opt={"permission": Permission.FULFILLMENT})
    async def bulk(self, request: Request, tenant: Tenant) -> Response:
        """One action for the orders ticked in the queue; the outcome comes back as a flash."""
        form = await request.form()
        back = back_within(form.get("back"), "/orders")
        try:
            chosen = BulkOrdersForm.parse_multi(form)
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, back)
        action = chosen.action
        outcome = await bulk.run(tenant, action, chosen.order_id)
        category = "success" if not outcome.refused else ("warning" if outcome.done or outcome.waiting or outcome.queued else "error")
        if action is BulkAction.LABELS and outcome.done:
            # One PDF of every label (the marketplaces' official ones fetched), made by a job.
            if outcome.refused:
                flash(request, outcome.message, category)
            job_id = await label_jobs.start(tenant, outcome.done)
            return redirect_after_post(request, f"/fulfillment/labels/jobs/{job_id}")
        if action is BulkAction.SLIPS and outcome.done:
            # Drawn here, not fetched: the PDF opens at once (500 slips take a few seconds).
            if outcome.refused:
                flash(request, outcome.message, category)
            return redirect_after_post(request, "/fulfillment/packing-slips.pdf?ids=" + ",".join(map(str, outcome.done)))
        flash(request, outcome.message, category)
        if outcome.pick_list_id:
            return redirect_after_post(request, f"/fulfillment/picklists/{outcome.pick_list_id}")
        return redirect_after_post(request, back)

    @get("/labels", name="orders:labels", opt={"permission": Permission.FULFILLMENT})
    async def labels(self, request: Request, tenant: Tenant, ids: str = "") -> Response:
        """One print-ready page with the shipping label of each chosen order."""
        error = ""
        try:
            chosen = OrderSelection.parse({"order_id": ids}).order_id
        except ValidationFailed as exc:
            chosen, error = [], exc.message
        return render(request, "orders/labels.html", orders=await bulk.label_orders(tenant, chosen) if chosen else [],
                      barcode=code128_svg, error=error)

    @post("/{order_id:int}/marketplace/cancel", name="orders:marketplace_cancel",
          opt={"permission": Permission.ORDERS_MANAGE})
    async def marketplace_cancel(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        """Ask the marketplace to cancel the order, with the reason picked from its reasons."""
        form = MarketplaceCancelForm.parse(await form_data(request))
        return await self._marketplace(request, tenant, order_id,
                                       platform_actions.request_cancel(tenant, order_id, form.reason))

    @post("/{order_id:int}/marketplace/ship", name="orders:marketplace_ship",
          opt={"permission": Permission.FULFILLMENT})
    async def marketplace_ship(self, request: Request, tenant: Tenant, order_id: int) -> Response:
        """Ask the marketplace to arrange the packed order's shipment."""
        return await self._marketplace(request, tenant, order_id, platform_actions.request_ship(tenant, order_id))

    async def _marketplace(self, request: Request, tenant: Tenant, order_id: int, step) -> Response:
        error = ""
        try:
            await step
            flash(request, _("Sent to the marketplace: this page shows its answer."))
        except AppError as exc:
            error = exc.message
        return render(request, "orders/show.html", fragment="orders/_detail.html", **await order_page(tenant, order_id),
                      error=error, status_code=409 if error else 200)
