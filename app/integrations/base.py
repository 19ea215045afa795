"""What every sales channel looks like to StoreSync: typed objects and the PlatformAdapter protocol.

Adapters translate platform JSON to these models and back; nothing platform-shaped leaves them.
Conventions: money is ``int`` minor units (rupiah have no decimals in practice, so 125000 is
Rp 125.000); times are timezone-aware UTC ``datetime``; platform ids are ``str`` whatever their
JSON type, so that domain code stores them uniformly.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Platform(StrEnum):
    SHOPEE = "shopee"
    TIKTOK = "tiktok"
    LAZADA = "lazada"


class DomainModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Minor-unit exponents of the currencies the marketplaces use. IDR is 2 in ISO 4217 but rupiah
# have no cents in practice and both platforms send whole numbers, so StoreSync stores rupiah.
CURRENCY_EXPONENT = {"IDR": 0, "MYR": 2, "SGD": 2, "PHP": 2, "THB": 2, "VND": 0, "USD": 2}


def to_minor_units(amount: str | int | float | Decimal, currency: str = "IDR") -> int:
    """A platform amount (JSON number or decimal string) as integer minor units of ``currency``."""
    exponent = CURRENCY_EXPONENT.get(currency.upper(), 2)
    return int((Decimal(str(amount)) * (10**exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor_units(value: int, currency: str = "IDR") -> Decimal:
    """Integer minor units back to a Decimal amount, as platforms expect it in write calls."""
    exponent = CURRENCY_EXPONENT.get(currency.upper(), 2)
    return Decimal(value).scaleb(-exponent)


def from_epoch(seconds: int | float | str | None) -> datetime | None:
    """Unix seconds (as platforms send them) to an aware UTC datetime; None and 0 stay None."""
    if seconds in (None, "", 0, "0"):
        return None
    return datetime.fromtimestamp(int(seconds), tz=UTC)


# -- authorization ------------------------------------------------------------------------------


class TokenSet(DomainModel):
    """A store's tokens with absolute UTC expiries."""

    access_token: str
    refresh_token: str
    access_expires_at: AwareDatetime
    refresh_expires_at: AwareDatetime | None = None
    # The platform's shop id when the token response names it (Shopee: the shop_id we asked for).
    shop_id: str | None = None
    # TikTok: the seller's open id and name; useful to show which account was connected.
    open_id: str | None = None
    seller_name: str | None = None
    scopes: tuple[str, ...] = ()

    def expires_within(self, seconds: float, *, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return (self.access_expires_at - now).total_seconds() <= seconds


class AuthorizationResult(DomainModel):
    """What the seller's browser brings back from the platform's consent page."""

    code: str
    shop_id: str | None = None  # Shopee sends it; TikTok does not (ask authorized shops later)
    state: str | None = None


class ShopInfo(DomainModel):
    shop_id: str
    name: str
    region: str | None = None
    # TikTok's shop cipher, required on every shop-scoped call; None on Shopee.
    cipher: str | None = None
    status: str | None = None
    authorization_expires_at: AwareDatetime | None = None
    # TikTok: the platforms a product of this shop may be listed on ("TIKTOK_SHOP", "TOKOPEDIA").
    listing_platforms: tuple[str, ...] = ()


class TokenSource(Protocol):
    """Gives the current access token of one store and renews it when the platform rejects it."""

    async def access_token(self) -> str: ...

    async def renew(self, rejected_token: str) -> str:
        """Return a token newer than ``rejected_token``, refreshing it unless another worker already did."""
        ...


@dataclass(frozen=True, slots=True)
class ShopConnection:
    """Everything a shop-scoped call needs: whose shop, which token source, which key for limits."""

    shop_id: str
    tokens: TokenSource
    cipher: str | None = None
    # Identifies the store for the rate limiter and circuit breaker (e.g. StoreSync's store id).
    # Defaults to the platform shop id.
    store_key: str | None = None

    @property
    def limit_key(self) -> str:
        return self.store_key or self.shop_id


# -- catalog -------------------------------------------------------------------------------------


class ListingVariant(DomainModel):
    """One sellable unit on the platform (Shopee model, TikTok SKU)."""

    variant_id: str  # "0" for a Shopee item without models
    seller_sku: str | None = None
    name: str | None = None  # variation label, e.g. "Merah, XL"
    price: int  # minor units
    quantity: int
    location_id: str | None = None  # warehouse of ``quantity`` when the platform names one


class Listing(DomainModel):
    """A product as listed on one platform, with all its variants."""

    listing_id: str
    title: str
    status: str
    seller_sku: str | None = None
    has_variants: bool
    variants: tuple[ListingVariant, ...]
    updated_at: AwareDatetime | None = None


class StockUpdate(DomainModel):
    """Set the absolute quantity of one variant (never a delta: replays must change nothing)."""

    listing_id: str
    variant_id: str
    quantity: int = Field(ge=0)
    location_id: str | None = None


class PriceUpdate(DomainModel):
    listing_id: str
    variant_id: str
    price: int = Field(gt=0)  # minor units


class UpdateFailure(DomainModel):
    listing_id: str
    variant_id: str
    reason: str


class UpdateResult(DomainModel):
    """Per-variant outcome of a batched write: one failure does not hide the other successes."""

    succeeded: tuple[tuple[str, str], ...] = ()  # (listing_id, variant_id)
    failed: tuple[UpdateFailure, ...] = ()

    def merged(self, other: UpdateResult) -> UpdateResult:
        return UpdateResult(succeeded=self.succeeded + other.succeeded, failed=self.failed + other.failed)


# -- orders --------------------------------------------------------------------------------------


class OrderStatus(StrEnum):
    """Platform order statuses folded into the steps StoreSync acts on."""

    UNPAID = "unpaid"
    ON_HOLD = "on_hold"  # paid but the platform holds it (TikTok's cancellation window)
    TO_SHIP = "to_ship"  # paid, stock must be reserved and the parcel prepared
    PROCESSED = "processed"  # shipment arranged, waiting for the courier
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class OrderSummary(DomainModel):
    """An order id seen in a change window; fetch details with ``get_orders``."""

    order_id: str
    status: OrderStatus
    raw_status: str
    updated_at: AwareDatetime | None = None


class Address(DomainModel):
    name: str | None = None
    phone: str | None = None
    full_address: str | None = None
    city: str | None = None
    region: str | None = None  # province
    postal_code: str | None = None


class OrderLine(DomainModel):
    """Quantity of one variant in an order; ``line_ids`` lists the platform line ids merged into it."""

    line_ids: tuple[str, ...]
    listing_id: str
    variant_id: str
    seller_sku: str | None = None
    name: str | None = None
    quantity: int
    unit_price: int  # minor units, after the seller's discount


class OrderAmounts(DomainModel):
    """What the buyer paid, broken down, in minor units. The buyer's total is
    subtotal - seller_discount - platform_discount + shipping_fee. ``platform_fees`` (commission
    and service fees taken from the seller's payout) is None when the platform's order detail
    does not report it (both report it only in their settlement APIs)."""

    subtotal: int  # items at their list price
    shipping_fee: int = 0  # paid by the buyer
    seller_discount: int = 0  # item discounts and vouchers the seller funds
    platform_discount: int = 0  # vouchers and subsidies the platform funds
    platform_fees: int | None = None


class Order(DomainModel):
    order_id: str
    status: OrderStatus
    raw_status: str
    currency: str = "IDR"
    total: int  # minor units
    created_at: AwareDatetime
    updated_at: AwareDatetime
    paid_at: AwareDatetime | None = None
    ship_by: AwareDatetime | None = None
    lines: tuple[OrderLine, ...]
    buyer_name: str | None = None
    buyer_email: str | None = None
    recipient: Address | None = None
    cash_on_delivery: bool = False
    payment_method: str | None = None
    shipping_carrier: str | None = None
    package_ids: tuple[str, ...] = ()
    tracking_number: str | None = None
    amounts: OrderAmounts | None = None


# -- settlements (marketplace money) ------------------------------------------------------------


class FeeKind(StrEnum):
    """One line of what a marketplace settles for an order, in StoreSync's words. The README's
    Money section maps each platform's fields onto these."""

    ITEMS = "items"  # the items at their selling price (after the seller's discount)
    PLATFORM_VOUCHER = "platform_voucher"  # vouchers / discounts the platform co-funds, paid back
    COMMISSION = "commission"
    SERVICE_FEE = "service_fee"
    TRANSACTION_FEE = "transaction_fee"
    CAMPAIGN_FEE = "campaign_fee"
    AFFILIATE_COMMISSION = "affiliate_commission"
    SHIPPING_BUYER_PAID = "shipping_buyer_paid"
    SHIPPING_ACTUAL = "shipping_actual"  # what the courier charged
    SHIPPING_REBATE = "shipping_rebate"  # the platform's shipping subsidy
    TAX = "tax"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"  # whatever the platform's total holds beyond the named lines


class SettlementLine(DomainModel):
    kind: FeeKind
    amount: int  # minor units, signed: positive to the seller, negative taken from them


class Settlement(DomainModel):
    """What the marketplace pays (or will pay) the seller for one order. ``lines`` always add up to
    ``amount`` (an ADJUSTMENT line takes any difference). ``final`` is True once the platform has
    paid it out, False while it is an estimate, None when the answer does not say (the caller
    decides from the order's state)."""

    order_id: str
    currency: str = "IDR"
    amount: int
    lines: tuple[SettlementLine, ...]
    final: bool | None = None
    settled_at: AwareDatetime | None = None


def balanced_lines(amount: int, lines: Iterable[tuple[FeeKind, int]]) -> tuple[SettlementLine, ...]:
    """Non-zero lines merged by kind, plus an ADJUSTMENT so that they add up to ``amount``."""
    merged: dict[FeeKind, int] = {}
    for kind, value in lines:
        merged[kind] = merged.get(kind, 0) + value
    difference = amount - sum(merged.values())
    if difference:
        merged[FeeKind.ADJUSTMENT] = merged.get(FeeKind.ADJUSTMENT, 0) + difference
    return tuple(SettlementLine(kind=kind, amount=value) for kind, value in merged.items() if value)


# -- shipping ------------------------------------------------------------------------------------


class PickupSlot(DomainModel):
    slot_id: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None


class PickupAddress(DomainModel):
    address_id: str
    address: str
    slots: tuple[PickupSlot, ...]


class DropoffBranch(DomainModel):
    branch_id: str
    address: str


class ShippingOptions(DomainModel):
    """How a parcel can be handed to the courier; empty tuples mean that mode is unavailable."""

    order_id: str
    package_id: str | None = None
    pickup_addresses: tuple[PickupAddress, ...] = ()
    dropoff_branches: tuple[DropoffBranch, ...] = ()
    dropoff_available: bool = False

    @property
    def pickup_available(self) -> bool:
        return bool(self.pickup_addresses)


class ShipRequest(DomainModel):
    """Arrange shipment: a pickup (address and slot) or a drop-off (optional branch)."""

    order_id: str
    mode: Literal["pickup", "dropoff"]
    package_id: str | None = None
    address_id: str | None = None
    slot_id: str | None = None
    branch_id: str | None = None


class CancelReason(StrEnum):
    """Why a seller cancels, in StoreSync's words; each adapter names the ones its platform takes
    (``cancel_reasons``) and sends the platform's own code."""

    OUT_OF_STOCK = "out_of_stock"
    BUYER_REQUEST = "buyer_request"
    UNDELIVERABLE_ADDRESS = "undeliverable_address"
    WRONG_PRICE = "wrong_price"


class CancelRequest(DomainModel):
    """Cancel a whole order; ``lines`` are its (listing_id, variant_id) pairs, which a platform may
    need to name (Shopee's OUT_OF_STOCK)."""

    order_id: str
    reason: CancelReason
    lines: tuple[tuple[str, str], ...] = ()


# -- shipping documents --------------------------------------------------------------------------


class DocumentStatus(StrEnum):
    """Where the platform is with the official shipping label of one parcel."""

    PROCESSING = "processing"  # asked for; the platform is still generating it
    READY = "ready"  # can be downloaded
    FAILED = "failed"  # refused (``reason`` says why, in the platform's words)


class DocumentRef(DomainModel):
    """The parcel whose shipping document is wanted: its order and, when known, its package."""

    order_id: str
    package_id: str | None = None


class DocumentState(DomainModel):
    order_id: str
    package_id: str | None = None
    status: DocumentStatus
    reason: str | None = None  # the platform's refusal, when FAILED
    code: str | None = None  # the platform's error code, when FAILED


# -- webhooks ------------------------------------------------------------------------------------


class EventKind(StrEnum):
    ORDER_STATUS = "order_status"
    TRACKING = "tracking"
    SHOP_AUTHORIZED = "shop_authorized"
    DEAUTHORIZED = "deauthorized"
    AUTHORIZATION_EXPIRING = "authorization_expiring"
    PRODUCT = "product"
    INVENTORY = "inventory"
    OTHER = "other"


class WebhookEvent(DomainModel):
    """A verified platform notification. Equal ``dedupe_key`` means the same notification."""

    platform: Platform
    kind: EventKind
    code: str  # the platform's own event code/type
    shop_id: str
    dedupe_key: str
    occurred_at: AwareDatetime | None = None
    order_id: str | None = None
    order_status: OrderStatus | None = None
    raw_status: str | None = None
    data: Mapping[str, object] = Field(default_factory=dict)


# -- the protocol --------------------------------------------------------------------------------


@runtime_checkable
class PlatformAdapter(Protocol):
    """One sales channel. All methods raise only ``app.integrations.errors.IntegrationError``."""

    platform: Platform

    def authorization_url(self, *, redirect_url: str, state: str) -> str:
        """URL of the platform's consent page; the seller comes back to the redirect with a code."""
        ...

    async def exchange_code(self, result: AuthorizationResult) -> TokenSet:
        """Trade a single-use authorization code for tokens."""
        ...

    async def refresh_tokens(self, tokens: TokenSet) -> TokenSet:
        """Trade the (single-use) refresh token for a new TokenSet; AuthError(REAUTHORIZE) if it is gone."""
        ...

    async def authorized_shops(self, tokens: TokenSet) -> list[ShopInfo]:
        """The shops a fresh authorization covers (call right after ``exchange_code``)."""
        ...

    async def shop_info(self, conn: ShopConnection) -> ShopInfo:
        """Name, region and (TikTok) cipher of the connected shop."""
        ...

    def fetch_listings(self, conn: ShopConnection) -> AsyncIterator[Listing]:
        """Every listing of the shop with its variants, each exactly once, across all pages."""
        ...

    async def update_stock(self, conn: ShopConnection, updates: Sequence[StockUpdate]) -> UpdateResult:
        """Set absolute quantities, split into the platform's batch sizes."""
        ...

    async def update_price(self, conn: ShopConnection, updates: Sequence[PriceUpdate]) -> UpdateResult:
        """Set variant prices (minor units), split into the platform's batch sizes."""
        ...

    def fetch_order_changes(
        self, conn: ShopConnection, since: datetime, until: datetime
    ) -> AsyncIterator[OrderSummary]:
        """Orders updated in [since, until), each once; the window is split to the platform maximum."""
        ...

    async def get_orders(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Order]:
        """Full details of the given orders, fetched in batches of at most 50."""
        ...

    async def shipping_options(self, conn: ShopConnection, order_id: str) -> ShippingOptions:
        """What ``ship_order`` accepts for this order."""
        ...

    async def ship_order(self, conn: ShopConnection, request: ShipRequest) -> None:
        """Arrange pickup or drop-off for the order."""
        ...

    async def tracking_number(self, conn: ShopConnection, order_id: str) -> str | None:
        """The courier's tracking number, or None while the platform has not assigned it yet."""
        ...

    cancel_reasons: tuple[CancelReason, ...]

    async def cancel_order(self, conn: ShopConnection, request: CancelRequest) -> None:
        """Cancel the order on the platform (before it is handed to the courier)."""
        ...

    # Shipping documents: the platform's own label of an arranged shipment (a courier accepts no other).
    # Shopee generates them asynchronously (create -> result -> download); TikTok on request.
    document_batch: int  # how many parcels one create/state/download call may name

    async def create_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        """Ask the platform to generate each parcel's label (at most ``document_batch``); one state per
        ref, FAILED with the platform's reason for a parcel it refuses (e.g. shipment not arranged)."""
        ...

    async def shipping_document_states(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> list[DocumentState]:
        """Where generation stands for each parcel (PROCESSING until READY, or FAILED)."""
        ...

    async def download_shipping_documents(self, conn: ShopConnection, refs: Sequence[DocumentRef]) -> bytes:
        """One PDF holding the READY labels of ``refs``, in their order (at most ``document_batch``)."""
        ...

    def verify_webhook(self, *, headers: Mapping[str, str], body: bytes, url: str) -> WebhookEvent:
        """Check the signature over the raw body and parse it; WebhookRejected when it does not match."""
        ...

    async def get_settlements(self, conn: ShopConnection, order_ids: Sequence[str]) -> list[Settlement]:
        """What the platform settles (or estimates) for each order it knows; unknown ids are left out."""
        ...

    def settled_orders(self, conn: ShopConnection, since: datetime, until: datetime) -> AsyncIterator[str]:
        """Ids of the orders whose money the platform paid out in [since, until), each once."""
        ...


# -- publishing (cross-listing) ------------------------------------------------------------------
# Additive: a channel that can create listings implements PublishingAdapter besides
# PlatformAdapter. Ids are strings whatever the platform's JSON type.


class Category(DomainModel):
    """One node of a platform's category tree; only leaves take listings."""

    category_id: str
    parent_id: str | None = None  # None at the root
    name: str
    is_leaf: bool


class AttributeValue(DomainModel):
    value_id: str
    name: str


class CategoryAttribute(DomainModel):
    """A product attribute a category asks for. ``values`` empty means free text; otherwise the
    answer must be one of them (unless ``customizable``)."""

    attribute_id: str
    name: str
    mandatory: bool
    values: tuple[AttributeValue, ...] = ()
    customizable: bool = False
    is_brand: bool = False


class ChosenAttribute(DomainModel):
    """The seller's answer to one attribute: a listed value id, or free text."""

    attribute_id: str
    value_id: str | None = None
    text: str | None = None


class UploadedImage(DomainModel):
    """An image the platform holds; ``image_id`` is what create calls name (Shopee id, TikTok uri)."""

    image_id: str
    url: str | None = None


class NewVariant(DomainModel):
    """One sellable unit of a new listing; ``options`` has one value per tier, in tier order."""

    seller_sku: str
    options: tuple[str, ...] = ()
    price: int = Field(gt=0)  # minor units
    quantity: int = Field(ge=0)


class NewListing(DomainModel):
    """Everything a create call needs. ``tiers`` name the variation axes (size, colour); an item
    without variants has no tiers and exactly one variant."""

    title: str
    description: str
    category_id: str
    attributes: tuple[ChosenAttribute, ...] = ()
    image_ids: tuple[str, ...]
    weight_grams: int = Field(gt=0)
    tiers: tuple[str, ...] = ()
    variants: tuple[NewVariant, ...]
    seller_sku: str | None = None
    warehouse_id: str | None = None  # TikTok: where the stock lies (the shop's default when None)
    # The client reference of this create attempt; Shopee carries it as the item's SKU when the
    # listing has tiers and no SKU of its own, so an item whose tiers never came can be found.
    reference: str | None = None
    # Create it unlisted, for the seller to finish on the platform: Shopee add_item item_status
    # UNLIST, TikTok save_mode AS_DRAFT, Lazada every SKU's Status inactive.
    draft: bool = False
    # Other marketplaces the shop lists it on as well (TikTok: "TOKOPEDIA"), among listing_channels().
    also_on: tuple[str, ...] = ()


class CreatedListing(DomainModel):
    """The created listing and, per seller SKU, the platform's variant id (to map at once)."""

    listing_id: str
    variant_ids: Mapping[str, str]  # seller_sku -> variant id ("0" for a Shopee item without models)
    status: str = ""  # the new listing's status in the platform's spelling (NORMAL, UNLIST, DRAFT, ...)


class ListingLimits(DomainModel):
    """What a platform accepts in a create call (checked before calling it)."""

    title_max: int
    images_max: int
    tiers_max: int
    variants_max: int
    image_min_px: int


@runtime_checkable
class PublishingAdapter(Protocol):
    """A channel that can create listings. Refusals raise ``errors.ListingRefused`` naming the field
    (``title``, ``images``, ``weight``, ``variants``, ``attribute:<id>``) when the platform's answer
    says which."""

    platform: Platform
    listing_limits: ListingLimits

    async def categories(self, conn: ShopConnection) -> list[Category]:
        """The whole category tree, flat (parents before children is not promised)."""
        ...

    async def category_attributes(self, conn: ShopConnection, category_id: str) -> list[CategoryAttribute]:
        """The product attributes of one leaf category, mandatory ones flagged."""
        ...

    async def upload_image(self, conn: ShopConnection, content: bytes, filename: str) -> UploadedImage:
        """Hand one product photo to the platform's image API."""
        ...

    async def listing_channels(self, conn: ShopConnection) -> tuple[str, ...]:
        """Other marketplaces this shop may list a new listing on as well (``NewListing.also_on``):
        TikTok Shop ("TOKOPEDIA") when the shop allows it; () where there are none."""
        ...

    async def resume_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing | None:
        """After a create whose answer was lost: the item an earlier create made (found by the
        variants' seller SKUs or the listing's reference), finished if it was left half-made;
        None when there is none (then create it)."""
        ...

    async def create_listing(self, conn: ShopConnection, listing: NewListing) -> CreatedListing:
        """Create the listing with its variations; on a refusal nothing stays listed."""
        ...


class ListingEdit(DomainModel):
    """A published listing's new title, description and variant prices (minor units, by the
    platform's variant id). Photos are not part of it yet."""

    listing_id: str
    title: str
    description: str
    prices: Mapping[str, int] = Field(default_factory=dict)


@runtime_checkable
class ListingEditor(Protocol):
    """A channel that can change an existing listing's content (additive, like PublishingAdapter).
    Refusals raise ``errors.ListingRefused`` naming the field, as a create's do. An edit replaces
    values, so sending the same edit twice leaves the listing as sending it once: a job may retry it,
    and a platform that needs several calls (Shopee: name, then prices) may keep the calls made
    before a refusal; the edit is then sent again whole."""

    platform: Platform
    listing_limits: ListingLimits

    async def update_listing(self, conn: ShopConnection, edit: ListingEdit) -> None:
        """Replace the listing's title and description and set the named variants' prices."""
        ...


@runtime_checkable
class SaleSwitcher(Protocol):
    """A channel that can put an existing listing on sale or take it off sale (additive, like
    ListingEditor). A refusal raises ``errors.ListingRefused`` with the platform's own words as its
    seller message. Setting the state it already has changes nothing, so a job may retry it."""

    platform: Platform

    async def set_on_sale(self, conn: ShopConnection, listing_id: str, on_sale: bool,
                          variant_ids: Sequence[str] = ()) -> None:
        """Make the listing buyable (on_sale) or hide it from buyers; ``variant_ids`` are its
        variants' platform ids, for a platform whose status is per variant (Lazada)."""
        ...
