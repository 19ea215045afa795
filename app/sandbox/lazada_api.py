"""Emulated Lazada Open Platform (REST): the API under /lazada/rest, the auth host under
/lazada-auth/rest and the seller consent page /lazada-auth/oauth/authorize.

Every answer is Lazada's envelope: ``code`` ("0" on success), and on failure ``type`` (ISV / ISP /
SYSTEM), ``message`` and ``request_id``. Choices where the documentation is silent:
- HTTP status 200 for every refusal, as Lazada's gateway answers; 500 only for injected server errors.
- A wrong signature is ``IncompleteSignature`` (the documented code); an unknown or expired access
  token ``IllegalAccessToken``; a spent or unknown code / refresh token ``IllegalRefreshToken`` /
  ``InvalidCode``; a rate limit ``ApiCallLimit``.
- UpdatePriceQuantity takes the documented XML ``payload``; a SKU it cannot update is listed in
  ``detail`` with code "0" kept for the others (a partial success).
- Listing creation and UpdateProduct (category tree, attributes, images, create, update) are in
  app/sandbox/lazada_publish.py; GetProducts also takes ``sku_seller_list`` (a JSON array of seller
  SKUs, at most 100) to find the products holding them.
- Faults may name an API path; ``lose_answer`` carries the call out, then answers ServiceTimeout.
- Order items move pending -> packed (SetStatusToPackedByMarketplace, which assigns the tracking
  number) -> ready_to_ship (SetStatusToReadyToShip); the label is served for packed items on.
"""

from __future__ import annotations

import asyncio
import base64
import html
import json
import xml.etree.ElementTree as ET  # noqa: S405 - the sandbox parses its own test clients' payloads
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar import Request, Response, Router, get, route
from litestar.enums import HttpMethod
from litestar.params import FromPath

from app.integrations.lazada import signing
from app.sandbox import finance
from app.sandbox.documents import label_pdf
from app.sandbox.lazada_publish import Refused, publishing_routes, refusal
from app.sandbox.responses import apply_fault, html_page, json_response, request_id
from app.sandbox.state import Order, Product, SandboxError, SandboxState, Shop

# Documented: the timestamp may differ from UTC by at most 7200 seconds.
TIMESTAMP_WINDOW_MS = 7200 * 1000
MAX_PRODUCTS_PAGE = 50
MAX_ORDERS_PAGE = 100
MAX_BATCH = 50
WIB = timezone(timedelta(hours=7))
PACKED = {"packed", "ready_to_ship", "shipped", "delivered", "confirmed"}


@dataclass
class Call:
    path: str
    params: dict[str, str]
    app_key: str
    shop: Shop
    files: dict[str, bytes] = field(default_factory=dict)


def _ok(data: Any = None, **extra: Any) -> Response:
    payload: dict[str, Any] = {"code": "0", "request_id": request_id()}
    if data is not None:
        payload["data"] = data
    payload.update(extra)
    return json_response(payload)


def _error(code: str, message: str, status: int = 200, kind: str = "ISV") -> Response:
    return json_response({"code": code, "type": kind, "message": message, "request_id": request_id()}, status)


def _iso(epoch: int | float) -> str:
    """Lazada's own spelling of a time in its answers: "2026-12-05 20:00:00 +0700"."""
    return datetime.fromtimestamp(epoch, UTC).astimezone(WIB).strftime("%Y-%m-%d %H:%M:%S %z")


def _parse_time(raw: str, name: str) -> float:
    try:
        return datetime.fromisoformat(raw).timestamp()
    except ValueError:
        raise SandboxError("InvalidParameter", f"{name} must be an ISO 8601 date time.") from None


