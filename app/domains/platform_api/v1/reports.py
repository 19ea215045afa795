"""/api/v1/reports: a sales summary over a period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from litestar import Controller, get

from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.core.tenancy import Tenant
from app.domains import orders
from app.domains.platform_api.v1.models import SalesRow, SalesSummaryOut

MAX_DAYS = 366


class ReportsApi(Controller):
    path = "/reports"
    tags = ["reports"]

    @get("/sales", opt={"api_scope": "reports:read"},
         summary="Orders and revenue placed in [since, until) per channel and state (default: the last 30 days)")
    async def sales(self, tenant: Tenant, since: datetime | None = None, until: datetime | None = None) -> SalesSummaryOut:
        until = until or utcnow()
        since = since or until - timedelta(days=30)
        if since.tzinfo is None or until.tzinfo is None:
            raise ValidationFailed({"since": "Give times with their offset, e.g. 2026-12-01T00:00:00+07:00."})
        if not since < until or until - since > timedelta(days=MAX_DAYS):
            raise ValidationFailed({"since": f"since must be before until, at most {MAX_DAYS} days apart."})
        since, until = since.astimezone(UTC), until.astimezone(UTC)
        rows = [SalesRow(channel=r["channel"], state=r["state"], orders=int(r["orders"]), total=int(r["total"] or 0),
                         shipping=int(r["shipping"] or 0)) for r in await orders.sales_summary(tenant, since, until)]
        live = [r for r in rows if r.state != orders.OrderState.CANCELLED]
        by_channel: dict[str, int] = {}
        for r in live:
            by_channel[r.channel] = by_channel.get(r.channel, 0) + r.total
        return SalesSummaryOut(since=since, until=until, orders=sum(r.orders for r in live),
                               revenue=sum(r.total for r in live),
                               cancelled=sum(r.orders for r in rows if r.state == orders.OrderState.CANCELLED),
                               by_channel=by_channel, rows=rows)
