"""The REST API under /api/v1: bearer keys (never a session), problem details, rate limits."""

from __future__ import annotations

from litestar import Request, Router
from litestar.di import Provide

from app.domains.platform_api.guard import ApiCallMiddleware, api_guard, api_tenant
from app.domains.platform_api.problems import exception_handlers
from app.domains.platform_api.v1.catalog import ProductsApi, VariantsApi
from app.domains.platform_api.v1.fulfillment import ShipApi, ShipmentsApi
from app.domains.platform_api.v1.inventory import LocationsApi, StockApi
from app.domains.platform_api.v1.key import KeyApi
from app.domains.platform_api.v1.orders import CustomersApi, OrdersApi
from app.domains.platform_api.v1.reports import ReportsApi

API_CONTROLLERS = [ProductsApi, VariantsApi, LocationsApi, StockApi, OrdersApi, CustomersApi, ShipmentsApi, ShipApi,
                   ReportsApi, KeyApi]


def api_router() -> Router:
    return Router(
        path="/api/v1",
        route_handlers=API_CONTROLLERS,
        guards=[api_guard],
        dependencies={"tenant": Provide(api_tenant)},
        middleware=[ApiCallMiddleware],
        exception_handlers=exception_handlers(),
        opt={"api_key": True},
        security=[{"BearerKey": []}],
        include_in_schema=True,
        # a plain Request: the app's HTMXRequest (HTMXPlugin) parses htmx headers on every call, for pages only
        request_class=Request,
    )
