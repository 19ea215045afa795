"""Vouchers made the way the seller makes them: the form as the browser posts it, then the service."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.marketing import manage
from app.domains.marketing.schemas import VoucherForm
from tests.support import unique

BLANK = {"code": "", "name": "", "kind": "percent", "value": "", "max_discount": "", "min_spend": "", "categories": "",
         "starts_at": "", "ends_at": "", "total_limit": "", "per_customer_limit": "", "segment": "", "batch_count": "", "active": "on"}


def voucher_form(**changes: str | None) -> dict[str, str]:
    """The voucher form as a browser submits it: every text field (empty ones too), ticked boxes only."""
    data = {**BLANK, "code": unique("V").upper()[:12]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


async def make_voucher(tenant: Tenant, **changes: str | None) -> tuple[int, str]:
    data = voucher_form(**changes)
    voucher_id = await manage.create_voucher(tenant, VoucherForm.parse(data))
    return voucher_id, data["code"].upper()
