"""Shopee listing creation (PublishingAdapter): categories, attribute tree, image upload, add_item +
init_tier_variation; and edits of a published item (ListingEditor): update_item for its name and
description, then update_price for its models (model 0 is the only model of an item without
variations). Mixed into ShopeeAdapter; uses its ``_shop_call``. unlist_item puts a published item
on sale or takes it off sale (SaleSwitcher).

The edit calls are not one transaction on Shopee: the models are checked first (get_model_list), but
when update_price still refuses a price after update_item has taken the name, the name stays changed
there. Both calls replace values (sending
the same edit again changes nothing more), so a refused edit is simply sent again once fixed."""

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
    UploadedImage,
    from_minor_units,
)

# Shopee Indonesia: item_name <= 120 characters, <= 9 images, <= 2 tiers, <= 50 models; photos of at
# least 500x500 (the sandbox enforces the same, see app/sandbox/listing_rules.py).
LIMITS = ListingLimits(title_max=120, images_max=9, tiers_max=2, variants_max=50, image_min_px=500)
MODELS_PER_PRICE_CALL = 50

# The request field a refusal message starts with -> StoreSync's field name.
_FIELDS = {"item_name": "title", "description": "description", "image": "images", "weight": "weight",
           "original_price": "price", "category_id": "category", "tier_variation": "variants",
           "model": "variants", "logistic_info": "logistics"}


def refusal_field(message: str) -> str | None:
    """Which field a Shopee refusal is about, read from the message when it says."""
    attribute = re.search(r"attribute (\d+)", message)
    if attribute and "attribute" in message.split(":", 1)[0]:
        return f"attribute:{attribute.group(1)}"
    head = message.split(":", 1)[0].strip().lower()
    if head in _FIELDS:
        return _FIELDS[head]
    return next((field for word, field in _FIELDS.items() if word in message.lower()), None)


if TYPE_CHECKING:
    class _Base:
        async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str, **kwargs: Any) -> dict: ...
        def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]: ...
else:
    _Base = object


