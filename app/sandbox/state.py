"""The sandbox's world: apps, shops, catalogs, orders, grants, faults — in process memory.

This is an emulator's state, not StoreSync's: it lives in one process on purpose. Every read and
write holds ``SandboxState.lock`` (a threading lock: the HTTP server may run in a background
thread while a test mutates state from its own thread); no lock is held across an ``await``.

Platform differences in shape (ids, status names) are decided here when objects are created; the
two HTTP modules only render them.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from app.sandbox.courier_state import CourierSandbox
from app.sandbox.payment_state import PaymentSandbox
from app.sandbox.push import WebhookDispatcher
from app.sandbox.seed_data import SeedData

log = logging.getLogger(__name__)

PlatformName = Literal["shopee", "tiktok", "lazada"]

INITIAL_ORDER_STATUS = {"shopee": "READY_TO_SHIP", "tiktok": "AWAITING_SHIPMENT", "lazada": "pending"}
SHOPEE_ORDER_STATUSES = {"UNPAID", "READY_TO_SHIP", "PROCESSED", "RETRY_SHIP", "SHIPPED", "TO_CONFIRM_RECEIVE",
                         "IN_CANCEL", "CANCELLED", "TO_RETURN", "COMPLETED"}
TIKTOK_ORDER_STATUSES = {"UNPAID", "ON_HOLD", "AWAITING_SHIPMENT", "PARTIALLY_SHIPPING", "AWAITING_COLLECTION",
                         "IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"}
# Lazada spells its order statuses in lower case (per order item; the order carries them all).
LAZADA_ORDER_STATUSES = {"unpaid", "pending", "packed", "ready_to_ship", "shipped", "delivered", "confirmed",
                         "failed_delivery", "canceled", "returned", "lost_by_3pl", "damaged_by_3pl"}


_LISTED = {"shopee": "NORMAL", "tiktok": "ACTIVATE", "lazada": "Active"}


class SandboxError(Exception):
    """A platform-shaped refusal; the HTTP layer renders it in the platform's envelope."""

    def __init__(self, code: str | int, message: str, http_status: int = 200) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status


@dataclass
class SandboxConfig:
    """Lifetimes in seconds and limits; tests shorten them to watch things expire."""

    shopee_access_ttl: float = 4 * 3600
    shopee_refresh_ttl: float = 30 * 86400
    shopee_code_ttl: float = 600
    # After a refresh Shopee keeps the previous access token valid for 5 more minutes.
    shopee_old_token_grace: float = 300
    tiktok_access_ttl: float = 7 * 86400
    tiktok_refresh_ttl: float = 60 * 86400
    tiktok_code_ttl: float = 1800
    # Lazada: expires_in 7 days, refresh_expires_in 30 days; an authorization code lives 30 minutes.
    lazada_access_ttl: float = 7 * 86400
    lazada_refresh_ttl: float = 30 * 86400
    lazada_code_ttl: float = 1800
    # None: no limit. Counted per platform, shop and API path in a 1-second window.
    rate_limit_per_second: int | None = None
    # Retry-After header sent with rate-limit answers (None: none, as the platforms publish none).
    rate_limit_retry_after: float | None = None
    # Seconds (sandbox clock) a Shopee shipping document stays PROCESSING after it was asked for.
    document_seconds: float = 2.0
    # Seconds added to every marketplace API answer (a real host is a network away; benches set it).
    latency: float = 0.0


@dataclass
class Sku:
    sku_id: str
    seller_sku: str
    label: tuple[str, ...]
    tier_index: tuple[int, ...]
    price: int
    stock: int
    warehouse_id: str


@dataclass
class Product:
    product_id: str
    title: str
    status: str
    seller_sku: str
    has_variants: bool
    tiers: tuple[tuple[str, tuple[str, ...]], ...]
    skus: list[Sku]
    create_time: int
    update_time: int
    # What a create (or an update) gave beyond the title; generated products leave them empty.
    description: str = ""
    category_id: str = ""
    images: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    # TikTok: where the product is listed ("TIKTOK_SHOP", "TOKOPEDIA"); empty for other platforms.
    listing_platforms: tuple[str, ...] = ()


@dataclass
class OrderLine:
    line_id: str
    product_id: str
    sku_id: str
    name: str
    seller_sku: str
    quantity: int
    unit_price: int  # what the buyer pays per unit, after the seller's discount
    original_price: int = 0  # list price; 0 means no seller discount

    @property
    def list_price(self) -> int:
        return max(self.original_price, self.unit_price)


