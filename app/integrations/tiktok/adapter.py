"""TikTok Shop (which also carries Tokopedia) as a PlatformAdapter: 202309 JSON <-> domain objects."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
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
    PickupSlot,
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
    from_epoch,
    to_minor_units,
)
from app.integrations.breaker import BreakerPolicy
from app.integrations.ratelimit import RateLimitPolicy
from app.integrations.tiktok import signing
from app.integrations.tiktok.client import LIVE_API_BASE, LIVE_AUTH_BASE, LIVE_AUTHORIZE_URL, TikTokClient
from app.integrations.tiktok.publishing import TikTokPublishing
from app.integrations.tokens import StaticToken
from app.integrations.transport import RetryPolicy, Transport

PAGE_SIZE = 100
DETAIL_BATCH = 50
# TikTok documents no maximum search window; long windows are still split so that one failed
# window costs little to redo.
MAX_ORDER_WINDOW = timedelta(days=30)

STATUS_MAP = {
    "UNPAID": OrderStatus.UNPAID,
    "ON_HOLD": OrderStatus.ON_HOLD,
    "AWAITING_SHIPMENT": OrderStatus.TO_SHIP,
    "PARTIALLY_SHIPPING": OrderStatus.PROCESSED,
    "AWAITING_COLLECTION": OrderStatus.PROCESSED,
    "IN_TRANSIT": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "COMPLETED": OrderStatus.COMPLETED,
    "CANCELLED": OrderStatus.CANCELLED,
    # The webhook text spells it CANCEL.
    "CANCEL": OrderStatus.CANCELLED,
}

WEBHOOK_KINDS = {
    1: EventKind.ORDER_STATUS,
    4: EventKind.TRACKING,
    5: EventKind.PRODUCT,
    6: EventKind.DEAUTHORIZED,
    7: EventKind.AUTHORIZATION_EXPIRING,
    16: EventKind.PRODUCT,
    27: EventKind.INVENTORY,
}


def order_status(raw: str) -> OrderStatus:
    try:
        return STATUS_MAP[raw]
    except KeyError:
        raise errors.ValidationError(f"unknown TikTok order status {raw!r}", platform="tiktok") from None


def chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class TikTokAdapter(TikTokPublishing):
    """TikTok Shop for one app (app key + secret); shop-scoped calls take a ShopConnection with the cipher."""

    platform = Platform.TIKTOK

    def __init__(
        self,
        *,
        app_key: str,
        app_secret: str,
        service_id: str,
        redis: Redis,
        api_base: str = LIVE_API_BASE,
        auth_base: str = LIVE_AUTH_BASE,
        authorize_url: str = LIVE_AUTHORIZE_URL,
        http: httpx.AsyncClient | None = None,
        # Documented: 50 requests/s per API per app and shop. One budget per shop across all
        # APIs stays under it whatever the mix.
        rate_limit: RateLimitPolicy | None = RateLimitPolicy(requests=50),
        breaker: BreakerPolicy | None = BreakerPolicy(),
        retry: RetryPolicy = RetryPolicy(),
        prefix: str = "storesync",
        timeout: float = 20.0,
    ) -> None:
        self.service_id = service_id
        self.authorize_base = authorize_url
        self.transport = Transport(platform="tiktok", redis=redis, http=http, timeout=timeout,
                                   rate_limit=rate_limit, breaker=breaker, retry=retry, prefix=prefix)
        self.client = TikTokClient(app_key=app_key, app_secret=app_secret, api_base=api_base, auth_base=auth_base,
                                   transport=self.transport)

    async def aclose(self) -> None:
        await self.transport.aclose()

    # -- authorization ----------------------------------------------------------------------

    def authorization_url(self, *, redirect_url: str, state: str) -> str:
        """The consent page; TikTok returns to the redirect URL registered for the app, not to ``redirect_url``."""
        return f"{self.authorize_base}?{urlencode({'service_id': self.service_id, 'state': state})}"

    async def exchange_code(self, result: AuthorizationResult) -> TokenSet:
        data = await self.client.token("/api/v2/token/get", {"auth_code": result.code,
                                                            "grant_type": "authorized_code"},
                                       op="tiktok.token_get")
        return self._token_set(data)

    async def refresh_tokens(self, tokens: TokenSet) -> TokenSet:
        data = await self.client.token("/api/v2/token/refresh", {"refresh_token": tokens.refresh_token,
                                                                "grant_type": "refresh_token"},
                                       op="tiktok.token_refresh")
        return self._token_set(data, shop_id=tokens.shop_id)

    @staticmethod
    def _token_set(data: Mapping[str, Any], shop_id: str | None = None) -> TokenSet:
        try:
            # Both expiries are absolute Unix timestamps on TikTok.
            return TokenSet(
                access_token=data["access_token"],
                refresh_token=data["refresh_token"],
                access_expires_at=from_epoch(data["access_token_expire_in"]),
                refresh_expires_at=from_epoch(data.get("refresh_token_expire_in")),
                shop_id=shop_id,
                open_id=data.get("open_id"),
                seller_name=data.get("seller_name"),
                scopes=tuple(data.get("granted_scopes") or ()),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.NetworkError(f"unexpected TikTok token response: {exc}", platform="tiktok") from exc

    async def authorized_shops(self, tokens: TokenSet) -> list[ShopInfo]:
        """Shops this authorization covers, each with the cipher later calls need."""
        data = await self.client.call("GET", "/authorization/202309/shops", op="tiktok.authorized_shops",
                                      tokens=StaticToken(tokens.access_token))
        return [self._shop(s) for s in data.get("shops") or []]

    async def shop_info(self, conn: ShopConnection) -> ShopInfo:
        data = await self.client.call("GET", "/authorization/202309/shops", op="tiktok.authorized_shops",
                                      tokens=conn.tokens, key=conn.limit_key)
        for shop in data.get("shops") or []:
            if str(shop.get("id")) == conn.shop_id:
                return self._shop(shop)
        raise errors.AuthError(f"shop {conn.shop_id} is no longer authorized", platform="tiktok",
                               reason=errors.AuthReason.REAUTHORIZE)

    @staticmethod
    def _shop(shop: Mapping[str, Any]) -> ShopInfo:
        return ShopInfo(shop_id=str(shop["id"]), name=shop.get("name") or str(shop["id"]), region=shop.get("region"),
                        cipher=shop.get("cipher"), status=shop.get("seller_type"),
                        listing_platforms=tuple(str(p) for p in shop.get("listing_platforms") or ()))

    async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str, **kwargs: Any) -> Any:
        if not conn.cipher:
            raise errors.ValidationError("a TikTok shop call needs the shop cipher", platform="tiktok")
        return await self.client.call(method, path, op=op, cipher=conn.cipher, tokens=conn.tokens,
                                      key=conn.limit_key, **kwargs)

    # -- catalog ----------------------------------------------------------------------------

    async def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]:
        page_token = ""
        while True:
            data = await self._shop_call(conn, "POST", "/product/202309/products/search", "tiktok.product_search",
                                         query={"page_size": PAGE_SIZE, "page_token": page_token or None}, body={})
            for product in data.get("products") or []:
                yield self._listing(product)
            page_token = data.get("next_page_token") or ""
            if not page_token:
                return

    async def get_listing(self, conn: ShopConnection, listing_id: str) -> Listing:
        """One product with its SKUs, as ``fetch_listings`` yields it."""
        data = await self._shop_call(conn, "GET", f"/product/202309/products/{listing_id}", "tiktok.product_detail")
        return self._listing(data)

    @staticmethod
    def _listing(product: Mapping[str, Any]) -> Listing:
        variants = []
        for sku in product.get("skus") or []:
            price = sku.get("price") or {}
            inventory = sku.get("inventory") or []
            labels = [a.get("value_name", "") for a in sku.get("sales_attributes") or []]
            variants.append(ListingVariant(
                variant_id=str(sku["id"]),
                seller_sku=sku.get("seller_sku") or None,
                name=", ".join(labels) or None,
                price=to_minor_units(price.get("sale_price") or 0, price.get("currency") or "IDR"),
                quantity=sum(int(w.get("quantity", 0)) for w in inventory),
                location_id=(str(inventory[0]["warehouse_id"]) if inventory and inventory[0].get("warehouse_id")
                             else None),
            ))
        return Listing(
            listing_id=str(product["id"]),
            title=product.get("title") or "",
            status=product.get("status") or "",
            seller_sku=None,
            has_variants=len(variants) > 1 or any(v.name for v in variants),
            variants=tuple(variants),
            updated_at=from_epoch(product.get("update_time")),
        )

    async def update_stock(self, conn: ShopConnection, updates: Sequence[StockUpdate]) -> UpdateResult:
        """One call per product with all its given SKUs; quantities are absolute.

        Zero: the documentation's range starts at 1 but does not say how to sell out a SKU. We send
        ``quantity: 0`` — the seller's intent, stated plainly — rather than deactivating the product
        (which would lose its ranking and need a review to come back). If the live API refuses it,
        the refusal surfaces per SKU in ``UpdateResult.failed`` and nothing else changes.
        """
        result = UpdateResult()
        for product_id, product_updates in _by_listing(updates).items():
            skus = [
                {"id": u.variant_id,
                 "inventory": [{**({"warehouse_id": u.location_id} if u.location_id else {}), "quantity": u.quantity}]}
                for u in product_updates
            ]
            data = await self._shop_call(conn, "POST", f"/product/202309/products/{product_id}/inventory/update",
                                         "tiktok.inventory_update", body={"skus": skus})
            result = result.merged(_sku_result(product_id, product_updates, data))
        return result

    async def update_price(self, conn: ShopConnection, updates: Sequence[PriceUpdate]) -> UpdateResult:
        result = UpdateResult()
        for product_id, product_updates in _by_listing(updates).items():
            skus = [{"id": u.variant_id, "price": {"amount": str(u.price), "currency": "IDR"}}
                    for u in product_updates]
            data = await self._shop_call(conn, "POST", f"/product/202309/products/{product_id}/prices/update",
                                         "tiktok.price_update", body={"skus": skus})
            result = result.merged(_sku_result(product_id, product_updates, data))
        return result

    # -- orders -----------------------------------------------------------------------------

    async def fetch_order_changes(
        self, conn: ShopConnection, since: datetime, until: datetime
    ) -> AsyncIterator[OrderSummary]:
        seen: set[str] = set()
        start = since
        while start < until:
            stop = min(start + MAX_ORDER_WINDOW, until)
            page_token = ""
            while True:
                data = await self._shop_call(
                    conn, "POST", "/order/202309/orders/search", "tiktok.order_search",
                    query={"page_size": PAGE_SIZE, "page_token": page_token or None,
                           "sort_field": "update_time", "sort_order": "ASC"},
                    body={"update_time_ge": int(start.timestamp()), "update_time_lt": int(stop.timestamp())},
                )
                for order in data.get("orders") or []:
                    order_id = str(order["id"])
                    if order_id in seen:
                        continue
                    seen.add(order_id)
                    yield OrderSummary(order_id=order_id, status=order_status(order.get("status", "")),
                                       raw_status=order.get("status", ""),
                                       updated_at=from_epoch(order.get("update_time")))
                page_token = data.get("next_page_token") or ""
                if not page_token:
                    break
            start = stop

    async def get_orders(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for batch in chunked(list(dict.fromkeys(order_ids)), DETAIL_BATCH):
            data = await self._shop_call(conn, "GET", "/order/202309/orders", "tiktok.order_detail",
                                         query={"ids": list(batch)})
            orders.extend(self._order(o) for o in data.get("orders") or [])
        return orders

    @staticmethod
    def _order(raw: Mapping[str, Any]) -> Order:
        payment = raw.get("payment") or {}
        currency = payment.get("currency") or "IDR"
        # One line item per unit: fold them into one line per SKU and price, keeping every id.
        grouped: dict[tuple[str, str, str], dict[str, Any]] = {}
        for item in raw.get("line_items") or []:
            key = (str(item["product_id"]), str(item["sku_id"]), str(item.get("sale_price", "0")))
            line = grouped.setdefault(key, {
                "line_ids": [], "listing_id": key[0], "variant_id": key[1],
                "seller_sku": item.get("seller_sku") or None, "name": item.get("product_name"),
                "quantity": 0, "unit_price": to_minor_units(item.get("sale_price") or 0, currency),
            })
            line["line_ids"].append(str(item["id"]))
            line["quantity"] += 1
        address = raw.get("recipient_address") or {}
        districts = {d.get("address_level_name"): d.get("address_name") for d in address.get("district_info") or []}
        status_raw = raw.get("status", "")
        return Order(
            order_id=str(raw["id"]),
            status=order_status(status_raw),
            raw_status=status_raw,
            currency=currency,
            total=to_minor_units(payment.get("total_amount") or 0, currency),
            created_at=from_epoch(raw.get("create_time")),
            updated_at=from_epoch(raw.get("update_time")),
            paid_at=from_epoch(raw.get("paid_time")),
            ship_by=from_epoch(raw.get("rts_sla_time")),
            lines=tuple(OrderLine(**{**v, "line_ids": tuple(v["line_ids"])}) for v in grouped.values()),
            buyer_name=address.get("name"),
            buyer_email=raw.get("buyer_email") or None,
            recipient=Address(
                name=address.get("name"), phone=address.get("phone_number"),
                full_address=address.get("full_address"), city=districts.get("City"),
                region=districts.get("Province"), postal_code=address.get("postal_code"),
            ) if address else None,
            cash_on_delivery=bool(raw.get("is_cod")),
            payment_method=raw.get("payment_method_name"),
            shipping_carrier=raw.get("shipping_provider"),
            package_ids=tuple(str(p["id"]) for p in raw.get("packages") or [] if p.get("id")),
            tracking_number=raw.get("tracking_number") or None,
            amounts=TikTokAdapter._amounts(payment, currency),
        )

    @staticmethod
    def _amounts(payment: Mapping[str, Any], currency: str) -> OrderAmounts | None:
        """payment: original_total_product_price (list prices), seller_discount, platform_discount,
        shipping_fee (what the buyer pays for shipping). Fees are in the finance APIs: unknown."""
        if not payment:
            return None

        def amount(key: str) -> int:
            return to_minor_units(payment.get(key) or 0, currency)

        discounts = amount("seller_discount") + amount("platform_discount")
        subtotal = amount("original_total_product_price") or amount("sub_total") + discounts
        return OrderAmounts(subtotal=subtotal, shipping_fee=amount("shipping_fee"),
                            seller_discount=amount("seller_discount"), platform_discount=amount("platform_discount"))

    # -- money ------------------------------------------------------------------------------
    # Per order: the 202501 statement transactions (the 202309 per-order versions were switched off
    # at the end of 2025). Statements: 202309, then each statement's transactions (202501).
    # TikTok reports what it takes as negative amounts; they are kept with their sign.

    async def get_settlements(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Settlement]:
        settlements: list[Settlement] = []
        for order_id in dict.fromkeys(order_ids):
            try:
                data = await self._shop_call(
                    conn, "GET", f"/finance/202501/orders/{order_id}/statement_transactions",
                    "tiktok.order_statement_transactions")
            except errors.ValidationError:
                continue  # an order TikTok does not know
            transactions = data.get("statement_transactions") or []
            if transactions:
                settlements.append(self._settlement(order_id, transactions))
        return settlements

    async def settled_orders(self, conn: ShopConnection, since: datetime, until: datetime) -> AsyncIterator[str]:
        seen: set[str] = set()
        page_token = ""
        while True:
            data = await self._shop_call(
                conn, "GET", "/finance/202309/statements", "tiktok.statements",
                query={"statement_time_ge": int(since.timestamp()), "statement_time_lt": int(until.timestamp()),
                       "page_size": PAGE_SIZE, "page_token": page_token or None, "sort_field": "statement_time"})
            for statement in data.get("statements") or []:
                inner = ""
                while True:
                    rows = await self._shop_call(
                        conn, "GET", f"/finance/202501/statements/{statement['id']}/statement_transactions",
                        "tiktok.statement_transactions", query={"page_size": PAGE_SIZE, "page_token": inner or None})
                    for row in rows.get("statement_transactions") or []:
                        order_id = str(row.get("order_id") or "")
                        if order_id and order_id not in seen:
                            seen.add(order_id)
                            yield order_id
                    inner = rows.get("next_page_token") or ""
                    if not inner:
                        break
            page_token = data.get("next_page_token") or ""
            if not page_token:
                return

    @staticmethod
    def _settlement(order_id: str, transactions: Sequence[Mapping[str, Any]]) -> Settlement:
        """statement transactions -> Settlement; several transactions (an adjustment after a
        return) add up; final once every one of them belongs to a statement."""
        currency = str(transactions[0].get("currency") or "IDR")
        parts: list[tuple[FeeKind, int]] = []
        total = 0

        def money(section: Mapping[str, Any] | None, name: str) -> int:
            return to_minor_units((section or {}).get(name) or 0, currency)

        for tx in transactions:
            total += money(tx, "settlement_amount")
            revenue = tx.get("revenue_breakdown") or {}
            fees = (tx.get("fee_tax_breakdown") or {}).get("fee") or {}
            taxes = (tx.get("fee_tax_breakdown") or {}).get("tax") or {}
            shipping = tx.get("shipping_cost_breakdown") or {}
            parts += [
                (FeeKind.ITEMS, money(revenue, "subtotal_before_discount_amount")
                 + money(revenue, "seller_discount_amount")),
                (FeeKind.PLATFORM_VOUCHER, money(revenue, "platform_discount_amount")),
                (FeeKind.REFUND, -abs(money(revenue, "refund_subtotal_before_discount_amount"))),
                (FeeKind.COMMISSION, money(fees, "platform_commission_amount") + money(fees, "referral_fee_amount")),
                (FeeKind.SERVICE_FEE, money(fees, "sfp_service_fee_amount")),
                (FeeKind.TRANSACTION_FEE, money(fees, "transaction_fee_amount")),
                (FeeKind.CAMPAIGN_FEE, money(fees, "campaign_resource_fee_amount")),
                (FeeKind.AFFILIATE_COMMISSION, money(fees, "affiliate_commission_amount")),
                (FeeKind.TAX, sum(money(taxes, name) for name in taxes)),
                (FeeKind.SHIPPING_BUYER_PAID, money(shipping, "customer_paid_shipping_fee_amount")),
                (FeeKind.SHIPPING_ACTUAL, money(shipping, "actual_shipping_fee_amount")),
                (FeeKind.SHIPPING_REBATE, money(shipping, "shipping_fee_subsidy_amount")),
            ]
        final = all(tx.get("statement_id") for tx in transactions)
        return Settlement(order_id=order_id, currency=currency, amount=total, lines=balanced_lines(total, parts),
                          final=final)

    # -- fulfillment ------------------------------------------------------------------------

    async def _package_id(self, conn: ShopConnection, order_id: str, package_id: str | None) -> str:
        if package_id:
            return package_id
        orders = await self.get_orders(conn, [order_id])
        if not orders or not orders[0].package_ids:
            raise errors.ValidationError(f"order {order_id} has no package to ship", platform="tiktok")
        return orders[0].package_ids[0]

    async def shipping_options(self, conn: ShopConnection, order_id: str) -> ShippingOptions:
        package_id = await self._package_id(conn, order_id, None)
        data = await self._shop_call(conn, "GET", f"/fulfillment/202309/packages/{package_id}/handover_time_slots",
                                     "tiktok.handover_time_slots")
        slots = tuple(
            PickupSlot(slot_id=f"{s['start_time']}-{s['end_time']}", starts_at=from_epoch(s["start_time"]),
                       ends_at=from_epoch(s.get("end_time")))
            for s in data.get("pickup_slots") or [] if s.get("avaliable", s.get("available", True))
        )
        return ShippingOptions(
            order_id=order_id,
            package_id=package_id,
            # TikTok picks up from the seller's registered address; there is no address to choose.
            pickup_addresses=(PickupAddress(address_id="registered", address="Seller's registered pickup address",
                                            slots=slots),) if data.get("can_pickup") else (),
            dropoff_available=bool(data.get("can_drop_off")),
        )

    async def ship_order(self, conn: ShopConnection, request: ShipRequest) -> None:
        package_id = await self._package_id(conn, request.order_id, request.package_id)
        body: dict[str, Any] = {"handover_method": "PICKUP" if request.mode == "pickup" else "DROP_OFF"}
        if request.mode == "pickup":
            if not request.slot_id or "-" not in request.slot_id:
                raise errors.ValidationError("a TikTok pickup needs a slot_id from shipping_options",
                                             platform="tiktok")
            start, end = request.slot_id.split("-", 1)
            body["pickup_slot"] = {"start_time": int(start), "end_time": int(end)}
        await self._shop_call(conn, "POST", f"/fulfillment/202309/packages/{package_id}/ship", "tiktok.ship_package",
                              body=body)

    async def tracking_number(self, conn: ShopConnection, order_id: str) -> str | None:
        orders = await self.get_orders(conn, [order_id])
        return orders[0].tracking_number if orders else None

    # -- shipping documents -----------------------------------------------------------------

    # GET /fulfillment/202309/packages/{id}/shipping_documents answers with a short-lived URL of the
    # PDF (no asynchronous generation). StoreSync asks for it at create time, so a refusal (package
    # not shipped yet) is known per parcel before anything is downloaded, and again at download
    # time for a fresh URL. Package ids come from the order detail, 50 orders per call.
    document_batch = 50
    DOCUMENT_CALLS = 10  # package documents of one batch asked at once (the rate limiter paces them)
    DOCUMENT_QUERY = {"document_type": "SHIPPING_LABEL", "document_size": "A6"}

    async def _packages(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentRef]:
        missing = [r.order_id for r in refs if not r.package_id]
        found = {o.order_id: o.package_ids[0] for o in await self.get_orders(conn, missing) if o.package_ids} \
            if missing else {}
        return [r if r.package_id else DocumentRef(order_id=r.order_id, package_id=found.get(r.order_id))
                for r in refs]

    async def _document_url(self, conn: ShopConnection, package_id: str) -> str:
        data = await self._shop_call(conn, "GET", f"/fulfillment/202309/packages/{package_id}/shipping_documents",
                                     "tiktok.shipping_documents", query=self.DOCUMENT_QUERY)
        url = str((data or {}).get("doc_url") or "")
        if not url:
            raise errors.NetworkError("TikTok gave no document URL", platform="tiktok")
        return url

    def _get(self, url: str) -> Callable[[str | None], httpx.Request]:
        """A plain GET of a file URL the platform handed out (no signature, no token)."""
        return lambda _token: self.transport.http.build_request("GET", url)

    async def create_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        gate = asyncio.Semaphore(self.DOCUMENT_CALLS)

        async def one(ref: DocumentRef) -> DocumentState:
            if not ref.package_id:
                return DocumentState(order_id=ref.order_id, status=DocumentStatus.FAILED,
                                     reason="The order has no package.", code="no_package")
            try:
                async with gate:
                    await self._document_url(conn, ref.package_id)
            except errors.ValidationError as exc:
                return DocumentState(order_id=ref.order_id, package_id=ref.package_id,
                                     status=DocumentStatus.FAILED, reason=exc.detail, code=exc.code)
            return DocumentState(order_id=ref.order_id, package_id=ref.package_id, status=DocumentStatus.READY)

        return list(await asyncio.gather(*(one(ref) for ref in await self._packages(conn, refs))))

    async def shipping_document_states(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        # Generated on request: a parcel create_shipping_documents accepted is ready.
        return [DocumentState(order_id=r.order_id, package_id=r.package_id, status=DocumentStatus.READY) for r in refs]

    async def download_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> bytes:
        gate = asyncio.Semaphore(self.DOCUMENT_CALLS)

        async def one(ref: DocumentRef) -> bytes:
            if not ref.package_id:
                raise errors.ValidationError(f"order {ref.order_id} has no package", platform="tiktok")
            async with gate:
                url = await self._document_url(conn, ref.package_id)
                return await self.transport.send(op="tiktok.download_document", build=self._get(url), decode=_pdf)

        answers = await asyncio.gather(*(one(ref) for ref in await self._packages(conn, refs)), return_exceptions=True)
        for answer in answers:  # every call has finished: the first refusal speaks for the batch
            if isinstance(answer, BaseException):
                raise answer
        files = [a for a in answers if isinstance(a, bytes)]
        return files[0] if len(files) == 1 else merge_pdfs(files)

    # -- cancellation -----------------------------------------------------------------------

    # Seller cancel reasons (return_refund 202309 cancellations). TikTok publishes no single list per
    # region; these codes are our choice, and the sandbox accepts exactly them.
    cancel_reasons: tuple[CancelReason, ...] = (CancelReason.OUT_OF_STOCK, CancelReason.WRONG_PRICE, CancelReason.UNDELIVERABLE_ADDRESS,
                      CancelReason.BUYER_REQUEST)
    CANCEL_CODES = {
        CancelReason.OUT_OF_STOCK: "seller_cancel_reason_out_of_stock",
        CancelReason.WRONG_PRICE: "seller_cancel_reason_wrong_price",
        CancelReason.UNDELIVERABLE_ADDRESS: "seller_cancel_paid_reason_address_not_deliver",
        CancelReason.BUYER_REQUEST: "seller_cancel_reason_buyer_request",
    }

    async def cancel_order(self, conn: ShopConnection, request: CancelRequest) -> None:
        """The whole order: no order_line_item_ids."""
        body = {"order_id": request.order_id, "cancel_reason": self.CANCEL_CODES[request.reason]}
        await self._shop_call(conn, "POST", "/return_refund/202309/cancellations", "tiktok.cancel_order", body=body)

    # -- webhooks ---------------------------------------------------------------------------

    def verify_webhook(self, *, headers: Mapping[str, str], body: bytes, url: str) -> WebhookEvent:
        """Verify HMAC(app_secret, app_key + raw body); dedupe key is the notification id."""
        authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
        if not signing.webhook_signature_valid(self.client.app_secret, app_key=self.client.app_key, body=body,
                                               authorization=authorization):
            raise errors.WebhookRejected("TikTok webhook signature does not match", platform="tiktok")
        try:
            payload = json.loads(body)
            kind_code = int(payload["type"])
            shop_id = str(payload["shop_id"])
            occurred_at = from_epoch(payload.get("timestamp"))
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
            raise errors.WebhookRejected(f"TikTok webhook body is not a notification: {exc}",
                                         platform="tiktok") from exc
        data = payload.get("data") or {}
        kind = WEBHOOK_KINDS.get(kind_code, EventKind.OTHER)
        raw_status = data.get("order_status") if kind is EventKind.ORDER_STATUS else None
        notification_id = payload.get("tts_notification_id")
        dedupe = f"tiktok:{notification_id}" if notification_id else "tiktok:" + hashlib.sha256(body).hexdigest()
        return WebhookEvent(
            platform=Platform.TIKTOK,
            kind=kind,
            code=str(kind_code),
            shop_id=shop_id,
            dedupe_key=dedupe,
            occurred_at=occurred_at,
            order_id=str(data["order_id"]) if data.get("order_id") else None,
            order_status=STATUS_MAP.get(raw_status) if raw_status else None,
            raw_status=raw_status,
            data=data,
        )


def _by_listing(updates: Sequence[StockUpdate | PriceUpdate]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for update in updates:
        grouped[update.listing_id].append(update)
    return grouped


def _sku_result(product_id: str, updates: Sequence[StockUpdate | PriceUpdate], data: Mapping[str, Any]) -> UpdateResult:
    failed = {}
    for error in data.get("errors") or []:
        sku_id = str((error.get("detail") or {}).get("sku_id", ""))
        failed[sku_id] = UpdateFailure(listing_id=product_id, variant_id=sku_id,
                                       reason=error.get("message") or str(error.get("code")))
    return UpdateResult(
        succeeded=tuple((product_id, u.variant_id) for u in updates if u.variant_id not in failed),
        failed=tuple(failed.values()),
    )


def _pdf(response: httpx.Response) -> bytes:
    """A shipping document fetched from the URL TikTok gave (a file host: no envelope)."""
    if response.status_code == 200 and response.content.startswith(b"%PDF"):
        return response.content
    if response.status_code >= 500:
        raise errors.PlatformError(f"document download: HTTP {response.status_code}", platform="tiktok",
                                   http_status=response.status_code)
    raise errors.ValidationError(f"document download: HTTP {response.status_code}, not a PDF", platform="tiktok",
                                 http_status=response.status_code)


def merge_pdfs(files: Sequence[bytes]) -> bytes:
    """The pages of several PDFs in one file, in order."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for data in files:
        writer.append(io.BytesIO(data))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
