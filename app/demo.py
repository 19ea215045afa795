"""Demo data: the "Toko Demo" organisation with its owner and a small team.

Later domains add their own seeders to `SEEDERS`; each must be idempotent (safe to run twice).
"""

from __future__ import annotations

import logging
import random

from faker import Faker
from piccolo.apps.user.tables import BaseUser

from app.core.statuses import Role
from app.domains.accounts.tables import Membership, Organization, UserPreference
from app.settings import get_settings

log = logging.getLogger(__name__)
DEMO_ORG = "Toko Demo"


async def _ensure_user(email: str, password: str, name: str) -> int:
    row = await BaseUser.select(BaseUser.id).where(BaseUser.email == email).first()
    if row:
        return row["id"]
    first, _sep, last = name.partition(" ")
    user = BaseUser(username=email, email=email, password=password, first_name=first, last_name=last, active=True)
    await user.save()
    return user.id


async def seed_demo() -> dict[str, str | int]:
    """Create the demo organisation once; returns its id and the owner's login."""
    settings = get_settings()
    fake = Faker("id_ID")
    fake.seed_instance(2026)
    random.seed(2026)
    owner_id = await _ensure_user(settings.demo_email, settings.demo_password, "Sari Wulandari")
    org = await Organization.select(Organization.id).where(Organization.name == DEMO_ORG).first()
    if org is None:
        created = Organization(name=DEMO_ORG, timezone=settings.default_timezone, currency=settings.default_currency)
        await created.save()
        org_id = created.id
        await Membership(organization=org_id, user=owner_id, role=Role.OWNER).save()
        await UserPreference(user=owner_id, locale="id", last_organization=org_id).save()
        team = [(Role.ADMIN, "admin"), (Role.WAREHOUSE, "gudang"), (Role.MEMBER, "cs"), (Role.VIEWER, "investor")]
        for role, handle in team:
            user_id = await _ensure_user(f"{handle}@tokodemo.id", settings.demo_password, fake.name())
            await Membership(organization=org_id, user=user_id, role=role).save()
        log.info("seeded demo organisation %s", DEMO_ORG)
    else:
        org_id = org["id"]
    for seeder in SEEDERS:
        await seeder(org_id, fake)
    return {"organization_id": org_id, "email": settings.demo_email, "password": settings.demo_password}


def _seeders() -> list:
    from app.domains.billing.demo import seed_demo_billing
    from app.domains.catalog.demo import seed_catalog
    from app.domains.marketing.demo import seed_marketing
    from app.domains.money.demo import seed_money
    from app.domains.orders.demo import seed_orders
    from app.domains.website.demo import seed_website

    # billing first: the demo's team, warehouses and stores fit its plan
    return [seed_demo_billing, seed_catalog, seed_orders, seed_website, seed_money, seed_marketing]


SEEDERS: list = _seeders()
