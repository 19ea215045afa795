"""Emulated Shopee listing creation: product.get_category, product.get_attribute_tree,
media_space.upload_image, logistics.get_channel_list, product.add_item, product.init_tier_variation,
product.update_item (name and description of a published item; its prices go through
product.update_price in shopee_api), product.unlist_item (on sale / off sale) and product.delete_item, with
the checks of app.sandbox.listing_rules.

unlist_item answers per item in ``success_list`` / ``failure_list`` (``failed_reason``), as Shopee does:
an item the shop does not have, or one Shopee banned or deleted (status BANNED, SHOPEE_DELETE,
SELLER_DELETE, REVIEWING), cannot be put on sale or taken off sale.

Refusals use Shopee's envelope (``error``/``message``, HTTP 400): ``error_param`` for a missing or
malformed field, ``product.error_attribute`` for attributes, ``product.error_image`` for photos,
``product.error_tier_variation`` for tiers and models, ``error_item_not_found`` for an item the shop
does not have. Messages start with the request field at fault.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from app.sandbox import listing_rules as rules
from app.sandbox.responses import request_id
from app.sandbox.state import Product, SandboxError, SandboxState, Sku

LIMITS = rules.SHOPEE
DESCRIPTION_MAX = 3000  # the sandbox's choice (Seller Centre's limit for Indonesia, not checked against the API)
CHANNELS = ({"logistics_channel_id": 8003, "logistics_channel_name": "J&T Express", "enabled": True},
            {"logistics_channel_id": 8005, "logistics_channel_name": "SiCepat REG", "enabled": True},
            {"logistics_channel_id": 8010, "logistics_channel_name": "GoSend Instant", "enabled": False})


def _ok(response: Any) -> dict[str, Any]:
    return {"request_id": request_id(), "error": "", "message": "", "response": response}


def _refuse(code: str, message: str) -> SandboxError:
    return SandboxError(code, message, 400)


def _value(attr: rules.Attr) -> list[dict[str, Any]]:
    return [{"value_id": rules.value_id(attr, i), "name": v, "display_value_name": v}
            for i, v in enumerate(attr.values)]


def publishing_endpoints(state: SandboxState) -> dict[tuple[str, str], Callable[[Any], Awaitable[Any]]]:
    async def get_category(call: Any) -> dict[str, Any]:
        return _ok({"category_list": [
            {"category_id": rules.shopee_category_id(n.key),
             "parent_category_id": rules.shopee_category_id(n.parent) if n.parent else 0,
             "original_category_name": n.name, "display_category_name": n.name,
             "has_children": n.key not in rules.LEAVES} for n in rules.NODES]})

    async def get_attribute_tree(call: Any) -> dict[str, Any]:
        ids = [i for i in (call.query.get("category_id_list") or "").split(",") if i]
        if not ids or len(ids) > 20:
            raise _refuse("error_param", "category_id_list must hold 1 to 20 ids.")
        rows = []
        for category_id in ids:
            node = rules.node_by(category_id, rules.shopee_category_id)
            if node is None or node.key not in rules.LEAVES:
                raise _refuse("error_param", f"category_id_list: {category_id} is not a leaf category.")
            rows.append({"category_id": int(category_id), "attribute_tree": [
                {"attribute_id": rules.attribute_id(a.key), "name": a.name, "mandatory": a.mandatory,
                 "is_brand": a.brand,
                 "attribute_info": {"input_type": 1 if a.values else 3, "input_validation_type": 0},
                 "attribute_value_list": _value(a)} for a in node.attributes]})
        return _ok({"list": rows})

    async def upload_image(call: Any) -> dict[str, Any]:
        content = rules.multipart_file(call.raw, call.content_type, "image")
        if not content:
            raise _refuse("error_param", "image: the file is missing.")
        size = rules.image_size(content)
        if size is None:
            raise _refuse("product.error_image", "image: only JPG and PNG images are accepted.")
        if min(size) < LIMITS.image_min_px:
            raise _refuse("product.error_image", f"image: the image is {size[0]}x{size[1]}; "
                          f"it must be at least {LIMITS.image_min_px}x{LIMITS.image_min_px}.")
        image_id = "id-11134207-" + secrets.token_hex(8)
        with state.lock:
            state.images[("shopee", image_id)] = size
        return _ok({"image_info": {"image_id": image_id, "image_url_list": [
            {"image_url_region": "ID", "image_url": f"https://cf.shopee.co.id/file/{image_id}"}]}})

    async def channel_list(call: Any) -> dict[str, Any]:
        return _ok({"logistics_channel_list": list(CHANNELS)})

    def check_text(body: dict[str, Any], *, required: bool) -> None:
        """item_name and description: required on add_item; on update_item, checked when given."""
        if required or "item_name" in body:
            problem = rules.title_problem(body.get("item_name"), LIMITS)
            if problem:
                raise _refuse("error_param", f"item_name: {problem}")
        if (required or "description" in body) and not str(body.get("description") or "").strip():
            raise _refuse("error_param", "description: is required.")
        if len(str(body.get("description") or "")) > DESCRIPTION_MAX:
            raise _refuse("error_param", f"description: length must be at most {DESCRIPTION_MAX} characters.")

    def check_item(body: dict[str, Any]) -> tuple[rules.Node, list[str]]:
        check_text(body, required=True)
        problem = rules.price_problem(body.get("original_price"))
        if problem:
            raise _refuse("error_param", f"original_price: {problem}")
        try:
            weight = float(body.get("weight") or 0)
        except (TypeError, ValueError):
            weight = 0
        if weight <= 0:
            raise _refuse("error_param", "weight: must be greater than 0.")
        node = rules.node_by(str(body.get("category_id")), rules.shopee_category_id)
        if node is None or node.key not in rules.LEAVES:
            raise _refuse("error_param", "category_id: is not a leaf category.")
        images = list((body.get("image") or {}).get("image_id_list") or [])
        if not images:
            raise _refuse("product.error_image", "image: at least one image is required.")
        if len(images) > LIMITS.images_max:
            raise _refuse("product.error_image", f"image: at most {LIMITS.images_max} images.")
        with state.lock:
            unknown = [i for i in images if ("shopee", str(i)) not in state.images]
        if unknown:
            raise _refuse("product.error_image", f"image: unknown image_id {unknown[0]}.")
        if not [c for c in body.get("logistic_info") or [] if c.get("enabled")]:
            raise _refuse("error_param", "logistic_info: at least one enabled channel is required.")
        given = {}
        for entry in body.get("attribute_list") or []:
            given[str(entry.get("attribute_id"))] = entry.get("attribute_value_list") or []
        for attr in node.attributes:
            values = given.get(str(rules.attribute_id(attr.key)))
            if not values:
                if attr.mandatory:
                    raise _refuse("product.error_attribute",
                                  f"attribute_list: mandatory attribute {rules.attribute_id(attr.key)} "
                                  f"({attr.name}) is missing.")
                continue
            if attr.values:
                allowed = {rules.value_id(attr, i) for i in range(len(attr.values))}
                for value in values:
                    if int(value.get("value_id") or 0) not in allowed:
                        raise _refuse("product.error_attribute",
                                      f"attribute_list: value {value.get('value_id')} is not allowed for "
                                      f"attribute {rules.attribute_id(attr.key)} ({attr.name}).")
        return node, images

    async def add_item(call: Any) -> dict[str, Any]:
        body = call.body
        check_item(body)
        stock = sum(int(s.get("stock", 0)) for s in body.get("seller_stock") or [])
        with state.lock:
            now = int(state.now())
            product_id = state._new_id("shopee", "product")
            sku = Sku(sku_id=state._new_id("shopee", "sku"), seller_sku=str(body.get("item_sku") or ""), label=(),
                      tier_index=(), price=int(float(body["original_price"])), stock=stock, warehouse_id="")
            call.shop.products[product_id] = Product(
                product_id=product_id, title=body["item_name"],
                status="UNLIST" if body.get("item_status") == "UNLIST" else "NORMAL",
                seller_sku=str(body.get("item_sku") or ""), has_variants=False, tiers=(), skus=[sku],
                create_time=now, update_time=now, description=str(body["description"]),
                category_id=str(body["category_id"]),
                images=tuple(str(i) for i in body["image"]["image_id_list"]))
        return _ok({"item_id": int(product_id), "item_name": body["item_name"],
                    "item_status": call.shop.products[product_id].status})

    async def init_tier_variation(call: Any) -> dict[str, Any]:
        body = call.body
        item_id = str(body.get("item_id") or "")
        tiers = body.get("tier_variation") or []
        models = body.get("model") or []
        if not tiers:
            raise _refuse("error_param", "tier_variation: is required.")
        if len(tiers) > LIMITS.tiers_max:
            raise _refuse("product.error_tier_variation", f"tier_variation: at most {LIMITS.tiers_max} tiers.")
        if not models or len(models) > LIMITS.variants_max:
            raise _refuse("product.error_tier_variation", f"model: 1 to {LIMITS.variants_max} models.")
        options = [[str(o.get("option") or "") for o in t.get("option_list") or []] for t in tiers]
        if any(not o or any(not x for x in o) for o in options):
            raise _refuse("product.error_tier_variation", "tier_variation: every tier needs named options.")
        seen = set()
        for model in models:
            index = tuple(int(i) for i in model.get("tier_index") or [])
            if len(index) != len(tiers) or any(not 0 <= i < len(options[t]) for t, i in enumerate(index)):
                raise _refuse("product.error_tier_variation", f"model: tier_index {list(index)} is invalid.")
            if index in seen:
                raise _refuse("product.error_tier_variation", f"model: tier_index {list(index)} is repeated.")
            seen.add(index)
            if float(model.get("original_price") or 0) <= 0:
                raise _refuse("error_param", "model: original_price must be greater than 0.")
        with state.lock:
            product = call.shop.products.get(item_id)
            if product is None:
                raise _refuse("error_item_not_found", "item_id: item not found.")
            if product.has_variants:
                raise _refuse("product.error_tier_variation", "tier_variation: the item already has variations.")
            skus = []
            for model in models:
                index = tuple(int(i) for i in model["tier_index"])
                skus.append(Sku(sku_id=state._new_id("shopee", "sku"), seller_sku=str(model.get("model_sku") or ""),
                                label=tuple(options[t][i] for t, i in enumerate(index)), tier_index=index,
                                price=int(float(model["original_price"])),
                                stock=sum(int(s.get("stock", 0)) for s in model.get("seller_stock") or []),
                                warehouse_id=""))
            product.has_variants, product.skus = True, skus
            product.tiers = tuple((str(t.get("name") or ""), tuple(o)) for t, o in zip(tiers, options, strict=True))
            product.update_time = int(state.now())
            return _ok({"item_id": int(item_id), "tier_variation": tiers, "model": [
                {"model_id": int(s.sku_id), "model_sku": s.seller_sku, "tier_index": list(s.tier_index)}
                for s in skus]})

    async def update_item(call: Any) -> dict[str, Any]:
        """product.update_item: what the body names replaces what was there (here item_name and
        description; prices go through product.update_price). Checked whole before anything changes."""
        body = call.body
        item_id = str(body.get("item_id") or "")
        check_text(body, required=False)
        with state.lock:
            product = call.shop.products.get(item_id)
            if product is None:
                raise _refuse("error_item_not_found", f"item_id: item {item_id or '(none)'} not found.")
            if "item_name" in body:
                product.title = str(body["item_name"])
            if "description" in body:
                product.description = str(body["description"])
            product.update_time = max(int(state.now()), product.update_time + 1)
            return _ok({"item_id": int(item_id), "item_name": product.title, "description": product.description,
                        "item_status": product.status})

    async def delete_item(call: Any) -> dict[str, Any]:
        with state.lock:
            if call.shop.products.pop(str(call.body.get("item_id") or ""), None) is None:
                raise _refuse("error_item_not_found", "item_id: item not found.")
        return _ok({})

    async def unlist_item(call: Any) -> dict[str, Any]:
        entries = call.body.get("item_list")
        if not isinstance(entries, list) or not 1 <= len(entries) <= 48:
            raise _refuse("error_param", "item_list: must hold 1 to 48 items.")
        success, failure = [], []
        with state.lock:
            for entry in entries:
                item_id = str(entry.get("item_id") or "")
                unlist = entry.get("unlist")
                product = call.shop.products.get(item_id)
                if not isinstance(unlist, bool):
                    failure.append({"item_id": entry.get("item_id"), "failed_reason": "unlist: must be true or false."})
                elif product is None:
                    failure.append({"item_id": entry.get("item_id"), "failed_reason": f"Item {item_id} not found."})
                elif product.status not in ("NORMAL", "UNLIST"):
                    failure.append({"item_id": int(item_id), "failed_reason":
                                    f"Item status is {product.status}; it cannot be listed or unlisted."})
                else:
                    product.status = "UNLIST" if unlist else "NORMAL"
                    product.update_time = max(int(state.now()), product.update_time + 1)
                    success.append({"item_id": int(item_id), "unlist": unlist})
        return _ok({"success_list": success, "failure_list": failure})

    return {
        ("GET", "/api/v2/product/get_category"): get_category,
        ("GET", "/api/v2/product/get_attribute_tree"): get_attribute_tree,
        ("POST", "/api/v2/media_space/upload_image"): upload_image,
        ("GET", "/api/v2/logistics/get_channel_list"): channel_list,
        ("POST", "/api/v2/product/add_item"): add_item,
        ("POST", "/api/v2/product/init_tier_variation"): init_tier_variation,
        ("POST", "/api/v2/product/update_item"): update_item,
        ("POST", "/api/v2/product/delete_item"): delete_item,
        ("POST", "/api/v2/product/unlist_item"): unlist_item,
    }
