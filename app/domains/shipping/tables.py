"""Shipping's tables: courier settings and origins per organisation, one courier shipment per
order, its tracking timeline, and every courier webhook as received."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.domains.accounts.tables import Organization
from app.domains.inventory.tables import Location
from app.domains.orders.tables import Order
from app.domains.shipping.statuses import ShipmentState, Verdict


class ShippingSettings(Table):
    """An organisation's courier aggregator: key (encrypted), the courier services it offers, and the
    webhook receiver's unguessable URL token and the header secret the seller chose (encrypted)."""

    id: Serial

    organization = ForeignKey(Organization, null=False, unique=True)
    enabled = Boolean(default=False, help_text="Offer courier rates at checkout and book couriers.")
    api_key = Text(default="", secret=True, help_text="Courier aggregator API key, encrypted.")
    services = JSON(default=[], help_text='Enabled courier services, e.g. ["jne:reg", "jnt:ez"].')
    webhook_token = Varchar(length=64, unique=True, help_text="The unguessable part of the webhook URL.")
    webhook_header = Varchar(length=64, default="x-storesync-token", help_text="Header the aggregator sends.")
    webhook_secret = Text(default="", secret=True, help_text="That header's value, encrypted.")
    updated_at = Timestamptz(default=TimestamptzNow())


class ShippingOrigin(Table):
    """Where parcels of one location (warehouse) are picked up or dropped off from."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    location = ForeignKey(Location, null=False, unique=True)
    contact_name = Varchar(length=120, default="")
    phone = Varchar(length=40, default="")
    address = Text(default="")
    postal_code = Varchar(length=5, default="")


class CourierShipment(Table):
    """An order's courier booking (one per order; a cancelled one is booked again in place)."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    order = ForeignKey(Order, null=False, unique=True)
    state = Varchar(length=16, choices=ShipmentState, default=ShipmentState.BOOKING, index=True)
    courier = Varchar(length=20, default="", help_text="jne, jnt, sicepat, anteraja ...")
    service = Varchar(length=20, default="", help_text="reg, yes, ez, best ...")
    courier_name = Varchar(length=80, default="")
    pickup = Boolean(default=True, help_text="Courier picks up (else the seller drops it off).")
    weight_grams = Integer(default=0, help_text="Parcel weight booked.")
    weight_overridden = Boolean(default=False, help_text="The packer typed the weight.")
    price = Integer(default=0, help_text="Rupiah the courier charges.")
    cod_amount = Integer(default=0, help_text="Rupiah the courier collects from the buyer (0: not COD).")
    destination_postal = Varchar(length=5, default="", help_text="The buyer's postal code booked to.")
    booking_id = Varchar(length=80, default="", index=True, help_text="The aggregator's order id.")
    waybill = Varchar(length=80, default="", index=True)
    tracking_id = Varchar(length=80, default="")
    courier_status = Varchar(length=40, default="", help_text="Newest status word the courier sent.")
    reason = Text(default="", help_text="Why it waits, or the last problem, in the seller's words.")
    attempts = Integer(default=0, help_text="Booking attempts that failed because the courier was down.")
    next_attempt_at = Timestamptz(null=True, default=None, index=True)
    next_poll_at = Timestamptz(null=True, default=None, index=True,
                               help_text="When the polling safety net asks the courier again.")
    actor = ForeignKey(BaseUser, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TrackingEvent(Table):
    """One courier status of a shipment, once (unique per shipment and status)."""

    id: Serial

    organization = ForeignKey(Organization, null=False, index=True)
    shipment = ForeignKey(CourierShipment, null=False, index=True)
    courier_status = Varchar(length=40)
    note = Text(default="")
    happened_at = Timestamptz(default=TimestamptzNow())
    source = Varchar(length=10, default="webhook")
    created_at = Timestamptz(default=TimestamptzNow())


class CourierWebhook(Table):
    """A courier webhook exactly as received (headers minus the secret) and what we made of it."""

    id: Serial

    organization = ForeignKey(Organization, null=True, index=True)
    booking_id = Varchar(length=80, default="", index=True)
    courier_status = Varchar(length=40, default="")
    raw_body = Text(default="")
    verdict = Varchar(length=12, choices=Verdict)
    detail = Text(default="")
    received_at = Timestamptz(default=TimestamptzNow())
