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


async def mailed_points_code(address: str) -> str:
    """The six-digit code in the last points code mail queued to this address (its outbox row)."""
    import re

    from app.core.secrets import decrypt
    from app.domains.mail.tables import OutgoingMail

    row = await OutgoingMail.select().where(OutgoingMail.recipient == address).order_by(
        OutgoingMail.id, ascending=False).first()
    assert row is not None, f"no mail to {address}"
    found = re.search(r"\b(\d{6})\b", decrypt(row["body"]))
    assert found, "no code in the mail"
    return found.group(1)


async def verified_cart(client, slug: str, variant_id: int, phone: str, on_file: str, quantity: int = 1) -> str:
    """A storefront API cart with these items whose points were confirmed with the code mailed to the
    customer's address on file (the app's SMTP must be on: the smtp_server fixture)."""
    api = f"/api/storefront/{slug}"
    token = (await client.post(f"{api}/cart")).json()["token"]
    assert (await client.put(f"{api}/cart/{token}/lines/{variant_id}", json={"quantity": quantity})).status_code == 200
    sent = await client.post(f"{api}/cart/{token}/points-code", json={"phone": phone, "email": ""})
    assert sent.status_code == 202, sent.text
    verified = await client.post(f"{api}/cart/{token}/points-verify",
                                 json={"phone": phone, "code": await mailed_points_code(on_file)})
    assert verified.status_code == 200, verified.text
    return token