def _int(params: dict[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except ValueError:
        raise SandboxError("InvalidParameter", f"{name} must be an integer.") from None


def _id_list(raw: str | None, name: str) -> list[str]:
    try:
        values = json.loads(raw or "")
    except ValueError:
        raise SandboxError("InvalidParameter", f"{name} must be a JSON array.") from None
    if not isinstance(values, list) or not values:
        raise SandboxError("MissingParameter", f"{name} is required.")
    return [str(v) for v in values]


# GetFailureReasons, type "canceled": the seller's reasons (the ids Lazada Indonesia lists; the adapter maps
# StoreSync's reasons onto them).
SELLER_CANCEL_REASONS = {"15": "Out of stock", "21": "Wrong price or pricing error", "10": "Customer requested"}


MAX_TRANSACTIONS_PAGE = 500


class LazadaApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes: dict[tuple[str, str], Callable[[Call], Awaitable[Response]]] = {
            ("GET", "/seller/get"): self.seller,
            ("GET", "/products/get"): self.products,
            ("POST", "/product/price_quantity/update"): self.price_quantity,
            ("GET", "/orders/get"): self.orders,
            ("GET", "/order/get"): self.order,
            ("GET", "/order/items/get"): self.order_items,
            ("GET", "/orders/items/get"): self.multiple_order_items,
            ("POST", "/order/pack"): self.pack,
            ("POST", "/order/rts"): self.ready_to_ship,
            ("GET", "/order/document/get"): self.document,
            ("GET", "/order/failure_reason/get"): self.failure_reasons,
            ("GET", "/order/cancel"): self.cancel,
            ("GET", "/finance/transaction/details/get"): self.transactions,
        }
        self.routes.update(publishing_routes(state))
        self.cancelled_items: dict[str, set[int]] = {}  # order id -> its order items the seller cancelled

    async def params_of(self, request: Request) -> dict[str, str]:
        params, _files = await self.params_and_files(request)
        return params

    async def params_and_files(self, request: Request) -> tuple[dict[str, str], dict[str, bytes]]:
        """Query + form parameters, and the files of a multipart body (UploadImage's ``image``)."""
        params = dict(request.query_params.items())
        files: dict[str, bytes] = {}
        if request.method == "POST" and request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, str):
                    params[key] = value
                else:
                    files[key] = await value.read()
        elif request.method == "POST":
            params.update(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        return params, files

    async def handle(self, request: Request, path: str) -> Response:
        params, files = await self.params_and_files(request)
        shop_id: str | None = None
        outcome = "ok"
        try:
            grant = self.state.access_grant(params.get("access_token", "")) if params.get("access_token") else None
            shop_id = grant.shop_id if grant and grant.platform == "lazada" else None
            faulted = await apply_fault(
                self.state, "lazada", shop_id, rate_limited=self._rate_limited,
                server_error=lambda: _error("ServiceTimeout", "The service is temporarily unavailable.", 500, "ISP"),
                path=path,
            )
            if faulted is not None:
                outcome = "fault"
                return faulted
            endpoint = self.routes.get((request.method, path))
            if endpoint is None:
                raise SandboxError("InvalidApiPath", f"The specified API path {path} is invalid.")
            app_key = self.authenticate(path, params)
            if grant is None or grant.platform != "lazada" or grant.app_id != app_key:
                raise SandboxError("IllegalAccessToken", "The specified access token is invalid or expired.")
            if grant.expires_at <= self.state.now():
                raise SandboxError("IllegalAccessToken", "The specified access token is invalid or expired.")
            if self.state.over_rate_limit("lazada", shop_id, path):
                outcome = "ApiCallLimit"
                return self._rate_limited()
            if self.state.config.latency:
                await asyncio.sleep(self.state.config.latency)
            answer = await endpoint(Call(path, params, app_key, self.state.shop("lazada", grant.shop_id), files))
            if self.state.take_fault("lazada", shop_id, path, answered=True) is not None:
                outcome = "answer_lost"  # carried out, then the connection dropped
                return _error("ServiceTimeout", "The service is temporarily unavailable.", 500, "ISP")
            return answer
        except Refused as exc:
            outcome = str(exc.code)
            return refusal(exc)
        except SandboxError as exc:
            outcome = str(exc.code)
            return _error(str(exc.code), exc.message, exc.http_status)
        finally:
            self.state.record_call("lazada", path, shop_id, outcome)

    def _rate_limited(self) -> Response:
        response = _error("ApiCallLimit", "The request has exceeded the API call limit.", 200, "ISP")
        if self.state.config.rate_limit_retry_after is not None:
            response.headers["Retry-After"] = str(self.state.config.rate_limit_retry_after)
        return response

    def authenticate(self, path: str, params: dict[str, str]) -> str:
        """The system parameters and the signature; the app key on success."""
        app_key = params.get("app_key", "")
        if not app_key:
            raise SandboxError("MissingAppKey", "app_key is required.")
        with self.state.lock:
            app = self.state.lazada_apps.get(app_key)
        if app is None:
            raise SandboxError("InvalidAppKey", "The specified app key is invalid.")
        if params.get("sign_method") != "sha256":
            raise SandboxError("InvalidSignMethod", "sign_method must be sha256.")
        try:
            ts = int(params.get("timestamp", ""))
        except ValueError:
            raise SandboxError("InvalidTimestamp", "timestamp must be milliseconds since the epoch.") from None
        if abs(ts - self.state.now() * 1000) > TIMESTAMP_WINDOW_MS:
            raise SandboxError("InvalidTimestamp", "The timestamp differs from the server time by more than 7200 s.")
        if not signing.signature_valid(app["secret"], path=path, params=params, sign=params.get("sign")):
            raise SandboxError("IncompleteSignature", "The request signature does not conform to lazada standards")
        return app_key

    # -- seller and products ---------------------------------------------------------------

    async def seller(self, call: Call) -> Response:
        shop = call.shop
        return _ok({"name": shop.name, "seller_id": int(shop.shop_id), "short_code": "ID" + shop.shop_id[-6:],
                    "location": "Jakarta", "status": "ACTIVE", "cb": False})

    @staticmethod
    def _product(product: Product) -> dict[str, Any]:
        return {
            "item_id": int(product.product_id), "status": product.status,
            "created_time": str(product.create_time * 1000), "updated_time": str(product.update_time * 1000),
            "attributes": {"name": product.title},
            "skus": [
                {"SkuId": int(s.sku_id), "SellerSku": s.seller_sku, "ShopSku": f"{product.product_id}_ID-{s.sku_id}",
                 "price": float(s.price), "special_price": 0.0, "quantity": s.stock, "Available": s.stock,
                 "Status": "inactive" if product.status == "InActive" else "active",
                 "saleProp": {name: value for (name, _), value in zip(product.tiers, s.label, strict=False)}}
                for s in product.skus
            ],
        }

    async def products(self, call: Call) -> Response:
        offset, limit = _int(call.params, "offset", 0), _int(call.params, "limit", 10)
        if not 1 <= limit <= MAX_PRODUCTS_PAGE or offset < 0:
            raise SandboxError("InvalidParameter", f"limit must be between 1 and {MAX_PRODUCTS_PAGE}.")
        wanted = set(_id_list(call.params["sku_seller_list"], "sku_seller_list")) \
            if call.params.get("sku_seller_list") else None
        if wanted is not None and len(wanted) > 100:
            raise SandboxError("InvalidParameter", "sku_seller_list takes at most 100 seller SKUs.")
        with self.state.lock:
            products = [p for p in call.shop.products.values()
                        if wanted is None or any(s.seller_sku in wanted for s in p.skus)]
            return _ok({"total_products": len(products),
                        "products": [self._product(p) for p in products[offset : offset + limit]]})

    async def price_quantity(self, call: Call) -> Response:
        try:
            root = ET.fromstring(call.params.get("payload", ""))  # noqa: S314
        except ET.ParseError:
            raise SandboxError("InvalidParameter", "payload is not valid XML.") from None
        entries = root.findall("./Product/Skus/Sku")
        if not entries:
            raise SandboxError("MissingParameter", "payload has no Sku.")
        if len(entries) > MAX_BATCH:
            raise SandboxError("InvalidParameter", f"At most {MAX_BATCH} SKUs per call.")
        detail = []
        with self.state.lock:
            for entry in entries:
                item_id, sku_id = entry.findtext("ItemId", ""), entry.findtext("SkuId", "")
                seller_sku = entry.findtext("SellerSku", "")
                sku = call.shop.sku(item_id, sku_id)
                problem = "SKU not found." if sku is None else None
                quantity, price = entry.findtext("Quantity"), entry.findtext("Price")
                if sku is not None and quantity is not None:
                    if not quantity.isdigit() or int(quantity) > 999_999:
                        problem = "Quantity must be a whole number between 0 and 999999."
                if sku is not None and price is not None and problem is None:
                    if not price.isdigit() or int(price) <= 0:
                        problem = "Price must be a positive whole number of rupiah."
                if problem or sku is None:
                    detail.append({"field": "SkuId", "message": problem, "seller_sku": seller_sku,
                                   "item_id": item_id, "sku_id": sku_id, "code": "InvalidSku"})
                    continue
                if quantity is not None:
                    sku.stock = int(quantity)
                if price is not None:
                    sku.price = int(price)
                call.shop.products[item_id].update_time = int(self.state.now())
        return _ok(detail=detail) if detail else _ok()

    # -- orders ------------------------------------------------------------------------------

    @staticmethod
    def _order(order: Order) -> dict[str, Any]:
        r = order.recipient
        first, _, last = r["name"].partition(" ")
        return {
            "order_id": int(order.order_id), "order_number": int(order.order_id),
            "created_at": _iso(order.create_time), "updated_at": _iso(order.update_time),
            "statuses": [order.status], "items_count": sum(line.quantity for line in order.lines),
            "price": f"{order.subtotal - order.seller_discount:.2f}",
            "shipping_fee": f"{order.shipping_fee:.2f}", "voucher": f"{order.platform_discount:.2f}",
            "voucher_platform": f"{order.platform_discount:.2f}", "voucher_seller": "0.00",
            "payment_method": order.payment_method, "customer_first_name": order.buyer_username,
            "address_shipping": {"first_name": first, "last_name": last, "phone": r["phone"],
                                 "address1": r["full_address"], "city": r["city"], "address3": r["state"],
                                 "post_code": r["zipcode"], "country": "Indonesia"},
            "remarks": "",
        }

    def _items(self, order: Order) -> list[dict[str, Any]]:
        # One order item per unit, as Lazada lists them; an item the seller cancelled says so.
        cancelled = self.cancelled_items.get(order.order_id, set())
        items = []
        for line in order.lines:
            for unit in range(line.quantity):
                items.append({
                    "order_item_id": int(f"{line.line_id[-9:]}{unit:02d}"), "order_id": int(order.order_id),
                    "sku": line.seller_sku, "sku_id": line.sku_id, "product_id": line.product_id,
                    "name": line.name, "item_price": f"{line.list_price:.2f}", "paid_price": f"{line.unit_price:.2f}",
                    "voucher_seller": f"{line.list_price - line.unit_price:.2f}", "currency": "IDR",
                    "status": "canceled" if int(f"{line.line_id[-9:]}{unit:02d}") in cancelled else order.status,
                    "tracking_code": order.tracking_number,
                    "package_id": order.package_id if order.tracking_number else "",
                    "shipment_provider": order.carrier, "shipping_type": "Dropshipping",
                })
        return items

    def _find(self, call: Call, order_id: str | None) -> Order:
        if not order_id:
            raise SandboxError("MissingParameter", "order_id is required.")
        order = call.shop.orders.get(order_id)
        if order is None:
            raise SandboxError("E0101", "Order not found.")
        return order

    async def orders(self, call: Call) -> Response:
        p = call.params
        if not (p.get("created_after") or p.get("update_after")):
            raise SandboxError("MissingParameter", "Either created_after or update_after is required.")
        offset, limit = _int(p, "offset", 0), _int(p, "limit", 10)
        if not 1 <= limit <= MAX_ORDERS_PAGE or offset < 0:
            raise SandboxError("InvalidParameter", f"limit must be between 1 and {MAX_ORDERS_PAGE}.")
        bounds = [("create_time", p.get("created_after"), p.get("created_before")),
                  ("update_time", p.get("update_after"), p.get("update_before"))]
        limits = [(name, _parse_time(lo, name) if lo else None, _parse_time(hi, name) if hi else None)
                  for name, lo, hi in bounds]
        status = p.get("status")
        field = "update_time" if p.get("sort_by") == "updated_at" else "create_time"
        with self.state.lock:
            found = [o for o in call.shop.orders.values()
                     if (not status or o.status == status)
                     and all((lo is None or getattr(o, n) >= lo) and (hi is None or getattr(o, n) < hi)
                             for n, lo, hi in limits)]
            found.sort(key=lambda o: (getattr(o, field), o.order_id), reverse=p.get("sort_direction") == "DESC")
            page = found[offset : offset + limit]
            return _ok({"count": len(page), "countTotal": len(found), "orders": [self._order(o) for o in page]})

    async def order(self, call: Call) -> Response:
        with self.state.lock:
            return _ok(self._order(self._find(call, call.params.get("order_id"))))

    async def order_items(self, call: Call) -> Response:
        with self.state.lock:
            return _ok(self._items(self._find(call, call.params.get("order_id"))))

    async def multiple_order_items(self, call: Call) -> Response:
        ids = _id_list(call.params.get("order_ids"), "order_ids")
        if len(ids) > MAX_BATCH:
            raise SandboxError("InvalidParameter", f"At most {MAX_BATCH} order ids.")
        with self.state.lock:
            return _ok([{"order_id": int(i), "order_number": int(i), "order_items": self._items(call.shop.orders[i])}
                        for i in ids if i in call.shop.orders])

    def _order_of_items(self, call: Call, ids: set[str] | None = None) -> Order:
        """The order holding every one of `ids` (by default the call's order_item_ids)."""
        if ids is None:
            ids = set(_id_list(call.params.get("order_item_ids"), "order_item_ids"))
        for order in call.shop.orders.values():
            mine = {str(i["order_item_id"]) for i in self._items(order)}
            if ids <= mine:
                return order
        raise SandboxError("E0063", "Order items not found in one order.")

    async def pack(self, call: Call) -> Response:
        """SetStatusToPackedByMarketplace: pending -> packed, with a tracking number."""
        if call.params.get("delivery_type", "dropship") not in ("dropship", "pickup", "send_to_warehouse"):
            raise SandboxError("InvalidParameter", "delivery_type must be dropship, pickup or send_to_warehouse.")
        with self.state.lock:
            order = self._order_of_items(call)
            if order.status != "pending":
                raise SandboxError("E0073", f"Order items cannot be packed in status {order.status}.")
            order.status = "packed"
            order.shipped_via = call.params.get("delivery_type", "dropship")
            order.tracking_number = "LXAD-" + self.state.seed.digits(10)
            order.update_time = max(int(self.state.now()), order.update_time + 1)
            shop = call.shop
            items = [{"order_item_id": i["order_item_id"], "package_id": order.package_id,
                      "tracking_number": order.tracking_number, "shipment_provider": order.carrier}
                     for i in self._items(order)]
        self.state.push_order_status(shop, order)
        return _ok({"order_items": items})

    async def ready_to_ship(self, call: Call) -> Response:
        """SetStatusToReadyToShip: packed -> ready_to_ship; the tracking number must match."""
        with self.state.lock:
            order = self._order_of_items(call)
            if order.status != "packed":
                raise SandboxError("E0073", f"Order items must be packed first (status {order.status}).")
            if call.params.get("tracking_number") != order.tracking_number:
                raise SandboxError("InvalidParameter", "tracking_number does not match the packed items.")
            order.status = "ready_to_ship"
            order.update_time = max(int(self.state.now()), order.update_time + 1)
            shop = call.shop
            items = [{"order_item_id": i["order_item_id"], "purchase_order_id": order.package_id}
                     for i in self._items(order)]
        self.state.push_order_status(shop, order)
        return _ok({"order_items": items})

    async def failure_reasons(self, call: Call) -> Response:
        """GetFailureReasons: the reasons a seller may give (type "canceled" for SetStatusToCanceled)."""
        return _ok([{"reason_id": int(rid), "name": name, "type": "canceled"}
                    for rid, name in SELLER_CANCEL_REASONS.items()])

    async def cancel(self, call: Call) -> Response:
        """SetStatusToCanceled: one order item, before it is packed, with a seller reason."""
        p = call.params
        item_id = p.get("order_item_id") or ""
        if not item_id.isdigit():
            raise SandboxError("MissingParameter", "order_item_id is required.")
        if p.get("reason_id") not in SELLER_CANCEL_REASONS:
            raise SandboxError("InvalidParameter", "reason_id is not a seller cancellation reason.")
        with self.state.lock:
            order = self._order_of_items(call, {item_id})
            if order.status not in ("unpaid", "pending"):
                raise SandboxError("E0073", f"Order item cannot be canceled in status {order.status}.")
            cancelled = self.cancelled_items.setdefault(order.order_id, set())
            cancelled.add(int(item_id))
            everything = all(i["order_item_id"] in cancelled for i in self._items(order))
            if everything:
                order.status = "canceled"
                order.update_time = max(int(self.state.now()), order.update_time + 1)
            shop = call.shop
        if everything:
            self.state.push_order_status(shop, order)
        return _ok()

    # -- finance ----------------------------------------------------------------------------
    # QueryTransactionDetails: the transactions Lazada posted to the seller's account, per order
    # item fee, once the order is confirmed (delivered and past its return window); nothing for
    # an open order. Amounts are decimal strings, what Lazada takes negative.

    @staticmethod
    def _transactions_of(order: Order) -> list[dict[str, Any]]:
        day = finance.statement_day(order)
        if day is None:
            return []
        fees = finance.breakdown(order)
        posted = datetime.fromtimestamp(day, UTC).astimezone(WIB).date()
        rows = [("Orders-Sales", "Item Price Credit", fees.items),
                ("Orders-Marketing Fees", "Lazada Bonus", fees.platform_voucher),
                ("Orders-Lazada Fees", "Commission", -fees.commission),
                ("Orders-Lazada Fees", "Payment Fee", -fees.transaction_fee),
                ("Orders-Lazada Fees", "Service Fee", -fees.service_fee),
                ("Orders-Marketing Fees", "Campaign Fee", -fees.campaign_fee),
                ("Orders-Marketing Fees", "Affiliate Commission", -fees.affiliate_commission),
                ("Orders-Logistics", "Shipping Fee (Paid By Customer)", fees.buyer_paid_shipping),
                ("Orders-Logistics", "Shipping Fee Paid by Seller", -fees.actual_shipping),
                ("Orders-Logistics", "Shipping Fee Voucher (by Lazada)", fees.shipping_rebate),
                ("Orders-Taxes", "Withholding Tax", -fees.tax)]
        return [{"transaction_date": posted.isoformat(), "transaction_type": kind, "fee_name": name,
                 "amount": f"{amount:.2f}", "VAT_in_amount": "0.00", "WHT_amount": "0.00",
                 "paid_status": "paid", "order_no": order.order_id, "orderItem_no": "",
                 "statement": f"{posted.isoformat()} - {posted.isoformat()}",
                 "transaction_number": f"{order.order_id}{n:02d}"}
                for n, (kind, name, amount) in enumerate(rows) if amount]

    async def transactions(self, call: Call) -> Response:
        p = call.params
        try:
            start, end = (date.fromisoformat(p.get(name) or "") for name in ("start_time", "end_time"))
        except ValueError:
            raise SandboxError("MissingParameter", "start_time and end_time (YYYY-MM-DD) are required.") from None
        offset, limit = _int(p, "offset", 0), _int(p, "limit", 100)
        if not 1 <= limit <= MAX_TRANSACTIONS_PAGE or offset < 0:
            raise SandboxError("InvalidParameter", f"limit must be between 1 and {MAX_TRANSACTIONS_PAGE}.")
        wanted = p.get("trade_order_id")
        with self.state.lock:
            found = [row for order in sorted(call.shop.orders.values(), key=lambda o: o.order_id)
                     if not wanted or order.order_id == wanted
                     for row in self._transactions_of(order)
                     if start <= date.fromisoformat(row["transaction_date"]) <= end]
        return _ok(found[offset : offset + limit])

    async def document(self, call: Call) -> Response:
        if call.params.get("doc_type") != "shippingLabel":
            raise SandboxError("InvalidParameter", "doc_type must be shippingLabel.")
        with self.state.lock:
            order = self._order_of_items(call)
            if order.status not in PACKED or not order.tracking_number:
                raise SandboxError("E0074", f"The items are not packed yet (status {order.status}).")
        pdf = label_pdf("lazada", [order])
        return _ok({"document": {"document_type": "shippingLabel", "mime_type": "application/pdf",
                                 "file": base64.b64encode(pdf).decode()}})


class LazadaAuth:
    """/auth/token/create and /auth/token/refresh (signed, no access token) and the consent page."""

    def __init__(self, state: SandboxState, api: LazadaApi) -> None:
        self.state = state
        self.api = api

    async def token(self, request: Request, path: str) -> Response:
        params = await self.api.params_of(request)
        outcome = "ok"
        try:
            app_key = self.api.authenticate(path, params)
            if path == "/auth/token/create":
                table, value, missing = self.state.codes, params.get("code", ""), "InvalidCode"
            else:
                table, value, missing = self.state.refresh_tokens, params.get("refresh_token", ""), \
                    "IllegalRefreshToken"
            try:
                grant = self.state.redeem(table, value, "lazada", app_key)
            except KeyError as exc:
                raise SandboxError(missing, f"The code or refresh token is invalid ({exc.args[0]}).") from None
            shop = self.state.shop("lazada", grant.shop_id)
            access, access_exp, refresh, refresh_exp = self.state.issue_tokens("lazada", shop.shop_id, app_key)
            now = self.state.now()
            return json_response({
                "code": "0", "request_id": request_id(), "access_token": access, "refresh_token": refresh,
                "expires_in": int(access_exp - now), "refresh_expires_in": int(refresh_exp - now),
                "country": "id", "account_platform": "seller_center", "account": f"{shop.shop_id}@sandbox.lazada",
                "country_user_info": [{"country": "id", "user_id": shop.shop_id, "seller_id": shop.shop_id,
                                       "short_code": "ID" + shop.shop_id[-6:]}],
            })
        except SandboxError as exc:
            outcome = str(exc.code)
            return _error(str(exc.code), exc.message, exc.http_status)
        finally:
            self.state.record_call("lazada", path, None, outcome)

    def consent_page(self, params: dict[str, str]) -> Response:
        app_key = params.get("client_id", "")
        with self.state.lock:
            app = self.state.lazada_apps.get(app_key)
        if app is None:
            return Response(content="Unknown client_id", status_code=400, media_type="text/plain")
        redirect = params.get("redirect_uri") or app["redirect_url"]
        if not redirect or params.get("response_type") != "code":
            return Response(content="redirect_uri and response_type=code are required", status_code=400,
                            media_type="text/plain")
        shops = self.state.shops_of_app("lazada", app_key) or [
            self.state.create_shop("lazada", app_id=app_key, products=30)
        ]
        items = []
        for shop in shops:
            code = self.state.issue_code("lazada", shop.shop_id)
            parts = urlsplit(redirect)
            query = parse_qsl(parts.query) + [("code", code), ("state", params.get("state", ""))]
            target = urlunsplit(parts._replace(query=urlencode(query)))
            items.append(f'<li><p>Authorize StoreSync for <strong>{html.escape(shop.name)}</strong></p>'
                         f'<a class="button" data-shop-id="{shop.shop_id}" href="{html.escape(target)}">'
                         f"Authorize</a></li>")
        return html_page("Lazada Open Platform (sandbox)", "Authorize StoreSync", "".join(items))


def lazada_routers(state: SandboxState) -> list[Router]:
    api = LazadaApi(state)
    auth = LazadaAuth(state, api)

    @route("/{rest:path}", http_method=[HttpMethod.GET, HttpMethod.POST], status_code=200, name="sandbox:lazada")
    async def lazada_endpoint(request: Request, rest: FromPath[str]) -> Response:
        return await api.handle(request, "/" + rest.strip("/"))

    @route("/rest/auth/token/{kind:str}", http_method=[HttpMethod.GET, HttpMethod.POST], status_code=200,
           name="sandbox:lazada-token")
    async def token(request: Request, kind: FromPath[str]) -> Response:
        if kind not in ("create", "refresh"):
            return _error("InvalidApiPath", "The specified API path is invalid.")
        return await auth.token(request, f"/auth/token/{kind}")

    @get("/oauth/authorize", name="sandbox:lazada-authorize")
    async def authorize(request: Request) -> Response:
        return auth.consent_page(dict(request.query_params.items()))

    return [
        Router(path="/lazada/rest", route_handlers=[lazada_endpoint]),
        Router(path="/lazada-auth", route_handlers=[token, authorize]),
    ]
