"""Subscription and invoice states and the limited resources, as people read them."""

from __future__ import annotations

from app.core.i18n import N_
from app.core.statuses import Labelled


class SubscriptionStatus(Labelled):
    ACTIVE = "active"
    PAST_DUE = "past_due"  # the renewal is unpaid; the plan holds until the grace period ends

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"active": N_("Active"), "past_due": N_("Payment overdue")}


class InvoiceStatus(Labelled):
    OPEN = "open"
    PAID = "paid"
    VOID = "void"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"open": N_("Waiting for payment"), "paid": N_("Paid"), "void": N_("Cancelled")}


class InvoiceKind(Labelled):
    UPGRADE = "upgrade"
    RENEWAL = "renewal"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"upgrade": N_("Plan change"), "renewal": N_("Renewal")}


class Resource(Labelled):
    STORES = "stores"
    ORDERS = "orders"
    MEMBERS = "members"
    LOCATIONS = "locations"
    API_CALLS = "api_calls"

    @classmethod
    def msgids(cls) -> dict[str, str]:
        return {"stores": N_("Connected stores"), "orders": N_("Orders this month"), "members": N_("Members"),
                "locations": N_("Locations"), "api_calls": N_("API calls this month")}
