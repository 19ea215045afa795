"""The stores domain's operations on its own tables: connect, settings, status changes, tokens.

Everything a person does goes through a ``Tenant`` (``tenant.scoped(Store)``) and is audited.
A few functions are system-wide on purpose (the token-refresh cron and the webhook receiver act
before any tenant is known); they are named ``*_all_organisations`` or say so in their docstring.
Marketplace calls live in ``connections.py``; this module never talks HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.i18n import _
from app.core.limits import before_adding
from app.core.records import from_rows
from app.core.secrets import decrypt, encrypt, new_token, token_hash
from app.core.tenancy import Tenant
from app.domains.audit import record
from app.domains.stores.errors import (
    ConnectionRefused,
    ShopConnectedElsewhere,
    StoreNotConnected,
    StoreStateConflict,
)
from app.domains.stores.schemas import StoreSettingsForm
from app.domains.stores.statuses import SYNC_KIND_COLUMNS, StoreStatus, SyncKind
from app.domains.stores.tables import ConnectionAttempt, Store
from app.integrations.base import Platform, ShopInfo, TokenSet

PLATFORM_LABELS = {Platform.SHOPEE: "Shopee", Platform.TIKTOK: "TikTok Shop", Platform.LAZADA: "Lazada"}
SETTINGS_FIELDS = ("auto_push_stock", "auto_import_orders", "sync_interval_minutes", "stock_buffer",
                   "stock_percent", "price_markup_percent", "preferred_for_last_units", "auto_push_prices")
# What a page may show of a store: everything except the (encrypted) tokens.
VIEW_COLUMNS = Store.all_columns(exclude=[Store.access_token, Store.refresh_token])


@dataclass(frozen=True, slots=True)
class StoreView:
    """A store as the rest of the app sees it: every column but its tokens."""

    id: int
    organization: int
    platform: str
    name: str
    platform_shop_id: str
    shop_cipher: str
    region: str
    seller_name: str
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    status: str
    auto_push_stock: bool
    auto_import_orders: bool
    sync_interval_minutes: int
    stock_buffer: int
    stock_percent: int
    price_markup_percent: int
    auto_push_prices: bool
    preferred_for_last_units: bool
    connected_by: int | None
    connected_at: datetime
    last_sync_at: datetime | None
    last_order_fetch_at: datetime | None
    last_stock_push_at: datetime | None
    last_listing_import_at: datetime | None
    last_token_refresh_at: datetime | None
    last_checked_at: datetime | None
    last_error: str
    created_at: datetime
    updated_at: datetime

    def settings(self) -> dict[str, Any]:
        """The store's settings as its settings form shows them."""
        return {name: getattr(self, name) for name in SETTINGS_FIELDS}

    @property
    def next_order_fetch_at(self) -> datetime | None:
        """When the scheduled order fetch is next due; None when it fetches none (paused, not
        importing orders). Already due: now."""
        if self.status != StoreStatus.ACTIVE or not self.auto_import_orders:
            return None
        last = self.last_order_fetch_at
        interval = timedelta(minutes=max(int(self.sync_interval_minutes or 15), 1))
        return utcnow() if last is None else max(last + interval, utcnow())


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(Platform(platform), platform)


# -- reading ------------------------------------------------------------------------------------


async def list_stores(tenant: Tenant) -> list[StoreView]:
    """The organisation's stores (connected first, then disconnected), without their tokens."""
    rows = from_rows(StoreView, await tenant.scoped(Store).select(*VIEW_COLUMNS).order_by(Store.id))
    return sorted(rows, key=lambda r: r.status == StoreStatus.DISCONNECTED)


async def store_view(tenant: Tenant, store_id: int | str) -> StoreView:
    """One store of the organisation without its tokens, or NotFound."""
    store = await get_store(tenant, store_id)
    return StoreView(**{column._meta.name: getattr(store, column._meta.name) for column in VIEW_COLUMNS})


async def get_store(tenant: Tenant, store_id: int | str) -> Store:
    """The Store row (tokens still encrypted), or NotFound for a missing or another tenant's id."""
    return await tenant.scoped(Store).get(store_id, _("Store not found."))