@dataclass
class Order:
    order_id: str
    status: str
    create_time: int
    update_time: int
    pay_time: int | None
    lines: list[OrderLine]
    buyer_username: str
    recipient: dict[str, str]
    payment_method: str
    carrier: str
    package_id: str
    tracking_number: str = ""
    shipped_via: str | None = None
    document_requested_at: float | None = None  # Shopee: when create_shipping_document accepted it
    shipping_fee: int = 0  # paid by the buyer
    platform_discount: int = 0  # the platform's voucher
    completed_time: int | None = None  # when the escrow / statement was released (COMPLETED)

    @property
    def subtotal(self) -> int:
        return sum(line.list_price * line.quantity for line in self.lines)

    @property
    def seller_discount(self) -> int:
        return sum((line.list_price - line.unit_price) * line.quantity for line in self.lines)

    @property
    def total(self) -> int:
        """What the buyer pays: items after discounts, plus shipping."""
        return self.subtotal - self.seller_discount - self.platform_discount + self.shipping_fee


@dataclass
class Shop:
    platform: PlatformName
    shop_id: str
    name: str
    app_id: str  # Shopee partner_id or TikTok app_key that may access this shop
    region: str = "ID"
    cipher: str | None = None
    open_id: str | None = None
    callback_url: str | None = None
    currency: str = "IDR"  # the currency the shop settles in (tests switch it to see it refused)
    # TikTok: the shop may list its products on Tokopedia too (create product's listing_platforms).
    tokopedia: bool = False
    products: dict[str, Product] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)

    def sku(self, product_id: str, sku_id: str) -> Sku | None:
        product = self.products.get(product_id)
        if product is None:
            return None
        return next((s for s in product.skus if s.sku_id == sku_id), None)


@dataclass
class Grant:
    """An issued code, access token or refresh token."""

    platform: PlatformName
    shop_id: str
    app_id: str
    expires_at: float
    used: bool = False


@dataclass
class Fault:
    """One fault switch; applies to calls matching platform/shop while ``remaining`` lasts (None: forever)."""

    kind: Literal["rate_limit", "server_error", "slow", "hang", "malformed", "expire_token", "lose_answer"]
    platform: PlatformName | None = None
    shop_id: str | None = None
    remaining: int | None = 1
    seconds: float = 0.0
    # For expire_token: let this many calls pass first, then expire the shop's tokens.
    after: int = 0
    id: int = 0
    # Only calls to this API path (None: any). lose_answer: the call is carried out, then its answer
    # is replaced by a server error, as when a connection drops after the platform did the work.
    path: str | None = None


@dataclass
class ApiCall:
    platform: str
    path: str
    shop_id: str | None
    outcome: str  # "ok" or the error code answered
    at: float


