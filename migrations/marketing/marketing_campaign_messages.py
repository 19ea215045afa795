"""Marketing: the numbers of a WhatsApp campaign the seller marked as messaged (one row each)."""

from piccolo.columns.column_types import ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-06T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "marketing: WhatsApp campaign messages marked sent"


class Organization(Table, tablename="organization"):
    pass


class Campaign(Table, tablename="campaign"):
    pass


class CampaignMessage(Table, tablename="campaign_message"):
    organization = ForeignKey(Organization, null=False, index=True)
    campaign = ForeignKey(Campaign, null=False)
    customer = Varchar(length=200)
    sent_at = Timestamptz(default=TimestamptzNow())


async def forwards():
    migration = Migration(ID, "marketing", DESCRIPTION)
    migration.create_tables(CampaignMessage)
    migration.run_sql(both("CREATE UNIQUE INDEX campaign_message_uniq ON campaign_message (campaign, customer)",
                           undo="DROP INDEX campaign_message_uniq"))
    return migration
