"""Lazada listing creation (PublishingAdapter): GetCategoryTree, GetCategoryAttributes, UploadImage,
CreateProduct, and GetProducts by seller SKU to resume. Mixed into LazadaAdapter; uses its ``_shop_call``.

Lazada names product attributes by key (``brand``, ``bahan``) and takes option *names*, not ids, in
a create payload; so an attribute's id here is its key and a value's id its name. The product's
name and description are attributes too (they come from the listing's title and description, not
from the attribute form). Variations are ``variation{variationN{name, options}}`` with each SKU's
``saleProp{name: option}``. One CreateProduct call makes the product with all its SKUs, so a
refusal leaves nothing behind; a seller SKU is unique per seller, so a second create of the same
product is refused (``SellerSkuExisted``) instead of duplicating it. UpdateProduct changes a published
listing's name, description and SKU prices (ListingEditor), and each SKU's Status active / inactive to
put it on sale or take it off sale (SaleSwitcher; the same shape a draft is created with, not checked
against a live Lazada account).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.integrations import errors
from app.integrations.base import (
    AttributeValue,
    Category,
    CategoryAttribute,
    CreatedListing,
    ListingEdit,
    ListingLimits,
    NewListing,
    ShopConnection,
    UploadedImage,
    from_minor_units,
)

# Lazada Indonesia: name <= 255 characters, <= 8 images, <= 2 variations, <= 50 SKUs, photos of at
# least 330x330 (the sandbox enforces the same, see app/sandbox/listing_rules.py).
LIMITS = ListingLimits(title_max=255, images_max=8, tiers_max=2, variants_max=50, image_min_px=330)

# The attributes the create call fills from the listing itself, not from the attribute form.
_OWN = {"name", "description", "short_description"}
# The payload field a refusal's ``detail`` names -> StoreSync's field name; any other field is an attribute.
_FIELDS = {"name": "title", "description": "description", "short_description": "description", "images": "images",
           "image": "images", "url": "images", "package_weight": "weight", "price": "price",
           "primarycategory": "category", "skus": "variants", "sellersku": "variants", "saleprop": "variants",
           "variation": "variants"}
_NOT_ATTRIBUTES = {"itemid", "skuid", "payload", "quantity", "special_price"}
_SELECTS = {"singleSelect", "multiSelect"}


def refusal_field(message: str) -> str | None:
    """Which field a Lazada refusal is about (the client puts ``detail[0].field`` in front)."""
    head, sep, _rest = message.partition(":")
    field = head.strip()
    if not sep or not field or " " in field:
        return None
    if field.lower() in _FIELDS:
        return _FIELDS[field.lower()]
    return None if field.lower() in _NOT_ATTRIBUTES else f"attribute:{field}"


if TYPE_CHECKING:
    class _Base:
        async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str,
                             params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any: ...
else:
    _Base = object


class LazadaPublishing(_Base):
    listing_limits = LIMITS

    async def categories(self, conn: ShopConnection) -> list[Category]:
        data = await self._shop_call(conn, "GET", "/category/tree/get", "lazada.category_tree",
                                     params={"language_code": "id_ID"})
        flat: list[Category] = []

        def walk(nodes: Any, parent: str | None) -> None:
            for node in nodes or []:
                category_id = str(node["category_id"])
                flat.append(Category(category_id=category_id, parent_id=parent, name=node.get("name") or "",
                                     is_leaf=bool(node.get("leaf"))))
                walk(node.get("children"), category_id)

        walk(data.get("data"), None)
        return flat

    async def category_attributes(self, conn: ShopConnection, category_id: str) -> list[CategoryAttribute]:
        data = await self._shop_call(conn, "GET", "/category/attributes/get", "lazada.category_attributes",
                                     params={"primary_category_id": category_id, "language_code": "id_ID"})
        return [CategoryAttribute(
            attribute_id=str(a["name"]), name=a.get("label") or str(a["name"]),
            mandatory=str(a.get("is_mandatory")) == "1",
            values=tuple(AttributeValue(value_id=str(o["name"]), name=str(o["name"])) for o in a.get("options") or []),
            # singleSelect / multiSelect take one of the options; enumInput and text take anything.
            customizable=a.get("input_type") not in _SELECTS,
            is_brand=a.get("name") == "brand",
        ) for a in data.get("data") or []
            if a.get("attribute_type") == "normal" and str(a.get("is_sale_prop")) != "1"
            and a.get("name") not in _OWN]

    async def upload_image(self, conn: ShopConnection, content: bytes, filename: str) -> UploadedImage:
        """UploadImage (multipart ``image``); Lazada answers the URL a create call names."""
        kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
        try:
            data = await self._shop_call(conn, "POST", "/image/upload", "lazada.image_upload",
                                         files={"image": (filename, content, kind)})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, "images") from exc
        url = str(((data.get("data") or {}).get("image") or {})["url"])
        return UploadedImage(image_id=url, url=url)

    async def listing_channels(self, conn: ShopConnection) -> tuple[str, ...]:
        return ()  # a Lazada product is listed on Lazada only

    async def resume_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing | None:
        """The product holding the listing's seller SKUs (GetProducts filtered by them); one create
        makes a product whole, so finding them all is finding it."""
        skus = sorted({v.seller_sku for v in listing.variants})
        data = await self._shop_call(conn, "GET", "/products/get", "lazada.products_by_sku",
                                     params={"filter": "all", "offset": 0, "limit": 50, "sku_seller_list": skus})
        for product in (data.get("data") or {}).get("products") or []:
            by_sku = {str(s.get("SellerSku")): str(s["SkuId"]) for s in product.get("skus") or []}
            if set(skus) <= set(by_sku):
                return CreatedListing(listing_id=str(product["item_id"]), variant_ids={s: by_sku[s] for s in skus},
                                      status=str(product.get("status") or ""))
        return None

    async def create_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing:
        """One CreateProduct call with all SKUs (nothing half-created on a refusal); a draft's SKUs
        have Status inactive (not for sale until the seller activates them), others active."""
        options: list[list[str]] = [[] for _ in listing.tiers]
        for variant in listing.variants:
            for tier, value in enumerate(variant.options):
                if value not in options[tier]:
                    options[tier].append(value)
        attributes: dict[str, str] = {"name": listing.title, "description": listing.description}
        for chosen in listing.attributes:
            attributes[chosen.attribute_id] = chosen.value_id or chosen.text or ""
        weight = f"{listing.weight_grams / 1000:.3f}"
        status = "inactive" if listing.draft else "active"
        product: dict[str, Any] = {
            "PrimaryCategory": listing.category_id,
            "Images": {"Image": list(listing.image_ids)},
            "Attributes": attributes,
            "Skus": {"Sku": [
                {"SellerSku": v.seller_sku, "quantity": v.quantity, "price": str(from_minor_units(v.price)),
                 "package_weight": weight, "Status": status,
                 **({"saleProp": dict(zip(listing.tiers, v.options, strict=True))} if listing.tiers else {})}
                for v in listing.variants]},
        }
        if listing.tiers:
            product["variation"] = {
                f"variation{t + 1}": {"name": name, "hasImage": False, "customize": True,
                                      "options": {"option": options[t]}}
                for t, name in enumerate(listing.tiers)}
        try:
            data = await self._shop_call(conn, "POST", "/product/create", "lazada.product_create",
                                         params={"payload": {"Request": {"Product": product}}}, unsafe=True)
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc.detail)) from exc
        created = data.get("data") or {}
        return CreatedListing(listing_id=str(created["item_id"]), status="InActive" if listing.draft else "Active",
                              variant_ids={str(s["seller_sku"]): str(s["sku_id"]) for s in created.get("sku_list") or []})

    async def update_listing(self, conn: ShopConnection, edit: ListingEdit) -> None:
        """UpdateProduct: name and description (attributes) and SKU prices, by item and SKU id."""
        product: dict[str, Any] = {
            "ItemId": edit.listing_id,
            "Attributes": {"name": edit.title, "description": edit.description},
        }
        if edit.prices:
            product["Skus"] = {"Sku": [{"SkuId": sku_id, "price": str(from_minor_units(price))}
                                       for sku_id, price in edit.prices.items()]}
        try:
            await self._shop_call(conn, "POST", "/product/update", "lazada.product_update",
                                  params={"payload": {"Request": {"Product": product}}})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, refusal_field(exc.detail)) from exc

    async def set_on_sale(self, conn: ShopConnection, listing_id: str, on_sale: bool,
                          variant_ids: Sequence[str] = ()) -> None:
        """UpdateProduct setting every named SKU's Status to active (on sale) or inactive (off sale)."""
        if not variant_ids:
            raise errors.ListingRefused(f"Skus: item {listing_id} has no SKU to change.", platform="lazada",
                                        seller_message=f"Skus: item {listing_id} has no SKU to change.")
        status = "active" if on_sale else "inactive"
        product = {"ItemId": listing_id, "Skus": {"Sku": [{"SkuId": sku_id, "Status": status} for sku_id in variant_ids]}}
        try:
            await self._shop_call(conn, "POST", "/product/update", "lazada.product_status",
                                  params={"payload": {"Request": {"Product": product}}})
        except errors.ValidationError as exc:
            raise errors.ListingRefused.from_error(exc, None) from exc
