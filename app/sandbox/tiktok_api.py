"""Emulated TikTok Shop Partner API (202309 paths), its token host and its consent page.

Choices where the documentation is silent:
- HTTP status: 200 with a non-zero ``code`` for parameter errors; 401 for signature, credential
  and token errors; 403 for a missing scope; 429 for 36009002; 500 for injected server errors.
- 105001 is answered for an unknown access token, 105002 for an expired one; 40006 for an invalid
  parameter; 36004004 on the token host for an unknown, used or expired code or refresh token.
- Inventory quantity 0 is accepted (see the adapter's note on zero).
- Fulfillment uses the 202309 package endpoints: handover_time_slots, ship, package detail.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Request, Response, Router, get, route
from litestar.enums import HttpMethod
from litestar.params import FromPath

from app.integrations.tiktok import signing
from app.sandbox import finance
from app.sandbox.documents import label_pdf
from app.sandbox.responses import apply_fault, html_page, json_response, request_id
from app.sandbox.state import Order, Product, SandboxError, SandboxState, Shop
from app.sandbox.tiktok_publish import publishing_routes

TIMESTAMP_PAST = 300
TIMESTAMP_FUTURE = 30
MAX_PAGE = 100
MAX_BATCH = 50
SCOPES = ["seller.product.basic", "seller.order.info", "seller.fulfillment.basic", "seller.authorization.info",
          "seller.finance.info"]


@dataclass
class Call:
    path: str
    params: dict[str, str]
    body: dict[str, Any]
    app_key: str
    scoped_shop: Shop | None  # None on calls that name no shop (authorization, token)
    tokens_shop: Shop
    match: dict[str, str] = field(default_factory=dict)
    base_url: str = ""  # where the sandbox is served (document URLs point back to it)
    raw: bytes = b""
    content_type: str = ""

    @property
    def shop(self) -> Shop:
        """The shop a shop-scoped call names (authentication has checked it exists)."""
        if self.scoped_shop is None:
            raise SandboxError(36009004, "This call needs a shop.", 400)
        return self.scoped_shop


def _served_at(request: Request) -> str:
    """Where the sandbox answers, as the client reached it (also when mounted under a prefix such as /sandbox)."""
    base = str(request.base_url).rstrip("/")
    raw = request.scope.get("raw_path") or b""
    prefix = (raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)).split("/tiktok/", 1)[0]
    return base if not prefix or base.endswith(prefix) else base + prefix


def _ok(data: Any) -> Response:
    return json_response({"code": 0, "message": "Success", "request_id": request_id(), "data": data})


def _error(code: int, message: str, status: int = 200) -> Response:
    return json_response({"code": code, "message": message, "request_id": request_id(), "data": None}, status)


def _page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode().removeprefix("o:"))
    except (ValueError, UnicodeDecodeError):
        raise SandboxError(40006, "Invalid page_token.") from None


def _page_size(params: dict[str, str]) -> int:
    try:
        size = int(params.get("page_size", ""))
    except ValueError:
        size = 0
    if not 1 <= size <= MAX_PAGE:
        raise SandboxError(40006, f"page_size must be between 1 and {MAX_PAGE}.")
    return size


# Seller cancel reasons the sandbox accepts. TikTok's reference names seller reasons like
# seller_cancel_reason_out_of_stock; the exact list per region is not published in one place,
# so these four are the sandbox's (and StoreSync's) choice.
TIKTOK_CANCEL_REASONS = ("seller_cancel_reason_out_of_stock", "seller_cancel_reason_wrong_price",
                         "seller_cancel_paid_reason_address_not_deliver", "seller_cancel_reason_buyer_request")


class TikTokApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        table: list[tuple[str, str, Callable[[Call], Awaitable[Any]]]] = [
            ("GET", r"/authorization/202309/shops", self.authorized_shops),
            ("POST", r"/product/202309/products/search", self.product_search),
            ("GET", r"/product/202309/products/(?P<product_id>\d+)", self.product_detail),
            ("POST", r"/product/202309/products/(?P<product_id>\d+)/inventory/update", self.inventory_update),
            ("POST", r"/product/202309/products/(?P<product_id>\d+)/prices/update", self.price_update),
            ("POST", r"/order/202309/orders/search", self.order_search),
            ("GET", r"/order/202309/orders", self.order_detail),
            ("POST", r"/return_refund/202309/cancellations", self.cancel_order),
            ("GET", r"/fulfillment/202309/packages/(?P<package_id>\w+)/handover_time_slots", self.time_slots),
            ("POST", r"/fulfillment/202309/packages/(?P<package_id>\w+)/ship", self.ship_package),
            ("GET", r"/fulfillment/202309/packages/(?P<package_id>\w+)", self.package_detail),
            ("GET", r"/fulfillment/202309/packages/(?P<package_id>\w+)/shipping_documents", self.shipping_documents),
            ("GET", r"/finance/202309/statements", self.statements),
            ("GET", r"/finance/202501/statements/(?P<statement_id>\w+)/statement_transactions",
             self.statement_transactions),
            ("GET", r"/finance/202501/orders/(?P<order_id>\w+)/statement_transactions",
             self.order_statement_transactions),
        ]
        table += publishing_routes(state)
        self.routes = [(method, re.compile(pattern + "$"), fn) for method, pattern, fn in table]

    # -- pipeline ---------------------------------------------------------------------------

    async def handle(self, request: Request, path: str) -> Response:
        params = {k: v for k, v in request.query_params.items()}
        cipher = params.get("shop_cipher")
        shop = self.state.shop_by_cipher(cipher) if cipher else None
        shop_id = shop.shop_id if shop else None
        outcome = "ok"
        try:
            faulted = await apply_fault(
                self.state, "tiktok", shop_id,
                rate_limited=self._rate_limited,
                server_error=lambda: _error(36009005, "Internal error, please retry.", 500), path=path,
            )
            if faulted is not None:
                outcome = "fault"
                return faulted
            endpoint, match = self._route(request.method, path)
            call = await self._authenticate(request, path, params, shop)
            call.match = match
            call.base_url = _served_at(request)
            if self.state.over_rate_limit("tiktok", shop_id, path):
                outcome = "36009002"
                return self._rate_limited()
            if self.state.config.latency:
                await asyncio.sleep(self.state.config.latency)
            answer = await endpoint(call)
            if self.state.take_fault("tiktok", shop_id, path, answered=True) is not None:
                outcome = "answer_lost"
                return _error(36009005, "Internal error, please retry.", 500)
            return _ok(answer)
        except SandboxError as exc:
            outcome = str(exc.code)
            return _error(int(exc.code), exc.message, exc.http_status)
        finally:
            self.state.record_call("tiktok", path, shop_id, outcome)

    def _rate_limited(self) -> Response:
        response = _error(36009002, "Too many requests.", 429)
        if self.state.config.rate_limit_retry_after is not None:
            response.headers["Retry-After"] = str(self.state.config.rate_limit_retry_after)
        return response

    def _route(self, method: str, path: str) -> tuple[Callable[[Call], Awaitable[Any]], dict[str, str]]:
        for route_method, pattern, endpoint in self.routes:
            matched = pattern.match(path)
            if matched and route_method == method:
                return endpoint, matched.groupdict()
        if re.match(r"/\w+/(?!202309)\d{6}/", path):
            raise SandboxError(36009014, "Invalid API version.", 404)
        raise SandboxError(40006, f"No API {method} {path}.", 404)

    async def _authenticate(self, request: Request, path: str, params: dict[str, str], shop: Shop | None) -> Call:
        app_key, timestamp, sign = params.get("app_key"), params.get("timestamp"), params.get("sign")
        if not (app_key and timestamp and sign):
            raise SandboxError(36009004, "app_key, timestamp and sign are required.", 401)
        with self.state.lock:
            app = self.state.tiktok_apps.get(app_key)
        if app is None:
            raise SandboxError(36009004, "Invalid credentials: unknown app_key.", 401)
        try:
            ts = int(timestamp)
        except ValueError:
            raise SandboxError(36009004, "Invalid timestamp.", 401) from None
        now = self.state.now()
        if ts < now - TIMESTAMP_PAST or ts > now + TIMESTAMP_FUTURE:
            raise SandboxError(36009004, "Invalid timestamp: outside the accepted window.", 401)
        raw = await request.body()
        multipart = request.headers.get("content-type", "").startswith("multipart/")
        expected = signing.api_sign(app["secret"], path=path, query=params, body=None if multipart else raw)
        if sign != expected:
            raise SandboxError(106001, "Invalid sign.", 401)
        shop_scoped = not path.startswith(("/authorization/", "/seller/"))
        if shop_scoped:
            if not params.get("shop_cipher"):
                raise SandboxError(106013, "shop_cipher is required.", 400)
            if shop is None or shop.app_id != app_key:
                raise SandboxError(36009004, "Invalid shop_cipher.", 401)
        token = request.headers.get("x-tts-access-token")
        grant = self.state.access_grant(token) if token else None
        if grant is None or grant.platform != "tiktok" or grant.app_id != app_key:
            raise SandboxError(105001, "Invalid access token.", 401)
        if grant.expires_at <= self.state.now():
            raise SandboxError(105002, "Access token expired.", 401)
        if shop_scoped and shop is not None and grant.shop_id != shop.shop_id:
            raise SandboxError(105001, "The access token is not authorized for this shop.", 401)
        body: dict[str, Any] = {}
        if raw and not multipart:
            try:
                body = json.loads(raw)
            except ValueError:
                raise SandboxError(40006, "The request body is not valid JSON.") from None
        return Call(path=path, params=params, body=body if isinstance(body, dict) else {}, app_key=app_key,
                    scoped_shop=shop, tokens_shop=self.state.shop("tiktok", grant.shop_id), raw=raw,
                    content_type=request.headers.get("content-type", ""))

    # -- authorization ----------------------------------------------------------------------

    async def authorized_shops(self, call: Call) -> dict[str, Any]:
        shop = call.tokens_shop
        return {"shops": [{"id": shop.shop_id, "name": shop.name, "region": shop.region, "seller_type": "LOCAL",
                           "cipher": shop.cipher, "code": "IDLC" + shop.shop_id[-6:],
                           "listing_platforms": ["TIKTOK_SHOP", "TOKOPEDIA"] if shop.tokopedia else ["TIKTOK_SHOP"]}]}

    # -- products ---------------------------------------------------------------------------

    def _product(self, product: Product) -> dict[str, Any]:
        return {
            "id": product.product_id, "title": product.title, "status": product.status,
            "create_time": product.create_time, "update_time": product.update_time,
            "skus": [
                {"id": s.sku_id, "seller_sku": s.seller_sku,
                 "price": {"currency": "IDR", "sale_price": str(s.price), "tax_exclusive_price": str(s.price)},
                 "inventory": [{"warehouse_id": s.warehouse_id, "quantity": s.stock}],
                 "sales_attributes": [{"name": name, "value_name": value}
                                      for (name, _), value in zip(product.tiers, s.label, strict=False)]}
                for s in product.skus
            ],
        }

    async def product_search(self, call: Call) -> dict[str, Any]:
        size = _page_size(call.params)
        offset = _offset(call.params.get("page_token"))
        skus = call.body.get("seller_skus") or []
        if len(skus) > 10:
            raise SandboxError(40006, "seller_skus holds at most 10 values.")
        status = call.body.get("status")
        ge, le = call.body.get("update_time_ge"), call.body.get("update_time_le")
        with self.state.lock:
            products = [
                p for p in call.shop.products.values()
                if (not status or status == "ALL" or p.status == status)
                and (not skus or any(s.seller_sku in skus for s in p.skus))
                and (ge is None or p.update_time >= int(ge)) and (le is None or p.update_time <= int(le))
            ]
            page = products[offset : offset + size]
            more = offset + size < len(products)
            return {"total_count": len(products), "next_page_token": _page_token(offset + size) if more else "",
                    "products": [self._product(p) for p in page]}

    async def product_detail(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            product = call.shop.products.get(call.match["product_id"])
            if product is None:
                raise SandboxError(12052048, "Product not found.")
            return self._product(product)

    async def inventory_update(self, call: Call) -> dict[str, Any]:
        return self._update_skus(call, self._apply_inventory)

    async def price_update(self, call: Call) -> dict[str, Any]:
        return self._update_skus(call, self._apply_price)

    def _update_skus(self, call: Call, apply: Callable[[Any, dict], str | None]) -> dict[str, Any]:
        entries = call.body.get("skus")
        if not isinstance(entries, list) or not entries:
            raise SandboxError(40006, "skus is required.")
        with self.state.lock:
            product = call.shop.products.get(call.match["product_id"])
            if product is None:
                raise SandboxError(12052048, "Product not found.")
            errors = []
            for entry in entries:
                sku = next((s for s in product.skus if s.sku_id == str(entry.get("id"))), None)
                problem = "SKU not found in this product." if sku is None else apply(sku, entry)
                if problem:
                    errors.append({"code": 12052700, "message": problem, "detail": {"sku_id": str(entry.get("id"))}})
            product.update_time = int(self.state.now())
            return {"errors": errors}

    @staticmethod
    def _apply_inventory(sku: Any, entry: dict) -> str | None:
        inventory = entry.get("inventory")
        if not isinstance(inventory, list) or not inventory:
            return "inventory is required."
        total = 0
        for row in inventory:
            if row.get("warehouse_id") not in (None, sku.warehouse_id):
                return "Unknown warehouse_id."
            try:
                quantity = int(row["quantity"])
            except (KeyError, TypeError, ValueError):
                return "quantity must be an integer."
            if not 0 <= quantity <= 99_999:
                return "quantity must be between 0 and 99999."
            total += quantity
        sku.stock = total
        return None

    @staticmethod
    def _apply_price(sku: Any, entry: dict) -> str | None:
        try:
            amount = int(str((entry.get("price") or {})["amount"]))
        except (KeyError, TypeError, ValueError):
            return "price.amount must be a whole number of rupiah."
        if amount <= 0:
            return "price.amount must be positive."
        sku.price = amount
        return None

    # -- orders -----------------------------------------------------------------------------

    def _order(self, shop: Shop, order: Order) -> dict[str, Any]:
        # The API has no quantity on a line item: a line item per unit.
        line_items = []
        for line in order.lines:
            for unit in range(line.quantity):
                line_items.append({
                    "id": f"{line.line_id}{unit:02d}", "sku_id": line.sku_id, "product_id": line.product_id,
                    "product_name": line.name, "seller_sku": line.seller_sku, "sale_price": str(line.unit_price),
                    "original_price": str(line.list_price), "currency": "IDR", "package_id": order.package_id,
                    "display_status": order.status,
                })
        recipient = order.recipient
        return {
            "id": order.order_id, "status": order.status, "create_time": order.create_time,
            "update_time": order.update_time, "paid_time": order.pay_time, "user_id": "7" + order.order_id[-10:],
            "buyer_message": "", "is_cod": order.payment_method == "COD",
            "payment_method_name": order.payment_method, "shipping_provider": order.carrier,
            # sub_total is after both discounts; the list prices are original_total_product_price.
            "payment": {"currency": "IDR", "total_amount": str(order.total),
                        "sub_total": str(order.subtotal - order.seller_discount - order.platform_discount),
                        "original_total_product_price": str(order.subtotal),
                        "seller_discount": str(order.seller_discount),
                        "platform_discount": str(order.platform_discount),
                        "shipping_fee": str(order.shipping_fee), "original_shipping_fee": str(order.shipping_fee),
                        "tax": "0"},
            "recipient_address": {
                "name": recipient["name"], "phone_number": recipient["phone"],
                "full_address": recipient["full_address"], "postal_code": recipient["zipcode"],
                "region_code": "ID",
                "district_info": [{"address_level_name": "Province", "address_name": recipient["state"]},
                                  {"address_level_name": "City", "address_name": recipient["city"]}],
            },
            "line_items": line_items,
            "packages": [{"id": order.package_id}],
            "tracking_number": order.tracking_number,
            "rts_sla_time": order.create_time + 2 * 86400,
        }

    async def order_search(self, call: Call) -> dict[str, Any]:
        size = _page_size(call.params)
        offset = _offset(call.params.get("page_token"))
        sort_field = call.params.get("sort_field", "create_time")
        if sort_field not in ("create_time", "update_time"):
            raise SandboxError(40006, "sort_field must be create_time or update_time.")
        descending = call.params.get("sort_order", "DESC") == "DESC"
        body = call.body
        bounds = [("create_time", body.get("create_time_ge"), body.get("create_time_lt")),
                  ("update_time", body.get("update_time_ge"), body.get("update_time_lt"))]
        status = body.get("order_status")
        with self.state.lock:
            orders = [
                o for o in call.shop.orders.values()
                if (not status or o.status == status)
                and all((ge is None or getattr(o, name) >= int(ge)) and (lt is None or getattr(o, name) < int(lt))
                        for name, ge, lt in bounds)
            ]
            orders.sort(key=lambda o: (getattr(o, sort_field), o.order_id), reverse=descending)
            page = orders[offset : offset + size]
            more = offset + size < len(orders)
            return {"total_count": len(orders), "next_page_token": _page_token(offset + size) if more else "",
                    "orders": [self._order(call.shop, o) for o in page]}

    async def order_detail(self, call: Call) -> dict[str, Any]:
        ids = [i for i in (call.params.get("ids") or "").split(",") if i]
        if not ids or len(ids) > MAX_BATCH:
            raise SandboxError(40006, f"ids must hold 1 to {MAX_BATCH} order ids.")
        with self.state.lock:
            return {"orders": [self._order(call.shop, call.shop.orders[i]) for i in ids if i in call.shop.orders]}

    # -- finance ----------------------------------------------------------------------------
    # Amounts are decimal strings; what the platform takes is negative (TikTok's sign convention).

    async def statements(self, call: Call) -> dict[str, Any]:
        """Daily statements (one per local day with completed orders) in [statement_time_ge, _lt)."""
        ge, lt = call.params.get("statement_time_ge"), call.params.get("statement_time_lt")
        size = _page_size(call.params)
        offset = _offset(call.params.get("page_token"))
        with self.state.lock:
            days: dict[int, list[Order]] = {}
            for order in call.shop.orders.values():
                day = finance.statement_day(order)
                if day is not None and (ge is None or day >= int(ge)) and (lt is None or day < int(lt)):
                    days.setdefault(day, []).append(order)
            listed = []
            for day in sorted(days):
                parts = [finance.breakdown(o) for o in days[day]]
                listed.append({
                    "id": f"{day}", "statement_time": day, "currency": call.shop.currency,
                    "payment_status": "PAID", "payment_id": f"P{day}",
                    "settlement_amount": str(sum(p.settlement for p in parts)),
                    "revenue_amount": str(sum(p.items + p.platform_voucher for p in parts)),
                    "fee_amount": str(-sum(p.fees + p.tax for p in parts)),
                    "shipping_cost_amount": str(sum(p.buyer_paid_shipping - p.actual_shipping + p.shipping_rebate
                                                    for p in parts)),
                    "adjustment_amount": "0",
                })
            page = listed[offset : offset + size]
            more = offset + size < len(listed)
            return {"statements": page, "next_page_token": _page_token(offset + size) if more else "",
                    "total_count": len(listed)}

    async def statement_transactions(self, call: Call) -> dict[str, Any]:
        """The orders one statement paid, with their settlement amounts."""
        day = call.match["statement_id"]
        with self.state.lock:
            orders = sorted((o for o in call.shop.orders.values() if str(finance.statement_day(o)) == day),
                            key=lambda o: o.order_id)
            return {"statement_id": day, "statement_transactions": [
                {"id": f"T{o.order_id}", "type": "ORDER", "order_id": o.order_id,
                 "settlement_amount": str(finance.breakdown(o).settlement), "currency": call.shop.currency}
                for o in orders], "next_page_token": ""}

    async def order_statement_transactions(self, call: Call) -> dict[str, Any]:
        """One order's settlement (202501): estimated until a statement has paid it."""
        with self.state.lock:
            order = call.shop.orders.get(call.match["order_id"])
            if order is None:
                raise SandboxError(40006, "Order not found.")
            fees = finance.breakdown(order)
            day = finance.statement_day(order)
            currency = call.shop.currency
            shipping = fees.buyer_paid_shipping - fees.actual_shipping + fees.shipping_rebate
            fee_tax = fees.fees + fees.tax
            return {"order_id": order.order_id, "statement_transactions": [{
                "id": f"T{order.order_id}", "statement_id": str(day) if day is not None else "",
                "status": "SETTLED" if day is not None else "PENDING", "currency": currency,
                "order_create_time": order.create_time,
                "settlement_amount": str(fees.settlement),
                "revenue_amount": str(fees.items + fees.platform_voucher),
                "fee_tax_amount": str(-fee_tax),
                "shipping_cost_amount": str(shipping),
                "revenue_breakdown": {
                    "subtotal_before_discount_amount": str(order.subtotal),
                    "seller_discount_amount": str(-order.seller_discount),
                    "platform_discount_amount": str(fees.platform_voucher),
                    "refund_subtotal_before_discount_amount": "0",
                },
                "fee_tax_breakdown": {
                    "fee": {
                        "platform_commission_amount": str(-fees.commission),
                        "sfp_service_fee_amount": str(-fees.service_fee),
                        "transaction_fee_amount": str(-fees.transaction_fee),
                        "campaign_resource_fee_amount": str(-fees.campaign_fee),
                        "affiliate_commission_amount": str(-fees.affiliate_commission),
                        "referral_fee_amount": "0",
                    },
                    "tax": {"vat_amount": "0", "import_vat_amount": "0", "pph_amount": str(-fees.tax)},
                },
                "shipping_cost_breakdown": {
                    "customer_paid_shipping_fee_amount": str(fees.buyer_paid_shipping),
                    "actual_shipping_fee_amount": str(-fees.actual_shipping),
                    "shipping_fee_subsidy_amount": str(fees.shipping_rebate),
                },
            }]}

    # -- cancellation -----------------------------------------------------------------------

    async def cancel_order(self, call: Call) -> dict[str, Any]:
        """The seller cancels a whole order (no order_line_item_ids) or some of its line items,
        with one of the seller cancel reasons, before it is handed to the courier."""
        reason = call.body.get("cancel_reason")
        if reason not in TIKTOK_CANCEL_REASONS:
            raise SandboxError(40006, "cancel_reason is not a seller cancel reason.")
        with self.state.lock:
            order = call.shop.orders.get(str(call.body.get("order_id") or ""))
            if order is None:
                raise SandboxError(21001001, "Order not found.")
            if order.status not in ("UNPAID", "ON_HOLD", "AWAITING_SHIPMENT"):
                raise SandboxError(21011001, f"Order in status {order.status} cannot be cancelled by the seller.")
            wanted = [str(i) for i in call.body.get("order_line_item_ids") or []]
            known = {f"{line.line_id}{unit:02d}" for line in order.lines for unit in range(line.quantity)}
            if any(i not in known for i in wanted):
                raise SandboxError(40006, "order_line_item_ids names a line item not in the order.")
            if wanted and set(wanted) != known:
                raise SandboxError(40006, "The sandbox cancels whole orders only: leave out order_line_item_ids.")
            self.state.restock(call.shop, order)
            cancel_id = "4" + self.state.seed.digits(17)
        self.state.set_order_status("tiktok", call.shop.shop_id, order.order_id, "CANCELLED")
        return {"cancel_id": cancel_id, "cancel_status": "CANCELLATION_REQUEST_COMPLETE"}

    # -- fulfillment ------------------------------------------------------------------------

    def _package_order(self, call: Call) -> Order:
        package_id = call.match["package_id"]
        order = next((o for o in call.shop.orders.values() if o.package_id == package_id), None)
        if order is None:
            raise SandboxError(21001001, "Package not found.")
        return order

    async def time_slots(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            self._package_order(call)
            day = 86400
            base = (int(self.state.now()) // day + 1) * day
            return {"can_pickup": True, "can_drop_off": True,
                    "pickup_slots": [{"start_time": base + i * day + 9 * 3600, "end_time": base + i * day + 17 * 3600,
                                      "avaliable": True} for i in range(3)],
                    "drop_off_point_url": "https://seller-id.tiktok.com/dropoff-points"}

    async def ship_package(self, call: Call) -> dict[str, Any]:
        method = call.body.get("handover_method")
        if method not in ("PICKUP", "DROP_OFF"):
            raise SandboxError(40006, "handover_method must be PICKUP or DROP_OFF.")
        with self.state.lock:
            order = self._package_order(call)
            if order.status != "AWAITING_SHIPMENT":
                raise SandboxError(21011001, f"Package cannot be shipped in status {order.status}.")
            if method == "PICKUP" and not (call.body.get("pickup_slot") or {}).get("start_time"):
                raise SandboxError(40006, "pickup_slot is required for PICKUP.")
            order.shipped_via = method
            order.tracking_number = "JX" + self.state.seed.digits(10)
        self.state.set_order_status("tiktok", call.shop.shop_id, order.order_id, "AWAITING_COLLECTION")
        return {}

    async def package_detail(self, call: Call) -> dict[str, Any]:
        with self.state.lock:
            order = self._package_order(call)
            return {"id": order.package_id, "order_id": order.order_id, "tracking_number": order.tracking_number,
                    "shipping_provider_name": order.carrier, "status": order.status}


    # Choices where the reference is silent: a package not shipped yet (AWAITING_SHIPMENT, or a
    # cancelled order) is refused with code 21011008; document_type must be SHIPPING_LABEL,
    # PACKING_SLIP or SHIPPING_LABEL_AND_PACKING_SLIP (40006 otherwise); doc_url is a plain URL
    # (no signature) of the PDF, one page per package.
    async def shipping_documents(self, call: Call) -> dict[str, Any]:
        kind = call.params.get("document_type", "")
        if kind not in ("SHIPPING_LABEL", "PACKING_SLIP", "SHIPPING_LABEL_AND_PACKING_SLIP"):
            raise SandboxError(40006, "document_type must be SHIPPING_LABEL, PACKING_SLIP or "
                                      "SHIPPING_LABEL_AND_PACKING_SLIP.")
        with self.state.lock:
            order = self._package_order(call)
            if order.status not in SHIPPED_PACKAGE_STATUSES or not order.tracking_number:
                raise SandboxError(21011008, f"The package has not been shipped yet (order status {order.status}): "
                                             f"arrange shipment before printing its label.")
            token = secrets.token_urlsafe(16)
            self.state.document_links[token] = (call.shop.shop_id, order.package_id)
            return {"doc_url": f"{call.base_url}/tiktok-files/{token}.pdf", "tracking_number": order.tracking_number}

    def document_file(self, token: str) -> Response:
        with self.state.lock:
            found = self.state.document_links.get(token)
            shop = self.state.shops.get(("tiktok", found[0])) if found else None
            order = next((o for o in shop.orders.values() if o.package_id == found[1]), None) if shop and found else None
        if order is None:
            return Response(content=b"<Error><Code>NoSuchKey</Code></Error>", status_code=404,
                            media_type="application/xml")
        return Response(content=label_pdf("tiktok", [order]), media_type="application/pdf", status_code=200)


SHIPPED_PACKAGE_STATUSES = {"AWAITING_COLLECTION", "IN_TRANSIT", "DELIVERED", "COMPLETED"}


class TikTokAuth:
    """The token host (no sign; app_secret in the query) and the seller consent page."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def token(self, params: dict[str, str], grant_type: str) -> Response:
        app_key, secret = params.get("app_key", ""), params.get("app_secret", "")
        with self.state.lock:
            app = self.state.tiktok_apps.get(app_key)
        if app is None or app["secret"] != secret:
            return _error(36009004, "Invalid credentials: app_key or app_secret.", 401)
        if params.get("grant_type") != grant_type:
            return _error(36009004, f"grant_type must be {grant_type}.", 400)
        if grant_type == "authorized_code":
            table, value = self.state.codes, params.get("auth_code", "")
        else:
            table, value = self.state.refresh_tokens, params.get("refresh_token", "")
        try:
            grant = self.state.redeem(table, value, "tiktok", app_key)
        except KeyError as exc:
            return _error(36004004, f"Invalid {'auth_code' if table is self.state.codes else 'refresh_token'} "
                                    f"({exc.args[0]}).", 400)
        shop = self.state.shop("tiktok", grant.shop_id)
        access, access_exp, refresh, refresh_exp = self.state.issue_tokens("tiktok", shop.shop_id, app_key)
        return _ok({"access_token": access, "access_token_expire_in": int(access_exp), "refresh_token": refresh,
                    "refresh_token_expire_in": int(refresh_exp), "open_id": shop.open_id,
                    "seller_name": shop.name, "seller_base_region": "ID", "user_type": 0,
                    "granted_scopes": SCOPES})

    def consent_page(self, params: dict[str, str]) -> Response:
        service_id = params.get("service_id", "")
        with self.state.lock:
            found = next(((k, a) for k, a in self.state.tiktok_apps.items() if a["service_id"] == service_id), None)
        if found is None:
            return Response(content="Unknown service_id", status_code=400, media_type="text/plain")
        app_key, app = found
        redirect = app["redirect_url"] or params.get("redirect_uri", "")
        if not redirect:
            return Response(content="The app has no redirect URL", status_code=400, media_type="text/plain")
        shops = self.state.shops_of_app("tiktok", app_key) or [
            self.state.create_shop("tiktok", app_id=app_key, products=30)
        ]
        items = []
        for shop in shops:
            code = self.state.issue_code("tiktok", shop.shop_id)
            parts = urlsplit(redirect)
            query = parse_qsl(parts.query) + [("code", code), ("state", params.get("state", ""))]
            target = urlunsplit(parts._replace(query=urlencode(query)))
            items.append(f'<li><p>Authorize StoreSync for <strong>{html.escape(shop.name)}</strong></p>'
                         f'<a class="button" data-shop-id="{shop.shop_id}" href="{html.escape(target)}">'
                         f"Authorize</a></li>")
        return html_page("TikTok Shop Partner Center (sandbox)", "Authorize StoreSync", "".join(items))


def tiktok_routers(state: SandboxState) -> list[Router]:
    api = TikTokApi(state)
    auth = TikTokAuth(state)

    @route("/{rest:path}", http_method=[HttpMethod.GET, HttpMethod.POST], status_code=200, name="sandbox:tiktok")
    async def tiktok_endpoint(request: Request, rest: FromPath[str]) -> Response:
        # A mount may hand over the path with a trailing slash added; the platform path has none.
        return await api.handle(request, "/" + rest.strip("/"))

    @get("/api/v2/token/get", name="sandbox:tiktok-token-get")
    async def token_get(request: Request) -> Response:
        return auth.token(dict(request.query_params.items()), "authorized_code")

    @get("/api/v2/token/refresh", name="sandbox:tiktok-token-refresh")
    async def token_refresh(request: Request) -> Response:
        return auth.token(dict(request.query_params.items()), "refresh_token")

    @get("/{name:str}", name="sandbox:tiktok-file")
    async def document_file(name: str) -> Response:
        return api.document_file(name.removesuffix(".pdf"))

    @get("/open/authorize", name="sandbox:tiktok-authorize")
    async def authorize(request: Request) -> Response:
        return auth.consent_page(dict(request.query_params.items()))

    return [
        Router(path="/tiktok", route_handlers=[tiktok_endpoint]),
        Router(path="/tiktok-auth", route_handlers=[token_get, token_refresh]),
        Router(path="/tiktok-services", route_handlers=[authorize]),
        Router(path="/tiktok-files", route_handlers=[document_file]),
    ]
