from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.fulfillment.tables import (
    LabelSettings,
    OrderAction,
    PackScan,
    PickList,
    PickListOrder,
    Shipment,
)

APP_CONFIG = AppConfig(
    app_name="fulfillment",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "fulfillment"),
    table_classes=[PickList, PickListOrder, PackScan, Shipment, OrderAction, LabelSettings],
    migration_dependencies=["app.domains.orders.piccolo_app"],
)
