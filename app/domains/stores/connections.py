"""Store operations that talk to a marketplace: connect, health check, token refresh."""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta

from app.core.clock import utcnow
from app.core.i18n import _, deferred
from app.core.tenancy import Actor, Tenant
from app.domains.stores import services
from app.domains.stores.adapters import connection_for, open_adapter, token_keeper
from app.domains.stores.errors import ConnectionRefused, StoreError, StoreNotConnected
from app.domains.stores.statuses import StoreStatus
from app.integrations import errors
from app.integrations.base import AuthorizationResult, Platform, ShopInfo
from app.settings import get_settings

log = logging.getLogger(__name__)

# How long a seller may take on the consent page (Shopee's link itself lives 5 minutes).
CONNECT_TTL = timedelta(minutes=15)
# The cron runs every 10 minutes and refreshes what expires within 30, so a token is renewed
# at least twice before it lapses even if one run fails.
REFRESH_WINDOW = timedelta(minutes=30)


class HealthCheckFailed(StoreError):
    """The marketplace did not answer a health check; ``message`` is the adapter's seller_message."""


def callback_url() -> str:
    """Where the marketplace sends the seller back (TikTok: register this URL for the app)."""
    return get_settings().base_url.rstrip("/") + "/stores/callback"


async def start_connection(tenant: Tenant, platform: Platform) -> str:
    """Record a one-time state and return the marketplace consent page URL to send the seller to."""
    state = await services.begin_connection(tenant, platform, CONNECT_TTL)
    async with open_adapter(platform) as adapter:
        return adapter.authorization_url(redirect_url=callback_url(), state=state)


async def finish_connection(tenant: Tenant, *, state: str | None, code: str | None,
                            shop_id: str | None = None) -> list[tuple[int, bool]]:
    """Check the state (once), trade the code for tokens, and connect every shop it authorizes."""
    platform = await services.claim_connection(tenant, state)
    if not code:
        raise ConnectionRefused(_("The marketplace did not authorize StoreSync. Please try connecting again."))
    async with open_adapter(platform) as adapter:
        try:
            tokens = await adapter.exchange_code(AuthorizationResult(code=code, shop_id=shop_id, state=state))
            shops: list[ShopInfo] = await adapter.authorized_shops(tokens)
        except errors.IntegrationError as exc:
            log.warning("connecting a %s store for organization %s failed: %s", platform,
                        tenant.organization_id, exc)
            raise ConnectionRefused(exc.seller_message) from exc
    if not shops:
        raise ConnectionRefused(_("The marketplace authorized no shop. Please try connecting again."))
    # A TikTok authorization may cover several shops; each becomes a store with the same tokens.
    return [await services.connect_shop(tenant, platform, tokens, shop) for shop in shops]


async def check_health(tenant: Tenant, store_id: int | str) -> ShopInfo:
    """Ask the marketplace for the shop's info; records the outcome, raises HealthCheckFailed on failure."""
    store = await services.get_store(tenant, store_id)
    if store.status == StoreStatus.DISCONNECTED:
        raise StoreNotConnected(_("This store is not connected. Reconnect it first."))
    async with open_adapter(store.platform) as adapter:
        try:
            info = await adapter.shop_info(connection_for(tenant, store, adapter))
        except errors.AuthError as exc:
            await _auth_failed(tenant, store.id, exc)
            raise HealthCheckFailed(exc.seller_message) from exc
        except errors.IntegrationError as exc:
            log.warning("health check of store %s failed: %s", store.id, exc)
            await services.record_problem(tenant, store.id, exc.seller_message)
            raise HealthCheckFailed(exc.seller_message) from exc
    await services.record_healthy(tenant, store.id, info)
    return info


async def _auth_failed(tenant: Tenant, store_id: int, exc: errors.AuthError) -> None:
    log.warning("store %s: marketplace refused its authorization: %s", store_id, exc)
    if exc.needs_reauthorization:
        await services.mark_needs_reauth(tenant, store_id, exc.seller_message)
    else:
        await services.record_problem(tenant, store_id, exc.seller_message)


@dataclass
class RefreshReport:
    refreshed: list[int] = field(default_factory=list)
    needs_reauth: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"refreshed": self.refreshed, "needs_reauth": self.needs_reauth, "failed": self.failed}


async def refresh_expiring_tokens(window: timedelta = REFRESH_WINDOW) -> RefreshReport:
    """Refresh every connected store's tokens that expire within ``window`` (system cron, all organisations).

    Each refresh holds the store's single-flight lock, so a worker refreshing the same store at the
    same moment (after a rejected call) does not spend the single-use refresh token twice. A store
    whose refresh is refused for good is marked needs_reauth; a transient failure is retried next run.
    """
    report = RefreshReport()
    due = await services.tokens_expiring_all_organisations(utcnow() + window)
    async with AsyncExitStack() as stack:
        adapters = {}
        for organization_id, store_id in due:
            tenant = Tenant(organization_id, actor=Actor(None))
            try:
                store = await services.get_store(tenant, store_id)
                if store.platform not in adapters:
                    adapters[store.platform] = await stack.enter_async_context(open_adapter(store.platform))
                keeper = token_keeper(tenant, store, adapters[store.platform], refresh_ahead=window.total_seconds())
                await keeper.current()
                report.refreshed.append(store_id)
            except errors.AuthError as exc:
                await _auth_failed(tenant, store_id, exc)
                (report.needs_reauth if exc.needs_reauthorization else report.failed).append(store_id)
            except (errors.IntegrationError, StoreError) as exc:
                log.warning("token refresh of store %s failed, retrying next run: %s", store_id, exc)
                report.failed.append(store_id)
            except Exception:  # a bad row (a shop id the adapter cannot read...) must not stop the other stores
                log.exception("token refresh of store %s failed unexpectedly, retrying next run", store_id)
                await services.record_problem(tenant, store_id, deferred(
                    "StoreSync could not renew this store's access. If this goes on, reconnect the store."))
                report.failed.append(store_id)
    if due:
        log.info("token refresh: %s", report.as_dict())
    return report
