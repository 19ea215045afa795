"""Lazada as a PlatformAdapter: Lazada Open Platform REST JSON <-> domain objects.

Lazada tracks status per order item; an order's status here is the least advanced status of its
items that are not cancelled (all cancelled: cancelled). Arranging shipment is two documented
calls: SetStatusToPackedByMarketplace (``/order/pack``, which assigns the tracking number), then
SetStatusToReadyToShip (``/order/rts``). A retry after a failed second step finds the items packed
and goes straight to it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import httpx
from redis.asyncio import Redis

from app.integrations import errors
from app.integrations.base import (
    Address,
    AuthorizationResult,
    CancelReason,
    CancelRequest,
    DocumentRef,
    DocumentState,
    DocumentStatus,
    EventKind,
    FeeKind,
    Listing,
    ListingVariant,
    Order,
    OrderAmounts,
    OrderLine,
    OrderStatus,
    OrderSummary,
    PickupAddress,
    Platform,
    PriceUpdate,
    Settlement,
    ShippingOptions,
    ShipRequest,
    ShopConnection,
    ShopInfo,
    StockUpdate,
    TokenSet,
    UpdateFailure,
    UpdateResult,
    WebhookEvent,
    balanced_lines,
    to_minor_units,
)
from app.integrations.breaker import BreakerPolicy
from app.integrations.lazada import signing
from app.integrations.lazada.client import LIVE_API_BASE, LIVE_AUTH_BASE, LIVE_AUTHORIZE_URL, LazadaClient
from app.integrations.lazada.publishing import LazadaPublishing
from app.integrations.ratelimit import RateLimitPolicy
from app.integrations.tokens import StaticToken
from app.integrations.transport import RetryPolicy, Transport

PLATFORM = "lazada"
PRODUCTS_PAGE = 50  # documented maximum of GetProducts
ORDERS_PAGE = 100  # documented maximum of GetOrders
ITEMS_BATCH = 50  # GetMultipleOrderItems
PRICE_QUANTITY_BATCH = 50  # SKUs per UpdatePriceQuantity call
MAX_ORDER_WINDOW = timedelta(days=30)
TRANSACTIONS_PAGE = 500  # QueryTransactionDetails' largest page
SETTLEMENT_LOOKBACK = timedelta(days=180)  # how far back an order's transactions are looked for
WIB = timezone(timedelta(hours=7))  # Lazada Indonesia's dates are local
# QueryTransactionDetails' fee names -> StoreSync's kinds (what Lazada takes is negative).
FEE_KINDS = {
    "Item Price Credit": FeeKind.ITEMS,
    "Lazada Bonus": FeeKind.PLATFORM_VOUCHER,
    "Commission": FeeKind.COMMISSION,
    "Payment Fee": FeeKind.TRANSACTION_FEE,
    "Service Fee": FeeKind.SERVICE_FEE,
    "Campaign Fee": FeeKind.CAMPAIGN_FEE,
    "Affiliate Commission": FeeKind.AFFILIATE_COMMISSION,
    "Shipping Fee (Paid By Customer)": FeeKind.SHIPPING_BUYER_PAID,
    "Shipping Fee Paid by Seller": FeeKind.SHIPPING_ACTUAL,
    "Shipping Fee Voucher (by Lazada)": FeeKind.SHIPPING_REBATE,
    "Withholding Tax": FeeKind.TAX,
    "Reversal Item Price": FeeKind.REFUND,
}

STATUS_MAP = {
    "unpaid": OrderStatus.UNPAID,
    "pending": OrderStatus.TO_SHIP,
    # Packed but not yet ready to ship: the shipment is still to be arranged (ship_order resumes).
    "packed": OrderStatus.TO_SHIP,
    "ready_to_ship": OrderStatus.PROCESSED,
    "ready_to_ship_pending": OrderStatus.PROCESSED,
    "shipped": OrderStatus.SHIPPED,
    # Lost or damaged by the courier: the units left the warehouse; the money is the settlement's matter.
    "lost_by_3pl": OrderStatus.SHIPPED,
    "damaged_by_3pl": OrderStatus.SHIPPED,
    "delivered": OrderStatus.DELIVERED,
    "confirmed": OrderStatus.COMPLETED,
    "failed_delivery": OrderStatus.RETURNED,
    "returned": OrderStatus.RETURNED,
    "canceled": OrderStatus.CANCELLED,
}
# How far along each status is, to fold item statuses into one order status.
_PROGRESS = ["unpaid", "pending", "packed", "ready_to_ship_pending", "ready_to_ship", "shipped", "lost_by_3pl",
             "damaged_by_3pl", "failed_delivery", "delivered", "returned", "confirmed"]

# Lazada push message types (the ones StoreSync acts on).
PUSH_KINDS = {0: EventKind.ORDER_STATUS, 3: EventKind.PRODUCT, 4: EventKind.INVENTORY,
              7: EventKind.AUTHORIZATION_EXPIRING, 10: EventKind.DEAUTHORIZED}


def order_status(raw: str) -> OrderStatus:
    try:
        return STATUS_MAP[raw]
    except KeyError:
        raise errors.ValidationError(f"unknown Lazada order status {raw!r}", platform=PLATFORM) from None


def fold_statuses(statuses: Iterable[str]) -> str:
    """One raw status for an order from its items' statuses."""
    values = [s for s in statuses if s]
    if not values:
        raise errors.ValidationError("a Lazada order without a status", platform=PLATFORM)
    live = [s for s in values if s != "canceled"]
    if not live:
        return "canceled"
    return min(live, key=lambda s: _PROGRESS.index(s) if s in _PROGRESS else len(_PROGRESS))


