"""The signature of every SAQ task that code enqueues: its name and keyword arguments.

The task functions in tasks/ implement these (`@implements(contract)`, checked by the type
checker), and code that enqueues a job builds it from the contract (`task_job`), so a misspelt task
or a wrong argument fails the type check, and no domain imports tasks/ (which imports the domains).
The cron-only tasks are not here: only tasks/ schedules them, by the function itself.
"""

from __future__ import annotations

from app.core.queue import Task, WorkerContext


async def import_catalog(ctx: WorkerContext, *, organization_id: int, background_job_id: int, path: str,
                         actor_id: int | None = None) -> object:
    """Import a stored catalog file (CSV or XLSX) into the catalog."""


async def send_campaign(ctx: WorkerContext, *, organization_id: int, background_job_id: int, campaign_id: int) -> object:
    """Queue a campaign's e-mails to its segment's consenting customers, batch by batch, with progress."""


async def demo_count(ctx: WorkerContext, *, organization_id: int, background_job_id: int, steps: int = 20,
                     delay: float = 0.15) -> object:
    """Count to `steps`, reporting progress (shows the job machinery working)."""


async def run_order_action(ctx: WorkerContext, *, organization_id: int, action_id: int) -> object:
    """Send one recorded marketplace action (cancel, ship) of an order."""


async def deliver_mail(ctx: WorkerContext, *, mail_ids: list[int] | None = None) -> object:
    """Deliver these outbox mails (None: every mail that is due)."""


async def fetch_orders(ctx: WorkerContext, *, organization_id: int, store_id: int,
                       background_job_id: int | None = None) -> object:
    """Fetch a store's orders updated since its watermark."""


async def process_webhook(ctx: WorkerContext, *, event_id: int) -> object:
    """Act on one stored marketplace notification."""


async def import_listings(ctx: WorkerContext, *, organization_id: int, store_id: int,
                          background_job_id: int | None = None) -> object:
    """Read a store's listings and map them to variants."""


async def push_stock(ctx: WorkerContext, *, organization_id: int, store_id: int, force: bool = False,
                     background_job_id: int | None = None) -> object:
    """Push a store's stock figures (changed ones, or all with force)."""


async def reconcile(ctx: WorkerContext, *, organization_id: int, store_id: int,
                    background_job_id: int | None = None, confirm_zero: list[int] | None = None) -> object:
    """Compare a store's stock figures with ours and correct the drift."""


async def push_stock_changes(ctx: WorkerContext, *, organization_id: int) -> object:
    """Push an organisation's stock changes to every active store."""


async def push_prices(ctx: WorkerContext, *, organization_id: int, store_id: int | None = None,
                      force: bool = False) -> object:
    """Push catalog prices to one store, or to every store that takes them."""


async def book_courier(ctx: WorkerContext, *, organization_id: int, shipment_id: int) -> object:
    """Book again a courier booking that waited for the courier service to come back."""


async def book_couriers(ctx: WorkerContext, *, organization_id: int, background_job_id: int, order_ids: list[int],
                        pickup: bool = True, actor_id: int | None = None) -> object:
    """Book the cheapest enabled courier for each of these orders (bulk "Book courier")."""


async def cancel_courier(ctx: WorkerContext, *, organization_id: int, order_id: int) -> object:
    """Cancel the courier booking of an order that was cancelled."""


async def print_labels(ctx: WorkerContext, *, organization_id: int, background_job_id: int, order_ids: list[int],
                       size: str = "thermal") -> object:
    """Fetch or draw the shipping label of each order and merge them into one PDF."""


async def deliver_webhook(ctx: WorkerContext, *, delivery_id: int) -> object:
    """Attempt one outbound webhook delivery (signed POST to the seller's endpoint)."""


async def check_billing_invoice(ctx: WorkerContext, *, organization_id: int, invoice_id: int) -> object:
    """Ask the platform's payment gateway whether a subscription invoice was paid."""


CONTRACTS: dict[str, Task[..., object]] = {contract.__name__: contract for contract in (
    import_catalog, demo_count, run_order_action, deliver_mail, fetch_orders, process_webhook, import_listings,
    push_stock, reconcile, push_stock_changes, push_prices, book_courier, book_couriers, cancel_courier,
    print_labels, deliver_webhook, check_billing_invoice, send_campaign)}


def by_name(name: str) -> Task[..., object]:
    """The contract of the task named `name` (a stored job's kind), or KeyError."""
    return CONTRACTS[name]


async def expire_gateway_payment(ctx: WorkerContext, *, organization_id: int, payment_id: int) -> object:
    """Close a cancelled payment at its gateway (Midtrans expire, Xendit invoice expire)."""


async def refresh_rollups(ctx: WorkerContext, *, organization_id: int, order_ids: list[int]) -> object:
    """Recompute the money rollups of the days these orders were placed on."""


async def settle_store(ctx: WorkerContext, *, organization_id: int, store_id: int,
                       order_ids: list[int] | None = None) -> object:
    """Fetch and record one store's marketplace settlements (these orders' too, even if final)."""


async def publish_products(ctx: WorkerContext, *, organization_id: int, background_job_id: int, store_id: int,
                           product_ids: list[int], actor_id: int | None = None, draft: bool = False,
                           tokopedia: bool = False) -> object:
    """Publish each product to one store (bulk "Publish to…"), one result per product."""


async def send_listing_changes(ctx: WorkerContext, *, organization_id: int, background_job_id: int, product_id: int,
                               listing_row_id: int, actor_id: int | None = None) -> object:
    """Send a product's title, description and prices to one of its published listings."""


async def change_listing_sale(ctx: WorkerContext, *, organization_id: int, background_job_id: int, listing_id: int,
                              state: str, actor_id: int | None = None) -> object:
    """Put a listing's marketplace item on sale (state live) or take it off sale (state unlisted)."""
