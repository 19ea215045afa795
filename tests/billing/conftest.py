"""Billing tests: plans of their own (the shipped Free/Growth/Pro are shared by every test), and
the platform's Xendit account in the payment sandbox, reached over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from app.sandbox.server import BackgroundSandbox
from tests.support import unique


async def make_plan(price: int = 99_000, **limits: int | None) -> dict:
    from app.domains.billing.tables import Plan

    values = {"max_stores": None, "max_orders_per_month": None, "max_members": None, "max_locations": None,
              "max_api_calls_per_month": None, **limits}
    code = unique("t")[:20]
    row = Plan(code=code, name=f"Plan {code}", price=price, available=False, **values)
    await row.save()
    return {"id": row.id, "code": code, "price": price}


async def subscribe(org_id: int, plan: dict, *, period_end: datetime | None = None) -> None:
    from app.core.clock import utcnow
    from app.domains.billing.tables import Subscription

    end = period_end or utcnow() + timedelta(days=30)
    await Subscription(organization=org_id, plan=plan["id"], status="active", period_start=end - timedelta(days=30),
                       period_end=end).save()


@pytest.fixture
def billing_gateway(marketplace: BackgroundSandbox) -> Iterator[BackgroundSandbox]:
    """The platform's Xendit account registered in the sandbox, the app pointed at it."""
    from app.settings import get_settings

    settings = get_settings()
    saved = (settings.xendit_api_base, settings.billing_xendit_secret_key)
    settings.xendit_api_base = f"{marketplace.url}/xendit"
    settings.billing_xendit_secret_key = "xnd_development_platform_tests"
    marketplace.state.payments.register_xendit(settings.billing_xendit_secret_key, "platform-callback-token", "")
    try:
        yield marketplace
    finally:
        settings.xendit_api_base, settings.billing_xendit_secret_key = saved


@pytest.fixture(autouse=True)
def limits_enforced() -> Iterator[None]:
    """The suite runs with BILLING_ENFORCE_LIMITS=false (tests/conftest.py); billing's tests with it on."""
    from app.settings import get_settings

    settings = get_settings()
    saved, settings.billing_enforce_limits = settings.billing_enforce_limits, True
    yield
    settings.billing_enforce_limits = saved
