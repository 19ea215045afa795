"""Variant photos: uploaded, shrunk to WebP, kept through product edits, visible only to their organisation."""

from __future__ import annotations

import io

from PIL import Image

from app.domains.catalog.tables import Variant
from tests.inventory.factories import make_variant, tenant_of
from tests.support import csrf_token, http_client, login, make_account, post


def _photo(width: int = 3000, height: int = 2000, fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (180, 90, 40)).save(out, format=fmt)
    return out.getvalue()


async def _upload(client, product_id: int, variant_id: int, data: bytes, filename: str = "kaos.jpg"):
    if not client.cookies.get("ss_csrf"):
        await client.get("/login")
    return await client.post(f"/products/{product_id}/variants/{variant_id}/image",
                             files={"image": (filename, data, "image/jpeg")},
                             data={"_csrf_token": csrf_token(client)})


async def _image_url(variant_id: int) -> str:
    return (await Variant.select(Variant.image_url).where(Variant.id == variant_id).first())["image_url"]


async def test_a_photo_is_stored_small_and_served_only_to_its_organisation(owner_client, app):
    variant = await make_variant(tenant_of(owner_client.account))
    product_id = (await Variant.select(Variant.product).where(Variant.id == variant["id"]).first())["product"]
    response = await _upload(owner_client, product_id, variant["id"], _photo())
    assert response.status_code in (200, 303)
    url = await _image_url(variant["id"])
    assert url.startswith("/media/") and url.endswith(".webp")
    served = await owner_client.get(url)
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    with Image.open(io.BytesIO(served.content)) as img:
        assert img.format == "WEBP" and max(img.size) == 1200 and img.size == (1200, 800)
    page = await owner_client.get(f"/products/{product_id}")
    assert f'src="{url}"' in page.text
    async with http_client(app) as stranger:
        await login(stranger, await make_account())
        assert (await stranger.get(url)).status_code == 404
    assert (await owner_client.get("/media/..%2F..%2Fstoresync.sqlite")).status_code == 404


async def test_a_file_that_is_not_a_picture_is_refused_and_changes_nothing(owner_client):
    variant = await make_variant(tenant_of(owner_client.account))
    product_id = (await Variant.select(Variant.product).where(Variant.id == variant["id"]).first())["product"]
    await _upload(owner_client, product_id, variant["id"], _photo(200, 200))
    before = await _image_url(variant["id"])
    for data in (b"%PDF-1.4 not a picture", b"", _photo(10, 10, "BMP")):
        response = await _upload(owner_client, product_id, variant["id"], data, "nota.pdf")
        assert response.status_code in (200, 303)
        assert await _image_url(variant["id"]) == before
    page = await owner_client.get(f"/products/{product_id}")
    assert "JPEG, PNG, WebP or GIF" in page.text


async def test_editing_the_product_keeps_the_photo(owner_client):
    variant = await make_variant(tenant_of(owner_client.account))
    product_id = (await Variant.select(Variant.product).where(Variant.id == variant["id"]).first())["product"]
    await _upload(owner_client, product_id, variant["id"], _photo(400, 400))
    url = await _image_url(variant["id"])
    page = await owner_client.get(f"/products/{product_id}")
    assert f'name="variants-0-image_url" value="{url}"' in page.text, "the edit form would drop the photo"
    saved = await post(owner_client, f"/products/{product_id}", {
        "name": "Kaos Polos Baru", "variants-0-id": str(variant["id"]), "variants-0-sku": variant["sku"],
        "variants-0-price": "125000", "variants-0-image_url": url})
    assert saved.status_code in (200, 303)
    assert await _image_url(variant["id"]) == url


async def test_another_organisations_variant_cannot_get_a_photo(owner_client):
    other = await make_variant(tenant_of(await make_account()))
    product_id = (await Variant.select(Variant.product).where(Variant.id == other["id"]).first())["product"]
    response = await _upload(owner_client, product_id, other["id"], _photo(100, 100))
    assert response.status_code == 404
    assert await _image_url(other["id"]) == ""