async def active_stores(tenant: Tenant) -> list[StoreView]:
    """The organisation's stores that should sync now (status active), without tokens."""
    return from_rows(StoreView, await tenant.scoped(Store).select(*VIEW_COLUMNS).where(
        Store.status == StoreStatus.ACTIVE).order_by(Store.id))


async def active_stores_all_organisations() -> list[tuple[int, int]]:
    """(organization_id, store_id) of every active store; for schedulers, which act before a tenant is known."""
    rows = await Store.select(Store.organization, Store.id).where(Store.status == StoreStatus.ACTIVE).order_by(
        Store.id)
    return [(r["organization"], r["id"]) for r in rows]


async def tokens_expiring_all_organisations(before: datetime) -> list[tuple[int, int]]:
    """(organization_id, store_id) of connected stores whose access token expires before ``before`` (system cron)."""
    rows = await Store.select(Store.organization, Store.id).where(
        Store.status.is_in([StoreStatus.ACTIVE, StoreStatus.PAUSED])
        & (Store.refresh_token != "")
        & (Store.access_expires_at < before)
    ).order_by(Store.access_expires_at)
    return [(r["organization"], r["id"]) for r in rows]


# -- tokens -------------------------------------------------------------------------------------


async def load_tokens(tenant: Tenant, store_id: int) -> TokenSet:
    """The store's decrypted tokens; StoreNotConnected when it has none (disconnected)."""
    store = await get_store(tenant, store_id)
    if not store.access_token or not store.refresh_token:
        raise StoreNotConnected(_("This store is not connected. Reconnect it first."))
    return TokenSet(
        access_token=decrypt(store.access_token),
        refresh_token=decrypt(store.refresh_token),
        access_expires_at=store.access_expires_at,
        refresh_expires_at=store.refresh_expires_at,
        shop_id=store.platform_shop_id,
    )


def _token_values(tokens: TokenSet) -> dict[Any, Any]:
    return {
        Store.access_token: encrypt(tokens.access_token),
        Store.refresh_token: encrypt(tokens.refresh_token),
        Store.access_expires_at: tokens.access_expires_at,
        Store.refresh_expires_at: tokens.refresh_expires_at,
        Store.last_token_refresh_at: utcnow(),
    }


async def save_tokens(tenant: Tenant, store_id: int, tokens: TokenSet) -> None:
    """Persist refreshed tokens, encrypted (refresh tokens are single use: this must happen at once)."""
    await tenant.scoped(Store).update({**_token_values(tokens), Store.updated_at: utcnow()}).where(
        Store.id == store_id)


# -- connecting ---------------------------------------------------------------------------------


async def begin_connection(tenant: Tenant, platform: Platform, ttl: timedelta) -> str:
    """A new one-time state parameter for a trip to the marketplace's consent page (stored hashed)."""
    await before_adding(tenant.organization_id, "stores", await count_connected(tenant.organization_id))
    state = new_token()
    await tenant.scoped(ConnectionAttempt).new(
        user=tenant.actor.user_id, platform=platform, state_hash=token_hash(state), expires_at=utcnow() + ttl,
    ).save()
    return state


async def claim_connection(tenant: Tenant, state: str | None) -> Platform:
    """Use the state parameter once: same organisation and person, not expired; else ConnectionRefused."""
    now = utcnow()
    refused = ConnectionRefused(_("This connection link is not valid any more. Please connect the store again."))
    if not state:
        raise refused
    attempt = ConnectionAttempt
    rows = await tenant.scoped(attempt).update({attempt.used_at: now}).where(
        (attempt.state_hash == token_hash(state)) & attempt.used_at.is_null() & (attempt.expires_at > now)
        & (attempt.user == tenant.actor.user_id)
    ).returning(attempt.platform)
    if not rows:
        raise refused
    return Platform(rows[0]["platform"])


