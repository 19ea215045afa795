"""SAQ tasks and schedules. Tasks are thin: they call domain services.

`worker_settings()` is the one place that lists every task and cron schedule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from saq import CronJob

from tasks.billing import billing_cycle, check_billing_invoice
from tasks.catalog import import_catalog
from tasks.demo import demo_count
from tasks.fulfillment import (
    print_labels,
    remove_old_labels,
    retry_missing_tracking,
    run_order_action,
    sweep_order_actions,
)
from tasks.lifecycle import after_process, before_process, shutdown, startup
from tasks.mail import deliver_mail, sweep_mail
from tasks.marketing import marketing_upkeep, send_campaign
from tasks.money import (
    refresh_rollups,
    schedule_settlements,
    send_weekly_summaries,
    settle_store,
    sweep_rollups,
)
from tasks.orders import fetch_orders, notify_late_orders, schedule_order_fetches
from tasks.payments import expire_gateway_payment
from tasks.publishing import (
    change_listing_sale,
    publish_products,
    refresh_category_trees,
    send_listing_changes,
)
from tasks.shipping import (
    book_courier,
    book_couriers,
    cancel_courier,
    poll_courier_tracking,
    retry_courier_bookings,
)
from tasks.stores import process_webhook, refresh_store_tokens, sweep_webhook_events
from tasks.sync import (
    import_listings,
    push_prices,
    push_stock,
    push_stock_changes,
    reconcile,
    sweep_stock_changes,
)
from tasks.webhooks import deliver_webhook, sweep_webhook_deliveries
from tasks.website import expire_unpaid_orders

FUNCTIONS: list[Callable[..., Awaitable[Any]]] = [demo_count, refresh_store_tokens, process_webhook, import_catalog, import_listings, push_stock,
             push_stock_changes, reconcile, sweep_stock_changes, fetch_orders, schedule_order_fetches,
             notify_late_orders, push_prices, retry_missing_tracking, run_order_action,
             sweep_order_actions, deliver_mail, sweep_mail, sweep_webhook_events, expire_gateway_payment,
             expire_unpaid_orders, book_courier, book_couriers, cancel_courier, retry_courier_bookings, poll_courier_tracking,
             print_labels, remove_old_labels, deliver_webhook, sweep_webhook_deliveries, check_billing_invoice,
             billing_cycle, settle_store, refresh_rollups, sweep_rollups, schedule_settlements,
             send_weekly_summaries, refresh_category_trees, publish_products, send_listing_changes, change_listing_sale,
             marketing_upkeep, send_campaign]
CRON_JOBS: list[CronJob] = [
    # Every 10 minutes; refreshes what expires within 30 (one store at a time, single-flight).
    CronJob(refresh_store_tokens, cron="*/10 * * * *", timeout=600, heartbeat=120, retries=1),
    # Every 10 seconds: the outbox sweep catches stock changes whose push signal was lost.
    CronJob(sweep_stock_changes, cron="* * * * * */10", timeout=60, retries=0),
    # Every minute: a scheduled order fetch for each store whose sync interval has passed.
    CronJob(schedule_order_fetches, cron="* * * * *", timeout=60, retries=0),
    # Every minute: webhook events whose retry (backoff) is due, or whose job was never enqueued.
    CronJob(sweep_webhook_events, cron="* * * * *", timeout=120, retries=0),
    # Every minute: e-mails whose delivery job was lost, or whose retry (backoff) is due.
    CronJob(sweep_mail, cron="* * * * *", timeout=60, retries=0),
    # Every 15 minutes: orders past their ship-by time.
    CronJob(notify_late_orders, cron="*/15 * * * *", timeout=300, retries=0),
    # Every 5 minutes: tracking numbers a marketplace has not given yet (each shipment backs off to 6 h).
    CronJob(retry_missing_tracking, cron="*/5 * * * *", timeout=600, heartbeat=120, retries=0),
    # Every minute: marketplace actions (cancel, ship) whose job was lost are enqueued again.
    CronJob(sweep_order_actions, cron="* * * * *", timeout=120, retries=0),
    # Every minute: unpaid website orders past their deadline are cancelled and their stock released.
    CronJob(expire_unpaid_orders, cron="* * * * *", timeout=300, retries=0),
    # Every minute: courier bookings that waited for a courier outage and are due again.
    CronJob(retry_courier_bookings, cron="* * * * *", timeout=300, retries=0),
    # Every 10 minutes: the polling safety net for courier tracking (webhooks may be lost).
    CronJob(poll_courier_tracking, cron="*/10 * * * *", timeout=600, heartbeat=120, retries=0),
    # Hourly at :23: generated labels PDFs older than LABELS_KEEP_DAYS are deleted.
    CronJob(remove_old_labels, cron="23 * * * *", timeout=300, retries=0),
    # Every minute: outbound webhook deliveries whose retry (backoff) is due, or whose job was lost.
    CronJob(sweep_webhook_deliveries, cron="* * * * *", timeout=120, retries=0),
    # Every 15 minutes: subscription renewals, past due, back to Free after the grace period; open invoices checked.
    CronJob(billing_cycle, cron="*/15 * * * *", timeout=300, retries=0),
    # Hourly at :17: each active store's marketplace settlements (estimates of open orders, payouts).
    CronJob(schedule_settlements, cron="17 * * * *", timeout=300, retries=0),
    # Every minute: rollup refreshes whose orders changed while the organisation's last job was finishing.
    CronJob(sweep_rollups, cron="* * * * *", timeout=120, retries=0),
    # Mondays 01:00 UTC (08:00 WIB): the weekly summary e-mail to owners who did not opt out.
    CronJob(send_weekly_summaries, cron="0 1 * * 1", timeout=900, retries=0),
    # Daily at 19:40 UTC (02:40 WIB): each marketplace's category tree, before its cached copy expires.
    CronJob(refresh_category_trees, cron="40 19 * * *", timeout=600, retries=1),
    # Every minute: cancelled orders give back their voucher uses; loyalty points are settled and expired; left carts reminded.
    CronJob(marketing_upkeep, cron="* * * * *", timeout=300, retries=0),
]


def worker_settings() -> dict[str, Any]:
    from app.core.queue import get_queue, keep_alive
    from app.settings import get_settings

    settings = get_settings()
    # Every task keeps its job alive while it runs, so the sweep re-runs only jobs whose worker died.
    alive = {function: keep_alive(function) for function in FUNCTIONS}
    return {
        "queue": get_queue(),
        "functions": list(alive.values()),
        "cron_jobs": [dataclasses.replace(cron, function=alive[cron.function]) for cron in CRON_JOBS],
        "concurrency": settings.worker_concurrency,
        "timers": {"sweep": settings.worker_sweep_seconds},
        "startup": startup,
        "shutdown": shutdown,
        "before_process": before_process,
        "after_process": after_process,
    }
