"""The payment sandbox's state: Midtrans merchants and Snap transactions, Xendit accounts and
invoices, fault switches, and the delivery of signed notifications to the shop's receivers.

Notifications go out over real HTTP from a daemon thread (never inline in the request that caused
them), signed as the gateways sign: Midtrans with SHA-512(order_id + status_code + gross_amount +
server_key), Xendit with the account's x-callback-token header. `duplicates` sends each one more
times, `delay_seconds` holds them back; `resend()` replays the last one (a replay attack or a
gateway retry, as the receiver cannot tell them apart).
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import secrets
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import httpx

from app.integrations.payments.signing import midtrans_signature

log = logging.getLogger(__name__)

PaymentFaultKind = Literal["server_error", "rate_limit", "slow", "bad_signature", "wrong_amount", "drop"]
API_FAULTS = ("server_error", "rate_limit", "slow")
NOTIFY_FAULTS = ("bad_signature", "wrong_amount", "drop")


@dataclass
class PaymentFault:
    kind: PaymentFaultKind
    provider: str | None = None  # midtrans, xendit or None for both
    remaining: int | None = 1
    seconds: float = 0.0


@dataclass
class Merchant:
    server_key: str
    notification_url: str
    merchant_id: str


@dataclass
class XenditAccount:
    secret_key: str
    callback_token: str
    callback_url: str
    user_id: str


@dataclass
class Transaction:
    """A Snap transaction (Midtrans) or an invoice (Xendit)."""

    provider: str
    key: str  # the merchant's server key / the account's secret key
    order_id: str  # Midtrans order_id / Xendit external_id
    amount: int
    reference: str  # Snap token / invoice id
    status: str  # midtrans transaction_status / xendit status
    finish_url: str = ""
    transaction_id: str = field(default_factory=lambda: secrets.token_hex(8))
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    expires: datetime | None = None
    paid_at: datetime | None = None
    payment_type: str = ""


@dataclass
class NotificationDelivery:
    provider: str
    url: str
    body: bytes
    headers: dict[str, str]
    order_id: str
    status: int | None = None
    answer: str = ""
    error: str | None = None


class _Lane:
    """One delivery thread: its notifications go out one after another, in due-time order."""

    def __init__(self, name: str, timeout: float, delivered: list[NotificationDelivery]) -> None:
        self._heap: list[tuple[float, int, NotificationDelivery]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._busy = 0
        self._name = name
        self._timeout = timeout
        self._thread: threading.Thread | None = None
        self._delivered = delivered

    def put(self, delivery: NotificationDelivery, delay: float) -> None:
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + delay, next(self._seq), delivery))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout) as client:
            while True:
                with self._cond:
                    while not self._heap or self._heap[0][0] > time.monotonic():
                        wait = self._heap[0][0] - time.monotonic() if self._heap else None
                        self._cond.wait(timeout=wait)
                    _due, _n, delivery = heapq.heappop(self._heap)
                    self._busy += 1
                try:
                    self._send(client, delivery)
                finally:
                    with self._cond:
                        self._busy -= 1
                        self._cond.notify_all()

    def _send(self, client: httpx.Client, delivery: NotificationDelivery) -> None:
        try:
            response = client.post(delivery.url, content=delivery.body, headers=delivery.headers)
            delivery.status = response.status_code
            delivery.answer = response.text[:300]
        except httpx.HTTPError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
            log.warning("sandbox payment notification to %s failed: %s", delivery.url, delivery.error)
        self._delivered.append(delivery)

    def wait_idle(self, end: float) -> bool:
        with self._cond:
            while self._busy or (self._heap and self._heap[0][0] <= time.monotonic()):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(left, 0.05))
        return True


class PaymentDispatcher:
    """Delivers notifications from a few daemon threads, as a gateway sends many at once; those
    about one order share a lane, so they arrive in the order they were sent. `wait_idle()` for tests."""

    def __init__(self, timeout: float = 5.0, lanes: int = 4) -> None:
        self.delivered: list[NotificationDelivery] = []
        self._lanes = [_Lane(f"sandbox-payments-{n}", timeout, self.delivered) for n in range(lanes)]

    def put(self, delivery: NotificationDelivery, delay: float = 0.0) -> None:
        self._lanes[zlib.crc32(delivery.order_id.encode()) % len(self._lanes)].put(delivery, delay)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every notification due by now has been attempted (held-back ones excepted)."""
        end = time.monotonic() + timeout
        return all(lane.wait_idle(end) for lane in self._lanes)


