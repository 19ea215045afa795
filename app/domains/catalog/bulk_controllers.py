"""Catalog bulk work: import products and variants from CSV/XLSX as a job, export to CSV."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.response import File, Response, Stream

from app.core.i18n import _
from app.core.permissions import Permission
from app.core.tenancy import Tenant
from app.core.web import VARY, htmx_target, render, wants_fragment
from app.domains import jobs
from app.domains.catalog import import_jobs, parcel_bulk
from app.domains.catalog.exporter import export_csv
from app.domains.catalog.spreadsheet_import import COLUMNS, MAX_BYTES, ImportFileError

# Room for the multipart envelope around a file of MAX_BYTES; larger bodies are refused unread.
BODY_LIMIT = MAX_BYTES + 256 * 1024


class CatalogBulkController(Controller):
    path = "/catalog"

    @get("/import", name="catalog:import")
    async def import_page(self, request: Request, tenant: Tenant) -> Response:
        recent = await import_jobs.recent_imports(tenant)
        if wants_fragment(request) and htmx_target(request) == "import-recent":
            return render(request, "catalog/_import_recent.html", imports=recent)
        return render(request, "catalog/import.html", imports=recent, columns=COLUMNS,
                      max_mb=MAX_BYTES // (1024 * 1024), error=None, progress=None)

    @post("/import", name="catalog:import_start", opt={"permission": Permission.CATALOG_EDIT},
          request_max_body_size=BODY_LIMIT)
    async def start_import(self, request: Request, tenant: Tenant) -> Response:
        try:
            try:
                form = await request.form()
            except HTTPException as exc:
                if exc.status_code == 413:
                    raise import_jobs.too_large() from None
                raise
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ImportFileError(_("Choose a CSV or XLSX file to import."))
            path = await import_jobs.save_upload(tenant, upload.read)
            job_id = await import_jobs.start_import(tenant, path)
        except ImportFileError as exc:
            return render(request, "catalog/import.html", fragment="catalog/_import_form.html",
                          status_code=exc.status_code, imports=await import_jobs.recent_imports(tenant), columns=COLUMNS,
                          max_mb=MAX_BYTES // (1024 * 1024), error=exc.message, progress=None)
        progress = await jobs.progress(tenant, job_id)
        return render(request, "catalog/import.html", fragment="catalog/_import_started.html",
                      imports=await import_jobs.recent_imports(tenant), columns=COLUMNS,
                      max_mb=MAX_BYTES // (1024 * 1024), error=None, progress=progress)

    @get("/import/{import_id:int}/errors.csv", name="catalog:import_errors")
    async def import_errors(self, tenant: Tenant, import_id: int) -> File:
        path = import_jobs.error_report(tenant, import_id)
        return File(path=path, filename=f"import-{import_id}-errors.csv", media_type="text/csv",
                    headers=VARY)

    @get("/export.csv", name="catalog:export")
    async def export(self, tenant: Tenant) -> Stream:
        return Stream(export_csv(tenant), media_type="text/csv",
                      headers={"Content-Disposition": 'attachment; filename="catalog.csv"', **VARY})

    @get("/parcel-sizes", name="catalog:parcel_sizes")
    async def parcel_sizes_page(self, request: Request, tenant: Tenant, q: str = "", missing: str = "",
                                page: str = "") -> Response:
        return await _parcel_sizes(request, tenant, {"q": q, "missing": missing, "page": page})

    @post("/parcel-sizes", name="catalog:parcel_sizes_save", opt={"permission": Permission.CATALOG_EDIT})
    async def save_parcel_sizes(self, request: Request, tenant: Tenant) -> Response:
        data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        forms, errors = parcel_bulk.parse_rows(data)
        saved = None if errors else await parcel_bulk.save(tenant, forms)
        return await _parcel_sizes(request, tenant, data, errors=errors, saved=saved)


async def _parcel_sizes(request: Request, tenant: Tenant, data: dict[str, str], *, errors: dict[str, str] | None = None,
                        saved: int | None = None) -> Response:
    """The parcel sizes page for the filters in `data` (q, missing, page), with a save's outcome."""
    q, missing, page = data.get("q", ""), data.get("missing", "") in ("1", "on", "true"), parcel_bulk.page_number(
        data.get("page"))
    rows, more = await parcel_bulk.list_rows(tenant, q, missing=missing, page=page)
    return render(request, "catalog/parcel_sizes.html", status_code=422 if errors else 200, rows=rows, q=q,
                  missing=missing, page=page, more=more, errors=errors or {}, values=data if errors else {},
                  saved=saved, page_size=parcel_bulk.PAGE_SIZE)
