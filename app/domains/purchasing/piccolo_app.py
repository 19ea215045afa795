from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.purchasing.tables import PurchaseOrder, PurchaseOrderLine, Supplier, SupplierItem

APP_CONFIG = AppConfig(
    app_name="purchasing",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "purchasing"),
    table_classes=[Supplier, SupplierItem, PurchaseOrder, PurchaseOrderLine],
    migration_dependencies=["app.domains.inventory.piccolo_app"],
)