def lazada_time(raw: str | None) -> datetime | None:
    """Lazada's "2026-12-05 20:00:00 +0700" (or ISO 8601) as an aware UTC datetime."""
    if not raw:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S %z",):
        try:
            return datetime.strptime(raw, fmt).astimezone(UTC)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise errors.NetworkError(f"unreadable Lazada time {raw!r}", platform=PLATFORM) from exc
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _ms(raw: str | int | None) -> datetime | None:
    if raw in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)


def chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class LazadaAdapter(LazadaPublishing):
    """Lazada for one app (app key + secret); shop-scoped calls are scoped by the seller's access token.
    Listing creation (PublishingAdapter) is in app.integrations.lazada.publishing."""

    platform = Platform.LAZADA

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        redis: Redis,
        api_base: str = LIVE_API_BASE,
        auth_base: str = LIVE_AUTH_BASE,
        authorize_url: str = LIVE_AUTHORIZE_URL,
        http: httpx.AsyncClient | None = None,
        # Lazada publishes per-API limits per app and seller; 20 requests/s per shop stays under them.
        rate_limit: RateLimitPolicy | None = RateLimitPolicy(requests=20),
        breaker: BreakerPolicy | None = BreakerPolicy(),
        retry: RetryPolicy = RetryPolicy(),
        prefix: str = "storesync",
        timeout: float = 20.0,
    ) -> None:
        self.authorize_base = authorize_url
        self.transport = Transport(platform=PLATFORM, redis=redis, http=http, timeout=timeout,
                                   rate_limit=rate_limit, breaker=breaker, retry=retry, prefix=prefix)
        self.client = LazadaClient(app_key=app_key, app_secret=app_secret, api_base=api_base, auth_base=auth_base,
                                   transport=self.transport)

    async def aclose(self) -> None:
        await self.transport.aclose()

    # -- authorization ----------------------------------------------------------------------

    def authorization_url(self, *, redirect_url: str, state: str) -> str:
        query = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect_url,
                 "client_id": self.client.app_key, "state": state}
        return f"{self.authorize_base}?{urlencode(query)}"

    async def exchange_code(self, result: AuthorizationResult) -> TokenSet:
        data = await self.client.token("/auth/token/create", {"code": result.code}, op="lazada.token_create")
        return self._token_set(data)

    async def refresh_tokens(self, tokens: TokenSet) -> TokenSet:
        data = await self.client.token("/auth/token/refresh", {"refresh_token": tokens.refresh_token},
                                       op="lazada.token_refresh")
        return self._token_set(data, shop_id=tokens.shop_id)

    @staticmethod
    def _token_set(data: Mapping[str, Any], shop_id: str | None = None) -> TokenSet:
        try:
            # Lazada gives lifetimes in seconds from now.
            now = datetime.now(UTC)
            users = data.get("country_user_info") or []
            seller = str(users[0]["seller_id"]) if users and users[0].get("seller_id") else None
            refresh_in = data.get("refresh_expires_in")
            return TokenSet(
                access_token=data["access_token"],
                refresh_token=data["refresh_token"],
                access_expires_at=now + timedelta(seconds=int(data["expires_in"])),
                refresh_expires_at=now + timedelta(seconds=int(refresh_in)) if refresh_in else None,
                shop_id=seller or shop_id,
                seller_name=data.get("account"),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise errors.NetworkError(f"unexpected Lazada token response: {exc}", platform=PLATFORM) from exc

    async def authorized_shops(self, tokens: TokenSet) -> list[ShopInfo]:
        """A Lazada authorization covers one seller (per country): the seller the token belongs to."""
        data = await self.client.call("GET", "/seller/get", op="lazada.seller_get",
                                      tokens=StaticToken(tokens.access_token))
        return [self._shop(data.get("data") or {})]

    async def shop_info(self, conn: ShopConnection) -> ShopInfo:
        data = await self._shop_call(conn, "GET", "/seller/get", "lazada.seller_get")
        shop = self._shop(data.get("data") or {})
        if shop.shop_id != conn.shop_id:
            raise errors.AuthError(f"the token belongs to seller {shop.shop_id}, not {conn.shop_id}",
                                   platform=PLATFORM, reason=errors.AuthReason.REAUTHORIZE)
        return shop

    @staticmethod
    def _shop(seller: Mapping[str, Any]) -> ShopInfo:
        try:
            return ShopInfo(shop_id=str(seller["seller_id"]), name=seller.get("name") or str(seller["seller_id"]),
                            region="ID", status=seller.get("status"))
        except KeyError as exc:
            raise errors.NetworkError(f"unexpected Lazada seller response: {exc}", platform=PLATFORM) from exc

    async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str,
                         params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        return await self.client.call(method, path, op=op, params=params, tokens=conn.tokens, key=conn.limit_key,
                                      **kwargs)

    # -- catalog ----------------------------------------------------------------------------

    async def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]:
        offset = 0
        while True:
            data = await self._shop_call(conn, "GET", "/products/get", "lazada.products_get",
                                         params={"filter": "all", "offset": offset, "limit": PRODUCTS_PAGE})
            products = (data.get("data") or {}).get("products") or []
            for product in products:
                yield self._listing(product)
            total = int((data.get("data") or {}).get("total_products") or 0)
            offset += len(products)
            if not products or offset >= total:
                return

    @staticmethod
    def _listing(product: Mapping[str, Any]) -> Listing:
        variants = []
        for sku in product.get("skus") or []:
            labels = [str(v) for v in (sku.get("saleProp") or {}).values()]
            special = sku.get("special_price") or 0
            variants.append(ListingVariant(
                variant_id=str(sku["SkuId"]),
                seller_sku=sku.get("SellerSku") or None,
                name=", ".join(labels) or None,
                price=to_minor_units(special or sku.get("price") or 0),
                quantity=int(sku.get("quantity") or 0),
            ))
        return Listing(
            listing_id=str(product["item_id"]),
            title=(product.get("attributes") or {}).get("name") or "",
            status=product.get("status") or "",
            seller_sku=None,
            has_variants=len(variants) > 1 or any(v.name for v in variants),
            variants=tuple(variants),
            updated_at=_ms(product.get("updated_time")),
        )

    async def update_stock(self, conn: ShopConnection, updates: Sequence[StockUpdate]) -> UpdateResult:
        """Absolute quantities (0 sells a SKU out), 50 SKUs per UpdatePriceQuantity call."""
        return await self._price_quantity(conn, [(u.listing_id, u.variant_id, "Quantity", u.quantity)
                                                 for u in updates])

    async def update_price(self, conn: ShopConnection, updates: Sequence[PriceUpdate]) -> UpdateResult:
        return await self._price_quantity(conn, [(u.listing_id, u.variant_id, "Price", u.price) for u in updates])

    async def _price_quantity(self, conn: ShopConnection, rows: Sequence[tuple[str, str, str, int]]) -> UpdateResult:
        result = UpdateResult()
        for batch in chunked(list(rows), PRICE_QUANTITY_BATCH):
            request = ET.Element("Request")
            skus = ET.SubElement(ET.SubElement(request, "Product"), "Skus")
            for item_id, sku_id, field, value in batch:
                sku = ET.SubElement(skus, "Sku")
                ET.SubElement(sku, "ItemId").text = item_id
                ET.SubElement(sku, "SkuId").text = sku_id
                ET.SubElement(sku, field).text = str(value)
            data = await self._shop_call(conn, "POST", "/product/price_quantity/update", "lazada.price_quantity",
                                         params={"payload": ET.tostring(request, encoding="unicode")})
            failed = {(str(d.get("item_id", "")), str(d.get("sku_id", ""))):
                      UpdateFailure(listing_id=str(d.get("item_id", "")), variant_id=str(d.get("sku_id", "")),
                                    reason=d.get("message") or str(d.get("code")))
                      for d in data.get("detail") or []}
            result = result.merged(UpdateResult(
                succeeded=tuple((i, s) for i, s, _f, _v in batch if (i, s) not in failed),
                failed=tuple(failed.values())))
        return result

    # -- orders -----------------------------------------------------------------------------

    async def fetch_order_changes(
        self, conn: ShopConnection, since: datetime, until: datetime
    ) -> AsyncIterator[OrderSummary]:
        seen: set[str] = set()
        start = since
        while start < until:
            stop = min(start + MAX_ORDER_WINDOW, until)
            offset = 0
            while True:
                data = await self._shop_call(conn, "GET", "/orders/get", "lazada.orders_get", params={
                    "update_after": start.astimezone(UTC).isoformat(timespec="seconds"),
                    "update_before": stop.astimezone(UTC).isoformat(timespec="seconds"),
                    "sort_by": "updated_at", "sort_direction": "ASC", "offset": offset, "limit": ORDERS_PAGE})
                page = (data.get("data") or {}).get("orders") or []
                for order in page:
                    order_id = str(order["order_id"])
                    if order_id in seen:
                        continue
                    seen.add(order_id)
                    raw = fold_statuses(order.get("statuses") or [])
                    yield OrderSummary(order_id=order_id, status=order_status(raw), raw_status=raw,
                                       updated_at=lazada_time(order.get("updated_at")))
                offset += len(page)
                if len(page) < ORDERS_PAGE:
                    break
            start = stop

    async def get_orders(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Order]:
        """GetOrder per order (Lazada has no batch order detail) and GetMultipleOrderItems per 50."""
        ids = list(dict.fromkeys(order_ids))
        items: dict[str, list[Mapping[str, Any]]] = {}
        for batch in chunked(ids, ITEMS_BATCH):
            data = await self._shop_call(conn, "GET", "/orders/items/get", "lazada.orders_items_get",
                                         params={"order_ids": [int(i) for i in batch]})
            for entry in data.get("data") or []:
                items[str(entry["order_id"])] = entry.get("order_items") or []
        orders = []
        for order_id in ids:
            if order_id not in items:
                continue  # an order Lazada does not know
            data = await self._shop_call(conn, "GET", "/order/get", "lazada.order_get", params={"order_id": order_id})
            orders.append(self._order(data.get("data") or {}, items[order_id]))
        return orders

    @staticmethod
    def _order(raw: Mapping[str, Any], items: Sequence[Mapping[str, Any]]) -> Order:
        # One order item per unit: fold them into one line per SKU and paid price, keeping every id.
        grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
        seller_discount = 0
        subtotal = 0
        for item in items:
            key = (str(item["product_id"]), str(item["sku_id"]), str(item.get("paid_price", "0")))
            line = grouped.setdefault(key, {
                "line_ids": [], "listing_id": key[0], "variant_id": key[1],
                "seller_sku": item.get("sku") or None, "name": item.get("name"),
                "quantity": 0, "unit_price": to_minor_units(item.get("paid_price") or 0),
            })
            line["line_ids"].append(str(item["order_item_id"]))
            line["quantity"] += 1
            subtotal += to_minor_units(item.get("item_price") or 0)
            seller_discount += to_minor_units(item.get("voucher_seller") or 0)
        raw_status = fold_statuses([str(i.get("status") or "") for i in items] or raw.get("statuses") or [])
        address = raw.get("address_shipping") or {}
        name = " ".join(p for p in (address.get("first_name"), address.get("last_name")) if p) or None
        shipping_fee = to_minor_units(raw.get("shipping_fee") or 0)
        platform_discount = to_minor_units(raw.get("voucher_platform") or 0)
        tracking = next((str(i["tracking_code"]) for i in items if i.get("tracking_code")), None)
        packages = tuple(dict.fromkeys(str(i["package_id"]) for i in items if i.get("package_id")))
        created = lazada_time(raw.get("created_at"))
        updated = lazada_time(raw.get("updated_at"))
        if created is None or updated is None:
            raise errors.NetworkError("a Lazada order without created_at / updated_at", platform=PLATFORM)
        payment_method = raw.get("payment_method") or None
        return Order(
            order_id=str(raw["order_id"]),
            status=order_status(raw_status),
            raw_status=raw_status,
            currency="IDR",
            total=subtotal - seller_discount - platform_discount + shipping_fee,
            created_at=created,
            updated_at=updated,
            paid_at=None if raw_status == "unpaid" else created,
            lines=tuple(OrderLine(**{**v, "line_ids": tuple(v["line_ids"])}) for v in grouped.values()),
            buyer_name=raw.get("customer_first_name") or name,
            recipient=Address(name=name, phone=address.get("phone"), full_address=address.get("address1"),
                              city=address.get("city"), region=address.get("address3"),
                              postal_code=address.get("post_code")) if address else None,
            cash_on_delivery=(payment_method or "").upper() == "COD",
            payment_method=payment_method,
            shipping_carrier=next((i.get("shipment_provider") for i in items if i.get("shipment_provider")), None),
            package_ids=packages,
            tracking_number=tracking,
            amounts=OrderAmounts(subtotal=subtotal, shipping_fee=shipping_fee, seller_discount=seller_discount,
                                 platform_discount=platform_discount),
        )

    async def _items(self, conn: ShopConnection, order_id: str) -> list[Mapping[str, Any]]:
        data = await self._shop_call(conn, "GET", "/order/items/get", "lazada.order_items_get",
                                     params={"order_id": order_id})
        items = data.get("data") or []
        if not items:
            raise errors.ValidationError(f"Lazada order {order_id} has no items", platform=PLATFORM)
        return [i for i in items if i.get("status") != "canceled"] or items

    # -- fulfillment ------------------------------------------------------------------------

    async def shipping_options(self, conn: ShopConnection, order_id: str) -> ShippingOptions:
        """Lazada takes pickup from the seller's registered address (no slots to choose) or a drop-off."""
        items = await self._items(conn, order_id)
        return ShippingOptions(
            order_id=order_id,
            package_id=next((str(i["package_id"]) for i in items if i.get("package_id")), None),
            pickup_addresses=(PickupAddress(address_id="registered", address="Seller's registered pickup address",
                                            slots=()),),
            dropoff_available=True,
        )

    async def ship_order(self, conn: ShopConnection, request: ShipRequest) -> None:
        items = await self._items(conn, request.order_id)
        item_ids = [int(i["order_item_id"]) for i in items]
        statuses = {str(i.get("status")) for i in items}
        tracking = next((str(i["tracking_code"]) for i in items if i.get("tracking_code")), "")
        provider = next((str(i["shipment_provider"]) for i in items if i.get("shipment_provider")), "")
        delivery_type = "pickup" if request.mode == "pickup" else "dropship"
        if statuses <= {"pending"}:
            data = await self._shop_call(conn, "POST", "/order/pack", "lazada.order_pack", params={
                "order_item_ids": item_ids, "delivery_type": delivery_type, "shipping_provider": provider})
            packed = ((data.get("data") or {}).get("order_items") or [{}])[0]
            tracking = str(packed.get("tracking_number") or "")
            provider = str(packed.get("shipment_provider") or provider)
        elif not statuses <= {"packed"}:
            raise errors.ValidationError(f"Lazada order {request.order_id} cannot be shipped in status "
                                         f"{', '.join(sorted(statuses))}", platform=PLATFORM)
        if not tracking:
            raise errors.NetworkError("Lazada packed the items without a tracking number", platform=PLATFORM)
        await self._shop_call(conn, "POST", "/order/rts", "lazada.order_rts", params={
            "order_item_ids": item_ids, "delivery_type": delivery_type, "shipment_provider": provider,
            "tracking_number": tracking})

    async def tracking_number(self, conn: ShopConnection, order_id: str) -> str | None:
        items = await self._items(conn, order_id)
        return next((str(i["tracking_code"]) for i in items if i.get("tracking_code")), None)

    # -- shipping documents -----------------------------------------------------------------

    # GetDocument answers with the label itself (base64), for packed items on; no asynchronous generation.
    document_batch = 50

    async def _label(self, conn: ShopConnection, order_id: str) -> bytes:
        items = await self._items(conn, order_id)
        data = await self._shop_call(conn, "GET", "/order/document/get", "lazada.document_get", params={
            "doc_type": "shippingLabel", "order_item_ids": [int(i["order_item_id"]) for i in items]})
        document = (data.get("data") or {}).get("document") or {}
        try:
            content = base64.b64decode(document.get("file") or "", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise errors.NetworkError("Lazada document is not base64", platform=PLATFORM) from exc
        if not content.startswith(b"%PDF"):
            raise errors.ValidationError(f"Lazada document is {document.get('mime_type')}, not a PDF",
                                         platform=PLATFORM)
        return content

    async def create_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        states = []
        for ref in refs:
            try:
                await self._label(conn, ref.order_id)
            except errors.ValidationError as exc:
                states.append(DocumentState(order_id=ref.order_id, package_id=ref.package_id,
                                            status=DocumentStatus.FAILED, reason=exc.detail, code=exc.code))
                continue
            states.append(DocumentState(order_id=ref.order_id, package_id=ref.package_id,
                                        status=DocumentStatus.READY))
        return states

    async def shipping_document_states(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        return [DocumentState(order_id=r.order_id, package_id=r.package_id, status=DocumentStatus.READY) for r in refs]

    async def download_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> bytes:
        from app.integrations.tiktok.adapter import merge_pdfs

        files = [await self._label(conn, ref.order_id) for ref in refs]
        return files[0] if len(files) == 1 else merge_pdfs(files)

    # -- cancellation -----------------------------------------------------------------------

    # SetStatusToCanceled takes one order item and a reason id of GetFailureReasons (type "canceled").
    # Lazada has no "undeliverable address" reason for sellers.
    CANCEL_CODES: dict[CancelReason, str] = {
        CancelReason.OUT_OF_STOCK: "15",
        CancelReason.WRONG_PRICE: "21",
        CancelReason.BUYER_REQUEST: "10",
    }
    cancel_reasons: tuple[CancelReason, ...] = tuple(CANCEL_CODES)

    async def cancel_order(self, conn: ShopConnection, request: CancelRequest) -> None:
        """Cancel every order item still live (an item cancelled by an earlier, interrupted try is
        skipped, so a retry finishes the job rather than failing on it)."""
        code = self.CANCEL_CODES.get(request.reason)
        if code is None:
            raise errors.ValidationError(f"Lazada takes no seller cancellation for {request.reason}", platform=PLATFORM)
        live = [i for i in await self._items(conn, request.order_id) if i.get("status") != "canceled"]
        for item in live:
            await self._shop_call(conn, "GET", "/order/cancel", "lazada.order_cancel",
                                  params={"order_item_id": str(item["order_item_id"]), "reason_id": code,
                                          "reason_detail": request.reason.value.replace("_", " ")})

    # -- settlements ------------------------------------------------------------------------

    # QueryTransactionDetails (/finance/transaction/details/get) lists what Lazada posted to the seller's
    # account, fee by fee, once an order is confirmed; an open order has nothing there (no estimate:
    # its money stays as its order amounts until then).
    async def get_settlements(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Settlement]:
        today = datetime.now(UTC).astimezone(WIB).date()
        settlements: list[Settlement] = []
        for order_id in dict.fromkeys(order_ids):
            rows = await self._transactions(conn, today - SETTLEMENT_LOOKBACK, today, trade_order_id=order_id)
            if rows:
                settlements.append(self._settlement(order_id, rows))
        return settlements

    async def settled_orders(self, conn: ShopConnection, since: datetime, until: datetime) -> AsyncIterator[str]:
        seen: set[str] = set()
        start, end = since.astimezone(WIB).date(), until.astimezone(WIB).date()
        for row in await self._transactions(conn, start, end):
            order_id = str(row.get("order_no") or "")
            if order_id and order_id not in seen:
                seen.add(order_id)
                yield order_id

    async def _transactions(self, conn: ShopConnection, start: date, end: date, *,
                            trade_order_id: str | None = None) -> list[Mapping[str, Any]]:
        found: list[Mapping[str, Any]] = []
        offset = 0
        while True:
            params = {"start_time": start.isoformat(), "end_time": end.isoformat(), "offset": offset,
                      "limit": TRANSACTIONS_PAGE}
            if trade_order_id:
                params["trade_order_id"] = trade_order_id
            data = await self._shop_call(conn, "GET", "/finance/transaction/details/get",
                                         "lazada.transaction_details", params=params)
            page = data.get("data") or []
            found += page
            if len(page) < TRANSACTIONS_PAGE:
                return found
            offset += TRANSACTIONS_PAGE

    @staticmethod
    def _settlement(order_id: str, rows: Sequence[Mapping[str, Any]]) -> Settlement:
        """An order's posted transactions -> Settlement: each fee name onto its kind (an unknown one
        is an adjustment); final once every transaction is paid out."""
        parts = [(FEE_KINDS.get(str(row.get("fee_name") or ""), FeeKind.ADJUSTMENT),
                  to_minor_units(row.get("amount") or 0)) for row in rows]
        amount = sum(value for _kind, value in parts)
        days = [str(row.get("transaction_date") or "") for row in rows]
        final = all(str(row.get("paid_status") or "").lower() == "paid" for row in rows)
        settled = None
        if final and max(days):
            try:
                settled = datetime.fromisoformat(max(days)[:10]).replace(tzinfo=WIB)
            except ValueError:
                settled = None
        return Settlement(order_id=order_id, amount=amount, lines=balanced_lines(amount, parts), final=final,
                          settled_at=settled)

    # -- push -------------------------------------------------------------------------------

    def verify_webhook(self, *, headers: Mapping[str, str], body: bytes, url: str) -> WebhookEvent:
        """Verify HMAC-SHA256(app_secret, app_key + raw body) in ``Authorization``; parse the push."""
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if not signing.push_signature_valid(self.client.app_secret, app_key=self.client.app_key, body=body,
                                            authorization=authorization):
            raise errors.WebhookRejected("Lazada push signature does not match", platform=PLATFORM)
        try:
            payload = json.loads(body)
            kind_code = int(payload["message_type"])
            shop_id = str(payload["seller_id"])
            occurred_at = datetime.fromtimestamp(int(payload["timestamp"]), tz=UTC) if payload.get("timestamp") \
                else None
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
            raise errors.WebhookRejected(f"Lazada push body is not a message: {exc}", platform=PLATFORM) from exc
        data = payload.get("data") or {}
        kind = PUSH_KINDS.get(kind_code, EventKind.OTHER)
        raw_status = data.get("order_status") if kind is EventKind.ORDER_STATUS else None
        order_id = data.get("trade_order_id")
        return WebhookEvent(
            platform=Platform.LAZADA,
            kind=kind,
            code=str(kind_code),
            shop_id=shop_id,
            dedupe_key="lazada:" + hashlib.sha256(body).hexdigest(),
            occurred_at=occurred_at,
            order_id=str(order_id) if order_id else None,
            order_status=STATUS_MAP.get(raw_status) if raw_status else None,
            raw_status=raw_status,
            data=data,
        )
