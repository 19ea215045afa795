from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.billing.tables import ApiUsage, BillingInvoice, Plan, Subscription

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "billing"),
    table_classes=[Plan, Subscription, BillingInvoice, ApiUsage],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