async def connect_shop(tenant: Tenant, platform: Platform, tokens: TokenSet, shop: ShopInfo) -> tuple[int, bool]:
    """Create or reconnect the organisation's store for ``shop`` with fresh tokens; (store id, created).

    A shop connected (not disconnected) in another organisation is refused: two organisations
    pushing stock to one shop would oversell. Only that fact is revealed, never which organisation.
    """
    taken = await Store.exists().where(
        (Store.platform == platform) & (Store.platform_shop_id == shop.shop_id)
        & (Store.organization != tenant.organization_id) & (Store.status != StoreStatus.DISCONNECTED)
    )
    if taken:
        raise ShopConnectedElsewhere(
            _("The %(platform)s shop %(name)s is already connected to another StoreSync account. "
              "Disconnect it there first.", platform=platform_label(platform), name=shop.name))
    now = utcnow()
    values = {
        **_token_values(tokens),
        Store.name: shop.name[:200],
        Store.shop_cipher: shop.cipher or "",
        Store.region: shop.region or "",
        Store.seller_name: (tokens.seller_name or "")[:200],
        Store.status: StoreStatus.ACTIVE,
        Store.last_error: "",
        Store.connected_by: tenant.actor.user_id,
        Store.connected_at: now,
        Store.last_checked_at: now,
        Store.updated_at: now,
    }
    scoped = tenant.scoped(Store)
    async with transaction():
        existing = await scoped.select(Store.id, Store.status).where(
            (Store.platform == platform) & (Store.platform_shop_id == shop.shop_id)).first()
        if existing:
            await scoped.update(values).where(Store.id == existing["id"])
            store_id, created = existing["id"], False
        else:
            await before_adding(tenant.organization_id, "stores", await count_connected(tenant.organization_id))
            row = scoped.new(platform=platform, platform_shop_id=shop.shop_id,
                             **{column._meta.name: value for column, value in values.items()})
            await row.save()
            store_id, created = row.id, True
        await record(tenant.organization_id, tenant.actor, "store.connected" if created else "store.reconnected",
                     "store", store_id, before={"status": existing["status"]} if existing else None,
                     after={"platform": str(platform), "shop_id": shop.shop_id, "name": shop.name,
                            "status": StoreStatus.ACTIVE.value})
    return store_id, created


# -- status changes -----------------------------------------------------------------------------


async def _transition(tenant: Tenant, store_id: int | str, action: str, allowed: set[StoreStatus],
                      target: StoreStatus, refused: str, extra: dict[Any, Any] | None = None) -> None:
    store = await get_store(tenant, store_id)
    if StoreStatus(store.status) not in allowed:
        raise StoreStateConflict(refused)
    rows = await tenant.scoped(Store).update({Store.status: target, Store.updated_at: utcnow(), **(extra or {})}).where(
        (Store.id == store.id) & (Store.status == store.status)).returning(Store.id)
    if not rows:  # changed by someone else meanwhile
        raise StoreStateConflict(refused)
    await record(tenant.organization_id, tenant.actor, action, "store", store.id,
                 before={"status": store.status}, after={"status": target.value})


async def pause(tenant: Tenant, store_id: int | str) -> None:
    """Stop syncing an active store (tokens are still kept fresh)."""
    await _transition(tenant, store_id, "store.paused", {StoreStatus.ACTIVE}, StoreStatus.PAUSED,
                      _("Only an active store can be paused."))


async def resume(tenant: Tenant, store_id: int | str) -> None:
    """Sync a paused store again."""
    await _transition(tenant, store_id, "store.resumed", {StoreStatus.PAUSED}, StoreStatus.ACTIVE,
                      _("Only a paused store can be resumed."))


async def disconnect(tenant: Tenant, store_id: int | str) -> None:
    """Wipe the store's tokens and mark it disconnected; its history (orders, logs) stays."""
    await _transition(
        tenant, store_id, "store.disconnected",
        {StoreStatus.ACTIVE, StoreStatus.PAUSED, StoreStatus.NEEDS_REAUTH}, StoreStatus.DISCONNECTED,
        _("This store is already disconnected."),
        extra={Store.access_token: "", Store.refresh_token: "", Store.access_expires_at: None,
               Store.refresh_expires_at: None, Store.last_error: ""},
    )


