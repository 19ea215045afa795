"""The courier sandbox's state: aggregator accounts, rate cards by zone and weight, bookings with
waybills in each courier's format, a status progression moved by the control API, fault switches,
and the delivery of webhooks to the shop's receiver over real HTTP (from a daemon thread).

Zones come from postal codes (Indonesian postal codes start with the region): the same first two
digits is the same city area (zone 1), the same first digit the same island group (zone 2), else
zone 3. Postal codes starting with 98 or 99 (Papua) are served only by JNE; more can be added.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import secrets
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    courier: str
    courier_name: str
    service: str
    service_name: str
    prices: tuple[int, int, int]  # first kilogram, zone 1..3
    per_kg: tuple[int, int, int]  # each further kilogram, zone 1..3
    days: tuple[str, str, str]
    max_grams: int
    cod: bool


SERVICES: tuple[Service, ...] = (
    Service("jne", "JNE", "reg", "Reguler", (9000, 18000, 36000), (9000, 16000, 32000),
            ("1 - 2", "2 - 3", "3 - 6"), 70_000, True),
    Service("jne", "JNE", "yes", "Yakin Esok Sampai", (18000, 30000, 55000), (18000, 27000, 50000),
            ("1 - 1", "1 - 1", "1 - 2"), 30_000, False),
    Service("jnt", "J&T", "ez", "EZ", (9000, 17000, 35000), (8000, 15000, 30000),
            ("1 - 2", "2 - 3", "3 - 5"), 50_000, True),
    Service("sicepat", "SiCepat", "reg", "Reguler", (8000, 16000, 33000), (8000, 14000, 29000),
            ("1 - 2", "2 - 3", "3 - 5"), 50_000, True),
    Service("sicepat", "SiCepat", "best", "Besok Sampai Tujuan", (15000, 26000, 48000), (15000, 24000, 44000),
            ("1 - 1", "1 - 1", "1 - 2"), 30_000, False),
    Service("anteraja", "AnterAja", "reg", "Regular", (8500, 16500, 34000), (8500, 14500, 30000),
            ("1 - 2", "2 - 4", "3 - 6"), 30_000, True),
)
SERVICE_BY_CODE = {(s.courier, s.service): s for s in SERVICES}
COD_PERCENT = 3
COD_MINIMUM = 2500
# The happy path, in order; return_in_transit and returned branch off after picked.
PROGRESSION = ("confirmed", "allocated", "picking_up", "picked", "dropping_off", "delivered")
STATUSES = frozenset({*PROGRESSION, "scheduled", "on_hold", "return_in_transit", "returned", "rejected",
                      "cancelled", "courier_not_found", "disposed"})
CANCELLABLE = {"confirmed", "scheduled", "allocated", "picking_up"}


def zone(origin: str, destination: str) -> int:
    if origin[:2] == destination[:2]:
        return 1
    if origin[:1] == destination[:1]:
        return 2
    return 3


def cod_fee(value: int) -> int:
    return max(COD_MINIMUM, math.ceil(value * COD_PERCENT / 100))


@dataclass
class Account:
    api_key: str
    webhook_url: str = ""
    header_name: str = ""
    header_value: str = ""


@dataclass
class CourierOrder:
    id: str
    api_key: str
    reference: str
    courier: str
    service: str
    waybill: str
    price: int
    weight: int
    origin_postal: str
    destination_postal: str
    cod_amount: int
    pickup: bool
    status: str = "confirmed"
    history: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]
    status: int | None = None
    error: str | None = None
    queued_at: float = field(default_factory=time.perf_counter)  # the courier's status changed
    sent_at: float | None = None  # the webhook left for the receiver
    answered_at: float | None = None  # the receiver answered (it applies before it answers)


class CourierSandbox:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.accounts: dict[str, Account] = {}
        self.orders: dict[str, CourierOrder] = {}
        self.unserviceable: set[str] = set()  # postal codes (or prefixes) no courier serves
        self.outage = 0  # calls still to answer 503 (-1: until cleared)
        self.refuse_next = ""  # the next booking is refused with this message
        self.delivered: list[Delivery] = []
        self.rate_calls = 0  # rate requests answered (tests see the cache at work)
        self._numbers = itertools.count(1)
        self._lanes = [_Lane(self.delivered) for _n in range(4)]

    # -- accounts and switches ------------------------------------------------------------

    def register(self, api_key: str, webhook_url: str = "", header_name: str = "", header_value: str = "") -> Account:
        with self.lock:
            account = Account(api_key, webhook_url, header_name, header_value)
            self.accounts[api_key] = account
            return account

    def clear(self) -> None:
        with self.lock:
            self.unserviceable.clear()
            self.outage = 0
            self.refuse_next = ""

    def take_outage(self) -> bool:
        with self.lock:
            if self.outage == 0:
                return False
            if self.outage > 0:
                self.outage -= 1
            return True

    def served(self, courier: str, postal: str) -> bool:
        if any(postal.startswith(prefix) for prefix in self.unserviceable):
            return False
        return courier == "jne" or not postal.startswith(("98", "99"))

    # -- rates and bookings ----------------------------------------------------------------

    def price(self, service: Service, origin: str, destination: str, weight: int) -> int:
        z = zone(origin, destination) - 1
        kilos = max(1, math.ceil(weight / 1000))
        return service.prices[z] + service.per_kg[z] * (kilos - 1)

    def rates(self, origin: str, destination: str, weight: int, value: int, couriers: list[str]) -> list[dict[str, Any]]:
        with self.lock:
            self.rate_calls += 1
        out = []
        for s in SERVICES:
            if s.courier not in couriers or weight > s.max_grams or not self.served(s.courier, destination):
                continue
            z = zone(origin, destination) - 1
            out.append({"courier_code": s.courier, "courier_name": s.courier_name,
                        "courier_service_code": s.service, "courier_service_name": s.service_name,
                        "type": s.service, "duration": f"{s.days[z]} days", "shipment_duration_range": s.days[z],
                        "shipment_duration_unit": "days", "price": self.price(s, origin, destination, weight),
                        "available_for_cash_on_delivery": s.cod,
                        "cash_on_delivery_fee": cod_fee(value) if s.cod else 0})
        return out

    def waybill(self, courier: str) -> str:
        n = next(self._numbers)
        digits = f"{secrets.randbelow(10**8):08d}{n:04d}"
        return {"jne": f"01{digits}00", "jnt": f"JP{digits[-10:]}", "sicepat": f"0025{digits[-8:]}",
                "anteraja": f"10{digits}"}.get(courier, f"SB{digits}")

    def book(self, api_key: str, body: dict[str, Any]) -> CourierOrder:
        """A booking, or ValueError with the refusal in the aggregator's words."""
        with self.lock:
            if self.refuse_next:
                message, self.refuse_next = self.refuse_next, ""
                raise ValueError(message)
            service = SERVICE_BY_CODE.get((str(body.get("courier_company", "")), str(body.get("courier_type", ""))))
            if service is None:
                raise ValueError("Courier service is not available")
            origin, destination = str(body.get("origin_postal_code", "")), str(body.get("destination_postal_code", ""))
            if not origin.isdigit() or not destination.isdigit() or len(destination) != 5:
                raise ValueError("Destination postal code is invalid")
            items = body.get("items") or []
            weight = sum(int(i.get("weight", 0)) * int(i.get("quantity", 1)) for i in items if isinstance(i, dict))
            if weight > service.max_grams:
                raise ValueError(f"Weight exceeds the limit of {service.max_grams // 1000} kg for "
                                 f"{service.courier_name} {service.service_name}")
            if not self.served(service.courier, destination):
                raise ValueError(f"{service.courier_name} does not serve postal code {destination}")
            cod = int(body.get("destination_cash_on_delivery") or 0)
            if cod and not service.cod:
                raise ValueError(f"{service.courier_name} {service.service_name} does not collect cash on delivery")
            order = CourierOrder(id=secrets.token_hex(12), api_key=api_key, reference=str(body.get("reference_id", "")),
                                 courier=service.courier, service=service.service, waybill=self.waybill(service.courier),
                                 price=self.price(service, origin, destination, weight), weight=weight,
                                 origin_postal=origin, destination_postal=destination, cod_amount=cod,
                                 pickup=body.get("origin_collection_method") != "drop_off")
            order.history.append({"status": "confirmed", "note": "Order confirmed", "updated_at": _now()})
            self.orders[order.id] = order
            return order

    def order(self, api_key: str, order_id: str) -> CourierOrder:
        with self.lock:
            order = self.orders.get(order_id)
            if order is None or order.api_key != api_key:
                raise KeyError(order_id)
            return order

    def by_waybill(self, waybill: str) -> CourierOrder:
        with self.lock:
            for order in self.orders.values():
                if order.waybill == waybill or order.id == waybill:
                    return order
            raise KeyError(waybill)

    def cancel(self, api_key: str, order_id: str) -> CourierOrder:
        with self.lock:
            order = self.order(api_key, order_id)
            if order.status not in CANCELLABLE:
                raise ValueError(f"Order cannot be cancelled when it is {order.status}")
            self._move(order, "cancelled", "Cancelled by the shipper")
            return order

    # -- the status progression (control API) ----------------------------------------------

    def set_status(self, order_id: str, status: str, note: str = "", *, notify: bool = True) -> CourierOrder:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status}")
        with self.lock:
            order = self.by_waybill(order_id)
            self._move(order, status, note or status.replace("_", " ").capitalize())
        if notify:
            self.notify(order)
        return order

    def advance(self, order_id: str) -> CourierOrder:
        """One step along the happy path (confirmed -> ... -> delivered)."""
        with self.lock:
            order = self.by_waybill(order_id)
            position = PROGRESSION.index(order.status) if order.status in PROGRESSION else len(PROGRESSION) - 1
            following = PROGRESSION[min(position + 1, len(PROGRESSION) - 1)]
        return self.set_status(order.id, following)

    def _move(self, order: CourierOrder, status: str, note: str) -> None:
        order.status = status
        order.history.append({"status": status, "note": note, "updated_at": _now()})

    # -- webhooks -------------------------------------------------------------------------

    def notice(self, order: CourierOrder, status: str | None = None) -> dict[str, Any]:
        service = SERVICE_BY_CODE[(order.courier, order.service)]
        return {"event": "order.status", "courier_tracking_id": order.id, "courier_waybill_id": order.waybill,
                "courier_company": order.courier, "courier_type": order.service, "courier_driver_name": "Budi",
                "courier_driver_phone": "081234567890", "courier_link": "", "order_id": order.id,
                "order_price": order.price, "status": status or order.status, "updated_at": _now(),
                "courier_name": service.courier_name}

    def notify(self, order: CourierOrder, status: str | None = None, *, header_value: str | None = None,
               times: int = 1) -> None:
        """Send the order's status to its account's webhook URL (`times` copies: a retry or replay)."""
        account = self.accounts.get(order.api_key)
        if account is None or not account.webhook_url:
            return
        headers = {"content-type": "application/json", "user-agent": "Biteship-Sandbox/1.0"}
        if account.header_name:
            headers[account.header_name] = account.header_value if header_value is None else header_value
        body = json.dumps(self.notice(order, status)).encode()
        for _n in range(times):
            self._put(Delivery(account.webhook_url, body, headers), zlib.crc32(order.id.encode()))

    def _put(self, delivery: Delivery, lane: int = 0) -> None:
        self._lanes[lane % len(self._lanes)].put(delivery)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """True once every webhook queued so far has been answered (tests and bench)."""
        end = time.monotonic() + timeout
        return all(lane.wait_idle(end) for lane in self._lanes)


