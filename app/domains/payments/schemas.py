"""The payment settings form, read the way a browser posts it: unticked checkboxes are absent,
blank secret fields mean "keep the stored key", bank accounts come as parallel bank/number/holder rows."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field

from app.core.errors import ValidationFailed
from app.core.forms import Checkbox, Form
from app.core.i18n import _

BANK_ROWS = 3
_ACCOUNT_NUMBER = re.compile(r"^[0-9][0-9 .-]{4,30}$")


class PaymentSettingsForm(Form):
    labels = {"cod_enabled": "Cash on delivery", "midtrans_server_key": "Midtrans server key",
              "xendit_secret_key": "Xendit secret key", "xendit_callback_token": "Xendit callback token"}

    cod_enabled: Checkbox = False
    bank_transfer_enabled: Checkbox = False
    midtrans_enabled: Checkbox = False
    xendit_enabled: Checkbox = False
    midtrans_server_key: str = Field(default="", max_length=200)
    midtrans_client_key: str = Field(default="", max_length=200)
    xendit_secret_key: str = Field(default="", max_length=200)
    xendit_callback_token: str = Field(default="", max_length=200)

    @property
    def secrets(self) -> dict[str, str]:
        return {"midtrans_server_key": self.midtrans_server_key, "midtrans_client_key": self.midtrans_client_key,
                "xendit_secret_key": self.xendit_secret_key, "xendit_callback_token": self.xendit_callback_token}


def bank_accounts_from(data: dict[str, Any]) -> list[dict[str, str]]:
    """Rows bank_<i>/number_<i>/holder_<i>; a fully blank row is skipped, a half-filled one refused."""
    accounts, errors = [], {}
    for i in range(BANK_ROWS):
        bank, number, holder = (str(data.get(f"{name}_{i}", "") or "").strip() for name in ("bank", "number", "holder"))
        if not (bank or number or holder):
            continue
        if not (bank and number and holder):
            errors[f"bank_{i}"] = _("Fill in bank, account number and holder, or leave the whole row empty.")
        elif not _ACCOUNT_NUMBER.match(number):
            errors[f"number_{i}"] = _("An account number has digits only (spaces and dashes allowed).")
        elif len(bank) > 60 or len(holder) > 120:
            errors[f"bank_{i}"] = _("Bank name or holder is too long.")
        else:
            accounts.append({"bank": bank, "number": number, "holder": holder})
    if errors:
        raise ValidationFailed(errors)
    return accounts
