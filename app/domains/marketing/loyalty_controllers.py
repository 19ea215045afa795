"""The seller's loyalty pages: the programme's settings, and a customer's points (the customer page's fragment)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Response, Template

from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.permissions import Permission
from app.core.statuses import Channel
from app.core.tenancy import Tenant
from app.core.web import flash, redirect_after_post, render
from app.domains import orders
from app.domains.marketing import loyalty
from app.domains.marketing.schemas import LoyaltyForm


def _tiers_text(tiers: tuple[loyalty.Tier, ...]) -> str:
    return "\n".join(f"{t.name}: {t.min_spend}: {t.earn_percent}" for t in tiers)


class LoyaltyController(Controller):
    path = "/marketing"
    include_in_schema = False

    async def _page(self, request: Request, tenant: Tenant, form: dict[str, Any] | None = None,
                    errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
        prog = await loyalty.programme(tenant)
        values = form if form is not None else {
            "enabled": prog.enabled, "rupiah_per_point": prog.rupiah_per_point, "point_value": prog.point_value,
            "channels": list(prog.channels), "expiry_days": prog.expiry_days, "tiers": _tiers_text(prog.tiers)}
        return render(request, "marketing/loyalty.html", form=values, errors=errors or {}, channels=list(Channel),
                      status_code=status_code)

    @get("/loyalty", name="marketing:loyalty")
    async def show(self, request: Request, tenant: Tenant) -> Template:
        return await self._page(request, tenant)

    @post("/loyalty", name="marketing:loyalty-save", opt={"permission": Permission.ORDERS_MANAGE})
    async def save(self, request: Request, tenant: Tenant) -> Response:
        data = await request.form()
        try:
            form = LoyaltyForm.parse_multi(data)
        except ValidationFailed as exc:
            echo = {k: data.get(k) for k in data if k != "channels"}
            echo["channels"] = data.getall("channels") if "channels" in data else []
            echo["enabled"] = "enabled" in data
            return await self._page(request, tenant, echo, exc.errors, 422)
        await loyalty.save_programme(tenant, form.values())
        flash(request, _("Loyalty programme saved."))
        return redirect_after_post(request, "/marketing/loyalty")

    @get("/customers/{phone:str}/points", name="marketing:customer-points")
    async def customer_points(self, request: Request, tenant: Tenant, phone: str) -> Template:
        """A customer's points, tier and ledger (the customer page loads it after itself)."""
        if not await orders.has_customer(tenant, phone):
            raise NotFound(_("Customer not found."))
        is_phone = "@" not in phone
        points = await loyalty.customer_points(tenant, phone, phone=phone if is_phone else "",
                                               email="" if is_phone else phone)
        return render(request, "marketing/_customer_points.html", points=points)
