"""Campaigns to consenting customers: consent given at the checkout (source and date), an e-mail
campaign sent in the background through the outbox to a real SMTP server, its unsubscribe link
honoured at once and for good, a WhatsApp list; empty or consent-less audiences refused."""

from __future__ import annotations

import re

from app.domains.jobs.tables import BackgroundJob
from app.domains.mail.outbox import deliver_due
from app.domains.mail.tables import OutgoingMail
from app.domains.marketing import campaigns
from app.domains.marketing.tables import Campaign, Consent
from tests.inventory.factories import tenant_of
from tests.marketing.test_segments import BLANK
from tests.support import http_client, mail_text, post
from tests.website import factories
from tests.website.factories import buyer


async def _shop_of(owner_client):
    """The owner's own shop (the seller's pages and the buyers' checkouts in one organisation)."""
    from app.domains.inventory import stock
    from app.domains.inventory.locations import default_location
    from app.domains.website import services
    from app.domains.website.shop import forget_cached_shops
    from tests.inventory.factories import make_variant
    from tests.support import unique

    tenant = tenant_of(owner_client.account)
    variant = await make_variant(tenant)
    await stock.receive(tenant, variant["id"], (await default_location(tenant))["id"], 20)
    slug = unique("toko-")
    await services.settings_of(tenant)
    await services.update_settings(tenant, factories.form(slug))
    await services.set_on_website(tenant, [variant["product"]], True)
    forget_cached_shops()
    return tenant, slug, variant


async def _order(client, slug, variant, phone, email, consent: bool):
    body = buyer(phone, lines=[{"variant_id": variant["id"], "quantity": 1}])
    body["buyer"]["email"] = email
    if consent:
        body["marketing_consent"] = True
    response = await client.post(f"/api/storefront/{slug}/checkout", json=body)
    assert response.status_code == 201, response.text


async def _campaign(owner_client, segment_id: int, kind: str = "email") -> int:
    created = await post(owner_client, "/marketing/campaigns/", {
        "name": "Promo akhir tahun", "kind": kind, "segment": str(segment_id), "subject": "Diskon 20%",
        "body": "Pakai kode AKHIRTAHUN untuk diskon 20%."})
    assert created.status_code in (302, 303), created.text[-1500:]
    return int(created.headers["location"].rsplit("/", 1)[1])


async def _segment(owner_client, name: str, **filters: str) -> int:
    saved = await post(owner_client, "/marketing/segments/", {**BLANK, "name": name, **filters})
    assert saved.status_code in (302, 303)
    return int(saved.headers["location"].rsplit("=", 1)[1])


