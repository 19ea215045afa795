"""/reports/: profit and loss, profit per SKU / store / order, sales per day, top and worst products,
the seller's expenses, the weekly summary switch, and the dashboard's money fragment. Every report
takes the same filter (from, to, store, channel) and exports as CSV or XLSX (?format=csv|xlsx)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response

from app.core.auth import RequestContext, actor_of
from app.core.clock import utcnow
from app.core.errors import ValidationFailed
from app.core.i18n import N_, _
from app.core.permissions import Permission
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render
from app.domains import catalog, stores
from app.domains.money import expenses, reports, summary, views
from app.domains.money.chart import sales_chart
from app.domains.money.exports import CSV_TYPE, XLSX_TYPE, as_csv, as_xlsx
from app.domains.money.rollups import local_day
from app.domains.money.schemas import ExpenseForm, ReportFilterForm
from app.domains.money.statuses import ExpenseKind

MANAGE = {"permission": Permission.ORDERS_MANAGE}
REPORTS = [("pnl", N_("Profit and loss")), ("daily", N_("Sales per day")), ("skus", N_("Profit per SKU")),
           ("stores", N_("Profit per store and channel")), ("orders", N_("Profit per order")),
           ("products", N_("Top and worst products")), ("valuation", N_("Inventory value at cost")),
           ("slow", N_("Slow movers and stock age")), ("expenses", N_("Other costs"))]


def acting(tenant: Tenant, ctx: RequestContext, request: Request) -> Tenant:
    return Tenant(tenant.organization_id, actor=actor_of(ctx, request), role=tenant.role,
                  timezone=tenant.timezone, currency=tenant.currency)


def today(tenant: Tenant) -> date:
    return local_day(utcnow(), tenant.timezone)


async def _filters(request: Request, tenant: Tenant) -> tuple[reports.Period, dict[str, str], dict[str, str]]:
    """The period asked for, the filter's values as typed, and its errors (the default period then)."""
    query = {k: request.query_params.get(k, "") for k in ("from", "to", "store", "channel")
             if k in request.query_params}
    try:
        form = ReportFilterForm.parse_query(query)
        period = form.period(today(tenant))
        if period.store_id is not None:
            await stores.get_store(tenant, period.store_id)  # another tenant's store: 404
        return period, query, {}
    except ValidationFailed as exc:
        return ReportFilterForm().period(today(tenant)), query, exc.errors


