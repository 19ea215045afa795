from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.money.tables import (
    DailyRollup,
    Expense,
    Settlement,
    SettlementLine,
    SettlementWatermark,
    SummaryOptOut,
)

APP_CONFIG = AppConfig(
    app_name="money",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "money"),
    table_classes=[Settlement, SettlementLine, SettlementWatermark, Expense, DailyRollup, SummaryOptOut],
    migration_dependencies=["app.domains.accounts.piccolo_app", "app.domains.stores.piccolo_app",
                            "app.domains.orders.piccolo_app"],
)
