"""Demo orders for Toko Demo: manual sales (WhatsApp, Instagram) over the last two weeks, some
shipped and completed, so the order queue, customers and the dashboard chart have content."""

from __future__ import annotations

import random
from datetime import timedelta

from faker import Faker

from app.core.clock import utcnow
from app.core.errors import AppError
from app.core.tenancy import Actor, Tenant
from app.domains.catalog import plain_variant_skus
from app.domains.orders.services import create_manual_order, transition
from app.domains.orders.tables import Order


async def seed_orders(organization_id: int, fake: Faker) -> None:
    """Idempotent: does nothing when the organisation already has orders."""
    tenant = Tenant(organization_id, Actor(None, "demo"))
    if await tenant.scoped(Order).exists():
        return
    rng = random.Random(7)
    variants = [{"sku": sku} for sku in await plain_variant_skus(tenant)]
    if not variants:
        return
    # mobile numbers (08…), as buyers give them and as WhatsApp needs them; Faker's include landlines
    customers = [(fake.name(), fake.numerify("081#########"), f"{fake.street_address()}, {fake.city()}")
                 for _ in range(8)]
    for n in range(18):
        name, phone, address = rng.choice(customers)
        lines = [(rng.choice(variants)["sku"], rng.randint(1, 2)) for _ in range(rng.randint(1, 2))]
        try:
            order_id = await create_manual_order(tenant, customer_name=name, phone=phone, address=address,
                                                 lines=list(dict(lines).items()))
        except AppError:
            continue  # not enough stock for this pick: the demo simply has one order fewer
        days_ago = rng.randint(0, 13)
        await tenant.scoped(Order).update({Order.placed_at: utcnow() - timedelta(days=days_ago, hours=rng.randint(0, 9))}).where(
            Order.id == order_id)
        if days_ago > 3:
            for state in ("packed", "shipped", "delivered", "completed"):
                await transition(tenant, order_id, state)
        elif days_ago > 1 and n % 2:
            await transition(tenant, order_id, "packed")