def _export(table: views.ReportTable, period: reports.Period, fmt: str) -> Response | None:
    name = f"{table.name}-{period.first.isoformat()}-{period.last.isoformat()}"
    if fmt == "csv":
        return Response(as_csv(table.header(), table.export_rows()), media_type=CSV_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if fmt == "xlsx":
        return Response(as_xlsx(_(table.title), table.header(), table.export_rows()), media_type=XLSX_TYPE,
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return None


class ReportsController(Controller):
    path = "/reports"

    async def _show(self, request: Request, tenant: Tenant, name: str, **extra: Any) -> Response:
        period, typed, errors = await _filters(request, tenant)
        chart = None
        pnl = None
        if name == "pnl":
            table, pnl = await views.pnl_table(tenant, period)
        elif name == "daily":
            table, days = await views.daily_table(tenant, period)
            chart = sales_chart(period, days)
        else:
            table = await getattr(views, f"{name}_table")(tenant, period)
        exported = None if errors else _export(table, period, request.query_params.get("format", ""))
        if exported is not None:
            return exported
        return render(request, "money/report.html", fragment="money/_report.html",
                      status_code=422 if errors else 200, table=table, pnl=pnl, chart=chart, period=period,
                      typed=typed, errors=errors, reports=REPORTS, current=name,
                      stores=await stores.list_stores(tenant), channels=list(Channel), **extra)

    @get("/", name="reports:index")
    async def index(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "pnl")

    @get("/pnl", name="reports:pnl")
    async def pnl(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "pnl")

    @get("/daily", name="reports:daily")
    async def daily(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "daily")

    @get("/skus", name="reports:skus")
    async def skus(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "skus")

    @get("/stores", name="reports:stores")
    async def by_store(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "stores")

    @get("/orders", name="reports:orders")
    async def by_order(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "orders")

    @get("/products", name="reports:products")
    async def products(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "products")

    @get("/valuation", name="reports:valuation")
    async def valuation(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "valuation")

    @get("/slow", name="reports:slow")
    async def slow(self, request: Request, tenant: Tenant) -> Response:
        return await self._show(request, tenant, "slow")

    # -- expenses -------------------------------------------------------------------------

    async def _expenses(self, request: Request, tenant: Tenant, ctx: RequestContext, *, status_code: int = 200,
                        form_errors: dict[str, str] | None = None, form_values: dict[str, str] | None = None
                        ) -> Response:
        period, typed, errors = await _filters(request, tenant)
        status_code = 422 if errors and status_code == 200 else status_code
        return render(request, "money/expenses.html", fragment="money/_expenses.html", status_code=status_code,
                      expenses=await expenses.list_expenses(tenant, period), period=period, typed=typed,
                      errors=errors, form_errors=form_errors or {}, values=form_values or {},
                      kinds=list(ExpenseKind), reports=REPORTS, current="expenses",
                      stores=await stores.list_stores(tenant), channels=list(Channel),
                      wants_summary=await summary.wants_summary(tenant, ctx.user_id), today=today(tenant))

    @get("/expenses", name="reports:expenses")
    async def expense_list(self, request: Request, tenant: Tenant, ctx: RequestContext) -> Response:
        return await self._expenses(request, tenant, ctx)

    @post("/expenses", name="reports:add_expense", opt=MANAGE)
    async def add_expense(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = ExpenseForm.parse(data)
            await expenses.add_expense(acting(tenant, ctx, request), form)
        except ValidationFailed as exc:
            return await self._expenses(request, tenant, ctx, status_code=422, form_errors=exc.errors,
                                        form_values=data)
        flash(request, _("Expense saved."))
        return redirect_after_post(request, "/reports/expenses")

    @post("/expenses/{expense_id:int}/delete", name="reports:delete_expense", opt=MANAGE)
    async def delete_expense(self, request: Request, ctx: RequestContext, tenant: Tenant, expense_id: int) -> Response:
        await expenses.delete_expense(acting(tenant, ctx, request), expense_id)
        flash(request, _("Expense deleted."))
        return redirect_after_post(request, "/reports/expenses")

    @post("/summary", name="reports:summary")
    async def weekly_summary(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        """The signed-in person's own weekly summary switch (an absent checkbox means off)."""
        data = await form_data(request)
        wanted = data.get("weekly_summary", "").lower() in ("on", "true", "1", "yes")
        await summary.set_summary_wanted(tenant, ctx.user_id, wanted)
        flash(request, _("You will get the weekly summary.") if wanted else _("No more weekly summaries for you."))
        return redirect_after_post(request, "/reports/expenses")

    # -- dashboard ------------------------------------------------------------------------

    @get("/dashboard-money", name="reports:dashboard_money")
    async def dashboard_money(self, request: Request, tenant: Tenant) -> Response:
        """The dashboard's money (loaded after the page): sales today and last 7 days per channel,
        estimated profit, top products — from the rollups."""
        day = today(tenant)
        week = reports.Period(day - timedelta(days=6), day)
        by_channel = await reports.profit_by_store(tenant, week)
        today_sales = await reports.sales_per_day(tenant, reports.Period(day, day))
        pnl = await reports.profit_and_loss(tenant, week)
        top, _worst = await reports.top_and_worst(tenant, week, n=5)
        channels: dict[str, dict[str, int]] = {}
        for g in by_channel:
            entry = channels.setdefault(g.key[0], {"week": 0, "today": 0})
            entry["week"] += g.figures.revenue
        for d in today_sales:
            channels.setdefault(d.channel, {"week": 0, "today": 0})["today"] += d.revenue
        titles = await catalog.variant_titles(tenant, [g.key for g in top])
        return render(request, "money/_dashboard_money.html", channels=channels, pnl=pnl, top=top, titles=titles)
