"""JSON control API under ``/_control``: arrange sandbox scenarios over HTTP (tests, demo, curl).

Every route is a thin wrapper of a ``SandboxState`` method; the Python API is the same thing
in-process. Platform is ``shopee`` or ``tiktok`` in every path.
"""

from __future__ import annotations

from typing import Any, Literal

import anyio.to_thread
from litestar import Request, Response, Router, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from pydantic import BaseModel, Field

from app.sandbox.responses import json_response
from app.sandbox.state import Fault, Order, Product, SandboxState, Shop

PlatformName = Literal["shopee", "tiktok", "lazada"]


class AppIn(BaseModel):
    platform: PlatformName
    # Shopee: partner_id + partner_key; TikTok: app_key + app_secret (+ service_id, redirect_url);
    # Lazada: app_key + app_secret (+ redirect_url).
    partner_id: int | None = None
    partner_key: str | None = None
    app_key: str | None = None
    app_secret: str | None = None
    service_id: str = ""
    redirect_url: str = ""


class ShopIn(AppIn):
    shop_id: str | None = None
    name: str | None = None
    products: int = Field(default=0, ge=0, le=5000)
    callback_url: str | None = None
    tokopedia: bool = False  # TikTok: the shop may list its products on Tokopedia too


class CountIn(BaseModel):
    count: int = Field(default=1, ge=1, le=5000)


class OrderLineIn(BaseModel):
    product_id: str
    sku_id: str
    quantity: int = Field(ge=1)


class OrdersIn(BaseModel):
    count: int = Field(default=1, ge=1, le=1000)
    status: str | None = None
    lines: list[OrderLineIn] | None = None
    create_time: int | None = None  # Unix seconds; default now


class StatusIn(BaseModel):
    status: str


class CallbackIn(BaseModel):
    callback_url: str | None


class FaultIn(BaseModel):
    kind: Literal["rate_limit", "server_error", "slow", "hang", "malformed", "expire_token", "lose_answer"]
    platform: PlatformName | None = None
    shop_id: str | None = None
    path: str | None = None
    count: int | None = Field(default=1, ge=1)  # None: until cleared
    seconds: float = 0.0
    after: int = 0


class ExpireIn(BaseModel):
    refresh_too: bool = False


class ConfigIn(BaseModel):
    shopee_access_ttl: float | None = None
    shopee_refresh_ttl: float | None = None
    shopee_code_ttl: float | None = None
    tiktok_access_ttl: float | None = None
    tiktok_refresh_ttl: float | None = None
    tiktok_code_ttl: float | None = None
    rate_limit_per_second: int | None = None
    rate_limit_retry_after: float | None = None


def shop_out(shop: Shop) -> dict[str, Any]:
    return {"platform": shop.platform, "shop_id": shop.shop_id, "name": shop.name, "region": shop.region,
            "cipher": shop.cipher, "app_id": shop.app_id, "callback_url": shop.callback_url,
            "products": len(shop.products), "orders": len(shop.orders), "tokopedia": shop.tokopedia}


def product_out(product: Product) -> dict[str, Any]:
    return {"product_id": product.product_id, "title": product.title, "status": product.status,
            "listing_platforms": list(product.listing_platforms), "has_variants": product.has_variants,
            "skus": [{"sku_id": s.sku_id, "seller_sku": s.seller_sku, "label": list(s.label), "price": s.price,
                      "stock": s.stock} for s in product.skus]}


def order_out(order: Order) -> dict[str, Any]:
    return {"order_id": order.order_id, "status": order.status, "create_time": order.create_time,
            "update_time": order.update_time, "total": order.total, "package_id": order.package_id,
            "tracking_number": order.tracking_number,
            "lines": [{"product_id": line.product_id, "sku_id": line.sku_id, "quantity": line.quantity,
                       "unit_price": line.unit_price} for line in order.lines]}


