"""Emulated Lazada listing creation: GetCategoryTree, GetCategoryAttributes, UploadImage, MigrateImage,
CreateProduct and UpdateProduct, with the checks of app.sandbox.listing_rules.

Lazada's shapes: the tree is nested (``children``); attributes are named by a key (``name``,
``brand``, ``bahan``) with ``is_mandatory`` 0/1, ``attribute_type`` normal/sku and ``input_type``
(singleSelect takes one of ``options``, text takes anything); a product is a JSON ``payload``
``{"Request": {"Product": {PrimaryCategory, Images{Image[]}, Attributes{}, variation{},
Skus{Sku[]}}}}`` whose SKUs name their options in ``saleProp``; images are the URLs the image APIs
gave. CreateProduct answers ``data{item_id, sku_list[{seller_sku, shop_sku, sku_id}]}``.

Refusals are Lazada's envelope (HTTP 200, ``code``, ``type`` ISV, ``message``, ``request_id``)
with ``detail[{field, message}]`` naming the payload field at fault; the code is the sandbox's
choice: ``InvalidParameter`` for a field that breaks a rule, ``MissingParameter`` for a missing
one, ``SellerSkuExisted`` for a seller SKU the shop already has (Lazada's SellerSku is unique per
seller, so a second create of the same product is refused rather than duplicated). Package
dimensions, which Lazada also asks for, are not checked: StoreSync's catalog holds weights only.

UpdateProduct also takes each SKU's ``Status`` (active / inactive): a product with an active SKU is
Active, one whose SKUs are all inactive is InActive (the sandbox keeps the status per product, so
an UpdateProduct that names some SKUs only decides by those). A product Lazada suspended, rejected
or deleted is refused (``E0117``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Response

from app.sandbox import listing_rules as rules
from app.sandbox.responses import json_response, request_id
from app.sandbox.state import Product, SandboxError, SandboxState, Shop, Sku

LIMITS = rules.LAZADA
# The name and description of a product are attributes on Lazada too (always mandatory).
NAME, DESCRIPTION = "name", "description"


class Refused(SandboxError):
    """A refusal naming the payload field at fault (Lazada's ``detail``)."""

    def __init__(self, field: str, message: str, code: str = "InvalidParameter") -> None:
        super().__init__(code, f"{field}: {message}")
        self.field = field


def refusal(exc: Refused) -> Response:
    return json_response({"code": str(exc.code), "type": "ISV", "message": exc.message,
                          "detail": [{"field": exc.field, "message": exc.message}], "request_id": request_id()})


def _ok(data: Any) -> Response:
    return json_response({"code": "0", "data": data, "request_id": request_id()})


def _node(raw: Any) -> rules.Node:
    node = rules.node_by(str(raw or ""), rules.lazada_category_id)
    if node is None or node.key not in rules.LEAVES:
        raise Refused("PrimaryCategory", "is not a leaf category.")
    return node


def _attributes(node: rules.Node) -> list[dict[str, Any]]:
    product = [
        {"id": 100, "name": NAME, "label": "Nama Produk", "is_mandatory": 1, "attribute_type": "normal",
         "input_type": "text", "is_sale_prop": 0, "options": []},
        {"id": 101, "name": DESCRIPTION, "label": "Deskripsi", "is_mandatory": 1, "attribute_type": "normal",
         "input_type": "richText", "is_sale_prop": 0, "options": []},
    ] + [
        {"id": rules.attribute_id(a.key), "name": rules.lazada_attribute_key(a), "label": a.name,
         "is_mandatory": int(a.mandatory), "attribute_type": "normal",
         "input_type": "singleSelect" if a.values else "text", "is_sale_prop": 0,
         "options": [{"id": rules.value_id(a, i), "name": v} for i, v in enumerate(a.values)]}
        for a in node.attributes]
    sku = [
        {"id": 200, "name": "price", "label": "Harga", "is_mandatory": 1, "attribute_type": "sku",
         "input_type": "numeric", "is_sale_prop": 0, "options": []},
        {"id": 201, "name": "package_weight", "label": "Berat Paket (kg)", "is_mandatory": 1,
         "attribute_type": "sku", "input_type": "numeric", "is_sale_prop": 0, "options": []},
        {"id": 202, "name": "color_family", "label": "Warna", "is_mandatory": 0, "attribute_type": "sku",
         "input_type": "enumInput", "is_sale_prop": 1, "options": []},
    ]
    return product + sku


def _payload(params: dict[str, str]) -> dict[str, Any]:
    try:
        payload = json.loads(params.get("payload") or "")
        product = payload["Request"]["Product"]
    except (ValueError, KeyError, TypeError):
        raise SandboxError("MissingParameter", "payload must be a JSON Request.Product.") from None
    if not isinstance(product, dict):
        raise SandboxError("InvalidParameter", "payload Request.Product must be an object.")
    return product


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _listed(value: Any, key: str) -> list[Any]:
    """Lazada wraps lists: {"Image": [...]} / {"Sku": [...]}; a lone object counts as one."""
    inner = (value or {}).get(key) if isinstance(value, dict) else None
    if inner is None:
        return []
    return inner if isinstance(inner, list) else [inner]


def publishing_routes(state: SandboxState) -> dict[tuple[str, str], Callable[[Any], Awaitable[Response]]]:
    def image_url(size: tuple[int, int]) -> str:
        url = f"https://id-live.slatic.net/p/{secrets.token_hex(16)}.jpg"
        with state.lock:
            state.images[("lazada", url)] = size
        return url

    async def category_tree(call: Any) -> Response:
        def branch(parent: int) -> list[dict[str, Any]]:
            return [{"category_id": rules.lazada_category_id(n.key), "name": n.name, "leaf": n.key in rules.LEAVES,
                     "var": n.key in rules.LEAVES, **({"children": branch(n.key)} if n.key not in rules.LEAVES else {})}
                    for n in rules.NODES if n.parent == parent]
        return _ok(branch(0))

    async def category_attributes(call: Any) -> Response:
        return _ok(_attributes(_node(call.params.get("primary_category_id"))))

    def accept_image(content: bytes | None) -> Response:
        if not content:
            raise Refused("image", "the image file is missing.", "MissingParameter")
        size = rules.image_size(content)
        if size is None:
            raise Refused("image", "only JPG and PNG images are accepted.")
        if min(size) < LIMITS.image_min_px:
            raise Refused("image", f"the image is {size[0]}x{size[1]}; it must be at least "
                                   f"{LIMITS.image_min_px}x{LIMITS.image_min_px}.")
        return _ok({"image": {"url": image_url(size), "hash_code": secrets.token_hex(16)}})

    async def upload_image(call: Any) -> Response:
        return accept_image(call.files.get("image"))

    async def migrate_image(call: Any) -> Response:
        """MigrateImage takes a URL; the sandbox has no internet, so it accepts only its own image URLs
        (an image migrated again keeps its size) and refuses any other."""
        try:
            url = (json.loads(call.params.get("payload") or "")["Request"]["Image"]["Url"])
        except (ValueError, KeyError, TypeError):
            raise Refused("Url", "payload must be a JSON Request.Image.Url.", "MissingParameter") from None
        with state.lock:
            size = state.images.get(("lazada", str(url)))
        if size is None:
            raise Refused("Url", "the image could not be downloaded.")
        return _ok({"image": {"url": image_url(size), "hash_code": secrets.token_hex(16)}})

    def check_content(node: rules.Node, attributes: dict[str, Any], images: list[str], *,
                      images_required: bool = True) -> None:
        """Name, description, images and the category's attributes (create and update alike)."""
        name = attributes.get(NAME)
        if not isinstance(name, str) or not name.strip():
            raise Refused(NAME, "is mandatory.", "MissingParameter")
        if len(name) > LIMITS.title_max:
            raise Refused(NAME, f"length must be at most {LIMITS.title_max} characters.")
        if not str(attributes.get(DESCRIPTION) or "").strip():
            raise Refused(DESCRIPTION, "is mandatory.", "MissingParameter")
        if not images and images_required:
            raise Refused("Images", "at least one image is required.", "MissingParameter")
        if len(images) > LIMITS.images_max:
            raise Refused("Images", f"at most {LIMITS.images_max} images.")
        with state.lock:
            unknown = [u for u in images if ("lazada", u) not in state.images]
        if unknown:
            raise Refused("Images", f"{unknown[0]} was not uploaded to Lazada (use MigrateImage or UploadImage).")
        for attr in node.attributes:
            key = rules.lazada_attribute_key(attr)
            value = str(attributes.get(key) or "").strip()
            if not value:
                if attr.mandatory:
                    raise Refused(key, f"{attr.name} is mandatory for this category.", "MissingParameter")
                continue
            if attr.values and value not in attr.values:
                raise Refused(key, f"{value!r} is not an option of {attr.name}.")

    def positive(sku: dict[str, Any], field: str) -> None:
        try:
            value = float(sku.get(field) or 0)
        except (TypeError, ValueError):
            value = 0
        if value <= 0:
            raise Refused(field, f"SKU {sku.get('SellerSku') or sku.get('SkuId')}: must be greater than 0.")

    def check_create(product: dict[str, Any], shop: Shop) -> None:
        node = _node(product.get("PrimaryCategory"))
        attributes = _mapping(product.get("Attributes"))
        check_content(node, attributes, [str(u) for u in _listed(product.get("Images"), "Image")])
        tiers = [str(v.get("name") or "") for v in _mapping(product.get("variation")).values() if isinstance(v, dict)]
        if len(tiers) > LIMITS.tiers_max:
            raise Refused("variation", f"at most {LIMITS.tiers_max} variations.")
        skus = _listed(product.get("Skus"), "Sku")
        if not skus:
            raise Refused("Skus", "at least one SKU is required.", "MissingParameter")
        if len(skus) > LIMITS.variants_max:
            raise Refused("Skus", f"at most {LIMITS.variants_max} SKUs.")
        combos = set()
        with state.lock:
            taken = {s.seller_sku for p in shop.products.values() for s in p.skus}
        for sku in skus:
            seller_sku = str(sku.get("SellerSku") or "").strip()
            if not seller_sku:
                raise Refused("SellerSku", "is mandatory.", "MissingParameter")
            if seller_sku in taken:
                raise Refused("SellerSku", f"{seller_sku} already exists.", "SellerSkuExisted")
            sale = _mapping(sku.get("saleProp"))
            if sorted(sale) != sorted(tiers):
                raise Refused("saleProp", f"SKU {seller_sku} must name one option of every variation.")
            combo = tuple(str(sale[t]) for t in tiers)
            if combo in combos:
                raise Refused("saleProp", f"two SKUs have the options {', '.join(combo)}.")
            combos.add(combo)
            positive(sku, "price")
            positive(sku, "package_weight")
            if str(sku.get("Status") or "active").lower() not in ("active", "inactive"):
                raise Refused("Status", f"SKU {seller_sku}: must be active or inactive.")
            taken.add(seller_sku)

    def sku_list(product: Product) -> list[dict[str, Any]]:
        return [{"seller_sku": s.seller_sku, "shop_sku": f"{product.product_id}_ID-{s.sku_id}",
                 "sku_id": int(s.sku_id)} for s in product.skus]

    async def create(call: Any) -> Response:
        product = _payload(call.params)
        check_create(product, call.shop)
        tiers = [str(v["name"]) for v in (product.get("variation") or {}).values() if isinstance(v, dict)]
        attributes = {str(k): str(v) for k, v in product["Attributes"].items()}
        with state.lock:
            now = int(state.now())
            options: list[list[str]] = [[] for _ in tiers]
            skus = []
            for sku in _listed(product["Skus"], "Sku"):
                label = tuple(str(sku["saleProp"][t]) for t in tiers)
                for t, value in enumerate(label):
                    if value not in options[t]:
                        options[t].append(value)
                skus.append(Sku(sku_id=state._new_id("lazada", "sku"), seller_sku=str(sku["SellerSku"]).strip(),
                                label=label, tier_index=tuple(options[t].index(v) for t, v in enumerate(label)),
                                price=int(float(sku["price"])), stock=int(sku.get("quantity") or 0), warehouse_id=""))
            item_id = state._new_id("lazada", "product")
            # A product whose SKUs are all inactive (a draft) is InActive; any active SKU makes it Active.
            active = any(str(s.get("Status") or "active").lower() == "active" for s in _listed(product["Skus"], "Sku"))
            created = Product(
                product_id=item_id, title=attributes.pop(NAME), status="Active" if active else "InActive", seller_sku=skus[0].seller_sku,
                has_variants=bool(tiers), tiers=tuple((t, tuple(o)) for t, o in zip(tiers, options, strict=True)),
                skus=skus, create_time=now, update_time=now, description=attributes.pop(DESCRIPTION),
                category_id=str(product["PrimaryCategory"]),
                images=tuple(str(u) for u in _listed(product["Images"], "Image")), attributes=attributes)
            call.shop.products[item_id] = created
            return _ok({"item_id": int(item_id), "sku_list": sku_list(created)})

    async def update(call: Any) -> Response:
        """UpdateProduct: the item by ``ItemId``; what the payload names replaces what was there
        (name, description, other attributes, images, SKU prices); SKUs are named by SkuId or SellerSku."""
        product = _payload(call.params)
        item_id = str(product.get("ItemId") or "")
        with state.lock:
            found = call.shop.products.get(item_id)
        if found is None:
            raise Refused("ItemId", f"item {item_id or '(none)'} not found.", "E0101")
        merged_attributes = {NAME: found.title, DESCRIPTION: found.description, **found.attributes,
                             **(product.get("Attributes") or {})}
        images = [str(u) for u in _listed(product.get("Images"), "Image")] or list(found.images)
        # A product listed outside the API (generated by the sandbox) has no category or photos here.
        category = str(product.get("PrimaryCategory") or found.category_id)
        check_content(_node(category) if category else rules.Node(0, 0, ""), merged_attributes, images,
                      images_required=bool(found.images))
        by_id = {s.sku_id: s for s in found.skus}
        by_seller = {s.seller_sku: s for s in found.skus}
        skus_in = _listed(product.get("Skus"), "Sku")
        for sku in skus_in:
            if str(sku.get("SkuId") or "") not in by_id and str(sku.get("SellerSku") or "") not in by_seller:
                raise Refused("SkuId", f"SKU {sku.get('SkuId') or sku.get('SellerSku')} is not in item {item_id}.")
            if "price" in sku:
                positive(sku, "price")
            if "Status" in sku and str(sku["Status"]).lower() not in ("active", "inactive"):
                raise Refused("Status", f"SKU {sku.get('SkuId') or sku.get('SellerSku')}: must be active or inactive.")
        statuses = {str(s["Status"]).lower() for s in skus_in if "Status" in s}
        if statuses and found.status.lower() not in ("active", "inactive"):
            raise Refused("Status", f"item {item_id} is {found.status.lower()}; its status cannot be changed.", "E0117")
        with state.lock:
            found.title = str(merged_attributes.pop(NAME))
            found.description = str(merged_attributes.pop(DESCRIPTION))
            found.attributes = {str(k): str(v) for k, v in merged_attributes.items()}
            found.images = tuple(images)
            for sku in skus_in:
                target = by_id.get(str(sku.get("SkuId") or "")) or by_seller[str(sku.get("SellerSku"))]
                if "price" in sku:
                    target.price = int(float(sku["price"]))
                if "quantity" in sku:
                    target.stock = int(sku["quantity"])
            if statuses:
                found.status = "Active" if "active" in statuses else "InActive"
            found.update_time = max(int(state.now()), found.update_time + 1)
        return _ok({"item_id": int(item_id), "sku_list": sku_list(found)})

    return {
        ("GET", "/category/tree/get"): category_tree,
        ("GET", "/category/attributes/get"): category_attributes,
        ("POST", "/image/upload"): upload_image,
        ("POST", "/image/migrate"): migrate_image,
        ("POST", "/product/create"): create,
        ("POST", "/product/update"): update,
    }
