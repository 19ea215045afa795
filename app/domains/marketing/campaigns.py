"""Campaigns: an e-mail to a segment's consenting customers (sent in the background through the
mail outbox, with progress, an unsubscribe link in every mail that is honoured at once and for
good), or a WhatsApp list (the consenting numbers, each with a wa.me link and the message filled
in, for the seller to send by hand).

Consent is a row per customer and channel with its source and date; an unsubscribe sets
`unsubscribed_at`, after which no later consent (a new checkout) turns it back on."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from app.core import tasks
from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.i18n import _
from app.core.tenancy import Tenant
from app.domains import accounts, jobs, orders
from app.domains.mail import Mail, queue_mails
from app.domains.marketing import segments
from app.domains.marketing.tables import Campaign, CampaignMessage, Consent
from app.settings import get_settings

BATCH = 50


@dataclass(frozen=True, slots=True)
class Recipient:
    customer: str
    address: str  # an e-mail address, or a phone number for WhatsApp


def unsubscribe_token(organization_id: int, customer: str) -> str:
    """A link's key that names one customer of one organisation and cannot be made up (HMAC)."""
    who = base64.urlsafe_b64encode(f"{organization_id}:{customer}".encode()).decode().rstrip("=")
    return f"{who}.{_signature(who)}"


def _signature(who: str) -> str:
    key = hashlib.sha256(b"unsubscribe:" + get_settings().secret_key.encode()).digest()
    return hmac.new(key, who.encode(), hashlib.sha256).hexdigest()[:32]


def read_token(token: str) -> tuple[int, str] | None:
    who, _dot, signature = (token or "").partition(".")
    if not who or len(token) > 600 or not hmac.compare_digest(signature, _signature(who)):
        return None
    try:
        org, customer = base64.urlsafe_b64decode(who + "=" * (-len(who) % 4)).decode().split(":", 1)
        return int(org), customer
    except (ValueError, UnicodeDecodeError):
        return None


async def record_consent(tenant: Tenant, customer: str, *, channel: str, address: str, source: str) -> bool:
    """The customer agrees to hear from the shop on `channel` (email or whatsapp), said where (`source`);
    False when they unsubscribed before (that stands)."""
    if not customer or not address:
        return False
    await Consent.insert(Consent(organization=tenant.organization_id, customer=customer, channel=channel,
                                 address=address[:200], granted=True, source=source[:60], recorded_at=utcnow())
                         ).on_conflict(target=(Consent.organization, Consent.customer, Consent.channel),
                                       action="DO NOTHING")
    changed = await tenant.scoped(Consent).update({Consent.granted: True, Consent.address: address[:200],
                                                   Consent.source: source[:60], Consent.recorded_at: utcnow()}).where(
        (Consent.customer == customer) & (Consent.channel == channel) & Consent.unsubscribed_at.is_null()
    ).returning(Consent.id)
    return bool(changed)


async def unsubscribe(token: str) -> bool:
    """Stop every campaign to this customer, now and for good; False for a link that is not ours."""
    found = read_token(token)
    if found is None:
        return False
    org, customer = found
    tenant = Tenant(org)
    now = utcnow()
    await Consent.insert(Consent(organization=org, customer=customer, channel="email", address="", granted=False,
                                 source="unsubscribe link", recorded_at=now, unsubscribed_at=now)).on_conflict(
        target=(Consent.organization, Consent.customer, Consent.channel), action="DO NOTHING")
    await tenant.scoped(Consent).update({Consent.granted: False, Consent.unsubscribed_at: now,
                                         Consent.source: "unsubscribe link", Consent.recorded_at: now}).where(
        (Consent.customer == customer) & Consent.unsubscribed_at.is_null())
    return True


async def recipients(tenant: Tenant, campaign_id: int) -> list[Recipient]:
    """The campaign's segment's customers who consented to its channel and never unsubscribed."""
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    members = await segments.members(tenant, campaign.segment)
    if not members:
        return []
    rows = await tenant.scoped(Consent).select(Consent.customer, Consent.address).where(
        (Consent.channel == campaign.kind) & (Consent.granted == True) & Consent.unsubscribed_at.is_null()  # noqa: E712
        & (Consent.address != "")).order_by(Consent.customer)
    wanted = set(members)
    return [Recipient(r["customer"], r["address"]) for r in rows if r["customer"] in wanted]


