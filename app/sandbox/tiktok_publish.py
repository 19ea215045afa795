"""Emulated TikTok Shop listing creation (202309): categories, category attributes, image upload,
product create, and partial_edit of a published product (title, description, SKU prices), with the
checks of app.sandbox.listing_rules.

Refusals use TikTok's envelope (``code`` non-zero, ``message``, HTTP 200). The codes are the
sandbox's choice (TikTok publishes many product codes, none stable enough to rely on):
12052002 category not a leaf, 12052016 title, 12052017 description, 12052022 main images,
12052040 package weight, 12052220 required attribute missing, 12052221 value not allowed,
12052230 sales attributes / SKUs (also a SKU id not in the product), 12052231 SKU price,
12019002 image refused at upload, 12052048 product not found (as product detail answers it),
12052060 listing_platforms (TOKOPEDIA for a shop not allowed to list there). ``save_mode`` AS_DRAFT
makes the product a DRAFT (LISTING, the default, makes it ACTIVATE here; TikTok reviews it first).
Messages start with the request field at fault. TikTok spells the flag ``is_requried`` (sic).

products/activate and products/deactivate take ``product_ids`` (1 to 20) and answer ``errors[]``
(``code``, ``message``, ``detail.product_id``) for the products they could not change: one not found
(12052048), one frozen or deleted (12052251), a draft missing what a listing needs — category,
description, main images (12052252) — and deactivating a product that is not live (12052253).
Activating makes a product ACTIVATE here (TikTok reviews it first), deactivating SELLER_DEACTIVATED.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from app.sandbox import listing_rules as rules
from app.sandbox.state import Product, SandboxError, SandboxState, Sku

LIMITS = rules.TIKTOK
WAREHOUSE = "7" + "0" * 15 + "1"


def _refuse(code: int, message: str) -> SandboxError:
    return SandboxError(code, message)


def publishing_routes(state: SandboxState) -> list[tuple[str, str, Callable[[Any], Awaitable[Any]]]]:
    async def categories(call: Any) -> dict[str, Any]:
        return {"categories": [
            {"id": rules.tiktok_category_id(n.key),
             "parent_id": rules.tiktok_category_id(n.parent) if n.parent else "0",
             "local_name": n.name, "is_leaf": n.key in rules.LEAVES, "permission_statuses": ["AVAILABLE"]}
            for n in rules.NODES]}

    async def attributes(call: Any) -> dict[str, Any]:
        node = rules.node_by(call.match["category_id"], rules.tiktok_category_id)
        if node is None or node.key not in rules.LEAVES:
            raise _refuse(12052002, "category_id: is not a leaf category.")
        return {"attributes": [
            {"id": str(rules.attribute_id(a.key)), "name": a.name, "type": "PRODUCT_PROPERTY",
             "is_requried": a.mandatory, "is_customizable": not a.values,
             "values": [{"id": str(rules.value_id(a, i)), "name": v} for i, v in enumerate(a.values)]}
            for a in node.attributes if not a.brand] + [
            {"id": "100000", "name": "Warna", "type": "SALES_PROPERTY", "is_requried": False,
             "is_customizable": True, "values": []}]}

    async def upload(call: Any) -> dict[str, Any]:
        content = rules.multipart_file(call.raw, call.content_type, "data")
        if not content:
            raise _refuse(12019002, "data: the image file is missing.")
        size = rules.image_size(content)
        if size is None:
            raise _refuse(12019002, "data: only JPG and PNG images are accepted.")
        if min(size) < LIMITS.image_min_px:
            raise _refuse(12019002, f"data: the image is {size[0]}x{size[1]}; it must be at least "
                          f"{LIMITS.image_min_px}x{LIMITS.image_min_px}.")
        uri = "tos-alisg-i-aphluv4xwc-sg/" + secrets.token_hex(16)
        with state.lock:
            state.images[("tiktok", uri)] = size
        return {"uri": uri, "url": f"https://p16-oec-sg.ibyteimg.com/{uri}~tplv.jpeg", "width": size[0],
                "height": size[1], "use_case": "MAIN_IMAGE"}

    def check_text(body: dict[str, Any], *, required: bool) -> None:
        """title and description: required on create; on partial_edit, checked when given."""
        if required or "title" in body:
            problem = rules.title_problem(body.get("title"), LIMITS)
            if problem:
                raise _refuse(12052016, f"title: {problem}")
        if (required or "description" in body) and not str(body.get("description") or "").strip():
            raise _refuse(12052017, "description: is required.")

    def check_price(sku: dict[str, Any]) -> None:
        price = sku.get("price")
        if not isinstance(price, dict) or rules.price_problem(price.get("amount")):
            raise _refuse(12052231, f"skus: price amount of SKU {sku.get('id') or sku.get('seller_sku') or '?'} "
                          "must be greater than 0.")
        if price.get("currency") not in (None, "IDR"):
            raise _refuse(12052231, f"skus: currency {price.get('currency')} is not the shop's currency (IDR).")

    def check(body: dict[str, Any]) -> None:
        check_text(body, required=True)
        node = rules.node_by(str(body.get("category_id")), rules.tiktok_category_id)
        if node is None or node.key not in rules.LEAVES:
            raise _refuse(12052002, "category_id: is not a leaf category.")
        images = [str(i.get("uri")) for i in body.get("main_images") or []]
        if not images or len(images) > LIMITS.images_max:
            raise _refuse(12052022, f"main_images: 1 to {LIMITS.images_max} images are required.")
        with state.lock:
            if any(("tiktok", uri) not in state.images for uri in images):
                raise _refuse(12052022, "main_images: unknown image uri.")
        try:
            weight = float((body.get("package_weight") or {}).get("value") or 0)
        except (TypeError, ValueError):
            weight = 0
        if weight <= 0:
            raise _refuse(12052040, "package_weight: must be greater than 0.")
        given = {str(a.get("id")): a.get("values") or [] for a in body.get("product_attributes") or []}
        for attr in node.attributes:
            if attr.brand:
                continue  # TikTok takes the brand as brand_id; none is a valid answer ("No brand")
            values = given.get(str(rules.attribute_id(attr.key)))
            if not values:
                if attr.mandatory:
                    raise _refuse(12052220, f"product_attributes: required attribute "
                                  f"{rules.attribute_id(attr.key)} ({attr.name}) is missing.")
                continue
            if attr.values:
                allowed = {str(rules.value_id(attr, i)) for i in range(len(attr.values))}
                if any(str(v.get("id")) not in allowed for v in values):
                    raise _refuse(12052221, f"product_attributes: a value is not allowed for attribute "
                                  f"{rules.attribute_id(attr.key)} ({attr.name}).")
        skus = body.get("skus") or []
        if not skus or len(skus) > LIMITS.variants_max:
            raise _refuse(12052230, f"skus: 1 to {LIMITS.variants_max} SKUs are required.")
        names = {tuple(a.get("name") for a in s.get("sales_attributes") or []) for s in skus}
        if len(names) != 1 or len(next(iter(names))) > LIMITS.tiers_max:
            raise _refuse(12052230, f"skus: every SKU needs the same sales attributes, at most {LIMITS.tiers_max}.")
        combos = [tuple(a.get("value_name") for a in s.get("sales_attributes") or []) for s in skus]
        if len(set(combos)) != len(combos):
            raise _refuse(12052230, "skus: two SKUs have the same sales attribute values.")
        for sku in skus:
            check_price(sku)

    def platforms(body: dict[str, Any], shop: Any) -> tuple[str, ...]:
        """listing_platforms: TIKTOK_SHOP (the default) and TOKOPEDIA where the shop allows it."""
        given = body.get("listing_platforms")
        if given is None:
            return ("TIKTOK_SHOP",)
        if not isinstance(given, list) or not given or any(p not in ("TIKTOK_SHOP", "TOKOPEDIA") for p in given):
            raise _refuse(12052060, "listing_platforms: must name TIKTOK_SHOP and/or TOKOPEDIA.")
        if "TOKOPEDIA" in given and not shop.tokopedia:
            raise _refuse(12052060, "listing_platforms: this shop is not allowed to list products on TOKOPEDIA.")
        return tuple(dict.fromkeys(str(p) for p in given))

    async def create(call: Any) -> dict[str, Any]:
        body = call.body
        check(body)
        if body.get("save_mode", "LISTING") not in ("LISTING", "AS_DRAFT"):
            raise _refuse(12052230, "save_mode: must be LISTING or AS_DRAFT.")
        listed_on = platforms(body, call.shop)
        skus_in = body["skus"]
        tier_names = [a.get("name") for a in skus_in[0].get("sales_attributes") or []]
        options: list[list[str]] = [[] for _ in tier_names]
        for sku in skus_in:
            for t, a in enumerate(sku.get("sales_attributes") or []):
                if a["value_name"] not in options[t]:
                    options[t].append(a["value_name"])
        with state.lock:
            now = int(state.now())
            skus = []
            for sku in skus_in:
                label = tuple(a["value_name"] for a in sku.get("sales_attributes") or [])
                skus.append(Sku(sku_id=state._new_id("tiktok", "sku"), seller_sku=str(sku.get("seller_sku") or ""),
                                label=label, tier_index=tuple(options[t].index(v) for t, v in enumerate(label)),
                                price=int(float(sku["price"]["amount"])),
                                stock=sum(int(i.get("quantity", 0)) for i in sku.get("inventory") or []),
                                warehouse_id=WAREHOUSE))
            product_id = state._new_id("tiktok", "product")
            call.shop.products[product_id] = Product(
                product_id=product_id, title=body["title"],
                status="DRAFT" if body.get("save_mode") == "AS_DRAFT" else "ACTIVATE",
                seller_sku=skus[0].seller_sku, has_variants=bool(tier_names),
                tiers=tuple((str(n), tuple(o)) for n, o in zip(tier_names, options, strict=True)), skus=skus,
                create_time=now, update_time=now, description=str(body["description"]),
                category_id=str(body["category_id"]), images=tuple(str(i["uri"]) for i in body["main_images"]),
                listing_platforms=listed_on)
        return {"product_id": product_id, "warnings": [], "skus": [
            {"id": s.sku_id, "seller_sku": s.seller_sku,
             "sales_attributes": [{"name": n, "value_name": v} for n, v in zip(tier_names, s.label, strict=True)]}
            for s in skus]}

    async def partial_edit(call: Any) -> dict[str, Any]:
        """Partial edit: only what the body names changes (here title, description and SKU prices by
        SKU id; SKUs left out keep their price). Checked whole before anything changes."""
        body = call.body
        product_id = call.match["product_id"]
        check_text(body, required=False)
        skus_in = body.get("skus")
        if skus_in is not None and (not isinstance(skus_in, list) or not skus_in):
            raise _refuse(12052230, "skus: must hold at least one SKU when given.")
        for sku in skus_in or []:
            if "price" in sku:
                check_price(sku)
        with state.lock:
            product = call.shop.products.get(product_id)
            if product is None:
                raise _refuse(12052048, "Product not found.")
            by_id = {s.sku_id: s for s in product.skus}
            unknown = [str(s.get("id")) for s in skus_in or [] if str(s.get("id")) not in by_id]
            if unknown:
                raise _refuse(12052230, f"skus: SKU {unknown[0]} is not in product {product_id}.")
            if "title" in body:
                product.title = str(body["title"])
            if "description" in body:
                product.description = str(body["description"])
            for sku in skus_in or []:
                if "price" in sku:
                    by_id[str(sku["id"])].price = int(float(str(sku["price"]["amount"])))
            product.update_time = max(int(state.now()), product.update_time + 1)
            return {"product_id": product_id, "warnings": [], "skus": [
                {"id": s.sku_id, "seller_sku": s.seller_sku} for s in product.skus]}

    def switch(on_sale: bool) -> Callable[[Any], Awaitable[Any]]:
        async def endpoint(call: Any) -> dict[str, Any]:
            ids = call.body.get("product_ids")
            if not isinstance(ids, list) or not 1 <= len(ids) <= 20:
                raise _refuse(12052230, "product_ids: must hold 1 to 20 product ids.")
            failed = []
            with state.lock:
                for raw in ids:
                    product_id = str(raw)
                    product = call.shop.products.get(product_id)
                    problem: tuple[int, str] | None = None
                    if product is None:
                        problem = (12052048, "Product not found.")
                    elif product.status in ("FROZEN", "DELETED", "PLATFORM_DEACTIVATED"):
                        problem = (12052251, f"The product is {product.status.lower()} and cannot be changed.")
                    elif on_sale:
                        missing = [name for name, have in (("category_id", product.category_id),
                                                           ("description", product.description),
                                                           ("main_images", product.images)) if not have]
                        if product.status == "DRAFT" and missing:
                            problem = (12052252, "The draft cannot be activated: it is missing "
                                                 f"required information ({', '.join(missing)}).")
                    elif product.status != "ACTIVATE":
                        problem = (12052253, f"Only a live product can be deactivated; this one is {product.status}.")
                    if problem is not None:
                        failed.append({"code": problem[0], "message": problem[1], "detail": {"product_id": product_id}})
                        continue
                    assert product is not None
                    product.status = "ACTIVATE" if on_sale else "SELLER_DEACTIVATED"
                    product.update_time = max(int(state.now()), product.update_time + 1)
            return {"errors": failed}
        return endpoint

    return [
        ("POST", r"/product/202309/products/activate", switch(True)),
        ("POST", r"/product/202309/products/deactivate", switch(False)),
        ("GET", r"/product/202309/categories", categories),
        ("GET", r"/product/202309/categories/(?P<category_id>\d+)/attributes", attributes),
        ("POST", r"/product/202309/images/upload", upload),
        ("POST", r"/product/202309/products", create),
        ("POST", r"/product/202309/products/(?P<product_id>\d+)/partial_edit", partial_edit),
    ]
