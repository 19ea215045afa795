"""Words a person sees for the marketing domain's kinds (both languages)."""

from app.core.i18n import N_
from app.core.statuses import Labelled


class VoucherKind(Labelled):
    PERCENT = "percent"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"percent": N_("Percentage off"), "fixed": N_("Rupiah off"), "free_shipping": N_("Free shipping")}


class VoucherRefusal(Labelled):
    """Why a code was refused: the buyer reads these at checkout."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    EXHAUSTED = "exhausted"
    CUSTOMER_LIMIT = "customer_limit"
    NOT_APPLICABLE = "not_applicable"
    MIN_SPEND = "min_spend"
    NOT_STACKABLE = "not_stackable"
    NOT_IN_SEGMENT = "not_in_segment"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"unknown": N_("This voucher code does not exist."),
                "expired": N_("This voucher has expired."),
                "not_yet": N_("This voucher is not valid yet."),
                "exhausted": N_("This voucher has been used up."),
                "customer_limit": N_("You have already used this voucher as often as allowed."),
                "not_applicable": N_("This voucher does not apply to the items in your order."),
                "min_spend": N_("This voucher needs a minimum spend."),
                "not_stackable": N_("This voucher cannot be combined with another voucher."),
                "not_in_segment": N_("This voucher is reserved for selected customers; the phone number or "
                                     "e-mail address of this order is not one of them.")}


class PointsKind(Labelled):
    EARN = "earn"
    REDEEM = "redeem"
    REVERSE = "reverse"
    REFUND = "refund"
    EXPIRE = "expire"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"earn": N_("Earned"), "redeem": N_("Spent at checkout"), "reverse": N_("Taken back (order cancelled or returned)"),
                "refund": N_("Given back (order cancelled)"), "expire": N_("Expired")}


class RfmGroup(Labelled):
    LOYAL = "loyal"
    AT_RISK = "at_risk"
    NEW = "new"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"loyal": N_("Loyal (3+ orders, the last within 90 days)"),
                "at_risk": N_("At risk (2+ orders, none for 90 days)"),
                "new": N_("New (first order within 30 days)")}


class CampaignKind(Labelled):
    EMAIL = "email"
    WHATSAPP = "whatsapp"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"email": N_("E-mail"), "whatsapp": N_("WhatsApp list")}


class CampaignStatus(Labelled):
    DRAFT = "draft"
    SENDING = "sending"
    SENT = "sent"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"draft": N_("Draft"), "sending": N_("Sending"), "sent": N_("Sent")}
