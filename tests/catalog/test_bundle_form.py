"""The bundle textarea posted as the product page sends it: one component a line, a quantity after
the SKU (or none for one); a bad quantity or SKU is refused with its sentence and changes nothing."""

from __future__ import annotations

import pytest

from app.domains.catalog.schemas import BundleForm
from app.domains.catalog.tables import BundleComponent
from tests.inventory.factories import make_variant, tenant_of
from tests.support import post


def test_lines_read_as_sku_and_quantity():
    form = BundleForm.parse({"components": "KAOS-M 2\r\n\r\n  TOPI × 3 \nKAOS-L x 4\nSTIKER"})
    assert form.components == [("KAOS-M", 2), ("TOPI", 3), ("KAOS-L", 4), ("STIKER", 1)]
    assert BundleForm.parse({"components": ""}).components == []
    assert BundleForm.parse({}).components == []


@pytest.mark.parametrize("text", ["KAOS-M 0", "KAOS-M -2", "KAOS-M 1.5", "KAOS-M 2,5", "KAOS-M 1001",
                                  "KAOS-M 99999999999999999999"])
def test_a_bad_quantity_is_refused(text):
    from app.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        BundleForm.parse({"components": text})
    assert refused.value.errors == {"components": "Quantity must be between 1 and 1000."}


async def _bundle(owner_client):
    tenant = tenant_of(owner_client.account)
    shirt, bundle = await make_variant(tenant), await make_variant(tenant, name="Paket")
    url = f"/products/{bundle['product']}/variants/{bundle['id']}/bundle"
    saved = await post(owner_client, url, {"components": f"{shirt['sku']} 2"})
    assert saved.status_code in (200, 303)
    return shirt, bundle, url


@pytest.mark.parametrize(("text", "message"), [
    ("{sku} 1.5", "Quantity must be between 1 and 1000."),
    ("{sku} 0", "Quantity must be between 1 and 1000."),
    ("NOPE-404 1", "No active variant has the SKU or barcode NOPE-404."),
    ("\n".join(f"SKU-{i}" for i in range(51)), "A bundle has at most 50 components."),
])
async def test_bad_components_posted_change_nothing(owner_client, text, message):
    shirt, bundle, url = await _bundle(owner_client)
    before = await BundleComponent.select(BundleComponent.component, BundleComponent.quantity).where(
        BundleComponent.bundle == bundle["id"])
    refused = await post(owner_client, url, {"components": text.format(sku=shirt["sku"])}, follow_redirects=True)
    assert message in refused.text
    after = await BundleComponent.select(BundleComponent.component, BundleComponent.quantity).where(
        BundleComponent.bundle == bundle["id"])
    assert after == before == [{"component": shirt["id"], "quantity": 2}]


async def test_an_empty_textarea_unbundles(owner_client):
    _shirt, bundle, url = await _bundle(owner_client)
    done = await post(owner_client, url, {"components": ""})
    assert done.status_code in (200, 303)
    assert await BundleComponent.count().where(BundleComponent.bundle == bundle["id"]) == 0
