from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.payments.tables import Payment, PaymentNotification, PaymentSettings

APP_CONFIG = AppConfig(
    app_name="payments",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "payments"),
    table_classes=[Payment, PaymentNotification, PaymentSettings],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
