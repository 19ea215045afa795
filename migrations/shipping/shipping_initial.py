"""Shipping: the initial schema. Courier settings and origins, courier shipments, their tracking
timeline (each courier status once per shipment) and the courier webhooks as received."""

from enum import Enum

from piccolo.columns.column_types import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from migrations._engine import Migration, both

ID = "2026-12-05T12:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "shipping: initial schema"


# Other domains' tables this one refers to (their own migrations create them).
class Organization(Table, tablename="organization"):
    pass


class BaseUser(Table, tablename="piccolo_user"):
    pass


class Order(Table, tablename="order"):
    pass


class Location(Table, tablename="location"):
    pass


STATES = Enum("ShipmentState", {"BOOKING": "booking", "WAITING": "waiting", "BOOKED": "booked", "PICKED": "picked",
                                "IN_TRANSIT": "in_transit", "FAILED": "failed", "DELIVERED": "delivered",
                                "RETURNED": "returned", "CANCELLED": "cancelled"})
VERDICTS = Enum("Verdict", {"APPLIED": "applied", "DUPLICATE": "duplicate", "STALE": "stale", "FORGED": "forged",
                            "UNKNOWN": "unknown", "MALFORMED": "malformed"})


class ShippingSettings(Table, tablename="shipping_settings"):
    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean()
    api_key = Text(secret=True)
    services = JSON(default=[])
    webhook_token = Varchar(length=64, unique=True)
    webhook_header = Varchar(length=64, default="x-storesync-token")
    webhook_secret = Text(secret=True)
    updated_at = Timestamptz()


class ShippingOrigin(Table, tablename="shipping_origin"):
    organization = ForeignKey(Organization, null=False, index=True)
    location = ForeignKey(Location, null=False, unique=True)
    contact_name = Varchar(length=120)
    phone = Varchar(length=40)
    address = Text()
    postal_code = Varchar(length=5)


class CourierShipment(Table, tablename="courier_shipment"):
    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    state = Varchar(length=16, default="booking", index=True, choices=STATES)
    courier = Varchar(length=20)
    service = Varchar(length=20)
    courier_name = Varchar(length=80)
    pickup = Boolean(default=True)
    weight_grams = Integer()
    weight_overridden = Boolean()
    price = Integer()
    cod_amount = Integer()
    destination_postal = Varchar(length=5)
    booking_id = Varchar(length=80, index=True)
    waybill = Varchar(length=80, index=True)
    tracking_id = Varchar(length=80)
    courier_status = Varchar(length=40)
    reason = Text()
    attempts = Integer()
    next_attempt_at = Timestamptz(default=None, null=True, index=True)
    next_poll_at = Timestamptz(default=None, null=True, index=True)
    actor = ForeignKey(BaseUser)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class TrackingEvent(Table, tablename="tracking_event"):
    organization = ForeignKey(Organization, null=False, index=True)
    shipment = ForeignKey(CourierShipment, null=False, index=True)
    courier_status = Varchar(length=40)
    note = Text()
    happened_at = Timestamptz()
    source = Varchar(length=10, default="webhook")
    created_at = Timestamptz()


class CourierWebhook(Table, tablename="courier_webhook"):
    organization = ForeignKey(Organization, index=True)
    booking_id = Varchar(length=80, index=True)
    courier_status = Varchar(length=40)
    raw_body = Text()
    verdict = Varchar(length=12, choices=VERDICTS)
    detail = Text()
    received_at = Timestamptz()


async def forwards():
    migration = Migration(ID, "shipping", DESCRIPTION)
    migration.create_tables(ShippingSettings, ShippingOrigin, CourierShipment, TrackingEvent, CourierWebhook)
    migration.run_sql(
        both("CREATE UNIQUE INDEX tracking_event_shipment_status_uniq ON tracking_event (shipment, courier_status)",
             undo="DROP INDEX tracking_event_shipment_status_uniq"),
    )
    return migration