async def test_an_email_campaign_reaches_only_consenting_customers_and_unsubscribe_holds(
        app, owner_client, smtp_server):
    tenant, slug, variant = await _shop_of(owner_client)
    async with http_client(app) as shopper:
        await _order(shopper, slug, variant, "0812 8000 0001", "ani@contoh.id", consent=True)
        await _order(shopper, slug, variant, "0812 8000 0002", "budi@contoh.id", consent=False)
    consent = await Consent.select().where((Consent.organization == tenant.organization_id)
                                           & (Consent.channel == "email")).first()
    assert (consent["customer"], consent["address"], consent["source"]) == ("+6281280000001", "ani@contoh.id",
                                                                            "website checkout")
    assert consent["recorded_at"] is not None
    everyone = await _segment(owner_client, "Semua")
    campaign_id = await _campaign(owner_client, everyone)
    page = await owner_client.get(f"/marketing/campaigns/{campaign_id}")
    assert "Diskon 20%" in page.text and "1 customer agreed" in page.text and "Unsubscribe" in page.text
    tested = await post(owner_client, f"/marketing/campaigns/{campaign_id}/test")
    assert tested.status_code in (302, 303)
    sent = await post(owner_client, f"/marketing/campaigns/{campaign_id}/send")
    assert sent.status_code in (302, 303) and re.search(r"/jobs/\d+$", sent.headers["location"])
    job = await BackgroundJob.select().where(BackgroundJob.organization == tenant.organization_id).first()
    assert job["kind"] == "send_campaign"
    progress_seen = []

    async def progress(done: int, total: int) -> None:
        progress_seen.append((done, total))

    assert await campaigns.send_campaign(tenant, campaign_id, progress) == {"sent": 1}  # what the job runs
    assert progress_seen == [(1, 1)]
    ids = [r["id"] for r in await OutgoingMail.select(OutgoingMail.id).where(
        OutgoingMail.organization_id == tenant.organization_id)]
    await deliver_due(ids)
    promo = [m for m in smtp_server if "Diskon 20%" in m["Subject"]]
    # the seller's test and Ani's mail; Budi never agreed (both got their order confirmations)
    assert sorted(m["To"] for m in promo) == sorted(["ani@contoh.id", owner_client.account.email])
    to_ani = [m for m in promo if m["To"] == "ani@contoh.id"]
    link = re.search(r"https?://\S+/unsubscribe/(\S+)", mail_text(to_ani[0])).group(1)
    async with http_client(app) as reader:
        done = await reader.get(f"/unsubscribe/{link}")
        assert done.status_code == 200
        assert (await reader.get("/unsubscribe/forged.token")).status_code == 404
        # a later checkout with the box ticked does not undo the unsubscribe
        await _order(reader, slug, variant, "0812 8000 0001", "ani@contoh.id", consent=True)
    assert await campaigns.recipients(tenant, campaign_id) == []
    again = await _campaign(owner_client, everyone)
    refused = await post(owner_client, f"/marketing/campaigns/{again}/send")
    assert refused.status_code in (302, 303)
    assert (await Campaign.select(Campaign.status).where(Campaign.id == again).first())["status"] == "draft"


async def test_an_empty_segment_and_a_segment_without_consent_are_refused(owner_client):
    tenant, _slug, _variant = await _shop_of(owner_client)
    nobody = await _segment(owner_client, "Kosong", min_orders="99")
    first = await _campaign(owner_client, nobody)
    await post(owner_client, f"/marketing/campaigns/{first}/send")
    page = await owner_client.get(f"/marketing/campaigns/{first}")
    assert "no customers" in page.text
    assert await BackgroundJob.count().where(BackgroundJob.organization == tenant.organization_id) == 0


async def test_bad_campaign_input_is_named_and_saves_nothing(owner_client):
    tenant = tenant_of(owner_client.account)
    refused = await post(owner_client, "/marketing/campaigns/", {"name": "", "kind": "fax", "segment": "junk",
                                                                 "subject": "", "body": ""})
    assert refused.status_code == 422
    for words in ("Name the campaign", "Choose one of the listed options", "Choose one of your segments",
                  "Write the message"):
        assert words in refused.text
    assert await Campaign.count().where(Campaign.organization == tenant.organization_id) == 0


async def test_a_whatsapp_list_has_one_tap_links_for_consenting_numbers(app, owner_client):
    tenant, slug, variant = await _shop_of(owner_client)
    async with http_client(app) as shopper:
        await _order(shopper, slug, variant, "0812 8000 0003", "", consent=True)
        await _order(shopper, slug, variant, "0812 8000 0004", "", consent=False)
    campaign_id = await _campaign(owner_client, await _segment(owner_client, "WA"), kind="whatsapp")
    page = await owner_client.get(f"/marketing/campaigns/{campaign_id}")
    assert 'href="https://wa.me/6281280000003?text=' in page.text and "6281280000004" not in page.text
    assert "AKHIRTAHUN" in page.text
    # the message itself is on the page before the numbers (the seller saw only phone numbers)
    shown = f'<pre class="mail-preview" id="whatsapp-preview">{owner_client.account.org_name}: Pakai kode AKHIRTAHUN'
    assert shown in page.text
    refused = await post(owner_client, f"/marketing/campaigns/{campaign_id}/send")
    assert refused.status_code in (302, 303)


