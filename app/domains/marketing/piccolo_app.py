from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.domains.marketing.tables import (
    Campaign,
    CampaignMessage,
    CartReminder,
    Consent,
    LoyaltySettings,
    PointsBalance,
    PointsLine,
    Segment,
    Voucher,
    VoucherCode,
    VoucherCustomer,
    VoucherUse,
)

APP_CONFIG = AppConfig(
    app_name="marketing",
    migrations_folder_path=str(Path(__file__).resolve().parents[3] / "migrations" / "marketing"),
    table_classes=[Voucher, VoucherCode, VoucherCustomer, VoucherUse, LoyaltySettings, PointsBalance, PointsLine,
                   Segment, Consent, Campaign, CampaignMessage,
                   CartReminder],
    migration_dependencies=["app.domains.orders.piccolo_app"],
)
