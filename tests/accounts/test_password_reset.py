"""Password reset by an e-mailed, single-use link."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from app.domains.mail.tables import OutgoingMail
from tests.mailbox import mails_to
from tests.support import link_in, make_account, post


async def test_reset_by_emailed_link(client, smtp_server, worker):
    account = await make_account()
    response = await post(client, "/password/forgot", {"email": account.email})
    assert response.status_code == 200 and "If an account exists" in response.text
    [message] = await mails_to(smtp_server, account.email, 1)  # sent by the outbox job
    path = "/password/reset/" + link_in(message, "/password/reset/").rsplit("/", 1)[-1]
    assert (await client.get(path)).status_code == 200
    done = await post(client, path, {"new_password": "a-fresh-password"})
    assert done.status_code in (200, 303)
    assert await BaseUser.login(username=account.email, password="a-fresh-password") == account.user_id
    reused = await post(client, path, {"new_password": "another-password"})
    assert reused.status_code == 400 and "invalid or has expired" in reused.text
    assert await BaseUser.login(username=account.email, password="another-password") is None


async def test_unknown_email_sends_nothing_and_says_the_same(client, smtp_server):
    response = await post(client, "/password/forgot", {"email": "ghost@nowhere.id"})
    assert response.status_code == 200 and "If an account exists" in response.text
    assert smtp_server == []
    assert not await OutgoingMail.exists().where(OutgoingMail.recipient == "ghost@nowhere.id")


async def test_forged_reset_token_is_refused(client):
    response = await post(client, "/password/reset/not-a-real-token", {"new_password": "whatever-123"})
    assert response.status_code == 400


async def test_reset_requests_for_one_mailbox_are_throttled_and_send_nothing_more(client, smtp_server):
    from app.core.throttle import RESETS_PER_EMAIL

    account = await make_account()
    for _ in range(RESETS_PER_EMAIL.amount):
        assert (await post(client, "/password/forgot", {"email": account.email})).status_code == 200
    queued = await OutgoingMail.count().where(OutgoingMail.recipient == account.email)
    assert queued == RESETS_PER_EMAIL.amount
    refused = await post(client, "/password/forgot", {"email": account.email.upper()})
    assert refused.status_code == 429 and "Too many reset requests" in refused.text
    assert await OutgoingMail.count().where(OutgoingMail.recipient == account.email) == queued, (
        "a throttled request still queued a link")
