"""Shopee as a PlatformAdapter: Shopee v2 JSON <-> StoreSync's domain objects."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
    DropoffBranch,
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
from app.integrations.shopee import signing
from app.integrations.shopee.client import ShopeeClient
from app.integrations.shopee.publishing import ShopeePublishing
from app.integrations.tokens import StaticToken
from app.integrations.transport import RetryPolicy, Transport

# Documented limits.
PAGE_SIZE = 100
DETAIL_BATCH = 50
MODELS_PER_STOCK_CALL = 50
MAX_ORDER_WINDOW = timedelta(days=15)
REFRESH_TOKEN_LIFETIME = timedelta(days=30)
LISTED_STATUSES = ("NORMAL", "UNLIST")

STATUS_MAP = {
    "UNPAID": OrderStatus.UNPAID,
    "READY_TO_SHIP": OrderStatus.TO_SHIP,
    "PROCESSED": OrderStatus.PROCESSED,
    "RETRY_SHIP": OrderStatus.PROCESSED,
    "SHIPPED": OrderStatus.SHIPPED,
    "TO_CONFIRM_RECEIVE": OrderStatus.DELIVERED,
    "IN_CANCEL": OrderStatus.CANCEL_REQUESTED,
    "CANCELLED": OrderStatus.CANCELLED,
    "TO_RETURN": OrderStatus.RETURNED,
    "COMPLETED": OrderStatus.COMPLETED,
}

PUSH_KINDS = {
    1: EventKind.SHOP_AUTHORIZED,
    2: EventKind.DEAUTHORIZED,
    3: EventKind.ORDER_STATUS,
    4: EventKind.TRACKING,
    8: EventKind.INVENTORY,
    12: EventKind.AUTHORIZATION_EXPIRING,
}

ORDER_DETAIL_FIELDS = (
    "buyer_username,recipient_address,item_list,pay_time,package_list,total_amount,"
    "shipping_carrier,payment_method,estimated_shipping_fee"
)


def order_status(raw: str) -> OrderStatus:
    """Shopee order status to StoreSync's; unknown statuses raise ValidationError."""
    try:
        return STATUS_MAP[raw]
    except KeyError:
        raise errors.ValidationError(f"unknown Shopee order status {raw!r}", platform="shopee") from None