def control_router(state: SandboxState) -> Router:
    def register(data: AppIn) -> str:
        if data.platform == "shopee":
            if data.partner_id is None or not data.partner_key:
                raise ValueError("partner_id and partner_key are required for shopee")
            state.register_shopee_partner(data.partner_id, data.partner_key)
            return str(data.partner_id)
        if not (data.app_key and data.app_secret):
            raise ValueError(f"app_key and app_secret are required for {data.platform}")
        if data.platform == "lazada":
            state.register_lazada_app(data.app_key, data.app_secret, redirect_url=data.redirect_url)
            return data.app_key
        state.register_tiktok_app(data.app_key, data.app_secret, service_id=data.service_id,
                                  redirect_url=data.redirect_url)
        return data.app_key

    @post("/apps", status_code=201)
    async def create_app(data: JSONBody[AppIn]) -> dict[str, Any]:
        return {"app_id": register(data)}

    @post("/shops", status_code=201)
    async def create_shop(data: JSONBody[ShopIn]) -> dict[str, Any]:
        app_id = register(data)
        shop = state.create_shop(data.platform, app_id=app_id, shop_id=data.shop_id, name=data.name,
                                 products=data.products, callback_url=data.callback_url, tokopedia=data.tokopedia)
        return shop_out(shop)

    @get("/shops")
    async def list_shops(platform: FromQuery[PlatformName | None] = None) -> list[dict[str, Any]]:
        with state.lock:
            return [shop_out(s) for s in state.shops.values() if platform is None or s.platform == platform]

    @get("/shops/{platform:str}/{shop_id:str}")
    async def read_shop(platform: FromPath[PlatformName], shop_id: FromPath[str]) -> dict[str, Any]:
        with state.lock:
            return shop_out(state.shop(platform, shop_id))

    @post("/shops/{platform:str}/{shop_id:str}/products", status_code=201)
    async def seed_products(platform: FromPath[PlatformName], shop_id: FromPath[str], data: JSONBody[CountIn]) -> list[dict[str, Any]]:
        return [product_out(p) for p in state.add_products(platform, shop_id, data.count)]

    @get("/shops/{platform:str}/{shop_id:str}/products")
    async def list_products(platform: FromPath[PlatformName], shop_id: FromPath[str]) -> list[dict[str, Any]]:
        with state.lock:
            return [product_out(p) for p in state.shop(platform, shop_id).products.values()]

    @get("/shops/{platform:str}/{shop_id:str}/listings/{product_id:str}")
    async def read_listing(platform: FromPath[PlatformName], shop_id: FromPath[str], product_id: FromPath[str]) -> dict[str, Any]:
        with state.lock:
            return product_out(state.shop(platform, shop_id).products[product_id])

    @post("/shops/{platform:str}/{shop_id:str}/orders", status_code=201)
    async def create_orders(platform: FromPath[PlatformName], shop_id: FromPath[str], data: JSONBody[OrdersIn]) -> list[dict[str, Any]]:
        lines = [(x.product_id, x.sku_id, x.quantity) for x in data.lines] if data.lines else None
        return [order_out(state.create_order(platform, shop_id, lines=lines, status=data.status,
                                             create_time=data.create_time)) for _ in range(data.count)]

    @post("/shops/{platform:str}/{shop_id:str}/orders/{order_id:str}/status")
    async def change_status(platform: FromPath[PlatformName], shop_id: FromPath[str], order_id: FromPath[str], data: JSONBody[StatusIn]) -> dict[str, Any]:
        return order_out(state.set_order_status(platform, shop_id, order_id, data.status))

    @post("/shops/{platform:str}/{shop_id:str}/tokens/expire")
    async def expire_tokens(platform: FromPath[PlatformName], shop_id: FromPath[str], data: JSONBody[ExpireIn]) -> dict[str, Any]:
        state.expire_tokens(platform, shop_id, refresh_too=data.refresh_too)
        return {"expired": True}

    @post("/shops/{platform:str}/{shop_id:str}/authorization-code")
    async def authorization_code(platform: FromPath[PlatformName], shop_id: FromPath[str]) -> dict[str, Any]:
        return {"code": state.issue_code(platform, shop_id), "shop_id": shop_id}

    @put("/shops/{platform:str}/{shop_id:str}/webhook")
    async def set_webhook(platform: FromPath[PlatformName], shop_id: FromPath[str], data: JSONBody[CallbackIn]) -> dict[str, Any]:
        state.set_callback(platform, shop_id, data.callback_url)
        return {"callback_url": data.callback_url}

    @post("/faults", status_code=201)
    async def add_fault(data: JSONBody[FaultIn]) -> dict[str, Any]:
        fault = state.add_fault(Fault(kind=data.kind, platform=data.platform, shop_id=data.shop_id,
                                      remaining=data.count, seconds=data.seconds, after=data.after,
                                      path=data.path))
        return {"id": fault.id}

    @delete("/faults", status_code=200)
    async def clear_faults() -> dict[str, Any]:
        state.clear_faults()
        return {"cleared": True}

    @put("/config")
    async def set_config(data: JSONBody[ConfigIn]) -> dict[str, Any]:
        with state.lock:
            for name, value in data.model_dump(exclude_unset=True).items():
                setattr(state.config, name, value)
            return dict(vars(state.config))

    @post("/clock/advance")
    async def advance_clock(data: JSONBody[dict[str, float]]) -> dict[str, Any]:
        state.advance(float(data.get("seconds", 0)))
        return {"offset": state.clock_offset}

    @get("/calls")
    async def calls(platform: FromQuery[str | None] = None, path: FromQuery[str | None] = None) -> list[dict[str, Any]]:
        with state.lock:
            return [vars(c) for c in state.calls
                    if (platform is None or c.platform == platform) and (path is None or c.path == path)]

    @post("/sink/{name:str}")
    async def sink_receive(request: Request, name: FromPath[str]) -> Response:
        state.record_sink(name, dict(request.headers), await request.body(), str(request.url))
        return Response(content=b"", status_code=200)

    @get("/sink/{name:str}")
    async def sink_read(name: FromPath[str]) -> list[dict[str, Any]]:
        return [{"headers": e["headers"], "body": e["body"].decode(), "url": e["url"]} for e in state.sink(name)]

    @post("/webhooks/flush")
    async def flush() -> dict[str, Any]:
        # Deliveries run on their own thread; waiting here must not block the event loop.
        await anyio.to_thread.run_sync(state.dispatcher.wait_idle)
        return {"flushed": True}

    def not_found(_: Request, exc: KeyError) -> Response:
        return json_response({"error": "not_found", "message": str(exc.args[0] if exc.args else exc)}, 404)

    def bad_request(_: Request, exc: ValueError) -> Response:
        return json_response({"error": "bad_request", "message": str(exc)}, 400)

    return Router(
        path="/_control",
        route_handlers=[create_app, create_shop, list_shops, read_shop, seed_products, list_products, read_listing,
                        create_orders, change_status, expire_tokens, authorization_code, set_webhook, add_fault,
                        clear_faults, set_config, advance_clock, calls, sink_receive, sink_read, flush],
        exception_handlers={KeyError: not_found, ValueError: bad_request},
    )
