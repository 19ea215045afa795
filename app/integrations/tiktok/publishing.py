"""TikTok Shop listing creation (PublishingAdapter, 202309): categories, category attributes, image
upload, product create; and edits of a published product (ListingEditor): one partial_edit call with
the title, description and SKU prices (fields left out keep their values); products/activate and
products/deactivate put a product on sale or take it off sale (SaleSwitcher). Mixed into TikTokAdapter;
uses its ``_shop_call``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from app.integrations import errors
from app.integrations.base import (
    AttributeValue,
    Category,
    CategoryAttribute,
    CreatedListing,
    Listing,
    ListingEdit,
    ListingLimits,
    NewListing,
    ShopConnection,
    ShopInfo,
    UploadedImage,
    from_minor_units,
)

# Title <= 255 characters, <= 9 main images, <= 3 sales attributes, <= 100 SKUs, photos of at least
# 300x300 (the sandbox enforces the same, see app/sandbox/listing_rules.py).
LIMITS = ListingLimits(title_max=255, images_max=9, tiers_max=3, variants_max=100, image_min_px=300)
ACTIVATE_MAX = 20  # product_ids per activate / deactivate call (StoreSync sends one at a time)

# TikTok product refusal codes (as the sandbox answers them) -> StoreSync's field name.
_FIELDS = {12052002: "category", 12052016: "title", 12052017: "description", 12052022: "images",
           12052040: "weight", 12052230: "variants", 12052231: "price", 12019002: "images",
           12052060: "listing_platforms"}


def refusal_field(error: errors.IntegrationError) -> str | None:
    try:
        code = int(error.code or 0)
    except ValueError:
        return None
    if code in (12052220, 12052221):
        found = re.search(r"attribute (\d+)", error.detail)
        return f"attribute:{found.group(1)}" if found else "attributes"
    return _FIELDS.get(code)


if TYPE_CHECKING:
    class _Base:
        async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str, **kwargs: Any) -> Any: ...
        async def shop_info(self, conn: ShopConnection) -> ShopInfo: ...
        def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]: ...
else:
    _Base = object


class TikTokPublishing(_Base):
    listing_limits = LIMITS

    async def categories(self, conn: ShopConnection) -> list[Category]:
        data = await self._shop_call(conn, "GET", "/product/202309/categories", "tiktok.categories",
                                     query={"locale": "id-ID"})
        return [Category(category_id=str(c["id"]),
                         parent_id=str(c["parent_id"]) if str(c.get("parent_id") or "0") != "0" else None,
                         name=c.get("local_name") or "", is_leaf=bool(c.get("is_leaf")))
                for c in data.get("categories") or []]

    async def category_attributes(self, conn: ShopConnection, category_id: str) -> list[CategoryAttribute]:
        data = await self._shop_call(conn, "GET", f"/product/202309/categories/{category_id}/attributes",
                                     "tiktok.category_attributes", query={"locale": "id-ID"})
        return [CategoryAttribute(
            attribute_id=str(a["id"]), name=a.get("name") or "",
            # TikTok spells the flag is_requried; accept the correct spelling too.
            mandatory=bool(a.get("is_requried", a.get("is_required"))),
            values=tuple(AttributeValue(value_id=str(v["id"]), name=v.get("name") or "") for v in a.get("values") or []),
            customizable=bool(a.get("is_customizable")),
        ) for a in data.get("attributes") or [] if a.get("type") == "PRODUCT_PROPERTY"]

    async def upload_image(self, conn: ShopConnection, content: bytes, filename: str) -> UploadedImage:
        kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        try:
            data = await self._shop_call(conn, "POST", "/product/202309/images/upload", "tiktok.upload_image",
                                         files={"data": (filename, content, kind)},
                                         form={"use_case": "MAIN_IMAGE"})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, "images") from exc
        return UploadedImage(image_id=str(data["uri"]), url=data.get("url"))

    async def listing_channels(self, conn: ShopConnection) -> tuple[str, ...]:
        """Tokopedia when the shop's authorization lists it among its listing platforms."""
        info = await self.shop_info(conn)
        return tuple(p for p in info.listing_platforms if p != "TIKTOK_SHOP")

    async def resume_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing | None:
        """The product carrying all the listing's seller SKUs (one call creates it whole)."""
        skus = {v.seller_sku for v in listing.variants}
        async for found in self.fetch_listings(conn):
            by_sku = {v.seller_sku: v.variant_id for v in found.variants if v.seller_sku}
            if skus <= set(by_sku):
                return CreatedListing(listing_id=found.listing_id, variant_ids={s: by_sku[s] for s in skus},
                                      status=found.status)
        return None

    async def create_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing:
        """One call creates the product with all SKUs (nothing half-created on a refusal); save_mode
        AS_DRAFT for a draft, LISTING otherwise; listing_platforms when it goes to Tokopedia too."""
        inventory: dict[str, Any] = {"warehouse_id": listing.warehouse_id} if listing.warehouse_id else {}
        body: dict[str, Any] = {
            "title": listing.title, "description": listing.description, "category_id": listing.category_id,
            "main_images": [{"uri": uri} for uri in listing.image_ids],
            "package_weight": {"value": f"{listing.weight_grams / 1000:.3f}", "unit": "KILOGRAM"},
            "product_attributes": [
                {"id": a.attribute_id,
                 "values": [{"id": a.value_id} if a.value_id else {"name": a.text or ""}]}
                for a in listing.attributes],
            "skus": [{"seller_sku": v.seller_sku,
                      "sales_attributes": [{"name": name, "value_name": value}
                                           for name, value in zip(listing.tiers, v.options, strict=True)],
                      "price": {"amount": str(from_minor_units(v.price)), "currency": "IDR"},
                      "inventory": [{**inventory, "quantity": v.quantity}]}
                     for v in listing.variants],
            "save_mode": "AS_DRAFT" if listing.draft else "LISTING",
        }
        if listing.also_on:
            body["listing_platforms"] = ["TIKTOK_SHOP", *listing.also_on]
        try:
            data = await self._shop_call(conn, "POST", "/product/202309/products", "tiktok.create_product",
                                         body=body, unsafe=True)
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc)) from exc
        return CreatedListing(listing_id=str(data["product_id"]), status="DRAFT" if listing.draft else "ACTIVATE",
                              variant_ids={str(s.get("seller_sku")): str(s["id"]) for s in data.get("skus") or []})

    async def update_listing(self, conn: ShopConnection, edit: ListingEdit) -> None:
        """partial_edit: title, description and the named SKUs' prices, in one call."""
        body: dict[str, Any] = {"title": edit.title, "description": edit.description}
        if edit.prices:
            body["skus"] = [{"id": sku_id, "price": {"amount": str(from_minor_units(price)), "currency": "IDR"}}
                            for sku_id, price in edit.prices.items()]
        try:
            await self._shop_call(conn, "POST", f"/product/202309/products/{edit.listing_id}/partial_edit",
                                  "tiktok.partial_edit", body=body)
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc)) from exc

    async def set_on_sale(self, conn: ShopConnection, listing_id: str, on_sale: bool,
                          variant_ids: Sequence[str] = ()) -> None:
        """products/activate (on sale) or products/deactivate (off sale) of this one product; an
        entry of data.errors naming it is refused with TikTok's message (and detail)."""
        action = "activate" if on_sale else "deactivate"
        try:
            data = await self._shop_call(conn, "POST", f"/product/202309/products/{action}", f"tiktok.{action}",
                                         body={"product_ids": [listing_id]})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, None) from exc
        refused = [e for e in (data or {}).get("errors") or []
                   if str((e.get("detail") or {}).get("product_id") or listing_id) == listing_id]
        if refused:
            detail = "; ".join(str(e.get("message") or e.get("code") or "refused") for e in refused)
            raise errors.ListingRefused(detail, platform="tiktok", code=str(refused[0].get("code") or ""),
                                        seller_message=detail)
