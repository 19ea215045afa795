"""Locations: warehouses and bins."""

from __future__ import annotations

from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.audit.services import record
from app.domains.inventory.errors import NotFound
from app.domains.inventory.tables import Location


async def require_location(tenant: Tenant, location_id: int) -> dict:
    try:
        pk = int(location_id)
    except (TypeError, ValueError):
        raise NotFound(_("Location not found.")) from None
    row = await tenant.scoped(Location).select().where(Location.id == pk).first()
    if row is None:
        raise NotFound(_("Location not found."))
    return row


async def list_locations(tenant: Tenant, *, active_only: bool = True) -> list[dict]:
    query = tenant.scoped(Location).select().order_by(Location.code)
    if active_only:
        query = query.where(Location.active == True)  # noqa: E712
    return await query


async def default_location(tenant: Tenant) -> dict:
    """The organisation's first warehouse, created ("Gudang Utama", GU) when there is none."""
    row = await tenant.scoped(Location).select().where(Location.active == True).order_by(Location.id).first()  # noqa: E712
    if row is None:
        return await create_location(tenant, "Gudang Utama", "GU")
    return row


async def create_location(tenant: Tenant, name: str, code: str, parent_id: int | None = None) -> dict:
    from app.core.errors import ValidationFailed

    name, code = name.strip(), code.strip().upper()
    errors = {}
    if not name or len(name) > 120:
        errors["name"] = _("Name is required (at most 120 characters).")
    if not code or len(code) > 32:
        errors["code"] = _("Code is required (at most 32 characters).")
    elif await tenant.scoped(Location).exists().where(Location.code == code):
        errors["code"] = _("Code %(code)s is already used.", code=code)
    if parent_id is not None:
        await require_location(tenant, parent_id)
    if errors:
        raise ValidationFailed(errors)
    row = tenant.scoped(Location).new(name=name, code=code, parent=parent_id)
    await row.save()
    await record(tenant.organization_id, tenant.actor, "location.created", "location", row.id,
                 after={"name": name, "code": code})
    return await require_location(tenant, row.id)