async def create_campaign(tenant: Tenant, *, name: str, kind: str, segment_id: int, subject: str, body: str) -> int:
    errors = {}
    if not 1 <= len(name.strip()) <= 120:
        errors["name"] = _("Name the campaign (at most 120 characters).")
    if kind not in ("email", "whatsapp"):
        errors["kind"] = _("Choose one of the listed options.")
    if kind == "email" and not 1 <= len(subject.strip()) <= 200:
        errors["subject"] = _("Write a subject (at most 200 characters).")
    if not 1 <= len(body.strip()) <= 5000:
        errors["body"] = _("Write the message (at most 5000 characters).")
    try:
        await segments.segment(tenant, segment_id)
    except (NotFound, TypeError, ValueError):
        errors["segment"] = _("Choose one of your segments.")
    if errors:
        raise ValidationFailed(errors)
    row = tenant.scoped(Campaign).new(name=name.strip(), kind=kind, segment=segment_id, subject=subject.strip(),
                                      body=body.strip(), status="draft")
    await row.save()
    return row.id


def render_mail(shop: str, subject: str, body: str, unsubscribe_url: str) -> tuple[str, str]:
    """The campaign's mail with the shop's name on top and the unsubscribe link at the foot."""
    text = (f"{shop}\n{'=' * min(len(shop), 60)}\n\n{body.strip()}\n\n--\n"
            + _("You receive this because you agreed to hear from %(shop)s. Unsubscribe: %(url)s",
                shop=shop, url=unsubscribe_url) + "\n")
    return f"{shop}: {subject}", text


async def preview(tenant: Tenant, campaign_id: int) -> dict[str, Any]:
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    shop = await accounts.organization_name(tenant.organization_id)
    subject, text = render_mail(shop, campaign.subject, campaign.body, f"{_base()}/unsubscribe/…")
    if campaign.kind == "whatsapp":  # what the seller will send, shown before the numbers
        text = whatsapp_text(shop, campaign.body)
    return {"campaign": campaign, "subject": subject, "text": text,
            "recipients": len(await recipients(tenant, campaign.id))}


def _base() -> str:
    return get_settings().base_url.rstrip("/")


async def send_test(tenant: Tenant, campaign_id: int, to: str) -> None:
    """The campaign's mail to the seller's own address, marked as a test."""
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    shop = await accounts.organization_name(tenant.organization_id)
    subject, text = render_mail(shop, campaign.subject, campaign.body, f"{_base()}/unsubscribe/{unsubscribe_token(0, 'test')}")
    await queue_mails([Mail(to, f"[TEST] {subject}", text)], organization_id=tenant.organization_id)


async def start_sending(tenant: Tenant, campaign_id: int) -> int:
    """Send an e-mail campaign in the background (a job with progress); Conflict for an empty segment,
    a segment without consenting customers, or a campaign already sent. Returns the job's id."""
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    if campaign.kind != "email":
        raise Conflict(_("A WhatsApp campaign is sent by hand from its list."))
    if campaign.status != "draft":
        raise Conflict(_("This campaign was sent already."))
    if not await segments.members(tenant, campaign.segment):
        raise Conflict(_("The segment has no customers: nothing to send."))
    audience = await recipients(tenant, campaign.id)
    if not audience:
        raise Conflict(_("No customer in this segment agreed to receive e-mail: nothing to send."))
    claimed = await tenant.scoped(Campaign).update({Campaign.status: "sending", Campaign.total: len(audience)}).where(
        (Campaign.id == campaign.id) & (Campaign.status == "draft")).returning(Campaign.id)
    if not claimed:
        raise Conflict(_("This campaign was sent already."))
    job = await jobs.start(tenant, tasks.send_campaign, _("Campaign %(name)s", name=campaign.name), timeout=3600,
                           retries=1, campaign_id=campaign.id)
    return job.id