def chunked(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def order_windows(since: datetime, until: datetime, span: timedelta) -> Iterable[tuple[int, int]]:
    """Inclusive (time_from, time_to) second pairs covering [since, until) without overlap, each ≤ span."""
    start, end = int(since.timestamp()), int(until.timestamp()) - 1
    step = int(span.total_seconds())
    while start <= end:
        stop = min(start + step, end)
        yield start, stop
        start = stop + 1


class ShopeeAdapter(ShopeePublishing):
    """Shopee Open Platform v2 for one partner app (partner id + key); shop-scoped calls take a ShopConnection."""

    platform = Platform.SHOPEE

    def __init__(
        self,
        *,
        partner_id: int,
        partner_key: str,
        base_url: str,
        redis: Redis,
        http: httpx.AsyncClient | None = None,
        rate_limit: RateLimitPolicy | None = RateLimitPolicy(requests=10),
        breaker: BreakerPolicy | None = BreakerPolicy(),
        retry: RetryPolicy = RetryPolicy(),
        prefix: str = "storesync",
        timeout: float = 20.0,
    ) -> None:
        # Shopee publishes no numeric limits; 10 requests/s per shop is a conservative default.
        self.transport = Transport(platform="shopee", redis=redis, http=http, timeout=timeout,
                                   rate_limit=rate_limit, breaker=breaker, retry=retry, prefix=prefix)
        self.client = ShopeeClient(partner_id=partner_id, partner_key=partner_key, base_url=base_url,
                                   transport=self.transport)

    async def aclose(self) -> None:
        await self.transport.aclose()

    # -- authorization ----------------------------------------------------------------------

    def authorization_url(self, *, redirect_url: str, state: str) -> str:
        """The signed ``shop/auth_partner`` link; Shopee has no state parameter, so it rides in the redirect."""
        parts = urlsplit(redirect_url)
        query = parse_qsl(parts.query) + [("state", state)]
        redirect = urlunsplit(parts._replace(query=urlencode(query)))
        return self.client.public_url("/api/v2/shop/auth_partner", {"redirect": redirect})

    async def exchange_code(self, result: AuthorizationResult) -> TokenSet:
        if not result.shop_id:
            raise errors.ValidationError("Shopee authorization came back without shop_id", platform="shopee")
        payload = await self.client.call(
            "POST", "/api/v2/auth/token/get", op="shopee.token_get", envelope=True,
            body={"code": result.code, "shop_id": int(result.shop_id), "partner_id": self.client.partner_id},
        )
        return self._token_set(payload, result.shop_id)

    async def refresh_tokens(self, tokens: TokenSet) -> TokenSet:
        if not tokens.shop_id:
            raise errors.ValidationError("a Shopee TokenSet needs its shop_id to be refreshed", platform="shopee")
        payload = await self.client.call(
            "POST", "/api/v2/auth/access_token/get", op="shopee.token_refresh", envelope=True,
            body={"refresh_token": tokens.refresh_token, "shop_id": int(tokens.shop_id),
                  "partner_id": self.client.partner_id},
        )
        return self._token_set(payload, tokens.shop_id)

    @staticmethod
    def _token_set(payload: Mapping[str, Any], shop_id: str) -> TokenSet:
        now = datetime.now(UTC)
        try:
            return TokenSet(
                access_token=payload["access_token"],
                refresh_token=payload["refresh_token"],
                access_expires_at=now + timedelta(seconds=int(payload["expire_in"])),
                refresh_expires_at=now + REFRESH_TOKEN_LIFETIME,
                shop_id=str(shop_id),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise errors.NetworkError(f"unexpected Shopee token response: {exc}", platform="shopee") from exc

    async def authorized_shops(self, tokens: TokenSet) -> list[ShopInfo]:
        """The shop this authorization covers (Shopee authorizes one shop per code)."""
        if not tokens.shop_id:
            raise errors.ValidationError("a Shopee TokenSet needs its shop_id", platform="shopee")
        conn = ShopConnection(shop_id=tokens.shop_id, tokens=StaticToken(tokens.access_token))
        return [await self.shop_info(conn)]

    async def _shop_call(self, conn: ShopConnection, method: str, path: str, op: str, **kwargs: Any) -> dict:
        return await self.client.call(method, path, op=op, shop_id=conn.shop_id, tokens=conn.tokens,
                                      key=conn.limit_key, **kwargs)

    async def shop_info(self, conn: ShopConnection) -> ShopInfo:
        payload = await self._shop_call(conn, "GET", "/api/v2/shop/get_shop_info", "shopee.shop_info",
                                        envelope=True)
        # get_shop_info answers at the top level of the envelope, not inside ``response``.
        body = payload.get("response") or payload
        return ShopInfo(
            shop_id=conn.shop_id,
            name=body.get("shop_name") or conn.shop_id,
            region=body.get("region"),
            status=body.get("status"),
            authorization_expires_at=from_epoch(body.get("expire_time")),
        )

    # -- catalog ----------------------------------------------------------------------------

    async def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]:
        offset = 0
        while True:
            page = await self._shop_call(
                conn, "GET", "/api/v2/product/get_item_list", "shopee.item_list",
                query=[("offset", offset), ("page_size", PAGE_SIZE)] + [("item_status", s) for s in LISTED_STATUSES],
            )
            item_ids = [str(item["item_id"]) for item in page.get("item") or []]
            for batch in chunked(item_ids, DETAIL_BATCH):
                info = await self._shop_call(
                    conn, "GET", "/api/v2/product/get_item_base_info", "shopee.item_base_info",
                    query={"item_id_list": list(batch)},
                )
                for item in info.get("item_list") or []:
                    yield await self._listing(conn, item)
            if not page.get("has_next_page"):
                return
            offset = int(page["next_offset"])

    async def _listing(self, conn: ShopConnection, item: Mapping[str, Any]) -> Listing:
        item_id = str(item["item_id"])
        if item.get("has_model"):
            models = await self._shop_call(conn, "GET", "/api/v2/product/get_model_list", "shopee.model_list",
                                           query={"item_id": item_id})
            tiers = models.get("tier_variation") or []
            variants = tuple(self._variant(m, tiers) for m in models.get("model") or [])
        else:
            variants = (self._variant({**item, "model_id": 0, "model_sku": item.get("item_sku")}, []),)
        return Listing(
            listing_id=item_id,
            title=item.get("item_name") or "",
            status=item.get("item_status") or "",
            seller_sku=item.get("item_sku") or None,
            has_variants=bool(item.get("has_model")),
            variants=variants,
            updated_at=from_epoch(item.get("update_time")),
        )

    @staticmethod
    def _variant(model: Mapping[str, Any], tiers: Sequence[Mapping[str, Any]]) -> ListingVariant:
        prices = model.get("price_info") or [{}]
        price = prices[0]
        stock = (model.get("stock_info_v2") or {}).get("seller_stock") or []
        labels = []
        for tier, index in zip(tiers, model.get("tier_index") or [], strict=False):
            options = tier.get("option_list") or []
            if 0 <= index < len(options):
                labels.append(options[index].get("option", ""))
        return ListingVariant(
            variant_id=str(model.get("model_id", 0)),
            seller_sku=model.get("model_sku") or None,
            name=", ".join(labels) or None,
            price=to_minor_units(price.get("current_price", price.get("original_price", 0)),
                                 price.get("currency", "IDR")),
            quantity=sum(int(s.get("stock", 0)) for s in stock),
            location_id=(stock[0].get("location_id") or None) if stock else None,
        )

    async def update_stock(self, conn: ShopConnection, updates: Sequence[StockUpdate]) -> UpdateResult:
        """One call per item and per 50 models; quantities are absolute."""
        result = UpdateResult()
        for item_id, item_updates in _by_listing(updates).items():
            for batch in chunked(item_updates, MODELS_PER_STOCK_CALL):
                stock_list = [
                    {"model_id": int(u.variant_id),
                     "seller_stock": [{**({"location_id": u.location_id} if u.location_id else {}),
                                       "stock": u.quantity}]}
                    for u in batch
                ]
                answer = await self._shop_call(conn, "POST", "/api/v2/product/update_stock", "shopee.update_stock",
                                               body={"item_id": int(item_id), "stock_list": stock_list})
                result = result.merged(_batch_result(item_id, answer))
        return result

    async def update_price(self, conn: ShopConnection, updates: Sequence[PriceUpdate]) -> UpdateResult:
        result = UpdateResult()
        for item_id, item_updates in _by_listing(updates).items():
            for batch in chunked(item_updates, MODELS_PER_STOCK_CALL):
                price_list = [{"model_id": int(u.variant_id), "original_price": u.price} for u in batch]
                answer = await self._shop_call(conn, "POST", "/api/v2/product/update_price", "shopee.update_price",
                                               body={"item_id": int(item_id), "price_list": price_list})
                result = result.merged(_batch_result(item_id, answer))
        return result

    # -- orders -----------------------------------------------------------------------------

    async def fetch_order_changes(
        self, conn: ShopConnection, since: datetime, until: datetime
    ) -> AsyncIterator[OrderSummary]:
        seen: set[str] = set()
        for time_from, time_to in order_windows(since, until, MAX_ORDER_WINDOW):
            cursor = ""
            while True:
                page = await self._shop_call(
                    conn, "GET", "/api/v2/order/get_order_list", "shopee.order_list",
                    query={"time_range_field": "update_time", "time_from": time_from, "time_to": time_to,
                           "page_size": PAGE_SIZE, "cursor": cursor, "response_optional_fields": "order_status"},
                )
                for entry in page.get("order_list") or []:
                    order_id = entry["order_sn"]
                    if order_id in seen:
                        continue
                    seen.add(order_id)
                    raw = entry.get("order_status", "")
                    yield OrderSummary(order_id=order_id, status=order_status(raw), raw_status=raw)
                if not page.get("more"):
                    break
                cursor = page.get("next_cursor") or ""

    async def get_orders(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Order]:
        orders: list[Order] = []
        for batch in chunked(list(dict.fromkeys(order_ids)), DETAIL_BATCH):
            page = await self._shop_call(
                conn, "GET", "/api/v2/order/get_order_detail", "shopee.order_detail",
                query={"order_sn_list": list(batch), "response_optional_fields": ORDER_DETAIL_FIELDS},
            )
            orders.extend(self._order(o) for o in page.get("order_list") or [])
        return orders

    @staticmethod
    def _order(raw: Mapping[str, Any]) -> Order:
        currency = raw.get("currency") or "IDR"
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        for item in raw.get("item_list") or []:
            listing_id, variant_id = str(item["item_id"]), str(item.get("model_id", 0))
            line = grouped.setdefault((listing_id, variant_id), {
                "line_ids": [], "listing_id": listing_id, "variant_id": variant_id,
                "seller_sku": item.get("model_sku") or item.get("item_sku") or None,
                "name": item.get("item_name"), "quantity": 0,
                "unit_price": to_minor_units(item.get("model_discounted_price", 0), currency),
            })
            line["line_ids"].append(str(item.get("order_item_id") or f"{listing_id}:{variant_id}"))
            line["quantity"] += int(item.get("model_quantity_purchased", 0))
        address = raw.get("recipient_address") or {}
        total = to_minor_units(raw.get("total_amount", 0), currency)
        status_raw = raw.get("order_status", "")
        return Order(
            order_id=raw["order_sn"],
            status=order_status(status_raw),
            raw_status=status_raw,
            currency=currency,
            total=total,
            created_at=from_epoch(raw.get("create_time")),
            updated_at=from_epoch(raw.get("update_time")),
            paid_at=from_epoch(raw.get("pay_time")),
            ship_by=from_epoch(raw.get("ship_by_date")),
            lines=tuple(OrderLine(**{**v, "line_ids": tuple(v["line_ids"])}) for v in grouped.values()),
            buyer_name=raw.get("buyer_username"),
            recipient=Address(
                name=address.get("name"), phone=address.get("phone"), full_address=address.get("full_address"),
                city=address.get("city"), region=address.get("state"), postal_code=address.get("zipcode"),
            ) if address else None,
            cash_on_delivery=bool(raw.get("cod")),
            payment_method=raw.get("payment_method"),
            shipping_carrier=raw.get("shipping_carrier"),
            package_ids=tuple(str(p.get("package_number")) for p in raw.get("package_list") or []
                              if p.get("package_number")),
            amounts=ShopeeAdapter._amounts(raw, currency, total),
        )

    @staticmethod
    def _amounts(raw: Mapping[str, Any], currency: str, total: int) -> OrderAmounts | None:
        """The order detail has list and discounted prices per item, the buyer's shipping fee and
        the total. It names no platform voucher: what the buyer did not pay beyond the seller's
        discounts is Shopee's (vouchers, coins). Fees come only with the escrow detail: unknown."""
        items = raw.get("item_list")
        if not items:
            return None
        subtotal = seller_discount = 0
        for item in items:
            qty = int(item.get("model_quantity_purchased", 0))
            discounted = to_minor_units(item.get("model_discounted_price", 0), currency)
            original = to_minor_units(item.get("model_original_price") or item.get("model_discounted_price", 0), currency)
            subtotal += max(original, discounted) * qty
            seller_discount += max(0, original - discounted) * qty
        shipping = to_minor_units(raw.get("estimated_shipping_fee") or 0, currency)
        platform_discount = max(0, subtotal - seller_discount + shipping - total)
        return OrderAmounts(subtotal=subtotal, shipping_fee=shipping, seller_discount=seller_discount,
                            platform_discount=platform_discount)

    # -- money ------------------------------------------------------------------------------

    async def get_settlements(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Settlement]:
        """One id: ``payment.get_escrow_detail``; more: ``get_escrow_detail_batch`` in fifties."""
        ids = list(dict.fromkeys(order_ids))
        if len(ids) == 1:
            try:
                answer = await self._shop_call(conn, "GET", "/api/v2/payment/get_escrow_detail",
                                               "shopee.escrow_detail", query={"order_sn": ids[0]})
            except errors.ValidationError:
                return []  # Shopee answers error_param for an order it does not know
            return [self._settlement(answer)]
        settlements: list[Settlement] = []
        for batch in chunked(ids, DETAIL_BATCH):
            answer = await self._shop_call(conn, "POST", "/api/v2/payment/get_escrow_detail_batch",
                                           "shopee.escrow_detail_batch", body={"order_sn_list": list(batch)})
            rows = answer if isinstance(answer, list) else answer.get("response") or []
            settlements.extend(self._settlement(row.get("escrow_detail") or row) for row in rows)
        return settlements

    async def settled_orders(self, conn: ShopConnection, since: datetime, until: datetime) -> AsyncIterator[str]:
        seen: set[str] = set()
        for time_from, time_to in order_windows(since, until, MAX_ORDER_WINDOW):
            page_no = 1
            while True:
                page = await self._shop_call(
                    conn, "GET", "/api/v2/payment/get_escrow_list", "shopee.escrow_list",
                    query={"release_time_from": time_from, "release_time_to": time_to,
                           "page_size": PAGE_SIZE, "page_no": page_no})
                for entry in page.get("escrow_list") or []:
                    if entry["order_sn"] not in seen:
                        seen.add(entry["order_sn"])
                        yield entry["order_sn"]
                if not page.get("more"):
                    break
                page_no += 1

    @staticmethod
    def _settlement(raw: Mapping[str, Any]) -> Settlement:
        """escrow detail -> Settlement. ``escrow_amount`` is what the seller receives; the named
        parts are read with their sign (Shopee sends every fee as a positive number)."""
        income = raw.get("order_income") or {}
        currency = str(income.get("currency") or "IDR")

        def amount(name: str) -> int:
            return to_minor_units(income.get(name) or 0, currency)

        items = amount("original_price") - amount("seller_discount") - amount("voucher_from_seller")
        parts = [
            (FeeKind.ITEMS, items),
            (FeeKind.PLATFORM_VOUCHER, amount("voucher_from_shopee") + amount("shopee_discount") + amount("coins")),
            (FeeKind.COMMISSION, -amount("commission_fee")),
            (FeeKind.SERVICE_FEE, -amount("service_fee")),
            (FeeKind.TRANSACTION_FEE, -amount("seller_transaction_fee")),
            (FeeKind.CAMPAIGN_FEE, -amount("campaign_fee")),
            (FeeKind.AFFILIATE_COMMISSION, -amount("order_ams_commission_fee")),
            (FeeKind.SHIPPING_BUYER_PAID, amount("buyer_paid_shipping_fee")),
            (FeeKind.SHIPPING_ACTUAL, -amount("actual_shipping_fee") - amount("reverse_shipping_fee")),
            (FeeKind.SHIPPING_REBATE, amount("shopee_shipping_rebate")),
            (FeeKind.TAX, -amount("escrow_tax")),
            (FeeKind.REFUND, -amount("seller_return_refund")),
        ]
        total = amount("escrow_amount")
        return Settlement(order_id=str(raw["order_sn"]), currency=currency, amount=total,
                          lines=balanced_lines(total, parts), final=None)

    # -- shipping ---------------------------------------------------------------------------

    async def shipping_options(self, conn: ShopConnection, order_id: str) -> ShippingOptions:
        answer = await self._shop_call(conn, "GET", "/api/v2/logistics/get_shipping_parameter",
                                       "shopee.shipping_parameter", query={"order_sn": order_id})
        info_needed = answer.get("info_needed") or {}
        pickup = (answer.get("pickup") or {}).get("address_list") or []
        branches = (answer.get("dropoff") or {}).get("branch_list") or []
        return ShippingOptions(
            order_id=order_id,
            pickup_addresses=tuple(
                PickupAddress(
                    address_id=str(a["address_id"]),
                    address=", ".join(str(a[k]) for k in ("address", "city", "state", "zipcode") if a.get(k)),
                    slots=tuple(PickupSlot(slot_id=str(s["pickup_time_id"]), starts_at=from_epoch(s["date"]))
                                for s in a.get("time_slot_list") or []),
                ) for a in pickup
            ) if "pickup" in info_needed else (),
            dropoff_branches=tuple(
                DropoffBranch(branch_id=str(b["branch_id"]),
                              address=", ".join(str(b[k]) for k in ("address", "city", "state") if b.get(k)))
                for b in branches
            ),
            dropoff_available="dropoff" in info_needed,
        )

    async def ship_order(self, conn: ShopConnection, request: ShipRequest) -> None:
        body: dict[str, Any] = {"order_sn": request.order_id}
        if request.package_id:
            body["package_number"] = request.package_id
        if request.mode == "pickup":
            if not (request.address_id and request.slot_id):
                raise errors.ValidationError("a Shopee pickup needs address_id and slot_id", platform="shopee")
            body["pickup"] = {"address_id": int(request.address_id), "pickup_time_id": request.slot_id}
        else:
            body["dropoff"] = {"branch_id": int(request.branch_id)} if request.branch_id else {}
        await self._shop_call(conn, "POST", "/api/v2/logistics/ship_order", "shopee.ship_order", body=body)

    async def tracking_number(self, conn: ShopConnection, order_id: str) -> str | None:
        answer = await self._shop_call(conn, "GET", "/api/v2/logistics/get_tracking_number",
                                       "shopee.tracking_number", query={"order_sn": order_id})
        return answer.get("tracking_number") or None

    # -- shipping documents -----------------------------------------------------------------

    # create/get_result/download take at most 50 orders per call; the thermal air waybill is the
    # 100x150 mm label Indonesian couriers scan.
    document_batch = 50
    DOCUMENT_TYPE = "THERMAL_AIR_WAYBILL"
    DOCUMENT_STATUS = {"READY": DocumentStatus.READY, "PROCESSING": DocumentStatus.PROCESSING,
                       "FAILED": DocumentStatus.FAILED}

    def _document_list(self, refs: Sequence[DocumentRef]) -> list[dict[str, Any]]:
        if len(refs) > self.document_batch:
            raise errors.ValidationError(f"at most {self.document_batch} documents per call", platform="shopee")
        return [{"order_sn": r.order_id, **({"package_number": r.package_id} if r.package_id else {})} for r in refs]

    def _document_states(self, refs: Sequence[DocumentRef], answer: Mapping[str, Any]) -> list[DocumentState]:
        by_order = {str(r.get("order_sn")): r for r in answer.get("result_list") or []}
        states = []
        for ref in refs:
            row = by_order.get(ref.order_id) or {}
            code = str(row.get("fail_error") or "")
            raw = str(row.get("status") or ("FAILED" if code else "PROCESSING"))
            status = DocumentStatus.FAILED if code else self.DOCUMENT_STATUS.get(raw, DocumentStatus.FAILED)
            states.append(DocumentState(
                order_id=ref.order_id, package_id=ref.package_id, status=status, code=code or None,
                reason=(str(row.get("fail_message") or code or f"document status {raw}")
                        if status is DocumentStatus.FAILED else None)))
        return states

    async def create_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        body = {"order_list": [{**o, "shipping_document_type": self.DOCUMENT_TYPE} for o in self._document_list(refs)]}
        answer = await self._shop_call(conn, "POST", "/api/v2/logistics/create_shipping_document",
                                       "shopee.create_shipping_document", body=body)
        # Accepted orders come back without fail_error: generation has started.
        return self._document_states(refs, answer)

    async def shipping_document_states(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        body = {"order_list": self._document_list(refs), "shipping_document_type": self.DOCUMENT_TYPE}
        answer = await self._shop_call(conn, "POST", "/api/v2/logistics/get_shipping_document_result",
                                       "shopee.shipping_document_result", body=body)
        return self._document_states(refs, answer)

    async def download_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> bytes:
        body = {"shipping_document_type": self.DOCUMENT_TYPE, "order_list": self._document_list(refs)}
        pdf: bytes = await self.client.call("POST", "/api/v2/logistics/download_shipping_document",
                                            op="shopee.download_shipping_document", body=body, file=True,
                                            shop_id=conn.shop_id, tokens=conn.tokens, key=conn.limit_key)
        return pdf

    # -- cancellation -----------------------------------------------------------------------

    # The v2 reference lists OUT_OF_STOCK and UNDELIVERABLE_AREA (TW and MY only); CUSTOMER_REQUEST
    # is v1's and the SDKs still send it. For Indonesian shops we offer the two that apply.
    cancel_reasons: tuple[CancelReason, ...] = (CancelReason.OUT_OF_STOCK, CancelReason.BUYER_REQUEST)
    CANCEL_CODES = {CancelReason.OUT_OF_STOCK: "OUT_OF_STOCK", CancelReason.BUYER_REQUEST: "CUSTOMER_REQUEST"}

    async def cancel_order(self, conn: ShopConnection, request: CancelRequest) -> None:
        code = self.CANCEL_CODES.get(request.reason)
        if code is None:
            raise errors.ValidationError(f"Shopee does not take the cancel reason {request.reason}", platform="shopee")
        body: dict[str, Any] = {"order_sn": request.order_id, "cancel_reason": code}
        if request.reason is CancelReason.OUT_OF_STOCK:
            body["item_list"] = [{"item_id": int(item), "model_id": int(model)}
                                 for item, model in dict.fromkeys(request.lines)]
        await self._shop_call(conn, "POST", "/api/v2/order/cancel_order", "shopee.cancel_order", body=body)

    # -- push -------------------------------------------------------------------------------

    def verify_webhook(self, *, headers: Mapping[str, str], body: bytes, url: str) -> WebhookEvent:
        """Verify a push against the exact callback URL Shopee posted to; dedupe key is the body's hash."""
        authorization = _header(headers, "authorization")
        if not signing.push_signature_valid(self.client.partner_key, callback_url=url, body=body,
                                            authorization=authorization):
            raise errors.WebhookRejected("Shopee push signature does not match", platform="shopee")
        try:
            payload = json.loads(body)
            code = int(payload["code"])
            shop_id = str(payload["shop_id"])
            occurred_at = from_epoch(payload.get("timestamp"))
        except (ValueError, KeyError, TypeError, OverflowError, OSError) as exc:
            raise errors.WebhookRejected(f"Shopee push body is not a push: {exc}", platform="shopee") from exc
        data = payload.get("data") or {}
        kind = PUSH_KINDS.get(code, EventKind.OTHER)
        raw_status = data.get("status") if kind is EventKind.ORDER_STATUS else None
        # Shopee pushes carry no notification id; a redelivery repeats the exact body, so its hash
        # identifies the notification.
        dedupe = "shopee:" + hashlib.sha256(body).hexdigest()
        return WebhookEvent(
            platform=Platform.SHOPEE,
            kind=kind,
            code=str(code),
            shop_id=shop_id,
            dedupe_key=dedupe,
            occurred_at=occurred_at,
            order_id=data.get("ordersn") or data.get("order_sn"),
            order_status=STATUS_MAP.get(raw_status) if raw_status else None,
            raw_status=raw_status,
            data=data,
        )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _by_listing(updates: Sequence[StockUpdate | PriceUpdate]) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for update in updates:
        grouped[update.listing_id].append(update)
    return grouped


def _batch_result(item_id: str, answer: Mapping[str, Any]) -> UpdateResult:
    return UpdateResult(
        succeeded=tuple((item_id, str(s.get("model_id", 0))) for s in answer.get("success_list") or []),
        failed=tuple(UpdateFailure(listing_id=item_id, variant_id=str(f.get("model_id", 0)),
                                   reason=f.get("failed_reason") or "unknown")
                     for f in answer.get("failure_list") or []),
    )
