"""Piccolo's configuration: the engine comes from DATABASE_URL, SQLite under var/ when unset."""

from piccolo.conf.apps import AppRegistry

from app.core.database import build_engine

DB = build_engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "app.domains.accounts.piccolo_app",
        "app.domains.audit.piccolo_app",
        "app.domains.jobs.piccolo_app",
        "app.domains.stores.piccolo_app",
        "app.domains.catalog.piccolo_app",
        "app.domains.inventory.piccolo_app",
        "app.domains.listings.piccolo_app",
        "app.domains.sync.piccolo_app",
        "app.domains.orders.piccolo_app",
        "app.domains.mail.piccolo_app",
        "app.domains.notifications.piccolo_app",
        "app.domains.fulfillment.piccolo_app",
        "app.domains.payments.piccolo_app",
        "app.domains.website.piccolo_app",
        "app.domains.shipping.piccolo_app",
        "app.domains.webhooks.piccolo_app",
        "app.domains.billing.piccolo_app",
        "app.domains.money.piccolo_app",
        "app.domains.purchasing.piccolo_app",
        "app.domains.platform_api.piccolo_app",
        "app.domains.marketing.piccolo_app",
    ]
)
