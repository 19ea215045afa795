from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.orders.tables import (
    Order,
    OrderEvent,
    OrderLine,
    OrderReturn,
    OrderTag,
    ReturnLine,
    StoreWatermark,
)

APP_CONFIG = AppConfig(
    app_name="orders",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "orders"),
    table_classes=[Order, OrderLine, OrderEvent, StoreWatermark, OrderReturn, ReturnLine, OrderTag],
    migration_dependencies=["app.domains.stores.piccolo_app", "app.domains.inventory.piccolo_app"],
)
