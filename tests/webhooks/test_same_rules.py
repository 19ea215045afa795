"""Create and edit apply the same rules to an endpoint's address: http://localhost/hook was
accepted when added and refused when the same endpoint was saved again."""

from __future__ import annotations

import pytest

from app.domains.webhooks.tables import WebhookEndpoint
from tests.support import post


async def _urls(org_id: int) -> list[str]:
    return [r["url"] for r in await WebhookEndpoint.select(WebhookEndpoint.url).where(
        WebhookEndpoint.organization == org_id)]


async def test_a_loopback_address_allowed_in_development_is_allowed_on_edit_too(owner_client):
    created = await post(owner_client, "/settings/webhooks/", {"url": "http://localhost/hook", "description": "",
                                                                "events": ["order.created"]})
    assert created.status_code == 201, created.text[:300]
    [row] = await WebhookEndpoint.select().where(WebhookEndpoint.organization == owner_client.account.org_id)
    saved = await post(owner_client, f"/settings/webhooks/{row['id']}",
                       {"url": "http://localhost/hook", "description": "Local test", "events": ["order.created"],
                        "active": "on"})
    assert saved.status_code in (302, 303), saved.text[:2000]


@pytest.mark.parametrize("url", ["http://localhost/hook", "https://localhost/hook", "http://example.com/hook"])
async def test_production_refuses_the_same_addresses_on_create_and_on_edit(owner_client, url, request):
    org_id = owner_client.account.org_id
    created = await post(owner_client, "/settings/webhooks/", {"url": "http://localhost/ok", "description": "",
                                                                "events": ["order.created"]})
    assert created.status_code == 201  # development: loopback allowed
    [row] = await WebhookEndpoint.select().where(WebhookEndpoint.organization == org_id)
    request.getfixturevalue("production_mode")
    refused_create = await post(owner_client, "/settings/webhooks/", {"url": url, "description": "",
                                                                       "events": ["order.created"]}, htmx=True)
    refused_edit = await post(owner_client, f"/settings/webhooks/{row['id']}",
                              {"url": url, "description": "", "events": ["order.created"], "active": "on"}, htmx=True)
    assert (refused_create.status_code, refused_edit.status_code) == (422, 422)
    message = refused_create.text.split('id="e-url">')[1].split("<")[0]
    assert message and message in refused_edit.text
    assert await _urls(org_id) == ["http://localhost/ok"]
