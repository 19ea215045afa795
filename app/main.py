"""create_app(): plugins, middleware, routes. Wiring only; behaviour lives in the domains."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Request, Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine as Jinja
from litestar.response import Response
from litestar.static_files import create_static_files_router
from litestar.stores.redis import RedisStore
from litestar.template.config import TemplateConfig
from litestar.types import ControllerRouterHandler
from redis.asyncio import Redis

from app.admin import admin_mount
from app.core import i18n, navigation, statuses
from app.core.auth import permission_guard, provide_ctx, provide_tenant, resolve_locale, set_context_loader
from app.core.clock import delivery_time, format_day, format_local
from app.core.database import start_database, stop_database
from app.core.edge import EdgeMiddleware
from app.core.edge import exception_handlers as edge_exception_handlers
from app.core.errors import AppError, NotFound
from app.core.log_redaction import install_log_redaction
from app.core.money import format_count, format_decimal_number, format_money
from app.core.page_cache import PageCacheMiddleware
from app.core.redis import ensure_redis
from app.core.security import CSRF_EXEMPT, SESSION_EXEMPT, check_deployment, security_headers
from app.core.sessions import RotatingSessionConfig
from app.core.web import keep_codes_whole, render, wants_fragment
from app.domains.accounts.controllers import (
    AccountController,
    AuthController,
    MembersController,
    OrganizationSettingsController,
    not_logged_in,
)
from app.domains.accounts.services import context_for
from app.domains.audit.controllers import AuditController
from app.domains.billing.controllers import BillingController
from app.domains.catalog.bulk_controllers import CatalogBulkController
from app.domains.catalog.controllers import MediaController, ProductsController
from app.domains.dashboard.controllers import DashboardController
from app.domains.fulfillment.controllers import FulfillmentController, OrderActionsController
from app.domains.fulfillment.document_controllers import DocumentsController
from app.domains.inventory.controllers import InventoryController, StockCountController
from app.domains.jobs.controllers import JobsController
from app.domains.listings.controllers import ListingsController
from app.domains.marketing.campaign_controllers import CampaignsController, UnsubscribeController
from app.domains.marketing.controllers import MarketingController
from app.domains.marketing.loyalty_controllers import LoyaltyController
from app.domains.marketing.segment_controllers import SegmentsController
from app.domains.money.controllers import MoneyController
from app.domains.money.report_controllers import ReportsController
from app.domains.notifications.controllers import NotificationsController
from app.domains.orders.controllers import CustomersController, OrdersController
from app.domains.orders.customers import postal_code_of
from app.domains.payments.controllers import (
    PaymentReceiversController,
    PaymentsController,
    PaymentSettingsController,
)
from app.domains.platform_api.controllers import ApiKeysController
from app.domains.platform_api.docs import api_docs
from app.domains.platform_api.problems import not_found as api_not_found
from app.domains.platform_api.usage import flush_audit as flush_api_audit
from app.domains.platform_api.v1.router import api_router
from app.domains.publishing.controllers import (
    BulkPublishingController,
    ListingSaleController,
    PublishingController,
)
from app.domains.purchasing.controllers import PurchaseOrdersController, SuppliersController
from app.domains.purchasing.receiving_controllers import (
    IncomingController,
    ReceivingController,
    ReorderController,
    UnitCostController,
)
from app.domains.shipping.controllers import (
    CourierWebhookController,
    ShippingController,
    ShippingSettingsController,
)
from app.domains.stores.controllers import StoresController, WebhooksController
from app.domains.stores.sandbox import sandbox_mount
from app.domains.sync.controllers import ListingMappingController, SyncController
from app.domains.system.controllers import healthz
from app.domains.webhooks.controllers import OutboundWebhooksController
from app.domains.website.api import StorefrontApiController
from app.domains.website.controllers import WebsiteController
from app.domains.website.host import ShopHostMiddleware
from app.domains.website.shop_discounts import ShopDiscountController
from app.domains.website.storefront import StorefrontController
from app.settings import Settings, get_settings
from app.wiring import register_listeners

APP_DIR = Path(__file__).resolve().parent
log = logging.getLogger("storesync")

ROUTE_HANDLERS: list[ControllerRouterHandler] = [
    AuthController,
    AccountController,
    MembersController,
    OrganizationSettingsController,
    DashboardController,
    JobsController,
    AuditController,
    ProductsController,
    MediaController,
    CatalogBulkController,
    InventoryController,
    StockCountController,
    SyncController,
    ListingsController,
    ListingMappingController,
    OrdersController,
    CustomersController,
    NotificationsController,
    FulfillmentController,
    OrderActionsController,
    healthz,
    admin_mount,
    StoresController,
    WebhooksController,
    PaymentReceiversController,
    PaymentsController,
    PaymentSettingsController,
    WebsiteController,
    StorefrontController,
    ShippingController,
    ShippingSettingsController,
    CourierWebhookController,
    DocumentsController,
    OutboundWebhooksController,
    BillingController,
    MoneyController,
    ReportsController,
    PurchaseOrdersController,
    SuppliersController,
    ReceivingController,
    ReorderController,
    IncomingController,
    UnitCostController,
    ApiKeysController,
    PublishingController,
    BulkPublishingController,
    ListingSaleController,
    MarketingController,
    ShopDiscountController,
    LoyaltyController,
    SegmentsController,
    CampaignsController,
    UnsubscribeController,
]


def _configure_templates(engine: Jinja) -> None:
    env = engine.engine
    i18n.install(env)
    env.filters["money"] = lambda minor, currency="IDR": format_money(minor, currency)
    env.filters["decimal"] = lambda value, digits=1: format_decimal_number(value, digits, i18n.current_locale.get())
    env.filters["count"] = format_count  # 20000 -> "20.000", like the amounts beside it
    env.filters["localtime"] = lambda moment, tz="Asia/Jakarta": format_local(moment, tz, i18n.current_locale.get())
    env.filters["day"] = lambda day: format_day(day, i18n.current_locale.get())  # a date, "25 Nov 2026"
    env.filters["postal_code"] = postal_code_of  # a recipient's postal code from an order's address
    env.globals["LOCALES"] = i18n.LOCALES
    env.globals["phone_bar"] = navigation.phone_bar  # {% for item in phone_bar(ctx.can) %}
    env.filters["label"] = statuses.label  # {{ order.state | label('OrderState') }}: never the raw value
    env.filters["delivery_time"] = delivery_time  # a courier's "3 - 5 days" in the reader's language
    env.filters["codes"] = keep_codes_whole  # "M-00001" never breaks at its hyphen
    env.filters["stored"] = i18n.read  # text kept as a message id + parameters, in the reader's language
    env.policies["ext.i18n.trimmed"] = True


def app_error(request: Request, exc: AppError) -> Response:
    """A domain error becomes its status code and a sentence: a flash for htmx, a page otherwise."""
    if wants_fragment(request):
        return render(request, "_flash_error.html", status_code=exc.status_code, message=exc.message,
                      headers={"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"})
    return render(request, "error.html", status_code=exc.status_code, message=exc.message)


def not_found(request: Request, exc: NotFoundException) -> Response:
    # An unknown path matches no route, so neither the session nor the guard has set the reader's
    # language yet: take it from the language cookie (or the session when a route did run).
    i18n.current_locale.set(resolve_locale(request))
    if request.url.path.startswith("/api/v1/"):
        return api_not_found(request)
    return app_error(request, NotFound(i18n._("Not found.")))


def _in_process_worker_lifespan(settings: Settings):
    @asynccontextmanager
    async def lifespan(app: Litestar):
        await start_database()
        worker_task = None
        worker = None
        if settings.run_worker_in_web:
            from saq import Worker

            from tasks import worker_settings

            opts = worker_settings()
            worker = Worker(**opts)
            # SAQ would take over SIGTERM/SIGINT for itself; inside the web process the server
            # owns the signals and stops the worker through this lifespan instead.
            worker.SIGNALS = []
            worker.context["in_web_process"] = True
            worker_task = asyncio.create_task(worker.start())
            log.info("job worker running inside the web process")
        try:
            yield
        finally:
            if worker is not None:
                # Bounded waits that never block on a task ignoring cancellation: the process must
                # exit on SIGTERM; unfinished jobs are retried by the next worker (SAQ sweep).
                stopping = asyncio.create_task(worker.stop())
                done, _pending = await asyncio.wait({stopping}, timeout=5)
                if not done:
                    log.warning("job worker did not stop within 5 s; its jobs will be retried")
                if worker_task is not None:
                    worker_task.cancel()
                    await asyncio.wait({worker_task}, timeout=2)
            from app.domains.stores.adapters import close_adapters

            await close_adapters()
            await stop_database()

    return lifespan


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    install_log_redaction()
    set_context_loader(context_for)  # core knows no domain: who is signed in is accounts' to say
    register_listeners()  # the domains' reactions to each other's events (app/wiring.py)
    check_deployment(settings)
    redis_url = ensure_redis(settings)
    session_store = RedisStore(Redis.from_url(redis_url), namespace=f"{settings.queue_name}-sessions")
    template_config = TemplateConfig(directory=APP_DIR / "templates", engine=Jinja,
                                     engine_callback=_configure_templates)
    application = Litestar(
        route_handlers=[
            # Only the storefront API is a public contract: the app's own pages stay out of the schema.
            Router(path="/", route_handlers=ROUTE_HANDLERS, include_in_schema=False),
            StorefrontApiController,
            api_router(),  # the REST API for the seller's programs (bearer keys), documented at /api/docs
            api_docs,
            *([sandbox_mount] if settings.sandbox_enabled else []),
            create_static_files_router(path="/static", directories=[APP_DIR / "static"], opt={"public": True},
                                       name="static", send_as_attachment=False),
        ],
        guards=[permission_guard],
        dependencies={"ctx": Provide(provide_ctx), "tenant": Provide(provide_tenant)},
        middleware=[
            RotatingSessionConfig(
                key="ss_session", max_age=settings.session_max_age, secure=settings.cookies_secure,
                exclude=SESSION_EXEMPT, store="sessions",
            ).middleware,
            EdgeMiddleware,  # after the session (for the reader's language), before any parsing
            PageCacheMiddleware,  # after the edge's checks: kept pages for opted-in GETs, data versions bumped by writes
        ],
        stores={"sessions": session_store},
        csrf_config=CSRFConfig(
            secret=settings.secret_key, cookie_name="ss_csrf", header_name="x-csrftoken",
            cookie_secure=settings.cookies_secure, exclude=CSRF_EXEMPT,
        ),
        template_config=template_config,
        plugins=[HTMXPlugin(), FlashPlugin(config=FlashConfig(template_config=template_config))],
        exception_handlers={
            **edge_exception_handlers(),  # Litestar's 4xx, refused values, anything unexpected: as pages
            AppError: app_error,
            NotAuthorizedException: not_logged_in,
            NotFoundException: not_found,
        },
        before_send=[security_headers(settings)],
        lifespan=[_in_process_worker_lifespan(settings)],
        on_shutdown=[flush_api_audit],  # the REST API's per-call audit entries still kept by this process
        logging_config=LoggingConfig(log_exceptions="always", disable_stack_trace={400, 404, 401, 403, 405, 409, 413, 422, 429},
                                     root={"level": "INFO", "handlers": ["queue_listener"]}),
        # An HTML app whose public APIs (the storefront's, the REST API /api/v1) are documented at /schema
        # (JSON) and /api/docs (a page read from it).
        openapi_config=OpenAPIConfig(title="StoreSync API", version="1.0.0", path="/schema",
                                     components=Components(security_schemes={"BearerKey": SecurityScheme(
                                         type="http", scheme="bearer",
                                         description="An API key made under Settings -> API keys (ssk_...).")}),
                                     render_plugins=[JsonRenderPlugin()],  # the schema only: a UI would need inline styles
                                     openapi_router=Router(path="/schema", route_handlers=[], opt={"public": True})),
        debug=settings.debug,
    )
    # The seller's own domain is mapped before routing (Litestar's middleware runs after it).
    application.asgi_handler = ShopHostMiddleware(application.asgi_handler)
    return application
