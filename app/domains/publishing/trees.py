"""Each platform's category tree and category attributes, cached in Redis per platform (they are
the platform's, the same for every shop) and refreshed by a scheduled job.

Keys: ``<queue>:publishing:tree:<platform>`` (the flat tree) and
``<queue>:publishing:attrs:<platform>:<category id>``; both live TREE_TTL, and the daily job
rewrites the tree before it expires. The seller's category choice per catalog category lives in
``<queue>:publishing:choice:<organisation>:<platform>`` (a hash: catalog category -> category id).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from app.core.redis import redis_client
from app.core.tenancy import Tenant
from app.domains import stores
from app.integrations import errors
from app.integrations.base import Category, CategoryAttribute, PublishingAdapter, ShopConnection
from app.settings import get_settings

TREE_TTL = 8 * 86400
log = logging.getLogger(__name__)


def key(*parts: object) -> str:
    return ":".join([get_settings().queue_name, "publishing", *(str(p) for p in parts)])


_key = key


async def category_tree(adapter: PublishingAdapter, conn: ShopConnection, *, fresh: bool = False) -> list[Category]:
    redis = redis_client()
    key = _key("tree", adapter.platform.value)
    cached = None if fresh else await redis.get(key)
    if cached:
        return [Category.model_validate(c) for c in json.loads(cached)]
    tree = await adapter.categories(conn)
    await redis.set(key, json.dumps([c.model_dump() for c in tree]), ex=TREE_TTL)
    return tree


async def attributes_of(adapter: PublishingAdapter, conn: ShopConnection, category_id: str, *,
                        fresh: bool = False) -> list[CategoryAttribute]:
    redis = redis_client()
    key = _key("attrs", adapter.platform.value, category_id)
    cached = None if fresh else await redis.get(key)
    if cached:
        return [CategoryAttribute.model_validate(a) for a in json.loads(cached)]
    attrs = await adapter.category_attributes(conn, category_id)
    await redis.set(key, json.dumps([a.model_dump() for a in attrs]), ex=TREE_TTL)
    return attrs


async def remembered_category(tenant: Tenant, platform: str, catalog_category: str) -> str | None:
    if not catalog_category:
        return None
    value = await redis_client().hget(_key("choice", tenant.organization_id, platform), catalog_category.lower())  # type: ignore[misc]
    return value.decode() if isinstance(value, bytes) else value


async def remember_category(tenant: Tenant, platform: str, catalog_category: str, category_id: str) -> None:
    if catalog_category:
        await redis_client().hset(_key("choice", tenant.organization_id, platform), catalog_category.lower(),
                                  category_id)  # type: ignore[misc]


@dataclass(slots=True)
class TreeRefresh:
    refreshed: list[str]


async def refresh_trees() -> TreeRefresh:
    """Re-read each platform's tree through one of its active stores (the scheduled job)."""
    from app.core.tenancy import Actor

    done: list[str] = []
    for organization_id, store_id in await stores.active_stores_all_organisations():
        tenant = Tenant(organization_id, Actor(None))
        store = await stores.get_store(tenant, store_id)
        if store.platform in done:
            continue
        async with stores.open_adapter(store.platform) as adapter:
            if not isinstance(adapter, PublishingAdapter):
                continue
            try:
                await category_tree(adapter, stores.connection_for(tenant, store, adapter), fresh=True)
            except (errors.IntegrationError, ValueError) as exc:  # this store cannot read it: try the next one
                log.info("category tree of %s not read through store %s: %s", store.platform, store.id, exc)
                continue
        done.append(store.platform)
    return TreeRefresh(done)


async def remember_answers(tenant: Tenant, platform: str, category_id: str, answers: dict[str, str]) -> None:
    """The attribute answers last published in this category (bulk publishing reuses them)."""
    if category_id and answers:
        await redis_client().hset(_key("answers", tenant.organization_id, platform), category_id,
                                  json.dumps(answers))  # type: ignore[misc]


async def remembered_answers(tenant: Tenant, platform: str, category_id: str) -> dict[str, str]:
    if not category_id:
        return {}
    value = await redis_client().hget(_key("answers", tenant.organization_id, platform), category_id)  # type: ignore[misc]
    return json.loads(value) if value else {}
