from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.stores.tables import ConnectionAttempt, Store, WebhookEventRecord

APP_CONFIG = AppConfig(
    app_name="stores",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "stores"),
    table_classes=[Store, ConnectionAttempt, WebhookEventRecord],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
