from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.stores.statuses import StoreStatus
from app.integrations.base import Platform


class Store(Table):
    """A marketplace shop connected by one organisation, with its (encrypted) tokens and sync settings.

    (organization, platform, platform_shop_id) is unique (an index in the migration).
    """

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    platform = Varchar(length=16, choices=Platform, help_text="Marketplace: shopee, tiktok or lazada.")
    name = Varchar(length=200, help_text="Shop name as the marketplace reports it.")
    platform_shop_id = Varchar(length=64, index=True, help_text="The marketplace's id of the shop.")
    shop_cipher = Varchar(length=200, default="", help_text="TikTok Shop's shop cipher (sent on every shop call).")
    region = Varchar(length=8, default="", help_text="Marketplace region, e.g. ID.")
    seller_name = Varchar(length=200, default="", help_text="Seller account that authorized StoreSync.")
    access_token = Text(default="", secret=True, help_text="Access token, Fernet-encrypted; empty once disconnected.")
    refresh_token = Text(default="", secret=True, help_text="Refresh token, Fernet-encrypted; empty once disconnected.")
    access_expires_at = Timestamptz(null=True, default=None, help_text="When the access token expires (UTC).")
    refresh_expires_at = Timestamptz(null=True, default=None, help_text="When the refresh token expires (UTC).")
    status = Varchar(length=16, choices=StoreStatus, default=StoreStatus.ACTIVE, index=True,
                     help_text="active, paused, needs_reauth or disconnected.")
    auto_push_stock = Boolean(default=True, help_text="Push stock changes to this store automatically.")
    auto_import_orders = Boolean(default=True, help_text="Import this store's orders automatically.")
    sync_interval_minutes = Integer(default=15, help_text="Minutes between scheduled order fetches (5..1440).")
    stock_buffer = Integer(default=0, help_text="Units held back from this channel.")
    stock_percent = Integer(default=100, help_text="Percentage of available stock offered here (1..100).")
    price_markup_percent = Integer(default=0, help_text="Markup over the catalog price, percent (-50..500).")
    auto_push_prices = Boolean(default=False, help_text="Send catalog prices (with the markup) to this store.")
    preferred_for_last_units = Boolean(default=False,
                                       help_text="When stock runs low, the last units stay on this channel.")
    connected_by = ForeignKey(BaseUser, null=True, help_text="Who connected (or last reconnected) the store.")
    connected_at = Timestamptz(default=TimestamptzNow())
    last_sync_at = Timestamptz(null=True, default=None, help_text="End of the last successful sync of any kind.")
    # One watermark per kind of sync (SyncKind): the order fetch is scheduled from its own, never
    # from last_sync_at, which every stock push moves.
    last_order_fetch_at = Timestamptz(null=True, default=None,
                                      help_text="Start of the last completed order fetch (its schedule counts from here).")
    last_stock_push_at = Timestamptz(null=True, default=None, help_text="End of the last completed stock push.")
    last_listing_import_at = Timestamptz(null=True, default=None, help_text="End of the last completed listing import.")
    last_token_refresh_at = Timestamptz(null=True, default=None, help_text="When the tokens were last obtained or refreshed.")
    last_checked_at = Timestamptz(null=True, default=None, help_text="Last health check.")
    last_error = Text(default="", help_text="The last problem, in words a seller understands.")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ConnectionAttempt(Table):
    """One trip to a marketplace's consent page: its state parameter (stored hashed) is single use."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    user = ForeignKey(BaseUser, null=True, help_text="Who started the connection.")
    platform = Varchar(length=16, choices=Platform)
    state_hash = Varchar(length=64, unique=True, secret=True, help_text="SHA-256 of the state parameter.")
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class WebhookEventRecord(Table):
    """A verified marketplace notification, stored once per dedupe key (replays are ignored)."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    platform = Varchar(length=16, choices=Platform)
    dedupe_key = Varchar(length=200, unique=True, help_text="Same key means the same notification.")
    kind = Varchar(length=32, default="other", help_text="order_status, deauthorized, ... (EventKind).")
    code = Varchar(length=16, default="", help_text="The platform's own event code or type.")
    platform_shop_id = Varchar(length=64, default="", index=True)
    store = ForeignKey(Store, null=True, help_text="The store it concerns, when one is connected.")
    organization = ForeignKey(Organization, null=True, index=True)
    received_at = Timestamptz(default=TimestamptzNow())
    processed_at = Timestamptz(null=True, default=None)
    attempts = Integer(default=0, help_text="Failed attempts to process it so far.")
    next_attempt_at = Timestamptz(null=True, default=None, index=True,
                                  help_text="When the sweep tries a failed event again (backoff); empty until it fails.")
    last_error = Text(default="", help_text="Why the last attempt failed, in a seller's words.")
    payload = JSON(default={}, help_text="The notification's data as the platform sent it (after verification).")
