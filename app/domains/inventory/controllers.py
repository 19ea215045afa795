"""Stock screens: levels with adjust and transfer, the movement ledger, locations, low stock."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from litestar import Controller, Request, get, post
from litestar.response import Response, Stream

from app.core.clock import format_local
from app.core.errors import AppError, ValidationFailed
from app.core.i18n import _, ngettext
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.catalog import Variant, variant_by_code
from app.domains.inventory import counts, locations, overview, stock
from app.domains.inventory.labels import reference_names
from app.domains.inventory.overview import MovementRow
from app.domains.inventory.schemas import (
    AdjustForm,
    LocationActiveForm,
    LocationForm,
    OpenCountForm,
    ScanForm,
    TransferForm,
)
from app.domains.inventory.statuses import MovementKind


async def _name_orders(tenant: Tenant, rows: list[MovementRow]) -> list[MovementRow]:
    """A movement made for an order names it (its number, a link) rather than "order:28"."""
    ids = {int(r.reference[6:]) for r in rows if (r.reference or "").startswith("order:") and r.reference[6:].isdigit()}
    numbers = await reference_names(tenant, "order", ids) if ids else {}
    named = []
    for row in rows:
        ref = row.reference or ""
        if ref.startswith("order:") and ref[6:].isdigit() and int(ref[6:]) in numbers:
            row = replace(row, order_id=int(ref[6:]), order_number=numbers[int(ref[6:])])
        named.append(row)
    return named


async def _variant_of(tenant: Tenant, code: str) -> Variant:
    """The variant a parsed form's SKU or barcode names; ValidationFailed on `code` when none does."""
    variant = await variant_by_code(tenant, code)
    if variant is None:
        raise ValidationFailed({"code": _("No variant has the SKU or barcode %(code)s.", code=code)})
    return variant


