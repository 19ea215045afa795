"""The money words a person sees: settlement fee kinds, settlement states, expense kinds."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.statuses import Labelled


class FeeKind(Labelled):
    """A line of a settlement (the same values as app.integrations.base.FeeKind)."""

    ITEMS = "items"
    PLATFORM_VOUCHER = "platform_voucher"
    COMMISSION = "commission"
    SERVICE_FEE = "service_fee"
    TRANSACTION_FEE = "transaction_fee"
    CAMPAIGN_FEE = "campaign_fee"
    AFFILIATE_COMMISSION = "affiliate_commission"
    SHIPPING_BUYER_PAID = "shipping_buyer_paid"
    SHIPPING_ACTUAL = "shipping_actual"
    SHIPPING_REBATE = "shipping_rebate"
    TAX = "tax"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"items": N_("Items sold"), "platform_voucher": N_("Vouchers the platform funds"),
                "commission": N_("Commission"), "service_fee": N_("Service fee"),
                "transaction_fee": N_("Transaction fee"), "campaign_fee": N_("Campaign fee"),
                "affiliate_commission": N_("Affiliate commission"),
                "shipping_buyer_paid": N_("Shipping paid by the buyer"),
                "shipping_actual": N_("Shipping charged by the courier"),
                "shipping_rebate": N_("Shipping rebate from the platform"), "tax": N_("Tax withheld"),
                "refund": N_("Refund to the buyer"), "adjustment": N_("Other adjustment")}


# The fee kinds a P&L lists under "platform fees" (the rest are revenue, shipping or tax).
PLATFORM_FEES = (FeeKind.COMMISSION, FeeKind.SERVICE_FEE, FeeKind.TRANSACTION_FEE, FeeKind.CAMPAIGN_FEE,
                 FeeKind.AFFILIATE_COMMISSION)
SHIPPING = (FeeKind.SHIPPING_BUYER_PAID, FeeKind.SHIPPING_ACTUAL, FeeKind.SHIPPING_REBATE)
REVENUE = (FeeKind.ITEMS, FeeKind.PLATFORM_VOUCHER)
OTHER = (FeeKind.REFUND, FeeKind.ADJUSTMENT)


class SettlementState(Labelled):
    ESTIMATED = "estimated"  # the order is open: the platform's estimate
    FINAL = "final"  # paid out

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"estimated": N_("Estimated"), "final": N_("Final")}


class ExpenseKind(Labelled):
    ADS = "ads"
    PACKAGING = "packaging"
    SHIPPING = "shipping"
    STAFF = "staff"
    OTHER = "other"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"ads": N_("Advertising"), "packaging": N_("Packaging"), "shipping": N_("Shipping costs"),
                "staff": N_("Staff"), "other": N_("Other costs")}