class PaymentSandbox:
    def __init__(self, public_url: str = "") -> None:
        self.lock = threading.RLock()
        self.public_url = public_url.rstrip("/")
        self.merchants: dict[str, Merchant] = {}
        self.xendit_accounts: dict[str, XenditAccount] = {}
        self.midtrans: dict[str, Transaction] = {}  # order_id -> transaction
        self.snap_tokens: dict[str, str] = {}  # token -> order_id
        self.invoices: dict[str, Transaction] = {}  # invoice id -> invoice
        self.faults: list[PaymentFault] = []
        self.duplicates = 0
        self.delay_seconds = 0.0
        self.last_notification: dict[tuple[str, str], NotificationDelivery] = {}
        self.dispatcher = PaymentDispatcher()

    # -- accounts ---------------------------------------------------------------------------

    def register_midtrans(self, server_key: str, notification_url: str) -> Merchant:
        with self.lock:
            merchant = Merchant(server_key, notification_url, f"G{abs(hash(server_key)) % 10**9:09d}")
            self.merchants[server_key] = merchant
            return merchant

    def register_xendit(self, secret_key: str, callback_token: str, callback_url: str) -> XenditAccount:
        with self.lock:
            account = XenditAccount(secret_key, callback_token, callback_url, secrets.token_hex(12))
            self.xendit_accounts[secret_key] = account
            return account

    # -- faults -----------------------------------------------------------------------------

    def add_fault(self, fault: PaymentFault) -> None:
        with self.lock:
            self.faults.append(fault)

    def clear(self) -> None:
        with self.lock:
            self.faults.clear()
            self.duplicates = 0
            self.delay_seconds = 0.0

    def take_fault(self, provider: str, kinds: tuple[str, ...]) -> PaymentFault | None:
        with self.lock:
            for fault in list(self.faults):
                if fault.kind not in kinds or fault.provider not in (None, provider):
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    # -- Midtrans ---------------------------------------------------------------------------

    def create_snap(self, server_key: str, order_id: str, amount: int, finish_url: str, minutes: int) -> Transaction:
        with self.lock:
            if order_id in self.midtrans:
                raise ValueError("transaction_details.order_id has already been taken")
            tx = Transaction("midtrans", server_key, order_id, amount, secrets.token_hex(16), "pending",
                             finish_url=finish_url, expires=datetime.now(UTC) + timedelta(minutes=minutes))
            self.midtrans[order_id] = tx
            self.snap_tokens[tx.reference] = order_id
            return tx

    def snap_by_token(self, token: str) -> Transaction:
        with self.lock:
            return self.midtrans[self.snap_tokens[token]]

    def midtrans_act(self, order_id: str, action: str) -> Transaction:
        """pay (settlement by QRIS), expire, deny or cancel a transaction, and notify the merchant."""
        statuses = {"pay": "settlement", "expire": "expire", "deny": "deny", "cancel": "cancel"}
        with self.lock:
            tx = self.midtrans[order_id]
            if action not in statuses:
                raise ValueError(f"unknown action {action}")
            if action in ("pay", "deny") and tx.status != "pending":
                raise ValueError(f"transaction is {tx.status}")
            if action in ("expire", "cancel") and tx.status not in ("pending", "authorize"):
                raise ValueError(f"transaction is {tx.status}")
            tx.status = statuses[action]
            tx.payment_type = "qris" if action == "pay" else (tx.payment_type or "qris")
            if action == "pay":
                tx.paid_at = datetime.now(UTC)
        self.notify_midtrans(tx)
        return tx

    def midtrans_refund(self, order_id: str, amount: int) -> Transaction:
        with self.lock:
            tx = self.midtrans[order_id]
            if tx.status != "settlement":
                raise ValueError("only a settled transaction can be refunded")
            if tx.payment_type.endswith("_va") or tx.payment_type in ("bank_transfer", "echannel"):
                raise ValueError("a virtual account payment cannot be refunded")
            if amount > tx.amount:
                raise ValueError("refund amount exceeds the paid amount")
            tx.status = "refund" if amount == tx.amount else "partial_refund"
        self.notify_midtrans(tx)
        return tx

    def midtrans_body(self, tx: Transaction) -> dict[str, Any]:
        code = {"settlement": "200", "capture": "200", "pending": "201"}.get(tx.status, "202")
        gross = f"{tx.amount}.00"
        jakarta = (tx.created + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")
        body: dict[str, Any] = {
            "transaction_time": jakarta, "transaction_status": tx.status, "transaction_id": tx.transaction_id,
            "status_message": "midtrans payment notification", "status_code": code, "payment_type": tx.payment_type
            or "qris", "order_id": tx.order_id, "merchant_id": self.merchants[tx.key].merchant_id,
            "gross_amount": gross, "fraud_status": "accept", "currency": "IDR",
        }
        if tx.paid_at:
            body["settlement_time"] = (tx.paid_at + timedelta(hours=7)).strftime("%Y-%m-%d %H:%M:%S")
        body["signature_key"] = midtrans_signature(tx.order_id, code, gross, tx.key)
        return body

    def notify_midtrans(self, tx: Transaction) -> None:
        merchant = self.merchants.get(tx.key)
        if merchant is None or not merchant.notification_url:
            return
        body = self.midtrans_body(tx)
        fault = self.take_fault("midtrans", NOTIFY_FAULTS)
        if fault is not None and fault.kind == "drop":
            return
        if fault is not None and fault.kind == "wrong_amount":  # signed correctly over a different amount
            body["gross_amount"] = f"{tx.amount + 1000}.00"
            body["signature_key"] = midtrans_signature(tx.order_id, body["status_code"], body["gross_amount"], tx.key)
        if fault is not None and fault.kind == "bad_signature":
            body["signature_key"] = midtrans_signature(tx.order_id, body["status_code"], body["gross_amount"],
                                                       "not-the-server-key")
        self._send("midtrans", merchant.notification_url, body, {}, tx.order_id)

    # -- Xendit -----------------------------------------------------------------------------

    def create_invoice(self, secret_key: str, external_id: str, amount: int, seconds: int,
                       success_url: str) -> Transaction:
        with self.lock:
            invoice = Transaction("xendit", secret_key, external_id, amount, secrets.token_hex(12), "PENDING",
                                  finish_url=success_url, expires=datetime.now(UTC) + timedelta(seconds=seconds))
            self.invoices[invoice.reference] = invoice
            return invoice

    def xendit_act(self, invoice_id: str, action: str) -> Transaction:
        with self.lock:
            invoice = self.invoices[invoice_id]
            if invoice.status != "PENDING":
                raise ValueError(f"invoice is {invoice.status}")
            if action == "pay":
                invoice.status, invoice.paid_at, invoice.payment_type = "PAID", datetime.now(UTC), "QR_CODE"
            elif action == "expire":
                invoice.status = "EXPIRED"
            else:
                raise ValueError(f"unknown action {action}")
        self.notify_xendit(invoice)
        return invoice

    def invoice_body(self, invoice: Transaction) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": invoice.reference, "external_id": invoice.order_id, "user_id":
            self.xendit_accounts[invoice.key].user_id, "status": invoice.status, "merchant_name": "Sandbox merchant",
            "amount": invoice.amount, "currency": "IDR", "created": invoice.created.isoformat().replace("+00:00", "Z"),
            "updated": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        if invoice.paid_at:
            body.update(paid_amount=invoice.amount, paid_at=invoice.paid_at.isoformat().replace("+00:00", "Z"),
                        payment_method="QR_CODE", payment_channel="QRIS")
        return body

    def notify_xendit(self, invoice: Transaction) -> None:
        account = self.xendit_accounts.get(invoice.key)
        if account is None or not account.callback_url:
            return
        body = self.invoice_body(invoice)
        token = account.callback_token
        fault = self.take_fault("xendit", NOTIFY_FAULTS)
        if fault is not None and fault.kind == "drop":
            return
        if fault is not None and fault.kind == "wrong_amount":
            body["amount"] = body.get("paid_amount", invoice.amount) + 1000
            if "paid_amount" in body:
                body["paid_amount"] = body["amount"]
        if fault is not None and fault.kind == "bad_signature":
            token = "not-the-callback-token"
        self._send("xendit", account.callback_url, body, {"x-callback-token": token}, invoice.order_id)

    # -- delivery ---------------------------------------------------------------------------

    def _send(self, provider: str, url: str, body: dict[str, Any], headers: dict[str, str], order_id: str) -> None:
        raw = json.dumps(body, separators=(",", ":")).encode()
        all_headers = {"Content-Type": "application/json", "User-Agent": f"storesync-sandbox-{provider}", **headers}
        with self.lock:
            copies, delay = 1 + self.duplicates, self.delay_seconds
        for _ in range(copies):
            delivery = NotificationDelivery(provider, url, raw, all_headers, order_id)
            with self.lock:
                self.last_notification[(provider, order_id)] = delivery
            self.dispatcher.put(delivery, delay)

    def resend(self, provider: str, order_id: str) -> None:
        """Send the last notification about `order_id` again, byte for byte."""
        with self.lock:
            last = self.last_notification[(provider, order_id)]
        self.dispatcher.put(NotificationDelivery(provider, last.url, last.body, dict(last.headers), order_id))
