"""The marketplaces' official shipping labels of arranged orders, fetched through each store's
adapter: ask for the documents in the platform's batch size, wait while they are generated, and
download them. A courier accepts only the platform's own label for a marketplace order.

Bounded: at most CONCURRENCY batches of one store are in flight at once, and every call still
waits for the store's rate-limit slot in the transport, so 500 labels never flood a platform.
Each order ends up either in a downloaded block or in `failures` with the platform's reason (in
its words); nothing here writes to the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains.stores import connection_for, get_store, open_adapter
from app.integrations import errors
from app.integrations.base import DocumentRef, DocumentState, DocumentStatus, PlatformAdapter, ShopConnection
from app.integrations.errors import IntegrationError

log = logging.getLogger(__name__)

CONCURRENCY = 4  # document batches of one store in flight at once
POLL_SECONDS = 1.0  # between two readings of documents still being generated
MAX_WAIT_SECONDS = 120.0  # a document still generating after this is reported, not waited for


@dataclass(frozen=True, slots=True)
class MarketplaceOrder:
    """An order of a connected store whose label the platform prints."""

    id: int
    number: str  # the platform's order id
    store: int


@dataclass(slots=True)
class Fetched:
    """Downloaded PDFs (each with the StoreSync order ids it holds, in page order) and the refused orders."""

    blocks: list[tuple[list[int], bytes]] = field(default_factory=list)
    failures: dict[int, str] = field(default_factory=dict)


Done = Callable[[int], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


async def fetch_official(tenant: Tenant, orders: Sequence[MarketplaceOrder], *, on_done: Done | None = None,
                         sleep: Sleep = asyncio.sleep, poll: float = POLL_SECONDS,
                         max_wait: float = MAX_WAIT_SECONDS) -> Fetched:
    """The official label of each order, store by store; `on_done(n)` after every n orders settled."""
    fetched = Fetched()
    by_store: dict[int, list[MarketplaceOrder]] = {}
    for order in orders:
        by_store.setdefault(order.store, []).append(order)
    await asyncio.gather(*(
        _store_labels(tenant, store_id, chunk, fetched, on_done, sleep, poll, max_wait)
        for store_id, chunk in by_store.items()))
    return fetched


async def _store_labels(tenant: Tenant, store_id: int, orders: list[MarketplaceOrder], fetched: Fetched,
                        on_done: Done | None, sleep: Sleep, poll: float, max_wait: float) -> None:
    store = await get_store(tenant, store_id)
    gate = asyncio.Semaphore(CONCURRENCY)
    async with open_adapter(store.platform) as adapter:
        conn = connection_for(tenant, store, adapter)
        size = max(1, adapter.document_batch)
        batches = [orders[i:i + size] for i in range(0, len(orders), size)]

        async def one(batch: list[MarketplaceOrder]) -> None:
            async with gate:
                await _batch(adapter, conn, batch, fetched, sleep, poll, max_wait)
            if on_done:
                await on_done(len(batch))

        await asyncio.gather(*(one(batch) for batch in batches))


async def _batch(adapter: PlatformAdapter, conn: ShopConnection, batch: list[MarketplaceOrder], fetched: Fetched,
                 sleep: Sleep, poll: float, max_wait: float) -> None:
    by_number = {o.number: o for o in batch}
    refs = [DocumentRef(order_id=o.number) for o in batch]
    try:
        states = await adapter.create_shipping_documents(conn, refs)
        waited, asked = 0.0, False
        while True:
            ready, pending = _sort(states, by_number, fetched)
            if not pending:
                break
            if waited >= max_wait:
                for state in pending:
                    fetched.failures[by_number[state.order_id].id] = _(
                        "the marketplace was still generating the label after %(seconds)s seconds; try again",
                        seconds=int(max_wait))
                break
            if asked:  # the first reading right away: a quick platform has them ready already
                await sleep(poll)
                waited += poll
            asked = True
            states = [*ready, *await adapter.shipping_document_states(conn, [_ref(s) for s in pending])]
    except IntegrationError as exc:
        log.warning("shipping documents of %s orders not prepared: %s", len(batch), exc)
        for order in batch:
            fetched.failures.setdefault(order.id, _reason(exc))
        return
    await _download(adapter, conn, ready, by_number, fetched)


def _sort(states: list[DocumentState], by_number: dict[str, MarketplaceOrder],
          fetched: Fetched) -> tuple[list[DocumentState], list[DocumentState]]:
    """READY and PROCESSING states; FAILED ones go into the failures with the platform's reason."""
    ready, pending = [], []
    for state in states:
        order = by_number.get(state.order_id)
        if order is None:
            continue
        if state.status is DocumentStatus.FAILED:
            fetched.failures[order.id] = state.reason or _("refused by the marketplace")
        elif state.status is DocumentStatus.READY:
            ready.append(state)
        else:
            pending.append(state)
    return ready, pending


def _ref(state: DocumentState) -> DocumentRef:
    return DocumentRef(order_id=state.order_id, package_id=state.package_id)


async def _download(adapter: PlatformAdapter, conn: ShopConnection, ready: list[DocumentState],
                    by_number: dict[str, MarketplaceOrder], fetched: Fetched) -> None:
    if not ready:
        return
    try:
        pdf = await adapter.download_shipping_documents(conn, [_ref(s) for s in ready])
    except IntegrationError as exc:
        if len(ready) == 1:
            fetched.failures[by_number[ready[0].order_id].id] = _reason(exc)
            return
        # One refused parcel fails the whole call: download one by one to tell which.
        log.info("batch download refused (%s); downloading %s documents one by one", exc, len(ready))
        for state in ready:
            await _download(adapter, conn, [state], by_number, fetched)
        return
    fetched.blocks.append(([by_number[s.order_id].id for s in ready], pdf))


def _reason(exc: IntegrationError) -> str:
    """The platform's own words for a refusal (a seller's sentence for anything else)."""
    if isinstance(exc, errors.ValidationError) and exc.detail:
        return exc.detail
    return _(exc.seller_message)
