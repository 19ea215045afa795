"""The audit trail in people's words: translated actions and fields, ids replaced by names.

Entries keep their raw JSON (the page shows it one tap away); this only decides how they read.
An action, field or reference this module does not know still shows, under a generic label.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.i18n import N_, _
from app.core.tenancy import Tenant
from app.domains.audit.services import AuditRecord

ACTION_LABELS = {
    "payments.settings": N_("Payment settings changed"), "payments.mark_paid": N_("Payment marked paid"),
    "payments.cod_collected": N_("Cash on delivery collected"), "payments.refunded": N_("Payment marked refunded"),
    "payments.statement_applied": N_("Bank statement matched"),
    "website.settings_changed": N_("Website settings changed"), "website.products_added": N_("Products put on the website"),
    "website.products_removed": N_("Products taken off the website"),
    "account.signed_up": N_("Signed up"), "account.login_failed": N_("Failed login"),
    "account.password_changed": N_("Password changed"), "account.password_reset": N_("Password reset"),
    "account.password_reset_requested": N_("Password reset requested"),
    "organization.created": N_("Organisation created"), "organization.updated": N_("Organisation settings changed"),
    "member.invited": N_("Member invited"), "member.invitation_revoked": N_("Invitation revoked"),
    "member.joined": N_("Member joined"), "member.role_changed": N_("Role changed"),
    "member.removed": N_("Member removed"),
    "product.created": N_("Product created"), "product.updated": N_("Product changed"),
    "product.archived": N_("Product archived"), "product.restored": N_("Product restored"),
    "variant.bundle_set": N_("Bundle contents set"), "variant.image_changed": N_("Photo changed"),
    "catalog.imported": N_("Catalog imported"),
    "location.created": N_("Location created"), "location.updated": N_("Location changed"),
    "location.activated": N_("Location activated"), "location.deactivated": N_("Location deactivated"),
    "stock_count.opened": N_("Stock count opened"), "stock_count.posted": N_("Stock count posted"),
    "store.connected": N_("Store connected"), "store.reconnected": N_("Store reconnected"),
    "store.paused": N_("Store paused"), "store.resumed": N_("Store resumed"),
    "store.disconnected": N_("Store disconnected"), "store.needs_reauth": N_("Store needs reconnecting"),
    "store.deauthorized": N_("Store access withdrawn"), "store.settings_changed": N_("Store settings changed"),
    "store.locations_changed": N_("Store locations changed"),
    "listing.mapped": N_("Listing mapped"), "listing.ignored": N_("Listing ignored"),
    "allocation.threshold_changed": N_("Last-units threshold changed"),
    "order.created": N_("Order created"), "order.transition": N_("Order status changed"),
    "order.picking": N_("Orders moved to picking"), "order.shipment_arranged": N_("Shipment arranged"),
    "order.cancel_requested": N_("Cancel asked of the marketplace"),
    "order.ship_requested": N_("Shipment asked of the marketplace"),
    "return.opened": N_("Return opened"), "return.received": N_("Return received"),
    "job.started": N_("Job started"), "job.cancelled": N_("Job cancelled"),
}
ENTITY_LABELS = {
    "product": N_("Product"), "variant": N_("Variant"), "order": N_("Order"), "order_return": N_("Return"),
    "location": N_("Location"), "store": N_("Store"), "listing": N_("Listing"), "stock_count": N_("Stock count"),
    "background_job": N_("Job"), "membership": N_("Member"), "invitation": N_("Invitation"), "user": N_("Account"),
    "organization": N_("Organisation"), "allocation_rule": N_("Allocation rule"),
    "payment": N_("Payment"), "payment_settings": N_("Payment settings"), "website": N_("Website"),
}
FIELD_LABELS = {
    "name": N_("Name"), "code": N_("Code"), "brand": N_("Brand"), "category": N_("Category"),
    "status": N_("Status"), "state": N_("Status"), "role": N_("Role"), "email": N_("E-mail"),
    "organization": N_("Organisation"), "timezone": N_("Time zone"), "threshold": N_("Last-units threshold"),
    "location": N_("Location"), "locations": N_("Locations"), "variant": N_("Variant"), "sku": N_("SKU"),
    "skus": N_("SKUs"), "lines": N_("Lines"), "order": N_("Order"), "orders": N_("Orders"),
    "restock": N_("Back to stock"), "components": N_("Components"), "image_url": N_("Photo"),
    "archived_variants": N_("Archived variants"), "changed": N_("Changed"), "mode": N_("Shipping"),
    "task": N_("Job"), "platform": N_("Marketplace"), "shop_id": N_("Shop id"), "error": N_("Problem"),
    "active": N_("Active"), "number": N_("Order number"), "created": N_("New"), "updated": N_("Updated"),
    "unchanged": N_("Unchanged"), "errors": N_("Errors"), "rows": N_("Rows"), "format": N_("File format"),
    "auto_push_stock": N_("Push stock changes automatically"), "auto_import_orders": N_("Import orders automatically"),
    "sync_interval_minutes": N_("Sync interval (minutes)"), "stock_buffer": N_("Stock buffer"),
    "stock_percent": N_("Share of stock (%)"), "price_markup_percent": N_("Price markup (%)"),
    "preferred_for_last_units": N_("Keep the last units for this store"),
    "auto_push_prices": N_("Send catalog prices (with the markup) to this store"),
    "reason": N_("Reason"),
    "methods": N_("Payment methods"), "keys_changed": N_("Gateway keys changed"),
    "bank_accounts": N_("Bank accounts"), "amount": N_("Amount"), "verdict": N_("Result"),
    "applied": N_("Applied"), "skipped": N_("Skipped"),
    # the website's settings, by the labels of its settings form
    "enabled": N_("The shop is open to buyers"), "title": N_("Shop name"), "slug": N_("Address (/shop/…)"),
    "domain": N_("Your own domain (optional)"), "whatsapp": N_("WhatsApp number"),
    "logo_url": N_("Logo (image address)"), "banner_url": N_("Banner (image address)"),
    "primary_colour": N_("Main colour"), "accent_colour": N_("Accent colour"), "about": N_("About the shop"),
    "contact": N_("Contact (shown at the bottom of every page)"), "shipping_mode": N_("Shipping"),
    "hold_hours": N_("Unpaid orders hold stock for (hours, 1–168)"), "flat_rate": N_("Flat rate (rupiah)"),
    "province_rates": N_("Rates per province, one a line (Jawa Barat: 12000)"),
    "cors_origins": N_("Sites allowed to call the JSON API (one origin a line)"),
}
TASK_LABELS = {
    "demo_count": N_("Demo job"), "import_listings": N_("Listing import"), "push_stock": N_("Stock push"),
    "push_prices": N_("Price push"), "reconcile": N_("Reconcile"), "import_catalog": N_("Catalog import"),
}
ENUM_FIELDS = {"status", "state", "role", "mode"}
HIDDEN_FIELDS = {"report"}  # long technical detail: the raw record has it
# Values that name other rows: field -> kind of row (see _lookups).
REFERENCES = {"variant": "variant", "location": "location", "locations": "location", "order": "order"}
# Fields holding {id: quantity} or [[id, quantity], ...] of a kind of row, per action.
QUANTITIES = {("return.opened", "lines"): "order_line", ("return.received", "restock"): "return_line",
              ("variant.bundle_set", "components"): "variant"}
# Entities shown by name next to the action: entity -> kind of row.
SUBJECTS = {"product": "product", "variant": "variant", "order": "order", "order_return": "return",
            "location": "location", "store": "store", "listing": "listing"}


@dataclass(slots=True)
class Change:
    label: str
    before: str | None
    after: str | None


@dataclass(slots=True)
class ReadableEntry:
    entry: AuditRecord
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    raw: str = ""


def _loaded(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"": value}
    return value if isinstance(value, dict) else ({} if value is None else {"": value})


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, list):
        return [tuple(v) for v in value if isinstance(v, list | tuple) and len(v) == 2]
    return []


@dataclass(frozen=True, slots=True)
class _Loaded:
    """An entry with its before and after read as dicts."""

    entry: AuditRecord
    before: dict[str, Any]
    after: dict[str, Any]


def _wanted(entries: list[_Loaded]) -> dict[str, set[int]]:
    """The ids of each kind of row the entries mention."""
    wanted: dict[str, set[int]] = defaultdict(set)

    def add(kind: str, value: Any) -> None:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int | str) and str(item).isdigit():
                wanted[kind].add(int(item))

    for loaded in entries:
        e = loaded.entry
        if e.entity in SUBJECTS and e.entity_id:
            wanted[SUBJECTS[e.entity]].add(e.entity_id)
        for side in (loaded.before, loaded.after):
            for key, value in side.items():
                if (e.action, key) in QUANTITIES:
                    add(QUANTITIES[(e.action, key)], [k for k, _q in _pairs(value)])
                elif key in REFERENCES:
                    add(REFERENCES[key], value)
    return wanted


# How the other domains name what the audit trail mentions, registered by app.wiring (audit
# imports none of them): a kind of row ("product", "order" ...) -> its names by id, and a field
# ("platform", "reason") -> the label of a stored value.
Namer = Callable[[Tenant, set[int]], Awaitable[dict[int, str]]]
_namers: dict[str, Namer] = {}
_value_labels: dict[str, Callable[[str], str]] = {}


def name_rows(kind: str, namer: Namer) -> None:
    """Use `namer(tenant, ids)` for the names of the rows of this kind the entries mention."""
    _namers[kind] = namer


def label_values(key: str, labeller: Callable[[str], str]) -> None:
    """Show this field's stored value as `labeller(value)` (a ValueError or KeyError: as stored)."""
    _value_labels[key] = labeller


