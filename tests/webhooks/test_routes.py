"""Settings -> Webhooks as a browser posts it: add (secret shown once), bad input refused with a
message and nothing saved, reveal and rotate the secret, the delivery log with its response codes."""

from __future__ import annotations

from app.domains.webhooks import services
from app.domains.webhooks.tables import WebhookDelivery, WebhookEndpoint
from tests.support import add_member, http_client, login, post


async def _endpoints(org_id: int) -> list[dict]:
    return await WebhookEndpoint.select().where(WebhookEndpoint.organization == org_id)


async def test_adding_an_endpoint_shows_its_secret_once_and_lists_it(owner_client, receiver):
    page = await owner_client.get("/settings/webhooks/")
    assert page.status_code == 200 and "Add an endpoint" in page.text
    response = await post(owner_client, "/settings/webhooks/", {"url": receiver.url, "description": "Accounting",
                                                                  "events": ["order.created", "stock.changed"]})
    assert response.status_code == 201, response.text[:400]
    [row] = await _endpoints(owner_client.account.org_id)
    assert "whsec_" in response.text and row["url"] == receiver.url
    secret = response.text.split("data-secret>")[1].split("<")[0]
    assert secret.startswith("whsec_")
    shown = await owner_client.get(f"/settings/webhooks/{row['id']}")
    assert secret not in shown.text and "Delivery log" in shown.text  # not shown again unless revealed
    revealed = await post(owner_client, f"/settings/webhooks/{row['id']}/secret", htmx=True)
    assert secret in revealed.text
    rotated = await post(owner_client, f"/settings/webhooks/{row['id']}/rotate", htmx=True)
    new = rotated.text.split("data-secret>")[1].split("<")[0]
    assert new.startswith("whsec_") and new != secret
    listing = await owner_client.get("/settings/webhooks/")
    assert receiver.url in listing.text and "Accounting" in listing.text


async def test_bad_input_is_refused_with_a_message_and_saves_nothing(owner_client):
    org_id = owner_client.account.org_id
    for data, field, words in (
        ({"url": "", "description": ""}, "url", "required"),
        ({"url": "https://example.com/x", "description": ""}, "events", "at least one event"),
        ({"url": "https://example.com/x", "events": ["order.deleted"]}, "events", "from the list"),
        ({"url": "javascript:alert(1)", "events": ["order.created"]}, "url", "full web address"),
        ({"url": "https://example.com/" + "x" * 600, "events": ["order.created"]}, "url", "500"),
    ):
        response = await post(owner_client, "/settings/webhooks/", data, htmx=True)
        assert response.status_code == 422, (data, response.status_code)
        assert words in response.text, (data, response.text[:600])
        assert f'id="e-{field}"' in response.text
    assert await _endpoints(org_id) == []


async def test_the_log_shows_response_codes_and_replay_sends_again(owner_client, receiver):
    from tests.inventory.factories import tenant_of

    tenant = tenant_of(owner_client.account)
    endpoint_id, receiver.secret = await services.create_endpoint(tenant, url=receiver.url, description="",
                                                                  events=["order.created"])
    receiver.status = 202
    [delivery_id] = await services.publish(tenant.organization_id, "order.created", {"order_id": 5})
    await services.deliver(delivery_id)
    log = await owner_client.get(f"/settings/webhooks/{endpoint_id}/log", headers={"HX-Request": "true"})
    assert log.status_code == 200 and 'id="webhook-log"' in log.text and "202" in log.text and "Delivered" in log.text
    detail = await owner_client.get(f"/settings/webhooks/deliveries/{delivery_id}")
    assert "order.created" in detail.text and "202" in detail.text
    replayed = await post(owner_client, f"/settings/webhooks/deliveries/{delivery_id}/replay")
    assert replayed.status_code == 303
    assert await WebhookDelivery.count().where(WebhookDelivery.replay_of == delivery_id) == 1
    # edit: untick "active" (absent checkbox) turns it off
    saved = await post(owner_client, f"/settings/webhooks/{endpoint_id}", {"url": receiver.url,
                                                                            "events": ["order.created"]})
    assert saved.status_code == 303
    assert (await _endpoints(tenant.organization_id))[0]["active"] is False


async def test_members_without_store_rights_cannot_manage_webhooks(app, owner):
    member = await add_member(owner.org_id, "member")
    async with http_client(app) as client:
        await login(client, member)
        assert (await client.get("/settings/webhooks/")).status_code == 403
        refused = await post(client, "/settings/webhooks/", {"url": "https://example.com", "events": ["order.created"]})
        assert refused.status_code == 403
    assert await _endpoints(owner.org_id) == []
