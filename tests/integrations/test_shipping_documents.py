"""The platforms' official shipping labels through the adapters, against the sandbox over real HTTP:
Shopee create -> result (PROCESSING, then READY) -> download; TikTok package shipping documents;
a parcel whose shipment is not arranged is refused with the platform's own error."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from app.integrations import errors
from app.integrations.base import DocumentRef, DocumentStatus, ShipRequest
from app.integrations.shopee.adapter import ShopeeAdapter
from app.integrations.tiktok.adapter import TikTokAdapter
from app.sandbox.state import SandboxState
from tests.integrations.conftest import Connected


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


async def _shopee_arranged(shopee: ShopeeAdapter, connected: Connected, state: SandboxState, n: int):
    orders = [state.create_order("shopee", connected.shop.shop_id, push=False) for _ in range(n)]
    for order in orders:
        await shopee.ship_order(connected.conn, ShipRequest(order_id=order.order_id, mode="dropoff"))
    return orders


async def test_shopee_document_is_processing_then_ready_then_a_pdf_per_order(shopee: ShopeeAdapter,
                                                                            shopee_shop: Connected,
                                                                            state: SandboxState):
    orders = await _shopee_arranged(shopee, shopee_shop, state, 3)
    refs = [DocumentRef(order_id=o.order_id) for o in orders]
    created = await shopee.create_shipping_documents(shopee_shop.conn, refs)
    assert [s.status for s in created] == [DocumentStatus.PROCESSING] * 3
    assert [s.status for s in await shopee.shipping_document_states(shopee_shop.conn, refs)] == \
        [DocumentStatus.PROCESSING] * 3
    with pytest.raises(errors.ValidationError) as early:
        await shopee.download_shipping_documents(shopee_shop.conn, refs)
    assert early.value.code == "logistics.shipping_document_not_ready"
    state.advance(state.config.document_seconds)
    assert [s.status for s in await shopee.shipping_document_states(shopee_shop.conn, refs)] == \
        [DocumentStatus.READY] * 3
    pages = _pages(await shopee.download_shipping_documents(shopee_shop.conn, refs))
    assert len(pages) == 3
    for text, order in zip(pages, orders, strict=True):
        tracking = state.shop("shopee", shopee_shop.shop.shop_id).orders[order.order_id].tracking_number
        assert tracking.startswith("SPX") and tracking in text and order.order_id in text


async def test_shopee_refuses_the_label_of_an_order_not_arranged_yet(shopee: ShopeeAdapter, shopee_shop: Connected,
                                                                      state: SandboxState):
    [arranged] = await _shopee_arranged(shopee, shopee_shop, state, 1)
    waiting = state.create_order("shopee", shopee_shop.shop.shop_id, push=False)
    states = await shopee.create_shipping_documents(
        shopee_shop.conn, [DocumentRef(order_id=waiting.order_id), DocumentRef(order_id=arranged.order_id)])
    assert states[0].status is DocumentStatus.FAILED and states[0].code == "logistics.package_can_not_print"
    assert "arrange shipment first" in (states[0].reason or "")
    assert states[1].status is DocumentStatus.PROCESSING
    too_many = [DocumentRef(order_id=str(i)) for i in range(51)]
    with pytest.raises(errors.ValidationError):
        await shopee.create_shipping_documents(shopee_shop.conn, too_many)


async def test_tiktok_package_document_is_a_pdf_from_its_url(tiktok: TikTokAdapter, tiktok_shop: Connected,
                                                           state: SandboxState):
    shop_id = tiktok_shop.shop.shop_id
    shipped = [state.create_order("tiktok", shop_id, push=False) for _ in range(2)]
    for order in shipped:
        await tiktok.ship_order(tiktok_shop.conn, ShipRequest(order_id=order.order_id, mode="dropoff"))
    waiting = state.create_order("tiktok", shop_id, push=False)
    refs = [DocumentRef(order_id=o.order_id) for o in (*shipped, waiting)]
    states = await tiktok.create_shipping_documents(tiktok_shop.conn, refs)
    assert [s.status for s in states] == [DocumentStatus.READY, DocumentStatus.READY, DocumentStatus.FAILED]
    assert states[0].package_id == shipped[0].package_id
    assert states[2].code == "21011008" and "not been shipped" in (states[2].reason or "")
    ready = [DocumentRef(order_id=s.order_id, package_id=s.package_id) for s in states[:2]]
    pages = _pages(await tiktok.download_shipping_documents(tiktok_shop.conn, ready))
    assert len(pages) == 2
    assert state.shop("tiktok", shop_id).orders[shipped[1].order_id].tracking_number in pages[1]
    with pytest.raises(errors.ValidationError) as refused:
        await tiktok.download_shipping_documents(tiktok_shop.conn, [DocumentRef(order_id=waiting.order_id)])
    assert refused.value.code == "21011008"
