"""The seller's Segments page: saved customer filters with a live count (htmx) while editing."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response, Template

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import catalog
from app.domains.marketing import loyalty, segments
from app.domains.marketing.schemas import SegmentForm
from app.domains.marketing.statuses import RfmGroup


class SegmentsController(Controller):
    path = "/marketing/segments"
    include_in_schema = False

    async def _page(self, request: Request, tenant: Tenant, form: dict[str, Any], errors: dict[str, str],
                    count: int | None, segment_id: int | None = None, status_code: int = 200) -> Template:
        return render(request, "marketing/segments.html", form=form, errors=errors, count=count,
                      segment_id=segment_id, saved=await segments.segments(tenant), channels=list(Channel),
                      groups=list(RfmGroup), products=await catalog.active_products(tenant),
                      tiers=[t.name for t in (await loyalty.programme(tenant)).tiers], status_code=status_code)

    @get("/", name="marketing:segments")
    async def index(self, request: Request, tenant: Tenant, segment: int | None = None) -> Template:
        if segment is not None:
            saved = await segments.segment(tenant, segment)
            form = {"name": saved.name, **{k: "" if v is None else v for k, v in saved.filters.items()}}
            return await self._page(request, tenant, form, {}, await segments.segment_count(tenant, saved.id), saved.id)
        return await self._page(request, tenant, {}, {}, None)

    @post("/count", name="marketing:segment-count")
    async def count(self, request: Request, tenant: Tenant) -> Template:
        """The live count of the form as it stands (htmx, on every change)."""
        data = await form_data(request)
        try:
            number: int | None = await segments.count(tenant, SegmentForm.parse(data))
            errors: dict[str, str] = {}
        except ValidationFailed as exc:
            number, errors = None, exc.errors
        return render(request, "marketing/_segment_count.html", count=number, errors=errors)

    @post("/", name="marketing:segment-save", opt={"permission": Permission.ORDERS_MANAGE})
    async def save(self, request: Request, tenant: Tenant) -> Response:
        data = await form_data(request)
        raw_id = data.get("segment_id", "")
        try:
            form = SegmentForm.parse({k: v for k, v in data.items() if k != "segment_id"})
            if not form.name:
                raise ValidationFailed({"name": _("Name the segment.")})
            segment_id = await segments.save_segment(tenant, form, int(raw_id) if raw_id.isdigit() else None)
        except ValidationFailed as exc:
            return await self._page(request, tenant, data, exc.errors, None, status_code=422)
        flash(request, _("Segment saved."))
        return redirect_after_post(request, f"/marketing/segments/?segment={segment_id}")
