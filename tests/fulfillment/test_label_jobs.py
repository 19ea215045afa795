"""Labels of many ticked orders as one background job: the marketplaces' official labels fetched
from the sandbox over HTTP (bounded, rate-limited), own labels drawn, everything merged into ONE
PDF downloaded when the job is done; orders that get no label are listed with the reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.core.tenancy import Tenant
from app.domains.jobs.services import follow
from app.domains.jobs.tables import BackgroundJob
from app.domains.orders.tables import Order
from tests.fulfillment.factories import ready_order, stocked_variant
from tests.fulfillment.test_documents import _connected, _marketplace_order
from tests.inventory.factories import tenant_of
from tests.support import make_account, post


async def _run_labels(client, ids: list[int]) -> tuple[str, int]:
    """Tick the orders in the queue, press Labels, let the worker finish the job; the job page and id."""
    pressed = await post(client, "/orders/bulk", {"action": "labels", "order_id": [str(i) for i in ids],
                                                  "back": "/orders"})
    assert pressed.status_code == 303, pressed.text[:300]
    where = pressed.headers["location"]
    assert where.startswith("/fulfillment/labels/jobs/")
    job_id = int(where.rsplit("/", 1)[1])
    tenant = Tenant(client.account.org_id)
    async for progress in follow(tenant, job_id, wait=5.0):
        if progress.status.finished:
            assert progress.status == "complete", progress.error
    return where, job_id


async def _own_orders(client, n: int) -> list[int]:
    tenant = tenant_of(client.account)
    variant = await stocked_variant(tenant, units=n + 5)
    return [await ready_order(tenant, [(variant, 1)], customer=f"Pembeli {i}") for i in range(n)]


@pytest.mark.slow
async def test_labels_of_500_orders_come_as_one_pdf_of_500_pages(owner_client, sandbox, worker):
    sandbox.config.document_seconds = 0
    shopee, shopee_store = await _connected(owner_client, sandbox, "shopee")
    tiktok, tiktok_store = await _connected(owner_client, sandbox, "tiktok")
    ids = []
    for _ in range(400):
        *_rest, order_id = await _marketplace_order(owner_client, sandbox, "shopee", arranged=True, shop=shopee,
                                                    store_id=shopee_store)
        ids.append(order_id)
    for _ in range(90):
        *_rest, order_id = await _marketplace_order(owner_client, sandbox, "tiktok", arranged=True, shop=tiktok,
                                                    store_id=tiktok_store)
        ids.append(order_id)
    ids += await _own_orders(owner_client, 10)
    sandbox.reset_calls()

    where, job_id = await _run_labels(owner_client, ids)
    page = await owner_client.get(where)
    assert "Download the labels (PDF)" in page.text and "500 pages" in page.text
    download = await owner_client.get(f"{where}/labels.pdf")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(download.content))
    assert len(reader.pages) == 500
    first = await Order.select(Order.platform_order_id).where(Order.id == ids[0]).first()
    assert first["platform_order_id"] in reader.pages[0].extract_text(), "labels come in the order ticked"
    assert "Pembeli 9" in reader.pages[499].extract_text()
    # Shopee's documents went in batches of 50: 8 creates and 8 downloads for 400 orders.
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/create_shipping_document")) == 8
    assert len(sandbox.calls_to("shopee", "/api/v2/logistics/download_shipping_document")) == 8
    row = await BackgroundJob.select().where(BackgroundJob.id == job_id).first()
    assert row["status"] == "complete"


async def test_orders_without_a_label_are_listed_with_the_reason(owner_client, sandbox, worker):
    shop, store_id, _placed, arranged = await _marketplace_order(owner_client, sandbox, "tiktok", arranged=True)
    _shop, _store, waiting_order, waiting = await _marketplace_order(owner_client, sandbox, "tiktok", arranged=False,
                                                                     shop=shop, store_id=store_id)
    own = await _own_orders(owner_client, 2)
    cancelled = own[1]
    await Order.update({Order.state: "cancelled"}).where(Order.id == cancelled)
    other = await make_account()
    foreign = (await _own_orders_of(other))[0]

    where, job_id = await _run_labels(owner_client, [arranged, waiting, own[0], cancelled, foreign])
    page = await owner_client.get(where)
    assert "1 order without a label" in page.text, "cancelled and foreign ids are refused by the bulk form"
    assert waiting_order.order_id in page.text and "has not been shipped yet" in page.text
    reader = PdfReader(io.BytesIO((await owner_client.get(f"{where}/labels.pdf")).content))
    assert len(reader.pages) == 2, "the arranged marketplace order and the own order"
    assert job_id


async def _own_orders_of(account) -> list[int]:
    tenant = tenant_of(account)
    variant = await stocked_variant(tenant)
    return [await ready_order(tenant, [(variant, 1)])]


async def test_a_labels_job_is_asked_as_a_browser_posts_it_and_junk_starts_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    own = await _own_orders(owner_client, 2)
    await Order.update({Order.state: "packed"}).where(Order.id.is_in(own))
    bench = await owner_client.get("/fulfillment/")
    assert "Labels of all 2 packed orders (PDF)" in bench.text and 'action="/fulfillment/labels/jobs"' in bench.text
    before = await BackgroundJob.count().where(BackgroundJob.organization == tenant.organization_id)
    for junk in ({}, {"order_id": ""}, {"order_id": "abc"}, {"order_id": [str(i) for i in range(1, 502)]}):
        refused = await post(owner_client, "/fulfillment/labels/jobs", junk)
        assert refused.status_code == 303 and refused.headers["location"] == "/orders"
        flash = (await owner_client.get("/orders")).text
        assert "Select at least one order" in flash or "not valid" in flash or "at most 500" in flash, junk
    assert await BackgroundJob.count().where(BackgroundJob.organization == tenant.organization_id) == before
    started = await post(owner_client, "/fulfillment/labels/jobs", {"order_id": [str(i) for i in own]})
    assert started.status_code == 303 and started.headers["location"].startswith("/fulfillment/labels/jobs/")


async def test_another_organisations_order_is_never_printed(owner_client, worker):
    other = await make_account()
    foreign = (await _own_orders_of(other))[0]
    secret = (await Order.select(Order.platform_order_id, Order.customer_name).where(Order.id == foreign).first())
    mine = (await _own_orders(owner_client, 1))[0]
    started = await post(owner_client, "/fulfillment/labels/jobs", {"order_id": [str(mine), str(foreign)]})
    where = started.headers["location"]
    async for progress in follow(Tenant(owner_client.account.org_id), int(where.rsplit("/", 1)[1]), wait=5.0):
        last = progress
    assert last.status == "complete"
    page = await owner_client.get(where)
    assert "not found" in page.text and secret["platform_order_id"] not in page.text
    reader = PdfReader(io.BytesIO((await owner_client.get(f"{where}/labels.pdf")).content))
    text = "".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) == 1 and secret["customer_name"] not in text


async def test_labels_files_are_deleted_once_older_than_the_kept_days(owner_client, worker):
    from datetime import timedelta

    from app.core.clock import clock_at, utcnow
    from app.domains.fulfillment.label_jobs import labels_path, remove_old_files, report_path
    from app.settings import get_settings
    from tasks import CRON_JOBS
    from tasks.fulfillment import remove_old_labels

    assert remove_old_labels in {cron.function for cron in CRON_JOBS}
    ids = await _own_orders(owner_client, 1)
    where, job_id = await _run_labels(owner_client, ids)
    pdf, report = labels_path(owner_client.account.org_id, job_id), report_path(owner_client.account.org_id, job_id)
    assert pdf.is_file() and report.is_file()
    keep = get_settings().labels_keep_days
    made = utcnow()

    with clock_at(made + timedelta(days=keep) - timedelta(hours=1)):  # not old enough yet
        await remove_old_files()
    assert pdf.is_file() and report.is_file()
    assert (await owner_client.get(f"{where}/labels.pdf")).status_code == 200

    with clock_at(made + timedelta(days=keep, hours=1)):
        removed = await remove_old_files()
    assert removed >= 2
    assert not pdf.exists() and not report.exists()
    assert (await owner_client.get(f"{where}/labels.pdf")).status_code == 404
