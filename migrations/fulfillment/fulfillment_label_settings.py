"""Fulfillment: each organisation's label settings (the paper its own labels were printed on last)."""

from enum import Enum

from piccolo.columns.column_types import ForeignKey, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration

ID = "2026-12-05T12:13:26:506092"
VERSION = "1.38.0"
DESCRIPTION = "fulfillment: label settings"


class Organization(Table, tablename="organization"):
    pass


class LabelSettings(Table, tablename="label_settings"):
    organization = ForeignKey(Organization, null=False, unique=True)
    label_size = Varchar(length=16, default="thermal",
                         choices=Enum("LabelSize", {"THERMAL": "thermal", "A4": "a4"}))
    updated_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "fulfillment", DESCRIPTION)
    migration.create_tables(LabelSettings)
    return migration
