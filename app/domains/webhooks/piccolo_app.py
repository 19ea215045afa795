from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.webhooks.tables import WebhookAttempt, WebhookDelivery, WebhookEndpoint

APP_CONFIG = AppConfig(
    app_name="webhooks",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "webhooks"),
    table_classes=[WebhookEndpoint, WebhookDelivery, WebhookAttempt],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
