"""The navigation: sidebar on a desktop, bottom tab bar on a phone. Domains add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.permissions import Permission


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str  # English msgid, translated in the template
    path: str
    icon: str  # name of a symbol in static/icons.svg
    permission: Permission = Permission.VIEW
    on_phone_bar: bool = False  # the phone's bottom bar has room for five
    counter_url: str = ""  # a fragment with a live count (e.g. low stock), loaded after the page


NAV: list[NavItem] = [
    NavItem("Dashboard", "/", "home", on_phone_bar=True),
    NavItem("Orders", "/orders", "cart", on_phone_bar=True),
    NavItem("Warehouse", "/fulfillment", "box", Permission.FULFILLMENT),
    NavItem("Customers", "/customers", "users"),
    NavItem("Notifications", "/notifications", "bell", counter_url="/notifications/count"),
    NavItem("Stores", "/stores", "store"),
    NavItem("Products", "/products", "box", on_phone_bar=True),
    NavItem("Stock", "/inventory", "layers", on_phone_bar=True, counter_url="/inventory/low-stock-count"),
    NavItem("Sync", "/sync", "refresh"),
    NavItem("Jobs", "/jobs", "activity"),
    NavItem("Members", "/members", "users"),
    NavItem("Audit log", "/audit", "list", Permission.AUDIT_VIEW),
    NavItem("Settings", "/settings", "settings", on_phone_bar=True),
]
