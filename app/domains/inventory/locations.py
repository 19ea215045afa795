"""Locations: warehouses and bins."""

from __future__ import annotations

from app.core.events import emit
from app.core.i18n import _
from app.core.limits import before_adding
from app.core.tenancy import Tenant
from app.domains.accounts import OrganisationCreated
from app.domains.audit import record
from app.domains.inventory.errors import NotFound
from app.domains.inventory.events import LocationDeactivating
from app.domains.inventory.tables import Location


async def require_location(tenant: Tenant, location_id: int) -> Location:
    try:
        pk = int(location_id)
    except (TypeError, ValueError):
        raise NotFound(_("Location not found.")) from None
    row = await tenant.scoped(Location).objects().where(Location.id == pk).first()
    if row is None:
        raise NotFound(_("Location not found."))
    return row


async def require_active_location(tenant: Tenant, location_id: int) -> Location:
    """A location stock may go into: refused with a clear message when it was deactivated."""
    from app.core.errors import Conflict

    row = await require_location(tenant, location_id)
    if not row.active:
        raise Conflict(_("%(code)s is deactivated. Reactivate it on the Locations page first.", code=row.code))
    return row


async def list_locations(tenant: Tenant, *, active_only: bool = True) -> list[Location]:
    query = tenant.scoped(Location).objects().order_by(Location.code)
    if active_only:
        query = query.where(Location.active == True)  # noqa: E712
    return await query


async def default_location(tenant: Tenant) -> Location:
    """The organisation's first warehouse, created ("Gudang Utama", GU) when there is none."""
    row = await tenant.scoped(Location).objects().where(Location.active == True).order_by(Location.id).first()  # noqa: E712
    if row is None:
        return await create_location(tenant, "Gudang Utama", "GU")
    return row


async def first_warehouse(event: OrganisationCreated) -> None:
    """Listener of accounts' OrganisationCreated: every organisation starts with one warehouse,
    so stock can be received at once (in the transaction that created the organisation)."""
    await default_location(Tenant(event.organization_id, event.actor))


async def _check_name_and_code(tenant: Tenant, name: str, code: str, *, other_than: int | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name or len(name) > 120:
        errors["name"] = _("Name is required (at most 120 characters).")
    if not code or len(code) > 32:
        errors["code"] = _("Code is required (at most 32 characters).")
    else:
        taken = tenant.scoped(Location).exists().where(Location.code == code)
        if other_than is not None:
            taken = taken.where(Location.id != other_than)
        if await taken:
            errors["code"] = _("Code %(code)s is already used.", code=code)
    return errors


async def create_location(tenant: Tenant, name: str, code: str, parent_id: int | None = None) -> Location:
    from app.core.errors import ValidationFailed

    name, code = name.strip(), code.strip().upper()
    errors = await _check_name_and_code(tenant, name, code)
    if parent_id is not None:
        await require_location(tenant, parent_id)
    if errors:
        raise ValidationFailed(errors)
    await before_adding(tenant.organization_id, "locations", await count_locations(tenant.organization_id))
    row = tenant.scoped(Location).new(name=name, code=code, parent=parent_id)
    await row.save()
    await record(tenant.organization_id, tenant.actor, "location.created", "location", row.id,
                 after={"name": name, "code": code})
    return await require_location(tenant, row.id)


async def update_location(tenant: Tenant, location_id: int, name: str, code: str) -> Location:
    """Rename a location or change its code (pick lists and labels show the new code at once)."""
    from app.core.errors import ValidationFailed

    before = await require_location(tenant, location_id)
    name, code = (name or "").strip(), (code or "").strip().upper()
    if errors := await _check_name_and_code(tenant, name, code, other_than=before.id):
        raise ValidationFailed(errors)
    if (name, code) != (before.name, before.code):
        await tenant.scoped(Location).update({Location.name: name, Location.code: code}).where(
            Location.id == before.id)
        await record(tenant.organization_id, tenant.actor, "location.updated", "location", before.id,
                     before={"name": before.name, "code": before.code}, after={"name": name, "code": code})
    return await require_location(tenant, before.id)


async def set_active(tenant: Tenant, location_id: int, active: bool) -> Location:
    """Deactivate a location that holds nothing (or bring one back). Refused, with the reason,
    while it holds or reserves stock, while a store sells from it, or when it is the last one."""
    from app.core.errors import Conflict
    from app.domains.inventory.tables import StockLevel

    row = await require_location(tenant, location_id)
    if row.active == active:
        return row
    if not active:
        held = await tenant.scoped(StockLevel).exists().where(
            (StockLevel.location == row.id) & ((StockLevel.on_hand != 0) | (StockLevel.reserved != 0)))
        if held:
            raise Conflict(_("%(code)s still holds stock. Transfer it or write it off first.", code=row.code))
        await emit(LocationDeactivating(tenant, row.id, row.code))  # listings: refused while a store sells from it
        others = await tenant.scoped(Location).count().where((Location.active == True) & (Location.id != row.id))  # noqa: E712
        if not others:
            raise Conflict(_("%(code)s is the only active location.", code=row.code))
    else:  # one more active location: the plan's limit counts active ones
        await before_adding(tenant.organization_id, "locations", await count_locations(tenant.organization_id))
    await tenant.scoped(Location).update({Location.active: active}).where(Location.id == row.id)
    await record(tenant.organization_id, tenant.actor, "location.activated" if active else "location.deactivated",
                 "location", row.id, before={"active": row.active}, after={"active": active})
    return await require_location(tenant, row.id)


async def units_by_location(tenant: Tenant) -> dict[int, int]:
    """Units on hand per location (for the locations page)."""
    from piccolo.query.functions.aggregate import Sum

    from app.domains.inventory.tables import StockLevel

    rows = await tenant.scoped(StockLevel).select(StockLevel.location, Sum(StockLevel.on_hand).as_alias("units")
                                                  ).group_by(StockLevel.location)
    return {r["location"]: int(r["units"] or 0) for r in rows}


async def count_locations(organization_id: int) -> int:
    """Active locations of the organisation (what a plan's location limit counts)."""
    return await Location.count().where((Location.organization == organization_id) & (Location.active == True))  # noqa: E712
