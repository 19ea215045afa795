"""A variant's unit cost set by hand (audited): the stock on hand is valued at it from now on."""

from __future__ import annotations

from app.core.database import transaction
from app.core.errors import ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import inventory
from app.domains.audit import record
from app.domains.catalog import require_variant, unit_costs


async def set_unit_cost(tenant: Tenant, variant_id: int, unit_cost: int) -> None:
    """Set the moving-average unit cost of a variant by hand; the ledger marks the revaluation and
    the audit log keeps what it was. Raises ValidationFailed for a bundle or a bad amount."""
    inventory.check_unit_cost(unit_cost)
    variant = await require_variant(tenant, variant_id)
    if variant["is_bundle"]:
        raise ValidationFailed({"unit_cost": _("A bundle's cost is its components' costs.")})
    location = await inventory.default_location(tenant)
    async with transaction():
        before = (await unit_costs(tenant, [variant_id])).get(variant_id)
        await inventory.revalue(tenant, variant_id, unit_cost, at_location=location.id)
        await record(tenant.organization_id, tenant.actor, "variant.unit_cost", "variant", variant_id,
                     before={"unit_cost": before}, after={"unit_cost": unit_cost})
