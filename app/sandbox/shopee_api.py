"""Emulated Shopee Open Platform v2: same paths, signing checks, envelopes and limits as MARKETPLACES.md.

Choices where the documentation is silent (written down so tests and adapters agree):
- HTTP status: 200 on success; 400 error_param/validation, 403 sign/auth/permission errors,
  429 error_rate_limit, 500 error_server. Clients must map by the ``error`` code.
- A timestamp older than 5 minutes (or more than 5 minutes ahead) is ``error_param``.
- An unknown or expired access token is ``invalid_acceess_token`` (Shopee's own spelling).
"""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Request, Response, Router, route
from litestar.enums import HttpMethod
from litestar.params import FromPath

from app.integrations.shopee import signing
from app.sandbox import finance, listing_rules
from app.sandbox.documents import label_pdf
from app.sandbox.responses import apply_fault, html_page, json_response, request_id
from app.sandbox.shopee_publish import publishing_endpoints
from app.sandbox.state import Order, Product, SandboxError, SandboxState, Shop, Sku

PUBLIC_PATHS = {"/api/v2/shop/auth_partner", "/api/v2/auth/token/get", "/api/v2/auth/access_token/get"}
PUBLIC_PREFIXES = ("/api/v2/public/", "/api/v2/push/")
MAX_PAGE = 100
MAX_BATCH = 50
MAX_ORDER_RANGE = 15 * 86400
TIMESTAMP_TOLERANCE = 300


@dataclass
class Call:
    path: str
    query: Any  # MultiDict of the query string
    body: dict[str, Any]
    partner_id: str
    scoped_shop: Shop | None  # None on calls that name no shop (authorization, token)
    raw: bytes = b""
    content_type: str = ""

    @property
    def shop(self) -> Shop:
        """The shop a shop-scoped call names (authentication has checked it exists)."""
        if self.scoped_shop is None:
            raise SandboxError("error_param", "This call needs a shop.", 400)
        return self.scoped_shop


def _envelope(response: Any = None, **top: Any) -> dict[str, Any]:
    payload = {"request_id": request_id(), "error": "", "message": "", **top}
    if response is not None:
        payload["response"] = response
    return payload


def _error(code: str, message: str, status: int) -> Response:
    return json_response({"request_id": request_id(), "error": code, "message": message}, status)


def model_id(product: Product, sku: Sku | None) -> int:
    """Shopee calls the only model of an item without variants model 0."""
    return int(sku.sku_id) if product.has_variants and sku is not None else 0


def find_sku(product: Product, model: Any) -> Sku | None:
    try:
        wanted = int(model)
    except (TypeError, ValueError):
        return None
    if not product.has_variants:
        return product.skus[0] if wanted == 0 and product.skus else None
    return next((s for s in product.skus if int(s.sku_id) == wanted), None)


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SandboxError("error_param", f"Invalid {name}.", 400) from None


