"""Tags on orders: added and removed inline, normalised, once per order, filtered in the queue,
never on another organisation's order."""

from __future__ import annotations

from app.domains.orders.tables import Order, OrderTag
from tests.support import add_member, http_client, login, make_account, post, unique


async def _order(org_id: int, number: str | None = None) -> int:
    row = Order(organization=org_id, channel="manual", platform_order_id=number or unique("M-"), customer_name="Tia")
    await row.save()
    return row.id


async def _tags(order_id: int) -> list[str]:
    return sorted(r["tag"] for r in await OrderTag.select(OrderTag.tag).where(OrderTag.order == order_id))


async def test_tags_are_added_inline_once_and_removed(owner_client):
    order_id = await _order(owner_client.account.org_id)
    added = await post(owner_client, f"/orders/{order_id}/tags", {"tag": "  Gift   Wrap "}, htmx=True)
    assert added.status_code == 200 and 'id="order-tags"' in added.text and "gift wrap" in added.text
    await post(owner_client, f"/orders/{order_id}/tags", {"tag": "GIFT WRAP"}, htmx=True)
    await post(owner_client, f"/orders/{order_id}/tags", {"tag": "vip"}, htmx=True)
    assert await _tags(order_id) == ["gift wrap", "vip"]
    assert "gift wrap" in (await owner_client.get(f"/orders/{order_id}")).text
    removed = await post(owner_client, f"/orders/{order_id}/tags/remove", {"tag": "gift wrap"}, htmx=True)
    assert removed.status_code == 200 and ">gift wrap<" not in removed.text and ">vip<" in removed.text
    assert await _tags(order_id) == ["vip"]


async def test_bad_tags_are_refused_with_a_message_and_change_nothing(owner_client):
    order_id = await _order(owner_client.account.org_id)
    for bad in ("", "   ", "x" * 33, "<script>"):
        refused = await post(owner_client, f"/orders/{order_id}/tags", {"tag": bad}, htmx=True)
        assert refused.status_code == 422 and "A tag is 1 to 32" in refused.text
    for n in range(20):
        await post(owner_client, f"/orders/{order_id}/tags", {"tag": f"t{n}"}, htmx=True)
    too_many = await post(owner_client, f"/orders/{order_id}/tags", {"tag": "one more"}, htmx=True)
    assert too_many.status_code == 422 and "at most 20 tags" in too_many.text
    assert len(await _tags(order_id)) == 20 and "one more" not in await _tags(order_id)


async def test_the_queue_filters_by_tag(owner_client):
    org = owner_client.account.org_id
    tagged, plain = await _order(org, unique("TAG-A")), await _order(org, unique("TAG-B"))
    await post(owner_client, f"/orders/{tagged}/tags", {"tag": "cek alamat"}, htmx=True)
    numbers = {r["id"]: r["platform_order_id"] for r in await Order.select().where(Order.id.is_in([tagged, plain]))}
    page = await owner_client.get("/orders", params={"tag": "Cek Alamat"})
    assert numbers[tagged] in page.text and numbers[plain] not in page.text
    assert "#cek alamat" in (await owner_client.get("/orders")).text


async def test_another_organisations_order_cannot_be_tagged_and_viewers_cannot_tag(app, owner_client):
    other = await make_account()
    foreign = await _order(other.org_id)
    refused = await post(owner_client, f"/orders/{foreign}/tags", {"tag": "mine"}, htmx=True)
    assert refused.status_code == 404 and await _tags(foreign) == []
    own = await _order(owner_client.account.org_id)
    viewer = await add_member(owner_client.account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, viewer)
        assert (await post(client, f"/orders/{own}/tags", {"tag": "x"}, htmx=True)).status_code == 403
    assert await _tags(own) == []
