"""Demo marketing for Toko Demo: a segment of every customer, WhatsApp consent from the customers
who ticked it at a (demo) checkout, and a WhatsApp campaign to send by hand."""

from __future__ import annotations

import logging

from faker import Faker

from app.core.tenancy import Tenant
from app.domains.marketing import campaigns, segments
from app.domains.marketing.schemas import SegmentForm
from app.domains.marketing.tables import Segment

log = logging.getLogger(__name__)
CONSENTING = 6  # how many of the demo's customers (with a phone number) agreed to WhatsApp messages


async def seed_marketing(organization_id: int, fake: Faker) -> None:
    """Idempotent: seeds only an organisation without segments."""
    tenant = Tenant(organization_id)
    if await tenant.scoped(Segment).count():
        return
    segment_id = await segments.save_segment(tenant, SegmentForm(name="Semua pelanggan"))
    phones = [key for key in await segments.members(tenant, segment_id) if "@" not in key][:CONSENTING]
    for phone in phones:
        await campaigns.record_consent(tenant, phone, channel="whatsapp", address=phone, source="demo checkout")
    await campaigns.create_campaign(
        tenant, name="Promo Harbolnas 12.12", kind="whatsapp", segment_id=segment_id, subject="",
        body="Harbolnas 12.12: diskon 12% untuk semua produk, pakai kode HARBOLNAS12 di website kami.")
    log.info("seeded demo marketing: a segment, %d WhatsApp consents and a campaign", len(phones))