async def mark_needs_reauth(tenant: Tenant, store_id: int, message: str, *, action: str = "store.needs_reauth") -> None:
    """The authorization is gone: show ``message`` and a reconnect button (disconnected stores stay so)."""
    store = await get_store(tenant, store_id)
    if store.status in (StoreStatus.DISCONNECTED, StoreStatus.NEEDS_REAUTH):
        return
    await tenant.scoped(Store).update({Store.status: StoreStatus.NEEDS_REAUTH, Store.last_error: message,
                                       Store.updated_at: utcnow()}).where(Store.id == store.id)
    await record(tenant.organization_id, tenant.actor, action, "store", store.id,
                 before={"status": store.status}, after={"status": StoreStatus.NEEDS_REAUTH.value, "error": message})


async def record_problem(tenant: Tenant, store_id: int, message: str) -> None:
    """Remember the last problem with the store, in a seller's words."""
    await tenant.scoped(Store).update({Store.last_error: message, Store.last_checked_at: utcnow()}).where(
        Store.id == store_id)


async def record_healthy(tenant: Tenant, store_id: int, shop: ShopInfo) -> None:
    """A health check passed: refresh the shop's name and clear the last error."""
    values: dict[Any, Any] = {Store.name: shop.name[:200], Store.last_error: "", Store.last_checked_at: utcnow()}
    if shop.cipher:
        values[Store.shop_cipher] = shop.cipher
    await tenant.scoped(Store).update(values).where(Store.id == store_id)


async def mark_synced(tenant: Tenant, store_id: int, *, kind: SyncKind, at: datetime | None = None) -> None:
    """A sync of this kind finished without error: moves that kind's watermark (and the store's
    last sync of any kind). Only the order fetch's own watermark schedules the next order fetch."""
    at = at or utcnow()
    column = Store._meta.get_column_by_name(SYNC_KIND_COLUMNS[kind])
    await tenant.scoped(Store).update({Store.last_sync_at: at, column: at, Store.last_error: ""}).where(
        Store.id == store_id)


async def update_settings(tenant: Tenant, store_id: int | str, form: StoreSettingsForm) -> list[str]:
    """Save the store's sync settings (already validated by the form), audit what changed and
    return the names of the settings that changed."""
    store = await get_store(tenant, store_id)
    before = {name: getattr(store, name) for name in SETTINGS_FIELDS}
    after = form.model_dump(include=set(SETTINGS_FIELDS))
    if before == after:
        return []
    await tenant.scoped(Store).update({**{Store._meta.get_column_by_name(k): v for k, v in after.items()},
                                       Store.updated_at: utcnow()}).where(Store.id == store.id)
    changed = [k for k in SETTINGS_FIELDS if before[k] != after[k]]
    await record(tenant.organization_id, tenant.actor, "store.settings_changed", "store", store.id,
                 before={k: before[k] for k in changed}, after={k: after[k] for k in changed})
    return changed


async def stores_due_for_order_fetch(now: datetime | None = None) -> list[tuple[int, int, int]]:
    """(organization_id, store_id, interval minutes) of active stores that import orders
    automatically and whose interval has passed since their last completed order fetch (stock
    pushes and listing imports do not count: a store whose stock changes every minute still
    has its orders fetched on time). ``now`` defaults to the clock."""
    now = now or utcnow()
    rows = await Store.select(Store.organization, Store.id, Store.sync_interval_minutes,
                              Store.last_order_fetch_at).where(
        (Store.status == StoreStatus.ACTIVE) & (Store.auto_import_orders == True))  # noqa: E712
    due = []
    for row in rows:
        interval = max(int(row["sync_interval_minutes"] or 15), 1)
        last = row["last_order_fetch_at"]
        if last is None or now - last >= timedelta(minutes=interval):
            due.append((row["organization"], row["id"], interval))
    return due


async def store_names(tenant: Tenant, store_ids: Iterable[int]) -> dict[int, str]:
    """{store id: its name} (the audit trail's names of stores)."""
    return {s.id: s.name for s in await list_stores(tenant)}


async def count_connected(organization_id: int) -> int:
    """Stores of the organisation that are not disconnected (what a plan's store limit counts)."""
    return await Store.count().where((Store.organization == organization_id)
                                     & (Store.status != StoreStatus.DISCONNECTED))
