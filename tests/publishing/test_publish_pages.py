"""The publish pages as a browser uses them: the lazy "Publish to…" fragment, the form, posts with
every field (empty ones and junk included), the platform's refusal shown on its field, the result."""

from __future__ import annotations

import re

import pytest

from app.domains.listings.tables import Listing
from tests.inventory.factories import tenant_of
from tests.publishing.test_publish_service import kaos
from tests.support import post
from tests.sync.sync_helpers import connected_store


def fields_of(page: str) -> dict[str, str]:
    """What the browser would post from the publish form: inputs (a radio or checkbox only when
    checked: an unticked checkbox is absent), textarea and selects (first selected option, else empty)."""
    form = page.split('method="post" action="/publish/', 1)[1].split("</form>", 1)[0]
    data: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("radio", "checkbox") and not re.search(r"\schecked\b", tag):
            continue
        data[name.group(1)] = value.group(1) if value else ("on" if kind and kind.group(1) == "checkbox" else "")
    data.update({n: v for n, v in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form)})
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        picked = re.search(r'<option value="([^"]*)" selected', body)
        data[name] = picked.group(1) if picked else ""
    return data


@pytest.mark.parametrize("platform", ["shopee", "tiktok"])
async def test_publish_from_the_product_page(owner_client, sandbox, platform):
    tenant = tenant_of(owner_client.account)
    shop, store = await connected_store(owner_client, sandbox, platform)
    product_id = await kaos(tenant, prefix="PG")

    page = await owner_client.get(f"/products/{product_id}")
    assert f'hx-get="/publish/products/{product_id}/targets"' in page.text
    targets = await owner_client.get(f"/publish/products/{product_id}/targets", headers={"HX-Request": "true"})
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    assert targets.status_code == 200 and link in targets.text

    form_page = await owner_client.get(link)
    assert form_page.status_code == 200 and "Kaos Polos Katun Combed" in form_page.text
    data = fields_of(form_page.text)
    assert data["category_id"] and data["title"] == "Kaos Polos Katun Combed"
    mandatory = [n for n in data if n.startswith("attr_") and n != "attr_100033"]  # 100033 is optional
    assert mandatory and all(data[n] == "" for n in mandatory)

    # As posted: mandatory attributes still empty, plus a junk value -> refused in place, nothing sent.
    data[mandatory[0]] = "junk"
    refused = await post(owner_client, link, data)
    assert refused.status_code == 422
    assert 'class="error"' in refused.text and await Listing.count().where(Listing.store == store["id"]) == 0

    for name in mandatory:  # choose the first offered value, as a person would
        select = re.search(rf'name="{name}">(.*?)</select>', form_page.text, re.S).group(1)
        data[name] = re.findall(r'<option value="(\d+)"', select)[0]
    done = await post(owner_client, link, data)
    assert done.status_code == 200, done.text[:500]
    listing_id = re.search(r"The listing (\S+) is on", done.text).group(1)
    assert listing_id in sandbox.shop(platform, shop.shop_id).products
    assert await Listing.count().where((Listing.store == store["id"]) & (Listing.status == "mapped")) == 4


async def test_the_platforms_refusal_is_shown_on_its_field(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    _shop, store = await connected_store(owner_client, sandbox, "shopee")
    product_id = await kaos(tenant, side=400, prefix="RF")
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    page = await owner_client.get(link)
    data = fields_of(page.text)
    for name in [n for n in data if n.startswith("attr_")]:
        select = re.search(rf'name="{name}">(.*?)</select>', page.text, re.S)
        data[name] = re.findall(r'<option value="(\d+)"', select.group(1))[0] if select else ""
    refused = await post(owner_client, link, data)
    assert refused.status_code == 422
    assert re.search(r'data-field="photos">[^<]*400x400', refused.text)


async def test_an_empty_post_and_another_tenants_ids_change_nothing(owner_client, sandbox):
    tenant = tenant_of(owner_client.account)
    _shop, store = await connected_store(owner_client, sandbox, "tiktok")
    product_id = await kaos(tenant, prefix="EP")
    link = f"/publish/products/{product_id}/stores/{store['id']}"
    empty = await post(owner_client, link, {})
    assert empty.status_code == 422 and "Enter a title." in empty.text and "Enter a description." in empty.text
    missing = await owner_client.get(f"/publish/products/{product_id}/stores/999999")
    assert missing.status_code == 404
    assert await Listing.count().where(Listing.store == store["id"]) == 0
