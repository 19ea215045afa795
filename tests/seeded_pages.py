"""An organisation a seller has used for a while, and the URL of every page its owner may open.

Shared by the page-text test (tests/system/test_page_text.py) and the phone-layout browser test
(tests/browser/test_every_page_fits.py), which runs it in a subprocess: `python -m tests.seeded_pages`
prints the owner's login and the page URLs as JSON.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta

from faker import Faker

from app.core.clock import utcnow
from app.core.i18n import deferred, deferred_label, deferred_plural
from app.core.statuses import Channel
from tests.support import Account, make_account, unique
from tests.tenancy_registry import PUBLIC_ROUTES, ROW_FACTORIES, SKIPPED_ROUTES

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
# Not pages a person reads: files, feeds, counters, streams, images.
NOT_PAGES = re.compile(r"/(events|count|low-stock-count|export|report|media|healthz)(/|$)|\.(csv|pdf|png)$")


async def seed(account: Account) -> dict[str, int | str]:
    """A store, products with stock, orders in several states, a job, notifications, audit entries."""
    from app.core.tenancy import Actor, Tenant
    from app.domains.catalog.demo import seed_catalog
    from app.domains.jobs.tables import BackgroundJob
    from app.domains.notifications.services import notify
    from app.domains.orders.demo import seed_orders
    from app.domains.orders.services import transition
    from app.domains.orders.tables import Order

    tenant = Tenant(account.org_id, Actor(account.user_id, "127.0.0.1", account.email))
    fake = Faker("id_ID")
    fake.seed_instance(7)
    await seed_catalog(account.org_id, fake)
    await seed_orders(account.org_id, fake)
    orders = await tenant.scoped(Order).select(Order.id, Order.state).order_by(Order.id)
    ready = [o["id"] for o in orders if o["state"] == "ready_to_ship"]
    if len(ready) > 2:
        await transition(tenant, ready[0], "cancelled")
        await transition(tenant, ready[1], "picking")
    ids = {name: await factory(account) for name, factory in ROW_FACTORIES.items()}
    ids["order_id"] = orders[-1]["id"]
    await BackgroundJob(organization=account.org_id, kind="push_inventory",
                        label=deferred("Push stock to %(store)s", store="Toko Kopi"), saq_key=f"bg:{unique()}",
                        status="failed", error="boom", created_at=utcnow() - timedelta(minutes=5)).save()
    await notify(tenant, "low_stock", deferred("%(sku)s: %(n)s available", sku="KPKC-0101", n=2), link="/inventory")
    await notify(tenant, "new_order", deferred("New order %(number)s from %(channel)s", number="2412XYZ",
                                               channel=deferred_label(Channel.TIKTOK)), link="/orders")
    await notify(tenant, "oversold", deferred_plural("%(n)s order was sold without stock here: check it.",
                                                     "%(n)s orders were sold without stock here: check them.", 2))
    await seed_payments(account.org_id, [o["id"] for o in orders[:6]])
    return ids


async def seed_payments(org_id: int, order_ids: list[int]) -> None:
    """Payments in each state the payments page shows: waiting (with deadline), paid, refund due."""
    from app.core.tenancy import Tenant
    from app.domains import payments
    from app.domains.payments.services import cod_collected, settle

    await payments.seed_demo_payments(org_id)
    deadline = utcnow() + timedelta(hours=20)
    started = []
    for n, (order_id, method) in enumerate(zip(order_ids, ["bank_transfer", "cod", "bank_transfer", "cod"],
                                               strict=False)):
        started.append(await payments.start_payment(org_id, order_id, f"W-SEED-{org_id}-{n}", 125_000 + n * 1000, method,
                                                    "Siti Aminah", "+6281234567890", None, deadline, "/"))
    if len(started) == 4:
        await settle(started[0].payment_id, amount=started[0].amount_due)
        await cod_collected(Tenant(org_id), started[1].payment_id)
        await payments.cancel_payment(org_id, order_ids[2])
        await settle(started[2].payment_id, amount=started[2].amount_due)  # paid after closing: refund due


def page_urls(app, ids: dict[str, int | str], skip: set[str] = frozenset()) -> list[str]:
    """Every GET page of the app, its path parameters filled with the seeded rows."""
    from litestar.routes import HTTPRoute

    paths = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or "GET" not in route.route_handler_map:
            continue
        path = route.path
        if path in SKIPPED_ROUTES or path in skip or NOT_PAGES.search(path):
            continue
        if path in PUBLIC_ROUTES and "{" in path:
            continue
        paths.add(PARAM.sub(lambda m: str(ids[m.group(1)]), path))
    return sorted(paths)


async def _main() -> None:
    from app.core.database import start_database, stop_database
    from app.main import create_app
    from app.wiring import register_listeners

    register_listeners()  # as every process that runs domain services (the seed stocks variants)
    await start_database()
    try:
        account = await make_account()
        ids = await seed(account)
        print(json.dumps({"email": account.email, "password": account.password,
                          "urls": page_urls(create_app(), ids)}))
    finally:
        await stop_database()


if __name__ == "__main__":
    asyncio.run(_main())
