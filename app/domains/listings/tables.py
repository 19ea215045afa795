from piccolo.columns import ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.catalog.tables import Variant
from app.domains.inventory.tables import Location
from app.domains.listings.statuses import MappingStatus
from app.domains.stores.tables import Store


class Listing(Table):
    """One sellable unit of a store (Shopee item+model, TikTok product+SKU) and its master variant.
    Unique per (store, platform_item_id, platform_model_id) — an index in the migration."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    platform_item_id = Varchar(length=64, help_text="Shopee item_id / TikTok product id.")
    platform_model_id = Varchar(length=64, default="0", help_text="Shopee model_id (0 without models) / TikTok SKU id.")
    title = Varchar(length=255, default="")
    model_name = Varchar(length=255, default="")
    seller_sku = Varchar(length=64, default="", index=True)
    platform_price = Integer(default=0, help_text="Price on the marketplace, minor units.")
    platform_quantity = Integer(default=0, help_text="Quantity the marketplace reported at the last import.")
    platform_location_id = Varchar(length=64, default="", help_text="Marketplace warehouse of the quantity, if any.")
    variant = ForeignKey(Variant, null=True, index=True, help_text="The master variant it sells, once mapped.")
    status = Varchar(length=16, choices=MappingStatus, default=MappingStatus.UNMAPPED, index=True)
    listing_state = Varchar(length=16, default="",
                            help_text="ListingState on the marketplace (live, unlisted, draft, other); '' unknown.")
    sale_change = Varchar(length=16, default="", help_text="ListingState asked of the marketplace (live, unlisted) "
                                                           "by a job not finished yet; '' none.")
    sale_error = Text(default="", help_text="Why the marketplace refused the last sale change, in its words.")
    last_pushed_qty = Integer(null=True, default=None, help_text="Quantity last sent to the marketplace.")
    last_pushed_at = Timestamptz(null=True, default=None)
    last_push_error = Text(default="")
    imported_at = Timestamptz(default=TimestamptzNow())


class AllocationRule(Table):
    """Organisation-wide allocation rules: when available falls to `last_units_threshold` or
    below, only stores marked preferred_for_last_units are offered the remaining units."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, unique=True)
    last_units_threshold = Integer(default=0, help_text="0 turns the rule off.")


class StoreLocation(Table):
    """A location a store is offered stock from. A store with none listed is offered the stock of
    every active location (the default); listing some narrows it to those."""

    id: Serial  # the primary key Piccolo adds; declared for the type checker

    organization = ForeignKey(Organization, null=False, index=True)
    store = ForeignKey(Store, null=False, index=True)
    location = ForeignKey(Location, null=False)