class ShopeeApi:
    """Request pipeline: fault, common parameters, signature, token, rate limit, endpoint."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.endpoints: dict[tuple[str, str], Callable[[Call], Awaitable[Any]]] = {
            ("POST", "/api/v2/auth/token/get"): self.token_get,
            ("POST", "/api/v2/auth/access_token/get"): self.token_refresh,
            ("GET", "/api/v2/shop/get_shop_info"): self.shop_info,
            ("GET", "/api/v2/product/get_item_list"): self.item_list,
            ("GET", "/api/v2/product/get_item_base_info"): self.item_base_info,
            ("GET", "/api/v2/product/get_model_list"): self.model_list,
            ("POST", "/api/v2/product/update_stock"): self.update_stock,
            ("POST", "/api/v2/product/update_price"): self.update_price,
            ("GET", "/api/v2/order/get_order_list"): self.order_list,
            ("GET", "/api/v2/order/get_order_detail"): self.order_detail,
            ("POST", "/api/v2/order/cancel_order"): self.cancel_order,
            ("GET", "/api/v2/logistics/get_shipping_parameter"): self.shipping_parameter,
            ("POST", "/api/v2/logistics/ship_order"): self.ship_order,
            ("GET", "/api/v2/logistics/get_tracking_number"): self.tracking_number,
            ("POST", "/api/v2/logistics/create_shipping_document"): self.create_document,
            ("POST", "/api/v2/logistics/get_shipping_document_result"): self.document_result,
            ("POST", "/api/v2/logistics/download_shipping_document"): self.download_document,
            ("GET", "/api/v2/payment/get_escrow_detail"): self.escrow_detail,
            ("POST", "/api/v2/payment/get_escrow_detail_batch"): self.escrow_detail_batch,
            ("GET", "/api/v2/payment/get_escrow_list"): self.escrow_list,
        }
        self.endpoints.update(publishing_endpoints(state))

    async def handle(self, request: Request, path: str) -> Response:
        query = request.query_params
        shop_id = query.get("shop_id")
        outcome = "ok"
        try:
            faulted = await apply_fault(
                self.state, "shopee", shop_id,
                rate_limited=lambda: self._rate_limited(),
                server_error=lambda: _error("error_server", "Internal server error.", 500), path=path,
            )
            if faulted is not None:
                outcome = "fault"
                return faulted
            call = await self._authenticate(request, path)
            if self.state.over_rate_limit("shopee", shop_id, path):
                outcome = "error_rate_limit"
                return self._rate_limited()
            if path == "/api/v2/shop/auth_partner":
                return self.auth_page(call)
            endpoint = self.endpoints.get((request.method, path))
            if endpoint is None:
                raise SandboxError("error_not_found", f"No API {request.method} {path}.", 404)
            if self.state.config.latency:
                await asyncio.sleep(self.state.config.latency)
            result = await endpoint(call)
            if self.state.take_fault("shopee", shop_id, path, answered=True) is not None:
                outcome = "answer_lost"
                return _error("error_server", "Internal server error.", 500)
            return result if isinstance(result, Response) else json_response(result)
        except SandboxError as exc:
            outcome = str(exc.code)
            return _error(str(exc.code), exc.message, exc.http_status)
        finally:
            self.state.record_call("shopee", path, shop_id, outcome)

    def _rate_limited(self) -> Response:
        response = _error("error_rate_limit", "Too many requests, please try again later.", 429)
        if self.state.config.rate_limit_retry_after is not None:
            response.headers["Retry-After"] = str(self.state.config.rate_limit_retry_after)
        return response

    async def _authenticate(self, request: Request, path: str) -> Call:
        query = request.query_params
        partner_id, timestamp, sign = query.get("partner_id"), query.get("timestamp"), query.get("sign")
        if not (partner_id and timestamp and sign):
            raise SandboxError("error_param", "partner_id, timestamp and sign are required.", 400)
        with self.state.lock:
            key = self.state.shopee_partners.get(partner_id)
        if key is None:
            raise SandboxError("invalid_partner_id", "Invalid partner_id.", 403)
        ts = _int(timestamp, "timestamp")
        if abs(self.state.now() - ts) > TIMESTAMP_TOLERANCE:
            raise SandboxError("error_param", "Invalid timestamp: it is older than 5 minutes or in the future.", 403)
        public = path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)
        shop: Shop | None = None
        if public:
            expected = signing.api_sign(key, partner_id=partner_id, path=path, timestamp=ts)
        else:
            access_token, shop_id = query.get("access_token"), query.get("shop_id")
            if not (access_token and shop_id):
                raise SandboxError("error_param", "access_token and shop_id are required for shop APIs.", 400)
            expected = signing.api_sign(key, partner_id=partner_id, path=path, timestamp=ts,
                                        access_token=access_token, shop_id=shop_id)
        if sign != expected:
            raise SandboxError("error_sign", "Wrong sign.", 403)
        if not public:
            grant = self.state.access_grant(query["access_token"])
            if grant is None or grant.platform != "shopee" or grant.app_id != partner_id:
                raise SandboxError("invalid_acceess_token", "Invalid access_token.", 403)
            if grant.shop_id != query["shop_id"]:
                raise SandboxError("error_auth", "The access_token does not belong to this shop.", 403)
            if grant.expires_at <= self.state.now():
                raise SandboxError("invalid_acceess_token", "Invalid access_token: it has expired.", 403)
            shop = self.state.shop("shopee", query["shop_id"])
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        body: dict[str, Any] = {}
        if raw and not content_type.startswith("multipart/"):
            try:
                body = json.loads(raw)
            except ValueError:
                raise SandboxError("error_param", "The request body is not valid JSON.", 400) from None
            if not isinstance(body, dict):
                raise SandboxError("error_param", "The request body must be a JSON object.", 400)
        return Call(path=path, query=query, body=body, partner_id=partner_id, scoped_shop=shop, raw=raw,
                    content_type=content_type)

    # -- authorization ----------------------------------------------------------------------

    def auth_page(self, call: Call) -> Response:
        redirect = call.query.get("redirect")
        if not redirect:
            raise SandboxError("error_param", "redirect is required.", 400)
        shops = self.state.shops_of_app("shopee", call.partner_id)
        if not shops:
            # The demo can connect without arranging anything first.
            shops = [self.state.create_shop("shopee", app_id=call.partner_id, products=30)]
        buttons = []
        for shop in shops:
            code = self.state.issue_code("shopee", shop.shop_id)
            target = _with_query(redirect, {"code": code, "shop_id": shop.shop_id})
            buttons.append(
                f'<li><p>Authorize StoreSync for <strong>{html.escape(shop.name)}</strong> '
                f'(shop {shop.shop_id})</p><a class="button" data-shop-id="{shop.shop_id}" '
                f'href="{html.escape(target)}">Authorize</a></li>'
            )
        return html_page("Shopee Open Platform (sandbox)", "Authorize StoreSync", "".join(buttons))

    async def token_get(self, call: Call) -> dict[str, Any]:
        code, shop_id = call.body.get("code"), str(call.body.get("shop_id", ""))
        if not code or not shop_id or str(call.body.get("partner_id")) != call.partner_id:
            raise SandboxError("error_param", "code, shop_id and partner_id are required.", 400)
        try:
            grant = self.state.redeem(self.state.codes, code, "shopee", call.partner_id)
        except KeyError as exc:
            raise SandboxError("error_auth", f"Invalid code ({exc.args[0]}).", 403) from None
        if grant.shop_id != shop_id:
            raise SandboxError("error_auth", "The code was not issued for this shop.", 403)
        return self._tokens(shop_id, call.partner_id)

    async def token_refresh(self, call: Call) -> dict[str, Any]:
        refresh, shop_id = call.body.get("refresh_token"), str(call.body.get("shop_id", ""))
        if not refresh or not shop_id or str(call.body.get("partner_id")) != call.partner_id:
            raise SandboxError("error_param", "refresh_token, shop_id and partner_id are required.", 400)
        try:
            grant = self.state.redeem(self.state.refresh_tokens, refresh, "shopee", call.partner_id)
        except KeyError as exc:
            code = "refresh_token_expired" if exc.args[0] == "expired" else "error_shop_refresh_token"
            raise SandboxError(code, f"Invalid refresh_token ({exc.args[0]}).", 403) from None
        if grant.shop_id != shop_id:
            raise SandboxError("error_shop_refresh_token", "The refresh_token belongs to another shop.", 403)
        return self._tokens(shop_id, call.partner_id)

    def _tokens(self, shop_id: str, partner_id: str) -> dict[str, Any]:
        access, access_exp, refresh, _ = self.state.issue_tokens("shopee", shop_id, partner_id)
        return _envelope(None, access_token=access, refresh_token=refresh,
                         expire_in=int(round(access_exp - self.state.now())), shop_id=int(shop_id),
                         partner_id=int(partner_id))

    async def shop_info(self, call: Call) -> dict[str, Any]:
        shop = call.shop
        now = int(self.state.now())
        return _envelope(None, shop_name=shop.name, region=shop.region, status="NORMAL", is_cb=False,
                         auth_time=now, expire_time=now + 365 * 86400)

    # -- products ---------------------------------------------------------------------------

    async def item_list(self, call: Call) -> dict[str, Any]:
        offset = _int(call.query.get("offset", "0"), "offset")
        page_size = _int(call.query.get("page_size"), "page_size")
        if not 1 <= page_size <= MAX_PAGE or offset < 0:
            raise SandboxError("error_param", f"page_size must be between 1 and {MAX_PAGE}.", 400)
        statuses = set(call.query.getall("item_status", []))
        if not statuses:
            raise SandboxError("error_param", "item_status is required.", 400)
        with self.state.lock:
            items = [p for p in call.shop.products.values() if p.status in statuses]
            page = items[offset : offset + page_size]
            has_next = offset + page_size < len(items)
            return _envelope({
                "item": [{"item_id": int(p.product_id), "item_status": p.status, "update_time": p.update_time}
                         for p in page],
                "total_count": len(items),
                "has_next_page": has_next,
                "next_offset": offset + page_size if has_next else len(items),
            })

    async def item_base_info(self, call: Call) -> dict[str, Any]:
        ids = [i for i in (call.query.get("item_id_list") or "").split(",") if i]
        if not ids or len(ids) > MAX_BATCH:
            raise SandboxError("error_param", f"item_id_list must hold 1 to {MAX_BATCH} ids.", 400)
        with self.state.lock:
            items = []
            for item_id in ids:
                product = call.shop.products.get(item_id)
                if product is None:
                    continue
                item = {"item_id": int(item_id), "category_id": 100017, "item_name": product.title,
                        "item_sku": product.seller_sku, "item_status": product.status,
                        "create_time": product.create_time, "update_time": product.update_time,
                        "has_model": product.has_variants, "condition": "NEW"}
                if not product.has_variants:
                    item["price_info"] = [_price(product.skus[0])]
                    item["stock_info_v2"] = _stock(product.skus[0])
                items.append(item)
            return _envelope({"item_list": items})

    async def model_list(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            product = call.shop.products.get(str(call.query.get("item_id")))
            if product is None:
                raise SandboxError("error_item_not_found", "Item not found.", 400)
            if not product.has_variants:
                return _envelope({"tier_variation": [], "model": []})
            return _envelope({
                "tier_variation": [{"name": name, "option_list": [{"option": o} for o in options]}
                                   for name, options in product.tiers],
                "model": [{"model_id": int(s.sku_id), "model_sku": s.seller_sku, "tier_index": list(s.tier_index),
                           "price_info": [_price(s)], "stock_info_v2": _stock(s)} for s in product.skus],
            })

    async def update_stock(self, call: Call) -> dict[str, Any]:
        return self._update_models(call, "stock_list", _apply_stock)

    async def update_price(self, call: Call) -> dict[str, Any]:
        return self._update_models(call, "price_list", _apply_price)

    def _update_models(self, call: Call, list_name: str, apply: Callable[[Sku, dict], dict | str]) -> dict:
        entries = call.body.get(list_name)
        if not isinstance(entries, list) or not entries or len(entries) > MAX_BATCH:
            raise SandboxError("error_param", f"{list_name} must hold 1 to {MAX_BATCH} models.", 400)
        with self.state.lock:
            product = call.shop.products.get(str(call.body.get("item_id")))
            if product is None:
                raise SandboxError("error_item_not_found", "Item not found.", 400)
            successes, failures = [], []
            for entry in entries:
                sku = find_sku(product, entry.get("model_id"))
                if sku is None:
                    failures.append({"model_id": entry.get("model_id"), "failed_reason": "Model not found."})
                    continue
                outcome = apply(sku, entry)
                if isinstance(outcome, str):
                    failures.append({"model_id": entry.get("model_id"), "failed_reason": outcome})
                else:
                    successes.append({"model_id": entry.get("model_id"), **outcome})
            if successes:
                product.update_time = int(self.state.now())
            return _envelope({"success_list": successes, "failure_list": failures})

    # -- orders -----------------------------------------------------------------------------

    async def order_list(self, call: Call) -> dict[str, Any]:
        field = call.query.get("time_range_field")
        if field not in ("create_time", "update_time"):
            raise SandboxError("error_param", "time_range_field must be create_time or update_time.", 400)
        time_from = _int(call.query.get("time_from"), "time_from")
        time_to = _int(call.query.get("time_to"), "time_to")
        if time_to < time_from:
            raise SandboxError("error_param", "time_to must not be before time_from.", 400)
        if time_to - time_from > MAX_ORDER_RANGE:
            raise SandboxError("order.order_list_invalid_time", "The time range cannot exceed 15 days.", 400)
        page_size = _int(call.query.get("page_size"), "page_size")
        if not 1 <= page_size <= MAX_PAGE:
            raise SandboxError("error_param", f"page_size must be between 1 and {MAX_PAGE}.", 400)
        cursor = call.query.get("cursor") or ""
        offset = _int(cursor, "cursor") if cursor else 0
        wanted_status = call.query.get("order_status")
        with_status = "order_status" in (call.query.get("response_optional_fields") or "")
        with self.state.lock:
            orders = sorted(
                (o for o in call.shop.orders.values()
                 if time_from <= getattr(o, field) <= time_to and (not wanted_status or o.status == wanted_status)),
                key=lambda o: (getattr(o, field), o.order_id),
            )
            page = orders[offset : offset + page_size]
            more = offset + page_size < len(orders)
            return _envelope({
                "more": more,
                "next_cursor": str(offset + page_size) if more else "",
                "order_list": [{"order_sn": o.order_id, **({"order_status": o.status} if with_status else {})}
                               for o in page],
            })

    async def order_detail(self, call: Call) -> dict[str, Any]:
        ids = [i for i in (call.query.get("order_sn_list") or "").split(",") if i]
        if not ids or len(ids) > MAX_BATCH:
            raise SandboxError("error_param", f"order_sn_list must hold 1 to {MAX_BATCH} orders.", 400)
        fields = set((call.query.get("response_optional_fields") or "").split(","))
        with self.state.lock:
            found = [call.shop.orders[i] for i in ids if i in call.shop.orders]
            return _envelope({"order_list": [self._order(call.shop, o, fields) for o in found]})

    def _order(self, shop: Shop, order: Order, fields: set[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "order_sn": order.order_id, "region": "ID", "currency": "IDR", "cod": order.payment_method == "COD",
            "order_status": order.status, "create_time": order.create_time, "update_time": order.update_time,
            "days_to_ship": 3, "ship_by_date": order.create_time + 3 * 86400, "message_to_seller": "",
        }
        optional: dict[str, Any] = {
            "buyer_username": order.buyer_username,
            "recipient_address": {**order.recipient, "region": "ID", "district": "", "town": ""},
            "item_list": [
                {"item_id": int(line.product_id), "item_name": line.name,
                 "item_sku": shop.products[line.product_id].seller_sku,
                 "model_id": model_id(shop.products[line.product_id], shop.sku(line.product_id, line.sku_id)),
                 "model_sku": line.seller_sku, "model_quantity_purchased": line.quantity,
                 "model_original_price": line.list_price, "model_discounted_price": line.unit_price,
                 "order_item_id": int(line.line_id)}
                for line in order.lines
            ],
            "pay_time": order.pay_time,
            "package_list": [{"package_number": order.package_id, "logistics_status": "LOGISTICS_READY",
                              "shipping_carrier": order.carrier}],
            "total_amount": order.total,
            "estimated_shipping_fee": order.shipping_fee,
            "shipping_carrier": order.carrier,
            "payment_method": order.payment_method,
        }
        out.update({k: v for k, v in optional.items() if k in fields})
        return out

    async def cancel_order(self, call: Call) -> dict[str, Any]:
        """The seller cancels: OUT_OF_STOCK names the items out of stock (item_list); the order
        must not have been arranged for shipping yet. Stock goes back to the listing, and the
        order's status change is pushed like any other."""
        reason = call.body.get("cancel_reason")
        if reason not in SHOPEE_CANCEL_REASONS:
            raise SandboxError("error_param", f"cancel_reason must be one of {', '.join(SHOPEE_CANCEL_REASONS)}.", 400)
        items = call.body.get("item_list") or []
        if reason == "OUT_OF_STOCK" and not items:
            raise SandboxError("error_param", "item_list is required when cancel_reason is OUT_OF_STOCK.", 400)
        with self.state.lock:
            order = call.shop.orders.get(str(call.body.get("order_sn") or ""))
            if order is None:
                raise SandboxError("order.order_not_found", "Order not found.", 400)
            if order.status not in ("UNPAID", "READY_TO_SHIP"):
                raise SandboxError("order.order_status_error", f"Order status {order.status} cannot be cancelled.", 400)
            for entry in items:
                if not any(line.product_id == str(entry.get("item_id")) for line in order.lines):
                    raise SandboxError("error_param", f"item {entry.get('item_id')} is not in the order.", 400)
            self.state.restock(call.shop, order)
        updated = self.state.set_order_status("shopee", call.shop.shop_id, order.order_id, "CANCELLED")
        return _envelope({"update_time": updated.update_time})

    # -- logistics --------------------------------------------------------------------------

    def _shippable(self, call: Call, order_sn: str | None) -> Order:
        order = call.shop.orders.get(order_sn or "")
        if order is None:
            raise SandboxError("logistics.order_not_found", "Order not found.", 400)
        if order.status not in ("READY_TO_SHIP", "RETRY_SHIP"):
            raise SandboxError("logistics.order_status_error", f"Order status is {order.status}.", 400)
        return order

    async def shipping_parameter(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            order = self._shippable(call, call.query.get("order_sn"))
            day = 86400
            base = (int(self.state.now()) // day + 1) * day
            return _envelope({
                "info_needed": {"pickup": ["address_id", "pickup_time_id"], "dropoff": []},
                "pickup": {"address_list": [{
                    "address_id": 2001, "region": "ID", "state": "DKI Jakarta", "city": "Jakarta Barat",
                    "district": "Kebon Jeruk", "town": "", "address": "Jl. Panjang No. 8",
                    "zipcode": "11530", "address_flag": ["default_address", "pickup_address"],
                    "time_slot_list": [{"date": base + i * day, "time_text": "09:00-17:00",
                                        "pickup_time_id": str(base + i * day)} for i in range(3)],
                }]},
                "dropoff": {"branch_list": [{"branch_id": 301, "region": "ID", "state": "DKI Jakarta",
                                             "city": "Jakarta Barat", "address": "Agen SPX Kebon Jeruk",
                                             "zipcode": "11530"}]},
                "order_sn": order.order_id,
            })

    async def ship_order(self, call: Call) -> dict[str, Any]:
        modes = [m for m in ("pickup", "dropoff", "non_integrated") if m in call.body]
        if len(modes) != 1:
            raise SandboxError("logistics.ship_order_only_support_one_type",
                               "Give exactly one of pickup, dropoff or non_integrated.", 400)
        with self.state.lock:
            order = self._shippable(call, call.body.get("order_sn"))
            if modes[0] == "pickup":
                pickup = call.body["pickup"] or {}
                if not (pickup.get("address_id") and pickup.get("pickup_time_id")):
                    raise SandboxError("error_param", "pickup needs address_id and pickup_time_id.", 400)
            order.shipped_via = modes[0]
            order.tracking_number = "SPXID0" + self.state.seed.digits(11)
        self.state.set_order_status("shopee", call.shop.shop_id, order.order_id, "PROCESSED")
        return _envelope({})

    async def tracking_number(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            order = call.shop.orders.get(call.query.get("order_sn") or "")
            if order is None:
                raise SandboxError("logistics.order_not_found", "Order not found.", 400)
            return _envelope({"tracking_number": order.tracking_number, "plp_number": "",
                              "first_mile_tracking_number": "", "last_mile_tracking_number": ""})


    # -- shipping documents -----------------------------------------------------------------
    # Choices where the reference is silent: a parcel whose shipment is not arranged yet (no
    # tracking number: READY_TO_SHIP, UNPAID, CANCELLED...) is refused per order with fail_error
    # "logistics.package_can_not_print"; a document is PROCESSING for config.document_seconds after
    # it was asked for, then READY; downloading one that is not READY refuses the whole call with
    # "logistics.shipping_document_not_ready"; the download is application/pdf, one page per order.

    def _document_orders(self, call: Call) -> list[tuple[dict[str, Any], Order | None]]:
        wanted = call.body.get("order_list")
        if not isinstance(wanted, list) or not wanted:
            raise SandboxError("error_param", "order_list is required.", 400)
        if len(wanted) > MAX_BATCH:
            raise SandboxError("error_param", f"order_list takes at most {MAX_BATCH} orders.", 400)
        if not all(isinstance(w, dict) and w.get("order_sn") for w in wanted):
            raise SandboxError("error_param", "Every order_list entry needs order_sn.", 400)
        return [(w, call.shop.orders.get(str(w["order_sn"]))) for w in wanted]

    async def create_document(self, call: Call) -> dict[str, Any]:
        results = []
        with self.state.lock:
            for wanted, order in self._document_orders(call):
                row: dict[str, Any] = {"order_sn": wanted["order_sn"], "package_number": wanted.get("package_number", "")}
                if order is None:
                    row.update(fail_error="logistics.order_not_found", fail_message="Order not found.")
                elif not order.tracking_number or order.status not in ARRANGED:
                    row.update(fail_error="logistics.package_can_not_print",
                               fail_message=f"The package cannot be printed: arrange shipment first "
                                            f"(order status {order.status}).")
                else:
                    row["package_number"] = order.package_id
                    if order.document_requested_at is None:
                        order.document_requested_at = self.state.now()
                results.append(row)
        return _envelope({"result_list": results})

    def _document_status(self, order: Order | None) -> tuple[str, str, str]:
        if order is None:
            return "FAILED", "logistics.order_not_found", "Order not found."
        if order.document_requested_at is None:
            return "FAILED", "logistics.shipping_document_not_created", "Call create_shipping_document first."
        if self.state.now() - order.document_requested_at < self.state.config.document_seconds:
            return "PROCESSING", "", ""
        return "READY", "", ""

    async def document_result(self, call: Call) -> dict[str, Any]:
        results = []
        with self.state.lock:
            for wanted, order in self._document_orders(call):
                status, error, message = self._document_status(order)
                results.append({"order_sn": wanted["order_sn"], "package_number": order.package_id if order else "",
                                "status": status, "fail_error": error, "fail_message": message})
        return _envelope({"result_list": results})

    async def download_document(self, call: Call) -> Response:
        with self.state.lock:
            orders = []
            for wanted, order in self._document_orders(call):
                status, error, message = self._document_status(order)
                if status != "READY" or order is None:
                    raise SandboxError(error or "logistics.shipping_document_not_ready",
                                       message or f"The shipping document of {wanted['order_sn']} is not ready.", 400)
                orders.append(order)
        pdf = label_pdf("shopee", orders)
        return Response(content=pdf, media_type="application/pdf", status_code=200,
                        headers={"Content-Disposition": 'attachment; filename="shipping_document.pdf"'})

    # -- payment (escrow) -------------------------------------------------------------------

    async def escrow_detail(self, call: Call) -> dict[str, Any]:
        order_sn = call.query.get("order_sn")
        with self.state.lock:
            order = call.shop.orders.get(order_sn or "")
            if order is None:
                raise SandboxError("error_param", f"Order {order_sn} not found.", 400)
            return _envelope(_escrow(call.shop, order))

    async def escrow_detail_batch(self, call: Call) -> dict[str, Any]:
        ids = call.body.get("order_sn_list")
        if not isinstance(ids, list) or not ids or len(ids) > MAX_BATCH:
            raise SandboxError("error_param", f"order_sn_list must hold 1 to {MAX_BATCH} orders.", 400)
        with self.state.lock:
            return _envelope([{"escrow_detail": _escrow(call.shop, call.shop.orders[i])}
                              for i in ids if i in call.shop.orders])

    async def escrow_list(self, call: Call) -> dict[str, Any]:
        """Escrows released in [release_time_from, release_time_to] (≤ 15 days), page_no from 1."""
        time_from = _int(call.query.get("release_time_from"), "release_time_from")
        time_to = _int(call.query.get("release_time_to"), "release_time_to")
        if time_to < time_from or time_to - time_from > MAX_ORDER_RANGE:
            raise SandboxError("error_param", "The release time range must be 0 to 15 days.", 400)
        page_size = _int(call.query.get("page_size") or 40, "page_size")
        page_no = _int(call.query.get("page_no") or 1, "page_no")
        if not 1 <= page_size <= MAX_PAGE or page_no < 1:
            raise SandboxError("error_param", "Invalid page_size or page_no.", 400)
        with self.state.lock:
            released = sorted((o for o in call.shop.orders.values()
                               if o.completed_time is not None and time_from <= o.completed_time <= time_to),
                              key=lambda o: (o.completed_time, o.order_id))
            start = (page_no - 1) * page_size
            page = released[start : start + page_size]
            return _envelope({
                "more": start + page_size < len(released),
                "escrow_list": [{"order_sn": o.order_id, "payout_amount": finance.breakdown(o).settlement,
                                 "escrow_release_time": o.completed_time} for o in page],
            })


# What cancel_order accepts. The v2 reference lists OUT_OF_STOCK and UNDELIVERABLE_AREA (the latter
# for TW and MY); CUSTOMER_REQUEST comes from v1 and the SDKs that still send it. The sandbox
# accepts all three; StoreSync offers OUT_OF_STOCK and CUSTOMER_REQUEST for Indonesia.
SHOPEE_CANCEL_REASONS = ("OUT_OF_STOCK", "CUSTOMER_REQUEST", "UNDELIVERABLE_AREA")


# Order statuses in which a Shopee parcel has its shipment arranged (a label can be printed).
ARRANGED = {"PROCESSED", "RETRY_SHIP", "SHIPPED", "TO_CONFIRM_RECEIVE", "COMPLETED"}


def _escrow(shop: Shop, order: Order) -> dict[str, Any]:
    """get_escrow_detail's ``response``: the order's income as Shopee words it (escrow_amount final
    once the order is COMPLETED; before, Shopee's estimate)."""
    fees = finance.breakdown(order)
    return {
        "order_sn": order.order_id,
        "buyer_user_name": order.buyer_username,
        "return_order_sn_list": [],
        "order_income": {
            "escrow_amount": fees.settlement,
            "buyer_total_amount": order.total,
            "original_price": order.subtotal,
            "seller_discount": order.seller_discount,
            "shopee_discount": 0,
            "voucher_from_seller": 0,
            "voucher_from_shopee": fees.platform_voucher,
            "coins": 0,
            "buyer_paid_shipping_fee": fees.buyer_paid_shipping,
            "actual_shipping_fee": fees.actual_shipping,
            "shopee_shipping_rebate": fees.shipping_rebate,
            "reverse_shipping_fee": 0,
            "commission_fee": fees.commission,
            "service_fee": fees.service_fee,
            "seller_transaction_fee": fees.transaction_fee,
            "campaign_fee": fees.campaign_fee,
            "order_ams_commission_fee": fees.affiliate_commission,
            "seller_return_refund": 0,
            "escrow_tax": fees.tax,
            "cost_of_goods_sold": fees.items,
            "order_original_price": order.subtotal,
            "order_selling_price": fees.items,
            "currency": shop.currency,
            "items": [{"item_id": int(line.product_id), "item_name": line.name, "model_sku": line.seller_sku,
                       "quantity_purchased": line.quantity, "original_price": line.list_price * line.quantity,
                       "discounted_price": line.unit_price * line.quantity}
                      for line in order.lines],
        },
    }


def _price(sku: Sku) -> dict[str, Any]:
    return {"currency": "IDR", "original_price": float(sku.price), "current_price": float(sku.price)}


def _stock(sku: Sku) -> dict[str, Any]:
    return {"summary_info": {"total_reserved_stock": 0, "total_available_stock": sku.stock},
            "seller_stock": [{"stock": sku.stock}]}


def _apply_stock(sku: Sku, entry: dict) -> dict | str:
    seller_stock = entry.get("seller_stock")
    if not isinstance(seller_stock, list) or not seller_stock:
        return "seller_stock is required."
    try:
        total = sum(int(s["stock"]) for s in seller_stock)
    except (KeyError, TypeError, ValueError):
        return "stock must be an integer."
    if total < 0:
        return "stock must not be negative."
    sku.stock = total
    return {"stock": total}


def _apply_price(sku: Sku, entry: dict) -> dict | str:
    if "original_price" not in entry:
        return "original_price is required."
    problem = listing_rules.price_problem(entry["original_price"])
    if problem:
        return f"original_price {problem}"
    price = float(entry["original_price"])
    sku.price = int(round(price))
    return {"original_price": price}


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode(parse_qsl(parts.query) + list(extra.items()))))


def shopee_router(state: SandboxState) -> Router:
    api = ShopeeApi(state)

    @route("/api/v2/{rest:path}", http_method=[HttpMethod.GET, HttpMethod.POST], status_code=200, name="sandbox:shopee")
    async def shopee_endpoint(request: Request, rest: FromPath[str]) -> Response:
        # A mount may hand over the path with a trailing slash added; the platform path has none.
        return await api.handle(request, "/api/v2/" + rest.strip("/"))

    return Router(path="/shopee", route_handlers=[shopee_endpoint])
