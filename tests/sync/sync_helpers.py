"""Helpers shared by the sync engine tests against the sandbox (not fixtures of conftest.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
import pytest

from app.domains.catalog.schemas import ProductForm, VariantForm
from app.domains.catalog.services import create_product, variants_by_sku
from app.domains.stores.tables import Store
from app.integrations.errors import IntegrationError
from app.sandbox.state import Fault, SandboxState, Shop
from tests.marketplace import connect, new_shop

T = TypeVar("T")


async def connected_store(client, sandbox: SandboxState, platform: str, products: int = 0) -> tuple[Shop, dict]:
    """A sandbox shop with ``products`` more products, connected through the consent flow."""
    shop = new_shop(sandbox, platform)
    if products:
        sandbox.add_products(platform, shop.shop_id, products)
    response = await connect(client, shop)
    assert response.status_code in (200, 303), response.text[:300]
    store = await Store.select().where((Store.platform_shop_id == shop.shop_id) & (Store.platform == platform) & (
        Store.organization == client.account.org_id)).first()
    return shop, store


async def catalog_for(tenant, shop: Shop, chunk: int = 200) -> dict[str, int]:
    """Master variants with the same seller SKUs as the shop's listings: {SKU upper: variant id}."""
    skus = sorted({s.seller_sku for p in shop.products.values() for s in p.skus if s.seller_sku})
    for start in range(0, len(skus), chunk):
        part = skus[start:start + chunk]
        await create_product(tenant, ProductForm(name=f"Produk {start}",
                                                 variants=[VariantForm(sku=sku, price=10_000) for sku in part]))
    return {sku: v["id"] for sku, v in (await variants_by_sku(tenant, skus)).items()}


def fault_after(sandbox: SandboxState, platform: str, shop_id: str, calls: int, fault: Fault) -> None:
    """Let ``calls`` calls to the shop pass untouched, then apply ``fault`` (faults apply in order)."""
    if calls:
        sandbox.add_fault(Fault(kind="slow", platform=platform, shop_id=shop_id, remaining=calls, seconds=0))
    fault.platform, fault.shop_id = platform, shop_id
    sandbox.add_fault(fault)


async def as_job(call: Callable[[], Awaitable[T]], *, attempts: int = 40, delay: float = 0.25) -> tuple[T, int]:
    """Run a service the way the SAQ job runs it: a retryable IntegrationError fails the attempt and
    the job runs again (here after ``delay``). Returns (result, attempts used)."""
    for attempt in range(1, attempts + 1):
        try:
            return await call(), attempt
        except IntegrationError as exc:
            if not exc.retryable or attempt == attempts:
                raise
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


@pytest.fixture
def quick_adapters(monkeypatch):
    """Adapters that give up on a hung call after 0.5 s, retry fast in process, skip the client-side pacing and pause a failing
    store for 0.5 s, so fault tests take seconds rather than the production minutes."""
    from app.domains.stores import adapters
    from app.integrations.breaker import BreakerPolicy
    from app.integrations.transport import RetryPolicy

    original = adapters.build_adapter

    def build(platform):
        adapter = original(platform)
        transport = adapter.transport
        transport.http.timeout = httpx.Timeout(0.5)
        transport.limiter = None  # the sandbox sets no limit unless a test asks; faults bring the 429s
        transport.retry = RetryPolicy(attempts=3, initial=0.02, maximum=0.1, jitter=0.02)
        if transport.breaker is not None:
            transport.breaker.policy = BreakerPolicy(threshold=transport.breaker.policy.threshold, cooldown=0.5)
        return adapter

    monkeypatch.setattr(adapters, "build_adapter", build)
    yield