async def test_the_seller_marks_whatsapp_numbers_sent_and_sees_names_and_progress(app, owner_client):
    """Each number shows the customer's name; ticking one counts it (the campaign reads sent once
    every number is), a tick can be undone, and a number not on the list changes nothing."""
    tenant, slug, variant = await _shop_of(owner_client)
    async with http_client(app) as shopper:
        for phone in ("0812 8000 0011", "0812 8000 0012"):
            await _order(shopper, slug, variant, phone, "", consent=True)
    campaign_id = await _campaign(owner_client, await _segment(owner_client, "WA tick"), kind="whatsapp")
    page = await owner_client.get(f"/marketing/campaigns/{campaign_id}")
    assert "0 of 2 sent" in page.text and page.text.count("Mark sent") == 2
    assert page.text.count("Siti Aminah") == 2  # the buyer factory's name, beside each number

    url = f"/marketing/campaigns/{campaign_id}/whatsapp"
    ticked = await post(owner_client, url, {"customer": "+6281280000011", "sent": "1"}, htmx=True)
    assert ticked.status_code == 200 and "1 of 2 sent" in ticked.text and 'id="whatsapp-list"' in ticked.text
    assert 'id="campaign-status" hx-swap-oob="true"' in ticked.text  # the status line above follows
    row = await Campaign.select(Campaign.sent, Campaign.total, Campaign.status).where(Campaign.id == campaign_id).first()
    assert (row["sent"], row["total"], row["status"]) == (1, 2, "sending")
    again = await post(owner_client, url, {"customer": "+6281280000011", "sent": "1"}, htmx=True)
    assert "1 of 2 sent" in again.text  # ticking twice counts once
    await post(owner_client, url, {"customer": "+6281280000012", "sent": "1"}, htmx=True)
    row = await Campaign.select(Campaign.sent, Campaign.status).where(Campaign.id == campaign_id).first()
    assert (row["sent"], row["status"]) == (2, "sent")
    status = (await owner_client.get(f"/marketing/campaigns/{campaign_id}")).text.split('id="campaign-status"')[1]
    assert "Sent" in status.split("</p>")[0]
    undone = await post(owner_client, url, {"customer": "+6281280000012", "sent": ""}, htmx=True)
    assert "1 of 2 sent" in undone.text
    stranger = await post(owner_client, url, {"customer": "+6281299999999", "sent": "1"}, htmx=True)
    assert stranger.status_code == 422 and "1 of 2 sent" in stranger.text
    plain = await post(owner_client, url, {"customer": "", "sent": "1"})
    assert plain.status_code in (302, 303)
    row = await Campaign.select(Campaign.sent, Campaign.status).where(Campaign.id == campaign_id).first()
    assert (row["sent"], row["status"]) == (1, "sending")



async def test_the_demo_seeds_a_whatsapp_campaign_to_consenting_named_customers(app, owner_client):
    """The demo's marketing (app/domains/marketing/demo.py), seeded here into an organisation of its
    own (seeding the whole demo would put its website orders at the mercy of other tests' expiry
    runs): a segment of every customer, WhatsApp consent for those with a phone number (at most
    six) and a WhatsApp campaign; seeding again adds nothing."""
    from faker import Faker

    from app.domains.marketing.demo import seed_marketing
    from app.domains.marketing.tables import Segment

    tenant, slug, variant = await _shop_of(owner_client)
    async with http_client(app) as shopper:
        for phone in ("0812 8000 0021", "0812 8000 0022"):
            await _order(shopper, slug, variant, phone, "", consent=False)
    org = tenant.organization_id
    await seed_marketing(org, Faker("id_ID"))
    await seed_marketing(org, Faker("id_ID"))
    assert await Segment.count().where(Segment.organization == org) == 1
    assert await Consent.count().where((Consent.organization == org) & (Consent.channel == "whatsapp")) == 2
    campaign = await Campaign.select().where((Campaign.organization == org) & (Campaign.kind == "whatsapp")).first()
    page = await owner_client.get(f"/marketing/campaigns/{campaign['id']}")
    assert page.status_code == 200 and "0 of 2 sent" in page.text and page.text.count("https://wa.me/6281") == 2
    assert "No name" not in page.text and page.text.count("Mark sent") == 2
