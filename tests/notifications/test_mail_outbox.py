"""E-mail is an outbox: rows written in the transaction, sent by a job after the commit. No SMTP
inside a transaction, nothing mailed for a transaction that rolled back, retries with backoff."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.queue import get_queue
from app.domains.inventory import stock
from app.domains.inventory.locations import default_location
from app.domains.mail import outbox
from app.domains.mail.statuses import MailStatus
from app.domains.mail.tables import OutgoingMail
from app.domains.notifications.services import notify
from app.domains.orders.ingest import ingest_page
from app.domains.orders.tables import Order
from app.integrations.base import OrderStatus
from tests.inventory.factories import make_variant, tenant_of
from tests.mailbox import mails_to
from tests.orders.test_ingest import make_store, platform_order
from tests.support import mail_text, post


@pytest.fixture
def hanging_smtp() -> Iterator[list[socket.socket]]:
    """A real TCP server that accepts connections and never says a word (a hung mail server);
    the app is pointed at it. Yields the connections it has accepted."""
    from app.settings import get_settings

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    accepted: list[socket.socket] = []
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings = get_settings()
    saved = (settings.smtp_host, settings.smtp_port)
    settings.smtp_host, settings.smtp_port = "127.0.0.1", server.getsockname()[1]
    try:
        yield accepted
    finally:
        settings.smtp_host, settings.smtp_port = saved
        stopping.set()
        thread.join()
        for conn in accepted:
            conn.close()
        server.close()


async def _mail_me(client, *kinds: str) -> None:
    await post(client, "/notifications/preferences",
               {field: "on" for kind in kinds for field in (f"{kind}-in_app", f"{kind}-email")})


async def _org_mails(org_id: int) -> list[dict]:
    return await OutgoingMail.select().where(OutgoingMail.organization_id == org_id).order_by(OutgoingMail.id)


async def _retire(org_id: int) -> None:
    """Leave nothing pending for a later test's worker to send to its own mail server."""
    await OutgoingMail.update({OutgoingMail.status: MailStatus.FAILED}).where(
        (OutgoingMail.organization_id == org_id) & (OutgoingMail.status == MailStatus.PENDING))


async def test_order_ingest_finishes_while_the_mail_server_hangs_and_the_mail_waits_in_the_outbox(
        owner_client, hanging_smtp):
    tenant = tenant_of(owner_client.account)
    await _mail_me(owner_client, "new_order", "oversold")
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 2)
    store = await make_store(tenant)
    page = [platform_order(f"H-{n}", OrderStatus.TO_SHIP, variant["sku"], 1) for n in range(1, 4)]

    results = await ingest_page(tenant, store, page)  # 3 new orders, the third one oversold

    assert [r.created for r in results] == [True, True, True] and results[2].oversold
    assert await Order.count().where(Order.store == store["id"]) == 3
    assert hanging_smtp == [], "the ingest talked to the mail server"
    mails = await _org_mails(tenant.organization_id)
    assert [(m["recipient"], m["status"], m["attempts"]) for m in mails] == [
        (owner_client.account.email, MailStatus.PENDING, 0)] * 2  # one for the new orders, one for the oversold
    assert "H-1" not in mails[0]["body"], "the body is stored encrypted"
    assert await get_queue().job(f"mail:{mails[0]['id']}-{mails[0]['id']}") is not None, "enqueued after the commit"

    # The job (run here) meets the hung server: the mail stays pending and waits a minute.
    report = await outbox.deliver_due([m["id"] for m in mails], timeout=0.3)
    assert (report.sent, report.failed) == (0, 1), "an unreachable server stops the batch after one timeout"
    assert len(hanging_smtp) == 1
    first = (await _org_mails(tenant.organization_id))[0]
    assert first["status"] == MailStatus.PENDING and first["attempts"] == 1
    assert first["next_attempt_at"] > utcnow() + timedelta(seconds=50) and "timed out" in first["last_error"]
    assert await outbox.deliver_due([first["id"]], timeout=0.3) == outbox.DeliveryReport(), "not due yet"
    await _retire(tenant.organization_id)


async def test_a_rolled_back_transaction_mails_nobody_and_a_committed_one_mails_through_the_job(
        owner_client, smtp_server, worker):
    tenant = tenant_of(owner_client.account)
    await _mail_me(owner_client, "sync_failed")
    with pytest.raises(RuntimeError):
        async with transaction():
            assert await notify(tenant, "sync_failed", "Rolled back note", dedupe_key="rolled-back")
            raise RuntimeError("the work failed after the note")
    assert await _org_mails(tenant.organization_id) == []

    async with transaction():
        assert await notify(tenant, "sync_failed", "Committed note", link="/sync")

    [message] = await mails_to(smtp_server, owner_client.account.email, 1)
    assert message["Subject"] == "StoreSync: Sync failures" and "Committed note" in mail_text(message)
    assert not any("Rolled back note" in mail_text(m) for m in smtp_server)
    [row] = await _org_mails(tenant.organization_id)
    assert row["status"] == MailStatus.SENT and row["sent_at"] is not None and row["body"] == ""


async def test_the_sweep_sends_a_mail_whose_job_was_lost_and_a_failed_one_when_its_retry_is_due(
        owner_client, smtp_server):
    tenant = tenant_of(owner_client.account)
    await _mail_me(owner_client, "low_stock")
    # A transaction opened behind transaction()'s back cannot run after-commit work: the row is
    # written, its job never enqueued — as when a process dies between the commit and the enqueue.
    from app.core.database import engine

    async with engine().transaction():
        await notify(tenant, "low_stock", "Lost job note")
    [lost] = await _org_mails(tenant.organization_id)
    assert await get_queue().job(f"mail:{lost['id']}-{lost['id']}") is None
    assert await outbox.sweep() >= 1  # the cron: enqueues one delivery for every due mail
    report = await outbox.deliver_due(None)  # what the sweep's job runs
    assert report.sent >= 1 and any("Lost job note" in mail_text(m) for m in smtp_server)
    # A mail that failed before is left alone until its retry is due, then sent.
    await notify(tenant, "low_stock", "Retried note")
    retried = (await _org_mails(tenant.organization_id))[-1]
    await OutgoingMail.update({OutgoingMail.attempts: 2, OutgoingMail.next_attempt_at: utcnow() + timedelta(minutes=2)}).where(
        OutgoingMail.id == retried["id"])
    await outbox.deliver_due([retried["id"]])
    assert not any("Retried note" in mail_text(m) for m in smtp_server)
    await OutgoingMail.update({OutgoingMail.next_attempt_at: utcnow()}).where(OutgoingMail.id == retried["id"])
    assert (await outbox.deliver_due([retried["id"]])).sent == 1
    assert any("Retried note" in mail_text(m) for m in smtp_server)
    assert [m["status"] for m in await _org_mails(tenant.organization_id)] == [MailStatus.SENT] * 2


def test_retries_back_off_from_a_minute_to_six_hours():
    assert [outbox.retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.retry_delay(20) == timedelta(hours=6)


async def test_a_mail_whose_body_cannot_be_decrypted_is_given_up_not_retried_for_ever(owner_client, smtp_server):
    row = OutgoingMail(organization_id=owner_client.account.org_id, recipient=owner_client.account.email,
                       subject="StoreSync: Low stock", body="gAAAAA-not-a-token")
    await row.save()
    report = await outbox.deliver_due([row.id])
    assert (report.sent, report.gave_up) == (0, 1)
    [stored] = await _org_mails(owner_client.account.org_id)
    assert stored["status"] == MailStatus.FAILED and stored["body"] == "" and smtp_server == []
