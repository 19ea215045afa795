from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.audit.tables import AuditEntry

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "audit"),
    table_classes=[AuditEntry],
    migration_dependencies=["app.domains.accounts.piccolo_app"],
)
