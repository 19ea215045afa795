"""The CourierGateway protocol, its plain answers, and the courier statuses in our words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Parcel:
    """What is sent: total weight in grams, the largest dimensions in cm, the goods' value in rupiah."""

    weight_grams: int
    value: int
    length_cm: int = 0
    width_cm: int = 0
    height_cm: int = 0
    description: str = "Goods"


@dataclass(frozen=True)
class Rate:
    """One courier service's offer for a parcel between two postal codes."""

    courier: str  # jne, jnt, sicepat, anteraja
    courier_name: str
    service: str  # reg, yes, ez, best ...
    service_name: str
    price: int
    duration: str  # "2 - 3 days", as the aggregator says it
    cod_available: bool
    cod_fee: int

    @property
    def code(self) -> str:
        return f"{self.courier}:{self.service}"


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    address: str
    postal_code: str


@dataclass(frozen=True)
class BookingRequest:
    reference: str  # our order number
    courier: str
    service: str
    origin: Contact
    destination: Contact
    parcel: Parcel
    pickup: bool  # True: the courier picks up; False: the seller drops the parcel off
    cod_amount: int = 0  # cash the courier collects from the buyer (0: not COD)


@dataclass(frozen=True)
class Booking:
    booking_id: str  # the aggregator's order id
    waybill: str
    tracking_id: str
    status: str  # the aggregator's status word
    price: int


@dataclass(frozen=True)
class TrackingStep:
    status: str  # the aggregator's status word
    note: str
    at: str  # ISO 8601 as sent


@dataclass(frozen=True)
class Tracking:
    waybill: str
    status: str
    history: list[TrackingStep] = field(default_factory=list)


@dataclass(frozen=True)
class StatusNotice:
    """A webhook's content: which booking, which status, when."""

    event: str
    booking_id: str
    waybill: str
    status: str
    at: str
    raw: dict[str, Any] = field(default_factory=dict)


class CourierGateway(Protocol):
    provider: str

    async def rates(self, *, origin_postal: str, destination_postal: str, parcel: Parcel,
                    couriers: list[str]) -> list[Rate]:
        """The offers of these couriers (codes like "jne"); [] when none serves the destination."""

    async def book(self, request: BookingRequest) -> Booking:
        """Book a pickup or drop-off; errors.ValidationError when the aggregator refuses it."""

    async def cancel(self, booking_id: str, *, reason: str) -> None: ...

    async def track(self, tracking_id: str) -> Tracking: ...

    def parse_notice(self, body: bytes) -> StatusNotice | None:
        """A webhook body as a StatusNotice, None when it is not one (malformed or another event)."""
