"""The demo organisation's payments point at the payment sandbox with the SANDBOX_* keys."""

from __future__ import annotations

from app.core.tenancy import Tenant
from app.domains.payments.configuration import save_settings
from app.settings import get_settings

DEMO_BANK_ACCOUNTS = [{"bank": "BCA", "number": "1234567890", "holder": "Toko Demo"},
                      {"bank": "Mandiri", "number": "1400012345678", "holder": "Toko Demo"}]


async def seed_demo_payments(org_id: int) -> None:
    """Every method on: COD, bank transfer to two demo accounts, Midtrans and Xendit with the keys
    the payment sandbox signs with (so the demo pays end to end with no internet)."""
    settings = get_settings()
    await save_settings(Tenant(org_id), cod_enabled=True, bank_transfer_enabled=True, midtrans_enabled=True,
                        xendit_enabled=True, bank_accounts=DEMO_BANK_ACCOUNTS, secrets={
                            "midtrans_server_key": settings.sandbox_midtrans_server_key,
                            "midtrans_client_key": settings.sandbox_midtrans_client_key,
                            "xendit_secret_key": settings.sandbox_xendit_secret_key,
                            "xendit_callback_token": settings.sandbox_xendit_callback_token})
