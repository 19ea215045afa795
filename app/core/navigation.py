"""The navigation: sidebar on a desktop, bottom tab bar on a phone. Domains add their entries here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.permissions import Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str  # English msgid, translated in the template
    path: str
    icon: str  # name of a symbol in static/icons.svg
    permission: Permission = Permission.VIEW
    on_phone_bar: bool = False  # the phone's bottom bar has room for five
    phone_bar_unless: Permission | None = None  # not on the bar for people who hold this (their bar is full)
    phone_bar_spare: bool = False  # gives way when more than five would be on a person's bar
    counter_url: str = ""  # a fragment with a live count (e.g. low stock), loaded after the page


NAV: list[NavItem] = [
    NavItem("Dashboard", "/", "home", on_phone_bar=True),
    NavItem("Orders", "/orders", "cart", on_phone_bar=True),
    # Warehouse staff (fulfillment, no catalog editing) get it on the phone bar, in place of Products.
    NavItem("Warehouse", "/fulfillment", "box", Permission.FULFILLMENT, on_phone_bar=True,
            phone_bar_unless=Permission.CATALOG_EDIT),
    NavItem("Payments", "/payments", "card"),
    NavItem("Reports", "/reports", "chart"),
    NavItem("Customers", "/customers", "user"),
    NavItem("Notifications", "/notifications", "bell", counter_url="/notifications/count"),
    NavItem("Stores", "/stores", "store"),
    NavItem("Website", "/website", "globe"),
    NavItem("Products", "/products", "tag", on_phone_bar=True, phone_bar_spare=True),
    NavItem("Stock", "/inventory", "layers", on_phone_bar=True, counter_url="/inventory/low-stock-count"),
    NavItem("Purchasing", "/purchasing", "truck"),
    NavItem("Sync", "/sync", "refresh"),
    NavItem("Jobs", "/jobs", "clock"),
    NavItem("Members", "/members", "users"),
    NavItem("Audit log", "/audit", "shield", Permission.AUDIT_VIEW),
    NavItem("Settings", "/settings", "settings", on_phone_bar=True),
    NavItem("Marketing", "/marketing", "megaphone"),
]


PHONE_BAR_SIZE = 5


def phone_bar(can: Callable[[Permission], bool]) -> list[NavItem]:
    """The sections on a person's phone tab bar (five at most), in menu order."""
    items = [item for item in NAV if item.on_phone_bar and can(item.permission)
             and not (item.phone_bar_unless and can(item.phone_bar_unless))]
    for spare in [item for item in reversed(items) if item.phone_bar_spare]:
        if len(items) <= PHONE_BAR_SIZE:
            break
        items.remove(spare)
    return items[:PHONE_BAR_SIZE]
