"""Printable PDFs: an order's label (the marketplace's official one, or StoreSync's own), its
packing slip, the courier manifest, the label paper setting, and the labels job of many orders."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.response import File, Response

from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains.fulfillment import documents, label_jobs
from app.domains.fulfillment.documents import Document
from app.domains.fulfillment.schemas import OrderSelection
from app.domains.fulfillment.statuses import LabelSize


def _pdf(document: Document, *, download: bool = False) -> Response:
    disposition = "attachment" if download else "inline"
    return Response(content=document.pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'{disposition}; filename="{document.filename}"', "Cache-Control": "no-store"})


class DocumentsController(Controller):
    path = "/fulfillment"
    opt = {"permission": Permission.FULFILLMENT}

    @get("/orders/{order_id:int}/label.pdf", name="fulfillment:label_pdf")
    async def label_pdf(self, tenant: Tenant, order_id: int, size: str = "") -> Response:
        """The label to print; `size` (thermal or a4) overrides the organisation's paper for own labels."""
        chosen = documents.parse_label_size(size) if size else None
        return _pdf(await documents.order_label(tenant, order_id, chosen))

    @get("/orders/{order_id:int}/packing-slip.pdf", name="fulfillment:slip_pdf")
    async def slip_pdf(self, tenant: Tenant, order_id: int) -> Response:
        return _pdf(await documents.packing_slips(tenant, [order_id]))

    @get("/packing-slips.pdf", name="fulfillment:slips_pdf")
    async def slips_pdf(self, tenant: Tenant, ids: str = "") -> Response:
        """The packing slips of the orders ticked in the queue (`ids`: "1,2,3"), one PDF."""
        chosen = OrderSelection.parse({"order_id": ids}).order_id
        return _pdf(await documents.packing_slips(tenant, chosen))

    @get("/manifest.pdf", name="fulfillment:manifest_pdf")
    async def manifest_pdf(self, tenant: Tenant, day: str = "", carrier: str = "") -> Response:
        """The manifest of one courier (or each) for one pickup day (today by default)."""
        try:
            wanted = date.fromisoformat(day) if day else None
        except ValueError:
            raise ValidationFailed({"day": _("Give the day as YYYY-MM-DD.")}) from None
        return _pdf(await documents.courier_manifest(tenant, wanted, carrier.strip()[:80]))

    @get("/label-size", name="fulfillment:label_size_form")
    async def label_size_form(self, request: Request, tenant: Tenant) -> Response:
        """The paper choice, loaded lazily next to the Labels actions (the pages it sits on spend no query on it)."""
        return render(request, "fulfillment/_label_size.html", fragment="fulfillment/_label_size.html",
                      label_size=await documents.label_size_of(tenant), sizes=list(LabelSize), size_error="",
                      saved=False)

    @post("/label-size", name="fulfillment:label_size")
    async def label_size(self, request: Request, tenant: Tenant) -> Response:
        """Remember the paper own labels are printed on (the choice offered next to every Labels button)."""
        data = await form_data(request)
        error = ""
        try:
            size = documents.parse_label_size(data.get("size"))
            await documents.remember_label_size(tenant, size)
        except ValidationFailed as exc:
            error = exc.message
            size = await documents.label_size_of(tenant)
        return render(request, "fulfillment/_label_size.html", fragment="fulfillment/_label_size.html",
                      status_code=400 if error else 200, label_size=size, sizes=list(LabelSize),
                      size_error=error, saved=not error)

    @post("/labels/jobs", name="fulfillment:labels_start")
    async def labels_start(self, request: Request, tenant: Tenant) -> Response:
        """Labels of the ticked orders as one PDF, made by a background job."""
        try:
            chosen = OrderSelection.parse_multi(await request.form())
        except ValidationFailed as exc:
            flash(request, exc.message, "error")
            return redirect_after_post(request, "/orders")
        job_id = await label_jobs.start(tenant, chosen.order_id)
        return redirect_after_post(request, f"/fulfillment/labels/jobs/{job_id}")

    @get("/labels/jobs/{labels_job_id:int}", name="fulfillment:labels_job")
    async def labels_job(self, request: Request, tenant: Tenant, labels_job_id: int) -> Response:
        job = await label_jobs.label_job(tenant, labels_job_id)
        return render(request, "fulfillment/label_job.html", fragment="fulfillment/_label_job.html", job=job,
                      progress=job.progress)

    @get("/labels/jobs/{labels_job_id:int}/labels.pdf", name="fulfillment:labels_file")
    async def labels_file(self, tenant: Tenant, labels_job_id: int) -> File:
        path = await label_jobs.labels_file(tenant, labels_job_id)
        return File(path=path, filename=f"labels-{labels_job_id}.pdf", media_type="application/pdf",
                    content_disposition_type="attachment", headers={"Cache-Control": "no-store"})

