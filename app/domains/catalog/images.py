"""A variant's photo: uploaded from the product page (a phone's camera on a tablet), stored by core.media."""

from __future__ import annotations

import asyncio

from app.core.i18n import _
from app.core.media import save_image
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.catalog.errors import NotFound
from app.domains.catalog.tables import Variant


async def set_variant_image(tenant: Tenant, product_id: int, variant_id: int, data: bytes) -> str:
    """Store the photo and point the variant at it; returns the image URL. A bad file changes nothing."""
    row = await tenant.scoped(Variant).select(Variant.id, Variant.sku, Variant.image_url).where(
        (Variant.id == variant_id) & (Variant.product == product_id)).first()
    if row is None:
        raise NotFound(_("Variant not found."))
    url = await asyncio.to_thread(save_image, tenant.organization_id, data)
    await tenant.scoped(Variant).update({Variant.image_url: url}).where(Variant.id == row["id"])
    await record(tenant.organization_id, tenant.actor, "variant.image_changed", "variant", row["id"],
                 before={"image_url": row["image_url"]}, after={"image_url": url})
    return url
