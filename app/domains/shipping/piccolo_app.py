from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.shipping.tables import (
    CourierShipment,
    CourierWebhook,
    ShippingOrigin,
    ShippingSettings,
    TrackingEvent,
)

APP_CONFIG = AppConfig(
    app_name="shipping",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "shipping"),
    table_classes=[ShippingSettings, ShippingOrigin, CourierShipment, TrackingEvent, CourierWebhook],
    migration_dependencies=["app.domains.orders.piccolo_app"],
)