class _Lane:
    """One delivery thread: the webhooks of one booking share a lane, so they arrive in the order
    the courier sent them; bookings on other lanes are delivered meanwhile, as a real aggregator does."""

    def __init__(self, delivered: list[Delivery]) -> None:
        self._pending: list[Delivery] = []
        self._cond = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._delivered = delivered

    def put(self, delivery: Delivery) -> None:
        with self._cond:
            self._pending.append(delivery)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="courier-webhooks", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        with httpx.Client(timeout=10.0) as client:
            while True:
                with self._cond:
                    while not self._pending:
                        self._cond.wait()
                    delivery = self._pending.pop(0)
                    self._busy += 1
                try:
                    delivery.sent_at = time.perf_counter()
                    response = client.post(delivery.url, content=delivery.body, headers=delivery.headers)
                    delivery.status = response.status_code
                    delivery.answered_at = time.perf_counter()
                except httpx.HTTPError as exc:
                    delivery.error = f"{type(exc).__name__}: {exc}"
                    log.warning("sandbox courier webhook to %s failed: %s", delivery.url, delivery.error)
                with self._cond:
                    self._delivered.append(delivery)
                    self._busy -= 1
                    self._cond.notify_all()

    def wait_idle(self, end: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending and not self._busy,
                                       timeout=max(0.0, end - time.monotonic()))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
