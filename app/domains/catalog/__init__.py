"""Catalog: the master products and their variants (SKUs), bundles, and search over them."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.catalog.costs import MAX_UNIT_COST as MAX_UNIT_COST
    from app.domains.catalog.costs import costs_of_lines as costs_of_lines
    from app.domains.catalog.costs import round_half_up as round_half_up
    from app.domains.catalog.costs import set_average as set_average
    from app.domains.catalog.costs import unit_costs as unit_costs
    from app.domains.catalog.demo import demo_listings as demo_listings
    from app.domains.catalog.events import CatalogPricesChanged as CatalogPricesChanged
    from app.domains.catalog.events import ProductChanged as ProductChanged
    from app.domains.catalog.labels import product_names as product_names
    from app.domains.catalog.labels import variant_skus as variant_skus
    from app.domains.catalog.labels import variant_titles as variant_titles
    from app.domains.catalog.reads import ActiveProduct as ActiveProduct
    from app.domains.catalog.reads import LiveVariant as LiveVariant
    from app.domains.catalog.reads import active_products as active_products
    from app.domains.catalog.reads import bundle_parts as bundle_parts
    from app.domains.catalog.reads import live_variants as live_variants
    from app.domains.catalog.reads import owns_variants as owns_variants
    from app.domains.catalog.reads import parcel_sizes as parcel_sizes
    from app.domains.catalog.reads import plain_variant_skus as plain_variant_skus
    from app.domains.catalog.reads import product_page as product_page
    from app.domains.catalog.reads import products_exist as products_exist
    from app.domains.catalog.reads import reorder_points as reorder_points
    from app.domains.catalog.reads import variant_detail as variant_detail
    from app.domains.catalog.schemas import ProductForm as ProductForm
    from app.domains.catalog.schemas import VariantForm as VariantForm
    from app.domains.catalog.services import bundle_components as bundle_components
    from app.domains.catalog.services import bundles_containing as bundles_containing
    from app.domains.catalog.services import components_of as components_of
    from app.domains.catalog.services import create_product as create_product
    from app.domains.catalog.services import get_product as get_product
    from app.domains.catalog.services import require_variant as require_variant
    from app.domains.catalog.services import update_product as update_product
    from app.domains.catalog.services import variant_by_code as variant_by_code
    from app.domains.catalog.services import variants_by_sku as variants_by_sku
    from app.domains.catalog.stock_port import Count as Count
    from app.domains.catalog.stock_port import Level as Level
    from app.domains.catalog.stock_port import Place as Place
    from app.domains.catalog.stock_port import register_stock_port as register_stock_port
    from app.domains.catalog.stock_view import register_stock_view as register_stock_view
    from app.domains.catalog.tables import Variant as Variant  # the row type variant lookups return
else:
    __getattr__ = lazy_exports(__name__, __file__)