class InventoryController(Controller):
    path = "/inventory"

    async def _page(self, request: Request, tenant: Tenant, *, q: str = "", location: int | None = None,
                    low: bool = False, after: int | None = None, status_code: int = 200, errors: dict | None = None,
                    form: dict | None = None) -> Response:
        rows, next_after = await overview.stock_table(tenant, location_id=location, low_only=low, q=q, after=after)
        # "Show more" swaps in the next rows; the same link opened without htmx (a new tab) is the page
        more_rows = bool(after) and bool(getattr(request, "htmx", None))  # the rows alone: no location list
        return render(request, "inventory/index.html", status_code=status_code,
                      fragment="inventory/_stock_rows.html" if after else "inventory/_stock.html",
                      rows=rows, next_after=next_after,
                      locations=[] if more_rows else await locations.list_locations(tenant),
                      filters={"q": q, "location": location, "low": low}, errors=errors or {}, form=form or {})

    @get("/", name="inventory:index")
    async def index(self, request: Request, tenant: Tenant, q: str = "", location: int | None = None,
                    low: bool = False, after: int | None = None) -> Response:
        return await self._page(request, tenant, q=q, location=location, low=low, after=after)

    @post("/adjust", name="inventory:adjust", opt={"permission": Permission.INVENTORY_ADJUST})
    async def adjust(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = AdjustForm.parse(data)
            variant = await _variant_of(tenant, form.code)
            level = await stock.adjust(tenant, variant["id"], form.location_id, form.delta, reason=form.reason)
        except AppError as exc:
            errors = dict(getattr(exc, "errors", None) or {"delta": exc.message})
            if "quantity" in errors:
                errors["delta"] = errors.pop("quantity")
            return await self._page(request, tenant, q=data.get("code", ""), status_code=422, errors=errors, form=data)
        flash(request, _("%(sku)s now has %(n)s available.", sku=variant["sku"], n=level.available))
        return await self._page(request, tenant, q=variant["sku"])

    @post("/transfer", name="inventory:transfer", opt={"permission": Permission.INVENTORY_ADJUST})
    async def transfer(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = TransferForm.parse(data)
            variant = await _variant_of(tenant, form.code)
            await stock.transfer(tenant, variant["id"], form.source_id, form.target_id, form.quantity,
                                 reason=form.reason)
        except AppError as exc:
            errors = getattr(exc, "errors", None) or {"quantity": exc.message}
            return await self._page(request, tenant, q=data.get("code", ""), status_code=422,
                                    errors={f"transfer_{k}": v for k, v in errors.items()}, form=data)
        flash(request, _("Moved %(n)s × %(sku)s.", n=form.quantity, sku=variant["sku"]))
        return await self._page(request, tenant, q=variant["sku"])

    @get("/low-stock-count", name="inventory:low_count")
    async def low_count(self, request: Request, tenant: Tenant) -> Response:
        count = await overview.low_stock_count(tenant)
        return render(request, "inventory/_low_count.html", count=count)

    @get("/movements", name="inventory:movements")
    async def movements(self, request: Request, tenant: Tenant, variant: int | None = None,
                        location: int | None = None, kind: str = "", after: int | None = None) -> Response:
        rows, next_after = await overview.movements(tenant, variant_id=variant, location_id=location,
                                                    kind=kind if kind in set(MovementKind) else "", after=after)
        rows = await _name_orders(tenant, rows)
        return render(request, "inventory/movements.html", fragment="inventory/_movement_rows.html" if after else None,
                      rows=rows, next_after=next_after, kinds=list(MovementKind),
                      locations=await locations.list_locations(tenant, active_only=False),
                      filters={"variant": variant, "location": location, "kind": kind})

    @get("/movements.csv", name="inventory:movements_csv")
    async def movements_csv(self, request: Request, tenant: Tenant, variant: int | None = None,
                            location: int | None = None, kind: str = "") -> Stream:
        async def lines():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(["time", "sku", "location", "kind", "on_hand_change", "reserved_change", "on_hand_after",
                             "reserved_after", "reason", "reference", "by"])
            after = None
            while True:
                rows, after = await overview.movements(tenant, variant_id=variant, location_id=location,
                                                       kind=kind if kind in set(MovementKind) else "", after=after,
                                                       limit=1000)
                for r in rows:
                    writer.writerow([format_local(r.created_at, tenant.timezone), r.sku, r.location_code,
                                     r.kind, r.on_hand_delta, r.reserved_delta, r.on_hand_after,
                                     r.reserved_after, r.reason, r.reference, r.actor_email or ""])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
                if after is None:
                    return

        return Stream(lines(), media_type="text/csv",
                      headers={"Content-Disposition": 'attachment; filename="stock-movements.csv"'})

    async def _locations(self, request: Request, tenant: Tenant, *, status_code: int = 200, errors: dict | None = None,
                         form: dict | None = None, editing: int | None = None) -> Response:
        return render(request, "inventory/locations.html", fragment="inventory/_locations.html",
                      status_code=status_code, locations=await locations.list_locations(tenant, active_only=False),
                      units=await locations.units_by_location(tenant), errors=errors or {}, form=form or {},
                      editing=editing)

    @get("/locations", name="inventory:locations")
    async def locations_page(self, request: Request, tenant: Tenant) -> Response:
        return await self._locations(request, tenant)

    @post("/locations/{location_id:int}", name="inventory:update_location",
          opt={"permission": Permission.INVENTORY_ADJUST})
    async def update_location(self, request: Request, tenant: Tenant, location_id: int) -> Response:
        data = await form_data(request)
        form = LocationForm.parse(data)
        try:
            row = await locations.update_location(tenant, location_id, form.name, form.code)
        except ValidationFailed as exc:
            return await self._locations(request, tenant, status_code=422, errors=exc.errors, form=data,
                                         editing=location_id)
        flash(request, _("Location %(code)s saved.", code=row.code))
        return await self._locations(request, tenant)

    @post("/locations/{location_id:int}/active", name="inventory:location_active",
          opt={"permission": Permission.INVENTORY_ADJUST})
    async def location_active(self, request: Request, tenant: Tenant, location_id: int) -> Response:
        active = LocationActiveForm.parse(await form_data(request)).active
        try:
            row = await locations.set_active(tenant, location_id, active)
        except AppError as exc:
            flash(request, exc.message, "error")
            return await self._locations(request, tenant, status_code=exc.status_code)
        flash(request, _("%(code)s is active again.", code=row.code) if active
              else _("%(code)s is deactivated.", code=row.code))
        return await self._locations(request, tenant)

    @post("/locations", name="inventory:create_location", opt={"permission": Permission.INVENTORY_ADJUST})
    async def create_location(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        form = LocationForm.parse(data)
        try:
            await locations.create_location(tenant, form.name, form.code)
        except ValidationFailed as exc:
            return await self._locations(request, tenant, status_code=422, errors=exc.errors, form=data)
        flash(request, _("Location added."))
        return await self._locations(request, tenant)


class StockCountController(Controller):
    """Stock opname on a tablet: a scan box that keeps focus, the counted lines, review, post."""

    path = "/inventory/counts"
    opt = {"permission": Permission.INVENTORY_ADJUST}

    @get("/", name="counts:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return render(request, "inventory/counts.html", counts=await counts.recent_counts(tenant),
                      locations=await locations.list_locations(tenant))

    @post("/", name="counts:open")
    async def open(self, request: Request, tenant: Tenant) -> Response:
        form = OpenCountForm.parse(await form_data(request))
        count_id = await counts.open_count(tenant, form.location_id, form.note)
        return redirect_after_post(request, f"/inventory/counts/{count_id}")

    async def _sheet(self, request: Request, tenant: Tenant, count_id: int, *, status_code: int = 200,
                     error: str = "", last=None) -> Response:
        return render(request, "inventory/count.html", fragment="inventory/_count_sheet.html",
                      status_code=status_code, count=await counts.get_count(tenant, count_id),
                      lines=await counts.lines(tenant, count_id), error=error, last=last)

    @get("/{count_id:int}", name="counts:show")
    async def show(self, request: Request, tenant: Tenant, count_id: int) -> Response:
        return await self._sheet(request, tenant, count_id)

    @post("/{count_id:int}/scan", name="counts:scan")
    async def scan(self, request: Request, tenant: Tenant, count_id: int) -> Response:
        try:
            form = ScanForm.parse(await form_data(request))
            last = await counts.scan(tenant, count_id, form.code, form.quantity)
        except AppError as exc:
            return await self._sheet(request, tenant, count_id, status_code=exc.status_code, error=exc.message)
        return await self._sheet(request, tenant, count_id, last=last)

    @post("/{count_id:int}/post", name="counts:post")
    async def post_count(self, request: Request, tenant: Tenant, count_id: int) -> Response:
        try:
            changed = await counts.post_count(tenant, count_id)
        except AppError as exc:
            return await self._sheet(request, tenant, count_id, status_code=exc.status_code, error=exc.message)
        flash(request, ngettext("Count posted: %(num)s stock figure changed.", "Count posted: %(num)s stock figures changed.", changed))
        return redirect_after_post(request, f"/inventory/counts/{count_id}")
