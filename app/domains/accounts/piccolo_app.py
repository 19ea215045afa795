from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.accounts.tables import Invitation, Membership, Organization, PasswordReset, UserPreference

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "accounts"),
    table_classes=[Organization, Membership, Invitation, PasswordReset, UserPreference],
    migration_dependencies=["piccolo.apps.user.piccolo_app"],
)