async def send_campaign(tenant: Tenant, campaign_id: int, progress: Any) -> dict[str, int]:
    """The job's work: queue the mails batch by batch, consent read again for each batch (an
    unsubscribe during the send is honoured), reporting progress."""
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    shop = await accounts.organization_name(tenant.organization_id)
    audience = await recipients(tenant, campaign.id)
    sent = 0
    for start in range(0, len(audience), BATCH):
        batch = audience[start:start + BATCH]
        still = {r.customer for r in await recipients(tenant, campaign.id)} if start else {r.customer for r in batch}
        mails = []
        for person in batch:
            if person.customer not in still:
                continue
            url = f"{_base()}/unsubscribe/{unsubscribe_token(tenant.organization_id, person.customer)}"
            subject, text = render_mail(shop, campaign.subject, campaign.body, url)
            mails.append(Mail(person.address, subject, text))
        await queue_mails(mails, organization_id=tenant.organization_id)
        sent += len(mails)
        await tenant.scoped(Campaign).update({Campaign.sent: sent}).where(Campaign.id == campaign.id)
        await progress(min(start + BATCH, len(audience)), len(audience))
    await tenant.scoped(Campaign).update({Campaign.status: "sent", Campaign.sent_at: utcnow()}).where(
        Campaign.id == campaign.id)
    return {"sent": sent}


def whatsapp_text(shop: str, body: str) -> str:
    """The chat message a WhatsApp campaign fills in: the shop's name, then the body."""
    return f"{shop}: {body.strip()}"


async def _whatsapp_campaign(tenant: Tenant, campaign_id: int) -> Campaign:
    campaign = await tenant.scoped(Campaign).get(campaign_id, _("Campaign not found."))
    if campaign.kind != "whatsapp":
        raise NotFound(_("Campaign not found."))
    return campaign


async def whatsapp_list(tenant: Tenant, campaign_id: int) -> list[dict[str, Any]]:
    """The numbers to message by hand: each with the customer's name, its wa.me link (the message
    filled in) and whether the seller marked it messaged."""
    campaign = await _whatsapp_campaign(tenant, campaign_id)
    shop = await accounts.organization_name(tenant.organization_id)
    text = whatsapp_text(shop, campaign.body)
    audience = await recipients(tenant, campaign.id)
    names = await orders.customer_names(tenant, [r.customer for r in audience])
    sent = {r["customer"] for r in await tenant.scoped(CampaignMessage).select(CampaignMessage.customer).where(
        CampaignMessage.campaign == campaign.id)}
    return [{"customer": r.customer, "name": names.get(r.customer, ""), "sent": r.customer in sent,
             "url": f"https://wa.me/{r.address.lstrip('+')}?text={quote(text)}"} for r in audience]


async def mark_whatsapp(tenant: Tenant, campaign_id: int, customer: str, sent: bool) -> None:
    """Mark one number of a WhatsApp campaign's list as messaged (or not, to undo a wrong tap); the
    campaign counts what is marked against its list, and reads sent once every number is.
    ValidationFailed for a number that is not on the list."""
    campaign = await _whatsapp_campaign(tenant, campaign_id)
    audience = {r.customer for r in await recipients(tenant, campaign.id)}
    if customer not in audience:
        raise ValidationFailed({"customer": _("This number is not on the campaign's list.")})
    async with transaction():
        marked = tenant.scoped(CampaignMessage)
        await marked.delete().where((CampaignMessage.campaign == campaign.id) & (CampaignMessage.customer == customer))
        if sent:
            await marked.new(campaign=campaign.id, customer=customer).save()
        done = {r["customer"] for r in await marked.select(CampaignMessage.customer).where(
            CampaignMessage.campaign == campaign.id)} & audience
        status = "sent" if len(done) == len(audience) else ("sending" if done else "draft")
        await tenant.scoped(Campaign).update({
            Campaign.sent: len(done), Campaign.total: len(audience), Campaign.status: status,
            Campaign.sent_at: utcnow() if status == "sent" else None}).where(Campaign.id == campaign.id)


async def campaigns(tenant: Tenant) -> list[dict[str, Any]]:
    return await tenant.scoped(Campaign).select(
        Campaign.id, Campaign.name, Campaign.kind, Campaign.status, Campaign.sent, Campaign.total,
        Campaign.segment.name.as_alias("segment_name")).order_by(Campaign.id, ascending=False).limit(200)