async def _lookups(tenant: Tenant, wanted: dict[str, set[int]]) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = defaultdict(dict)
    for kind, namer in _namers.items():
        if wanted.get(kind):
            names[kind] = await namer(tenant, wanted[kind])
    return names


def _text(key: str, value: Any, action: str, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if (action, key) in QUANTITIES:
        kind = QUANTITIES[(action, key)]
        return ", ".join(f"{names[kind].get(int(k), _('unknown')) if str(k).isdigit() else k} × {q}"
                         for k, q in _pairs(value))
    if key == "lines" and isinstance(value, list):  # [[SKU, quantity], ...]
        return ", ".join(f"{k} × {q}" for k, q in _pairs(value))
    if key in REFERENCES:
        kind = REFERENCES[key]
        items = value if isinstance(value, list) else [value]
        return ", ".join(names[kind].get(int(i), _("unknown")) if str(i).isdigit() else str(i) for i in items)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key in ENUM_FIELDS:
        return _(str(value)).replace("_", " ")  # the English msgid is the identifier itself
    if key == "task":
        return _(TASK_LABELS.get(str(value), N_("Background job")))
    if key in _value_labels:  # a platform's name, a marketplace cancel's reason as the seller picked it
        return ", ".join(_labelled(key, item) for item in (value if isinstance(value, list) else [value]))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


def _labelled(key: str, value: object) -> str:
    try:
        return _value_labels[key](str(value))
    except (ValueError, KeyError):
        return str(value)


def _changes(loaded: _Loaded, names: dict[str, dict[int, str]]) -> list[Change]:
    before, after, action = loaded.before, loaded.after, loaded.entry.action
    keys = [k for k in dict.fromkeys([*before, *after]) if k not in HIDDEN_FIELDS]
    return [Change(_(FIELD_LABELS[k]) if k in FIELD_LABELS else _("Detail"),
                   _text(k, before[k], action, names) if k in before else None,
                   _text(k, after[k], action, names) if k in after else None) for k in keys]


async def readable(tenant: Tenant, entries: list[AuditRecord]) -> list[ReadableEntry]:
    """Audit entries as people read them: what happened, to what (by name), field by field."""
    loaded = [_Loaded(e, _loaded(e.before), _loaded(e.after)) for e in entries]
    names = await _lookups(tenant, _wanted(loaded))
    out = []
    for one in loaded:
        e = one.entry
        kind = SUBJECTS.get(e.entity)
        subject_name = names[kind].get(e.entity_id, "") if kind and e.entity_id else ""
        entity_msgid = ENTITY_LABELS.get(e.entity)
        entity = _(entity_msgid) if entity_msgid else ""
        raw = json.dumps({"action": e.action, "entity": e.entity, "entity_id": e.entity_id,
                          "before": one.before or None, "after": one.after or None},
                         ensure_ascii=False, indent=1, default=str)
        out.append(ReadableEntry(
            entry=e, action=_(ACTION_LABELS.get(e.action, N_("Change"))),
            subject=f"{entity} {subject_name}".strip() if subject_name else "",
            changes=_changes(one, names), raw=raw))
    return out