class SandboxState:
    """All sandbox data plus the Python API tests and the demo use to arrange a scenario."""

    def __init__(self, *, seed: int | None = None, config: SandboxConfig | None = None,
                 dispatcher: WebhookDispatcher | None = None) -> None:
        self.lock = threading.RLock()
        self.config = config or SandboxConfig()
        self.seed = SeedData(seed)
        self.clock_offset = 0.0
        self.shopee_partners: dict[str, str] = {}  # partner_id -> partner_key
        self.tiktok_apps: dict[str, dict[str, str]] = {}  # app_key -> {secret, service_id, redirect_url}
        self.lazada_apps: dict[str, dict[str, str]] = {}  # app_key -> {secret, redirect_url}
        self.shops: dict[tuple[str, str], Shop] = {}
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}
        self.faults: list[Fault] = []
        self.calls: deque[ApiCall] = deque(maxlen=5000)
        self.sinks: dict[str, list[dict]] = {}
        self._windows: dict[tuple[str, str, str], deque[float]] = {}
        self._ids = itertools.count(1)
        self.dispatcher = dispatcher or WebhookDispatcher()
        # Midtrans and Xendit: their own state (app.sandbox.payment_state), served beside the marketplaces.
        self.payments = PaymentSandbox()
        # A Biteship-shaped courier aggregator (app.sandbox.courier_state).
        self.couriers = CourierSandbox()
        # TikTok: document URL token -> (shop id, package id); the URL stays valid while the sandbox runs.
        self.document_links: dict[str, tuple[str, str]] = {}
        # Uploaded product photos: (platform, image id) -> (width, height).
        self.images: dict[tuple[str, str], tuple[int, int]] = {}

    # -- time -------------------------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock forward (expires codes and tokens without waiting)."""
        with self.lock:
            self.clock_offset += seconds

    # -- apps and shops ---------------------------------------------------------------------

    def register_shopee_partner(self, partner_id: int | str, partner_key: str) -> None:
        with self.lock:
            self.shopee_partners[str(partner_id)] = partner_key

    def register_tiktok_app(self, app_key: str, app_secret: str, *, service_id: str = "",
                            redirect_url: str = "") -> None:
        with self.lock:
            self.tiktok_apps[app_key] = {"secret": app_secret, "service_id": service_id,
                                         "redirect_url": redirect_url}

    def register_lazada_app(self, app_key: str, app_secret: str, *, redirect_url: str = "") -> None:
        with self.lock:
            self.lazada_apps[app_key] = {"secret": app_secret, "redirect_url": redirect_url}

    def create_shop(self, platform: PlatformName, *, app_id: str | int, shop_id: str | None = None,
                    name: str | None = None, products: int = 0, callback_url: str | None = None,
                    tokopedia: bool = False) -> Shop:
        """Create a shop of an already registered app, optionally with ``products`` generated products."""
        app_id = str(app_id)
        with self.lock:
            known = {"shopee": set(self.shopee_partners), "tiktok": set(self.tiktok_apps),
                     "lazada": set(self.lazada_apps)}[platform]
            if app_id not in known:
                raise KeyError(f"register the {platform} app {app_id} first")
            if shop_id is None:
                shop_id = {"shopee": self.seed.digits(9), "tiktok": self.seed.digits(19),
                           "lazada": self.seed.digits(10)}[platform]
            shop = Shop(platform=platform, shop_id=str(shop_id), name=name or self.seed.shop_name(), app_id=app_id,
                        callback_url=callback_url, tokopedia=tokopedia and platform == "tiktok")
            if platform == "tiktok":
                shop.cipher = "ROW_" + secrets.token_urlsafe(18)
                shop.open_id = secrets.token_urlsafe(12)
            self.shops[(platform, shop.shop_id)] = shop
            self.add_products(platform, shop.shop_id, products)
            return shop

    def shop(self, platform: str, shop_id: str) -> Shop:
        try:
            return self.shops[(platform, str(shop_id))]
        except KeyError:
            raise KeyError(f"no {platform} sandbox shop {shop_id}") from None

    def shops_of_app(self, platform: str, app_id: str) -> list[Shop]:
        with self.lock:
            return [s for s in self.shops.values() if s.platform == platform and s.app_id == str(app_id)]

    def shop_by_cipher(self, cipher: str) -> Shop | None:
        with self.lock:
            return next((s for s in self.shops.values() if s.cipher == cipher), None)

    def set_callback(self, platform: str, shop_id: str, url: str | None) -> None:
        with self.lock:
            self.shop(platform, shop_id).callback_url = url

    # -- catalog ----------------------------------------------------------------------------

    def add_products(self, platform: str, shop_id: str, count: int) -> list[Product]:
        """Generate ``count`` Indonesian products (some with variants) in the shop."""
        created = []
        with self.lock:
            shop = self.shop(platform, shop_id)
            warehouse = "7" + "0" * 15 + "1" if platform == "tiktok" else ""
            for _ in range(count):
                generated = self.seed.product()
                now = int(self.now())
                product_id = self._new_id(platform, "product")
                skus = [
                    Sku(
                        sku_id=self._new_id(platform, "sku"),
                        seller_sku=f"{generated.sku_base}-{'-'.join(v.label)}" if v.label else generated.sku_base,
                        label=v.label, tier_index=v.tier_index, price=v.price, stock=v.stock,
                        warehouse_id=warehouse,
                    )
                    for v in generated.variants
                ]
                product = Product(product_id=product_id, title=generated.title,
                                  status=_LISTED[platform],
                                  seller_sku=generated.sku_base, has_variants=bool(generated.tiers),
                                  tiers=generated.tiers, skus=skus, create_time=now, update_time=now)
                shop.products[product_id] = product
                created.append(product)
        return created

    def add_listing(self, platform: str, shop_id: str, title: str,
                    variants: list[tuple[str, tuple[str, ...], int, int]]) -> Product:
        """List one product with given variants (seller SKU, option labels, price, stock): how a
        scenario (the demo) puts a known catalog on sale. Options become tiers by position."""
        with self.lock:
            shop = self.shop(platform, shop_id)
            warehouse = "7" + "0" * 15 + "1" if platform == "tiktok" else ""
            width = max((len(label) for _sku, label, _p, _s in variants), default=0)
            names = ["Warna", "Ukuran"][:width] + [f"Opsi {i}" for i in range(3, width + 1)]
            options = [list(dict.fromkeys(label[t] for _sku, label, _p, _s in variants if len(label) > t))
                       for t in range(width)]
            has_variants = width > 0
            now = int(self.now())
            skus = [Sku(sku_id=self._new_id(platform, "sku"), seller_sku=sku, label=label,
                        tier_index=tuple(options[t].index(label[t]) for t in range(len(label))),
                        price=price, stock=stock, warehouse_id=warehouse)
                    for sku, label, price, stock in variants]
            product = Product(product_id=self._new_id(platform, "product"), title=title,
                              status=_LISTED[platform],
                              seller_sku=variants[0][0] if not has_variants else variants[0][0].rsplit("-", 1)[0],
                              has_variants=has_variants,
                              tiers=tuple((names[t], tuple(options[t])) for t in range(width)),
                              skus=skus, create_time=now, update_time=now)
            shop.products[product.product_id] = product
            return product

    def _new_id(self, platform: str, kind: str) -> str:
        n = next(self._ids)
        if platform == "shopee":
            # Shopee ids are integers: items ~10 digits, models ~11.
            return str((10_000_000_000 if kind == "sku" else 1_000_000_000) + n)
        return str(1_729_000_000_000_000_000 + n * 7)

    def set_stock(self, platform: str, shop_id: str, product_id: str, sku_id: str, stock: int) -> None:
        with self.lock:
            shop = self.shop(platform, shop_id)
            sku = shop.sku(product_id, sku_id)
            if sku is None:
                raise KeyError(f"no sku {sku_id} in product {product_id}")
            sku.stock = stock
            shop.products[product_id].update_time = int(self.now())

    def listing_stock(self, platform: str, shop_id: str, product_id: str) -> dict[str, int]:
        """Current stock of every SKU/model of a listing, by SKU/model id."""
        with self.lock:
            product = self.shop(platform, shop_id).products[product_id]
            return {s.sku_id: s.stock for s in product.skus}

    # -- orders -----------------------------------------------------------------------------

    def create_order(self, platform: str, shop_id: str, *, lines: list[tuple[str, str, int]] | None = None,
                     status: str | None = None, create_time: float | None = None, push: bool = True,
                     shipping_fee: int | None = None, platform_discount: int | None = None,
                     seller_discount_percent: int = 0) -> Order:
        """Place an order (random lines from the catalog unless given as (product, sku, qty)).

        Stock is taken from the SKUs as the platforms do on checkout; a webhook is pushed.
        A random order also gets a shipping fee and sometimes a platform voucher (derived from its
        id, so the seeded random sequence stays as it was); given lines get only what is asked.
        """
        random_lines = lines is None
        with self.lock:
            shop = self.shop(platform, shop_id)
            if not shop.products:
                raise ValueError("the shop has no products to order")
            if lines is None:
                products = list(shop.products.values())
                picks = self.seed.rng.sample(products, k=min(len(products), self.seed.rng.randint(1, 3)))
                lines = [(p.product_id, self.seed.rng.choice(p.skus).sku_id, self.seed.rng.randint(1, 3))
                         for p in picks]
            created = int(create_time if create_time is not None else self.now())
            order_lines = []
            for product_id, sku_id, quantity in lines:
                product = shop.products[product_id]
                sku = shop.sku(product_id, sku_id)
                if sku is None:
                    raise KeyError(f"no sku {sku_id} in product {product_id}")
                sku.stock = max(0, sku.stock - quantity)
                discount = sku.price * seller_discount_percent // 100
                order_lines.append(OrderLine(
                    line_id=self._new_id(platform, "line"), product_id=product_id, sku_id=sku_id,
                    name=product.title, seller_sku=sku.seller_sku, quantity=quantity,
                    unit_price=sku.price - discount, original_price=sku.price if discount else 0,
                ))
            status = status or INITIAL_ORDER_STATUS[platform]
            self._check_status(platform, status)
            if platform == "shopee":
                order_id = time.strftime("%y%m%d", time.gmtime(created)) + self.seed.letters(8)
            elif platform == "lazada":
                order_id = "3" + self.seed.digits(14)
            else:
                order_id = "57" + self.seed.digits(16)
            payment = self.seed.payment_method()
            order = Order(
                order_id=order_id, status=status, create_time=created, update_time=created,
                pay_time=None if status == "UNPAID" else created, lines=order_lines,
                buyer_username=self.seed.username(), recipient=self.seed.recipient(), payment_method=payment,
                carrier=self.seed.carrier(), package_id=("OFG" if platform == "shopee" else "11") + self.seed.digits(14),
            )
            mark = zlib.crc32(order_id.encode())
            if shipping_fee is None:
                shipping_fee = 8_000 + (mark % 5) * 2_000 if random_lines else 0
            if platform_discount is None:
                platform_discount = 5_000 if random_lines and mark % 3 == 0 else 0
            order.shipping_fee = max(0, shipping_fee)
            order.platform_discount = max(0, min(platform_discount, order.subtotal - order.seller_discount))
            shop.orders[order_id] = order
        if push:
            self.push_order_status(shop, order)
        return order

    def restock(self, shop: Shop, order: Order) -> None:
        """A cancelled order's units go back on sale, as the platforms do."""
        with self.lock:
            for line in order.lines:
                sku = shop.sku(line.product_id, line.sku_id)
                if sku is not None:
                    sku.stock += line.quantity

    def set_order_status(self, platform: str, shop_id: str, order_id: str, status: str, *,
                         push: bool = True) -> Order:
        """Move an order to ``status`` (platform spelling), bump update_time and push a webhook."""
        self._check_status(platform, status)
        with self.lock:
            shop = self.shop(platform, shop_id)
            order = shop.orders[order_id]
            order.status = status
            order.update_time = max(int(self.now()), order.update_time + 1)
            if status in ("COMPLETED", "confirmed") and order.completed_time is None:  # Lazada says confirmed
                order.completed_time = order.update_time
        if push:
            self.push_order_status(shop, order)
        return order

    @staticmethod
    def _check_status(platform: str, status: str) -> None:
        allowed = {"shopee": SHOPEE_ORDER_STATUSES, "tiktok": TIKTOK_ORDER_STATUSES,
                   "lazada": LAZADA_ORDER_STATUSES}.get(platform, set())
        if status not in allowed:
            raise ValueError(f"{status!r} is not a {platform} order status")

    # -- webhooks ---------------------------------------------------------------------------

    def push_order_status(self, shop: Shop, order: Order) -> None:
        if shop.platform == "shopee":
            payload = {"code": 3, "shop_id": int(shop.shop_id), "timestamp": int(self.now()),
                       "data": {"ordersn": order.order_id, "status": order.status,
                                "update_time": order.update_time}}
        elif shop.platform == "lazada":
            # Lazada push, message_type 0: a trade order's status changed.
            payload = {"seller_id": shop.shop_id, "message_type": 0, "timestamp": int(self.now()),
                       "site": "lazada_id",
                       "data": {"trade_order_id": order.order_id, "order_status": order.status,
                                "status_update_time": order.update_time}}
        else:
            # The webhook text spells a cancelled order as CANCEL.
            status = "CANCEL" if order.status == "CANCELLED" else order.status
            payload = {"type": 1, "tts_notification_id": secrets.token_hex(10), "shop_id": shop.shop_id,
                       "timestamp": int(self.now()),
                       "data": {"order_id": order.order_id, "order_status": status,
                                "update_time": order.update_time}}
        self.push(shop, payload)

    def push(self, shop: Shop, payload: dict) -> None:
        """Sign ``payload`` as the shop's platform does and deliver it to the shop's callback URL."""
        with self.lock:
            url = shop.callback_url
            if not url:
                return
            if shop.platform == "shopee":
                secret, app_key = self.shopee_partners[shop.app_id], None
            elif shop.platform == "lazada":
                secret, app_key = self.lazada_apps[shop.app_id]["secret"], shop.app_id
            else:
                secret, app_key = self.tiktok_apps[shop.app_id]["secret"], shop.app_id
        self.dispatcher.deliver(shop.platform, url, payload, secret=secret, app_key=app_key)

    def record_sink(self, name: str, headers: dict[str, str], body: bytes, url: str) -> None:
        with self.lock:
            self.sinks.setdefault(name, []).append({"headers": headers, "body": body, "url": url})

    def sink(self, name: str) -> list[dict]:
        with self.lock:
            return list(self.sinks.get(name, []))

    # -- grants -----------------------------------------------------------------------------

    def issue_code(self, platform: PlatformName, shop_id: str) -> str:
        with self.lock:
            shop = self.shop(platform, shop_id)
            ttl = {"shopee": self.config.shopee_code_ttl, "tiktok": self.config.tiktok_code_ttl,
                   "lazada": self.config.lazada_code_ttl}[platform]
            code = secrets.token_hex(16)
            self.codes[code] = Grant(platform, shop.shop_id, shop.app_id, self.now() + ttl)
            return code

    def redeem(self, table: dict[str, Grant], value: str, platform: str, app_id: str) -> Grant:
        """Use a single-use code or refresh token once; raises KeyError when unknown, used or expired."""
        with self.lock:
            grant = table.get(value)
            if grant is None or grant.platform != platform or grant.app_id != str(app_id):
                raise KeyError("unknown")
            if grant.used:
                raise KeyError("used")
            if grant.expires_at <= self.now():
                raise KeyError("expired")
            grant.used = True
            return grant

    def issue_tokens(self, platform: PlatformName, shop_id: str, app_id: str,
                     previous_access: str | None = None) -> tuple[str, float, str, float]:
        """New (access, access_expiry, refresh, refresh_expiry) for the shop."""
        with self.lock:
            now = self.now()
            if platform == "shopee":
                access_ttl, refresh_ttl = self.config.shopee_access_ttl, self.config.shopee_refresh_ttl
            elif platform == "lazada":
                access_ttl, refresh_ttl = self.config.lazada_access_ttl, self.config.lazada_refresh_ttl
            else:
                access_ttl, refresh_ttl = self.config.tiktok_access_ttl, self.config.tiktok_refresh_ttl
            access, refresh = secrets.token_hex(16), secrets.token_hex(16)
            self.access_tokens[access] = Grant(platform, shop_id, app_id, now + access_ttl)
            self.refresh_tokens[refresh] = Grant(platform, shop_id, app_id, now + refresh_ttl)
            if platform == "shopee":
                # The access tokens issued before stay valid a short grace period.
                for grant in self.access_tokens.values():
                    if grant.shop_id == shop_id and grant.platform == platform and grant is not \
                            self.access_tokens[access]:
                        grant.expires_at = min(grant.expires_at, now + self.config.shopee_old_token_grace)
            return access, now + access_ttl, refresh, now + refresh_ttl

    def access_grant(self, token: str) -> Grant | None:
        with self.lock:
            return self.access_tokens.get(token)

    def expire_tokens(self, platform: str, shop_id: str, *, refresh_too: bool = False) -> None:
        """Expire every access token (and optionally refresh token) of the shop now."""
        with self.lock:
            tables = [self.access_tokens] + ([self.refresh_tokens] if refresh_too else [])
            for table in tables:
                for grant in table.values():
                    if grant.platform == platform and grant.shop_id == str(shop_id):
                        grant.expires_at = min(grant.expires_at, self.now() - 1)

    # -- faults and limits ------------------------------------------------------------------

    def add_fault(self, fault: Fault) -> Fault:
        with self.lock:
            fault.id = next(self._ids)
            self.faults.append(fault)
            return fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, platform: str, shop_id: str | None, path: str | None = None, *,
                   answered: bool = False) -> Fault | None:
        """The first matching fault, consuming one use of it (expire_token counts passes first).
        ``answered``: asked after the call was carried out, for a lose_answer fault only."""
        with self.lock:
            for fault in list(self.faults):
                if fault.platform not in (None, platform) or (fault.kind == "lose_answer") != answered:
                    continue
                if fault.path is not None and fault.path != path:
                    continue
                if fault.shop_id is not None and fault.shop_id != shop_id:
                    continue
                if fault.kind == "expire_token" and fault.after > 0:
                    fault.after -= 1
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                return fault
            return None

    def over_rate_limit(self, platform: str, shop_id: str | None, path: str) -> bool:
        """Count this call in its 1-second window; True when it exceeds the configured limit."""
        limit = self.config.rate_limit_per_second
        if limit is None:
            return False
        with self.lock:
            now = time.monotonic()
            window = self._windows.setdefault((platform, shop_id or "", path), deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                return True
            window.append(now)
            return False

    def record_call(self, platform: str, path: str, shop_id: str | None, outcome: str) -> None:
        with self.lock:
            self.calls.append(ApiCall(platform, path, shop_id, outcome, self.now()))

    def calls_to(self, platform: str, path: str, outcome: str | None = "ok") -> list[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.platform == platform and c.path == path
                    and (outcome is None or c.outcome == outcome)]

    def reset_calls(self) -> None:
        with self.lock:
            self.calls.clear()
