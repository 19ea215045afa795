"""Listings: each store's marketplace items and models, mapped to master variants, and the
channel allocation that decides how many units each store is offered."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.listings.allocation import StoreRule as StoreRule
    from app.domains.listings.allocation import available_by_variant as available_by_variant
    from app.domains.listings.allocation import offer as offer
    from app.domains.listings.allocation import other_channels_preferred as other_channels_preferred
    from app.domains.listings.allocation import preview as preview
    from app.domains.listings.allocation import register_preferred_channel as register_preferred_channel
    from app.domains.listings.allocation import set_store_locations as set_store_locations
    from app.domains.listings.allocation import set_threshold as set_threshold
    from app.domains.listings.allocation import store_locations as store_locations
    from app.domains.listings.allocation import threshold as threshold
    from app.domains.listings.reads import a_store_sells_from as a_store_sells_from
    from app.domains.listings.reads import forget_pushed as forget_pushed
    from app.domains.listings.reads import keep_sold_location as keep_sold_location
    from app.domains.listings.reads import listings_of_variants as listings_of_variants
    from app.domains.listings.reads import mapped_variants as mapped_variants
    from app.domains.listings.reads import push_outcomes as push_outcomes
    from app.domains.listings.reads import quantities_of_store as quantities_of_store
    from app.domains.listings.reads import record_listing_edit as record_listing_edit
    from app.domains.listings.reads import set_platform_price as set_platform_price
    from app.domains.listings.sale import SaleTarget as SaleTarget
    from app.domains.listings.sale import ask_sale_change as ask_sale_change
    from app.domains.listings.sale import record_sale_refusal as record_sale_refusal
    from app.domains.listings.sale import record_sale_state as record_sale_state
    from app.domains.listings.sale import sale_target as sale_target
    from app.domains.listings.services import ImportCounts as ImportCounts
    from app.domains.listings.services import ListingView as ListingView
    from app.domains.listings.services import PushTarget as PushTarget
    from app.domains.listings.services import create_product_from_listings as create_product_from_listings
    from app.domains.listings.services import get_listing as get_listing
    from app.domains.listings.services import labels_of as labels_of
    from app.domains.listings.services import listing_names as listing_names
    from app.domains.listings.services import listings_by_id as listings_by_id
    from app.domains.listings.services import listings_of_store as listings_of_store
    from app.domains.listings.services import map_listing as map_listing
    from app.domains.listings.services import mapped_for_push as mapped_for_push
    from app.domains.listings.services import record_pushes as record_pushes
    from app.domains.listings.services import suggestions as suggestions
    from app.domains.listings.services import unmapped_count as unmapped_count
    from app.domains.listings.services import unmapped_count_sql as unmapped_count_sql
    from app.domains.listings.services import upsert_listings as upsert_listings
    from app.domains.listings.statuses import ListingState as ListingState
    from app.domains.listings.statuses import MappingStatus as MappingStatus
    from app.domains.listings.statuses import listing_state as listing_state
else:
    __getattr__ = lazy_exports(__name__, __file__)
