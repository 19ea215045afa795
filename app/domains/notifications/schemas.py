"""The notification settings form: two checkboxes per kind, named "<kind>-in_app" and "<kind>-email"
(an unticked one is absent from what the browser sends, so it reads False)."""

from __future__ import annotations

from pydantic import Field

from app.core.forms import Checkbox, Form
from app.domains.notifications.services import KINDS, Preference


class PreferencesForm(Form):
    """Which kinds a member wants in the app and by e-mail."""

    new_order_in_app: Checkbox = Field(default=False, alias="new_order-in_app")
    new_order_email: Checkbox = Field(default=False, alias="new_order-email")
    late_order_in_app: Checkbox = Field(default=False, alias="late_order-in_app")
    late_order_email: Checkbox = Field(default=False, alias="late_order-email")
    oversold_in_app: Checkbox = Field(default=False, alias="oversold-in_app")
    oversold_email: Checkbox = Field(default=False, alias="oversold-email")
    sync_failed_in_app: Checkbox = Field(default=False, alias="sync_failed-in_app")
    sync_failed_email: Checkbox = Field(default=False, alias="sync_failed-email")
    low_stock_in_app: Checkbox = Field(default=False, alias="low_stock-in_app")
    low_stock_email: Checkbox = Field(default=False, alias="low_stock-email")
    webhook_disabled_in_app: Checkbox = Field(default=False, alias="webhook_disabled-in_app")
    webhook_disabled_email: Checkbox = Field(default=False, alias="webhook_disabled-email")
    billing_in_app: Checkbox = Field(default=False, alias="billing-in_app")
    billing_email: Checkbox = Field(default=False, alias="billing-email")

    def choices(self) -> dict[str, Preference]:
        """Each kind's choice, in KINDS order."""
        return {kind: Preference(in_app=getattr(self, f"{kind}_in_app"), email=getattr(self, f"{kind}_email"))
                for kind in KINDS}