class ShopeePublishing(_Base):
    listing_limits = LIMITS

    async def categories(self, conn: ShopConnection) -> list[Category]:
        answer = await self._shop_call(conn, "GET", "/api/v2/product/get_category", "shopee.get_category",
                                       query={"language": "id"})
        return [Category(category_id=str(c["category_id"]),
                         parent_id=str(c["parent_category_id"]) if c.get("parent_category_id") else None,
                         name=c.get("display_category_name") or c.get("original_category_name") or "",
                         is_leaf=not c.get("has_children"))
                for c in answer.get("category_list") or []]

    async def category_attributes(self, conn: ShopConnection, category_id: str) -> list[CategoryAttribute]:
        answer = await self._shop_call(conn, "GET", "/api/v2/product/get_attribute_tree",
                                       "shopee.get_attribute_tree",
                                       query={"category_id_list": category_id, "language": "id"})
        rows: dict[str, Any] = next((r for r in answer.get("list") or [] if str(r.get("category_id")) == str(category_id)), {})
        return [CategoryAttribute(
            attribute_id=str(a["attribute_id"]), name=a.get("name") or "", mandatory=bool(a.get("mandatory")),
            values=tuple(AttributeValue(value_id=str(v["value_id"]), name=v.get("display_value_name") or v["name"])
                         for v in a.get("attribute_value_list") or []),
            # input_type 1 is a drop-down without custom values; others take free text.
            customizable=(a.get("attribute_info") or {}).get("input_type") != 1,
            is_brand=bool(a.get("is_brand")),
        ) for a in rows.get("attribute_tree") or []]

    async def upload_image(self, conn: ShopConnection, content: bytes, filename: str) -> UploadedImage:
        kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        try:
            answer = await self._shop_call(conn, "POST", "/api/v2/media_space/upload_image",
                                           "shopee.upload_image", files={"image": (filename, content, kind)})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, "images") from exc
        info = answer.get("image_info") or {}
        urls = info.get("image_url_list") or [{}]
        return UploadedImage(image_id=str(info["image_id"]), url=urls[0].get("image_url"))

    async def listing_channels(self, conn: ShopConnection) -> tuple[str, ...]:
        return ()  # a Shopee item is listed on Shopee only

    async def create_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing:
        """add_item (item_status UNLIST for a draft, NORMAL otherwise), then init_tier_variation when the listing has tiers; if the variations are
        refused the item is deleted again, so that nothing half-created stays on Shopee."""
        channels = await self._shop_call(conn, "GET", "/api/v2/logistics/get_channel_list",
                                         "shopee.channel_list")
        logistic_info = [{"logistic_id": c["logistics_channel_id"], "enabled": True}
                         for c in channels.get("logistics_channel_list") or [] if c.get("enabled")]
        first = listing.variants[0]
        body: dict[str, Any] = {
            "item_name": listing.title, "description": listing.description,
            "original_price": float(from_minor_units(min(v.price for v in listing.variants))),
            "weight": listing.weight_grams / 1000, "category_id": int(listing.category_id),
            "image": {"image_id_list": list(listing.image_ids)}, "logistic_info": logistic_info,
            "attribute_list": [
                {"attribute_id": int(a.attribute_id),
                 "attribute_value_list": [{"value_id": int(a.value_id)} if a.value_id
                                          else {"value_id": 0, "original_value_name": a.text or ""}]}
                for a in listing.attributes],
            "seller_stock": [{"stock": first.quantity if not listing.tiers else 0}],
            "item_status": "UNLIST" if listing.draft else "NORMAL",
        }
        if listing.seller_sku or listing.reference or not listing.tiers:
            body["item_sku"] = listing.seller_sku or (listing.reference if listing.tiers else first.seller_sku)
        try:
            added = await self._shop_call(conn, "POST", "/api/v2/product/add_item", "shopee.add_item", body=body,
                                           unsafe=True)
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc.detail)) from exc
        item_id = str(added["item_id"])
        status = str(added.get("item_status") or body["item_status"])
        if not listing.tiers:
            return CreatedListing(listing_id=item_id, variant_ids={first.seller_sku: "0"}, status=status)
        return await self._init_tiers(conn, item_id, listing, status)

    async def resume_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing | None:
        """The item by its models' SKUs; an item found by the reference without its models (the
        answer to add_item was lost) gets its variations now."""
        skus = {v.seller_sku for v in listing.variants}
        async for found in self.fetch_listings(conn):
            by_sku = {v.seller_sku: v.variant_id for v in found.variants if v.seller_sku}
            if skus <= set(by_sku):
                return CreatedListing(listing_id=found.listing_id, variant_ids={s: by_sku[s] for s in skus},
                                      status=found.status)
            if listing.tiers and listing.reference and found.seller_sku == listing.reference \
                    and not found.has_variants:
                return await self._init_tiers(conn, found.listing_id, listing, found.status)
        return None

    async def _init_tiers(self, conn: ShopConnection, item_id: str, listing: NewListing,
                          status: str = "") -> CreatedListing:
        options: list[list[str]] = [[] for _ in listing.tiers]
        for variant in listing.variants:
            for tier, value in enumerate(variant.options):
                if value not in options[tier]:
                    options[tier].append(value)
        models = [{"tier_index": [options[t].index(v) for t, v in enumerate(variant.options)],
                   "original_price": float(from_minor_units(variant.price)), "model_sku": variant.seller_sku,
                   "seller_stock": [{"stock": variant.quantity}]} for variant in listing.variants]
        try:
            answer = await self._shop_call(
                conn, "POST", "/api/v2/product/init_tier_variation", "shopee.init_tier_variation",
                body={"item_id": int(item_id), "model": models,
                      "tier_variation": [{"name": name, "option_list": [{"option": o} for o in options[t]]}
                                         for t, name in enumerate(listing.tiers)]})
        except errors.IntegrationError as exc:
            await self._shop_call(conn, "POST", "/api/v2/product/delete_item", "shopee.delete_item",
                                  body={"item_id": int(item_id)})
            if isinstance(exc, errors.ValidationError):
                raise errors.ListingRefused.from_error(exc, refusal_field(exc.detail) or "variants") from exc
            raise
        by_index = {tuple(m["tier_index"]): str(m["model_id"]) for m in answer.get("model") or []}
        return CreatedListing(listing_id=item_id, status=status, variant_ids={
            v.seller_sku: by_index[tuple(options[t].index(o) for t, o in enumerate(v.options))]
            for v in listing.variants})

    async def update_listing(self, conn: ShopConnection, edit: ListingEdit) -> None:
        """get_model_list first (an item or a model gone from Shopee refuses the edit before anything
        changes), then update_item (item_name, description), then update_price for the named models;
        a model Shopee lists in failure_list refuses the edit with Shopee's reason."""
        try:
            models_now = await self._shop_call(conn, "GET", "/api/v2/product/get_model_list", "shopee.model_list",
                                               query={"item_id": edit.listing_id})
            known = {str(m["model_id"]) for m in models_now.get("model") or []} or {"0"}
            missing = sorted(set(edit.prices) - known)
            if missing:
                detail = f"model_id: {', '.join(missing)} is not a model of item {edit.listing_id} on Shopee."
                raise errors.ListingRefused(detail, field="variants", platform="shopee", code="error_param",
                                            seller_message=detail)
            await self._shop_call(conn, "POST", "/api/v2/product/update_item", "shopee.update_item",
                                  body={"item_id": int(edit.listing_id), "item_name": edit.title,
                                        "description": edit.description})
            failed: list[str] = []
            models = list(edit.prices.items())
            for start in range(0, len(models), MODELS_PER_PRICE_CALL):
                batch = models[start:start + MODELS_PER_PRICE_CALL]
                answer = await self._shop_call(
                    conn, "POST", "/api/v2/product/update_price", "shopee.update_price",
                    body={"item_id": int(edit.listing_id),
                          "price_list": [{"model_id": int(model_id), "original_price": float(from_minor_units(price))}
                                         for model_id, price in batch]})
                failed += [f"model {f.get('model_id')}: {f.get('failed_reason') or 'refused'}"
                           for f in answer.get("failure_list") or []]
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc.detail)) from exc
        if failed:
            detail = "original_price: " + "; ".join(failed)
            raise errors.ListingRefused(detail, field="price", platform="shopee", seller_message=detail)

    async def set_on_sale(self, conn: ShopConnection, listing_id: str, on_sale: bool,
                          variant_ids: Sequence[str] = ()) -> None:
        """product.unlist_item with unlist false (on sale) or true (off sale); an item Shopee lists in
        failure_list is refused with its failed_reason."""
        try:
            answer = await self._shop_call(conn, "POST", "/api/v2/product/unlist_item", "shopee.unlist_item",
                                           body={"item_list": [{"item_id": int(listing_id), "unlist": not on_sale}]})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, None) from exc
        failed = [f"{f.get('failed_reason') or 'refused'}" for f in answer.get("failure_list") or []
                  if str(f.get("item_id")) == listing_id]
        if failed or not any(str(s.get("item_id")) == listing_id for s in answer.get("success_list") or []):
            detail = "; ".join(failed) or f"item_id: item {listing_id} was not changed."
            raise errors.ListingRefused(detail, platform="shopee", seller_message=detail)
