"""What the cross-tenant route walker needs to know. EVERY new route must be covered here.

- ROW_FACTORIES: for each path parameter name, a coroutine that creates a row owned by the given
  account's organisation and returns the value to put in the URL.
- PUBLIC_ROUTES: routes reachable without login; walked anonymously, never tenant data.
- SKIPPED_ROUTES: routes the walker cannot call meaningfully, each with the test that covers it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from app.core.clock import utcnow
from app.core.secrets import new_token, token_hash
from tests.support import Account, add_member, unique


async def _job(account: Account) -> int:
    from app.domains.jobs.tables import BackgroundJob

    row = BackgroundJob(organization=account.org_id, kind="demo_count", label=f"Secret job {account.org_name}",
                        saq_key=f"bg:{unique()}", status="complete")
    await row.save()
    return row.id


async def _membership(account: Account) -> int:
    from app.domains.accounts.tables import Membership

    member = await add_member(account.org_id, "member")
    row = await Membership.select(Membership.id).where(Membership.user == member.user_id).first()
    return row["id"]


async def _invitation(account: Account) -> int:
    from app.domains.accounts.tables import Invitation

    row = Invitation(organization=account.org_id, email=f"{unique('inv')}@example.id", role="member",
                     token_hash=token_hash(new_token()), expires_at=utcnow() + timedelta(days=1))
    await row.save()
    return row.id



async def _store(account: Account) -> int:
    from app.core.secrets import encrypt
    from app.domains.stores.tables import Store

    row = Store(organization=account.org_id, platform="shopee", name=f"Secret store {account.org_name}",
                platform_shop_id=unique("shop"), access_token=encrypt("secret-access"),
                refresh_token=encrypt("secret-refresh"), access_expires_at=utcnow() + timedelta(hours=4))
    await row.save()
    return row.id

async def _webhook_event(account: Account) -> int:
    """A marketplace notification for one of the organisation's stores that failed to process."""
    from app.domains.stores.tables import WebhookEventRecord
    from app.domains.stores.webhook_retry import REASONS

    store_id = await _store(account)
    row = WebhookEventRecord(platform="shopee", dedupe_key=unique("event"), kind="order_status", code="3",
                             store=store_id, organization=account.org_id, attempts=3,
                             next_attempt_at=utcnow() + timedelta(hours=1), last_error=REASONS["unreachable"],
                             payload={"ordersn": f"SECRET{account.org_id}"})
    await row.save()
    return row.id


async def _catalog_import(account: Account) -> int:
    """A finished catalog import with its error report on disk."""
    from app.domains.catalog.spreadsheet_import import RowError, report_path, write_report
    from app.domains.jobs.tables import BackgroundJob

    row = BackgroundJob(organization=account.org_id, kind="import_catalog", label="Catalog import",
                        saq_key=f"bg:{unique()}", status="complete", result={"errors": 1})
    await row.save()
    write_report(report_path(account.org_id, row.id), [RowError(2, "sku", f"Secret row {account.org_name}")])
    return row.id


ROW_FACTORIES: dict[str, Callable[[Account], Awaitable[int | str]]] = {
    "job_id": _job,
    "import_id": _catalog_import,
    "membership_id": _membership,
    "invitation_id": _invitation,
    "store_id": _store,
    "event_id": _webhook_event,
}

PUBLIC_ROUTES = {
    "/signup", "/login", "/logout", "/language", "/password/forgot", "/password/reset/{token:str}",
    "/invitations/{token:str}", "/healthz",
    "/webhooks/shopee", "/webhooks/tiktok", "/webhooks/lazada",
    # The seller's shop and its JSON API: buyers see one shop's rows by its slug (tests/website/test_api.py
    # test_a_shop_never_shows_or_sells_another_shops_products; orders only by their secret token).
    "/shop/{slug:str}", "/shop/{slug:str}/p/{product_id:int}", "/shop/{slug:str}/theme.css", "/shop/{slug:str}/cart",
    "/shop/{slug:str}/cart/add", "/shop/{slug:str}/cart/{variant_id:int}", "/shop/{slug:str}/checkout",
    "/shop/{slug:str}/regions", "/shop/{slug:str}/orders/{token:str}", "/shop/{slug:str}/sitemap.xml",
    "/shop/{slug:str}/robots.txt",
    "/api/storefront/{shop:str}/products", "/api/storefront/{shop:str}/products/{product_id:int}",
    "/api/storefront/{shop:str}/regions", "/api/storefront/{shop:str}/cart", "/api/storefront/{shop:str}/cart/{token:str}",
    "/api/storefront/{shop:str}/cart/{token:str}/lines/{variant_id:int}", "/api/storefront/{shop:str}/checkout",
    "/api/storefront/{shop:str}/orders/{token:str}",
    # The storefront API's OpenAPI schema (Litestar's own routes).
    "/schema", "/schema/{path:str}", "/schema/openapi.json",
}

SKIPPED_ROUTES = {
    "/static/{file_path:path}": "static files hold no tenant data",
    "/admin": "superusers only; tests/system/test_admin.py",
    "/sandbox": "the marketplace emulator, mounted; holds no tenant data (tests/sandbox, tests/marketplace.py)",
    "/fulfillment/packing-slips.pdf": "needs ids (refused without); another organisation's ids answer 404: "
                                      "tests/fulfillment/test_documents.py::test_packing_slips_of_the_ticked_orders_in_one_pdf",
}


async def _product(account: Account) -> int:
    from tests.inventory.factories import make_variant, tenant_of

    variant = await make_variant(tenant_of(account), name=f"Secret product {account.org_name}")
    return variant["product"]


ROW_FACTORIES["product_id"] = _product


async def _count(account: Account) -> int:
    from app.domains.inventory.counts import open_count
    from tests.inventory.factories import make_location, tenant_of

    tenant = tenant_of(account)
    location = await make_location(tenant)
    return await open_count(tenant, location["id"], note=f"Secret count {account.org_name}")


ROW_FACTORIES["count_id"] = _count


async def _listing(account: Account) -> int:
    from app.domains.listings.tables import Listing

    store_id = await ROW_FACTORIES["store_id"](account)
    row = Listing(organization=account.org_id, store=store_id, platform_item_id=unique("item"),
                  platform_model_id="0", title=f"Secret listing {account.org_name}", seller_sku=unique("SKU"),
                  listing_state="draft")  # a state "Put on sale" applies to: only the tenant check can refuse it
    await row.save()
    return row.id


async def _variant(account: Account) -> int:
    from tests.inventory.factories import make_variant, tenant_of

    return (await make_variant(tenant_of(account), name=f"Secret variant {account.org_name}"))["id"]


async def _sync_action(account: Account) -> str:
    return "push"  # not a row: the walker only needs a valid action name


# Also the listing's sale routes: GET and POST /listings/{listing_id}/sale ("Put on sale" / "Take off
# sale", tests/publishing/test_listing_sale.py).
ROW_FACTORIES["listing_id"] = _listing
ROW_FACTORIES["variant_id"] = _variant
ROW_FACTORIES["action"] = _sync_action


async def _order(account: Account) -> int:
    from app.domains.orders.tables import Order

    row = Order(organization=account.org_id, channel="manual", platform_order_id=unique("M-"),
                customer_name=f"Secret customer {account.org_name}")
    await row.save()
    return row.id


ROW_FACTORIES["order_id"] = _order


async def _pick_list(account: Account) -> int:
    from app.domains.fulfillment.tables import PickList, PickListOrder

    order_id = await ROW_FACTORIES["order_id"](account)
    row = PickList(organization=account.org_id, order_count=1)
    await row.save()
    await PickListOrder(organization=account.org_id, pick_list=row.id, order=order_id).save()
    return row.id


ROW_FACTORIES["pick_list_id"] = _pick_list


async def _return(account: Account) -> int:
    from app.domains.orders.tables import OrderReturn

    order_id = await ROW_FACTORIES["order_id"](account)
    row = OrderReturn(organization=account.org_id, order=order_id, reason=f"Secret return {account.org_name}")
    await row.save()
    return row.id


ROW_FACTORIES["return_id"] = _return


async def _customer_phone(account: Account) -> str:
    from app.domains.orders.tables import Order

    phone = "+62811" + str(account.org_id).zfill(7)
    await Order(organization=account.org_id, channel="manual", platform_order_id=unique("M-"),
                customer_name=f"Secret customer {account.org_name}", customer_phone=phone).save()
    return phone


ROW_FACTORIES["phone"] = _customer_phone


async def _location(account: Account) -> int:
    from tests.inventory.factories import make_location, tenant_of

    return (await make_location(tenant_of(account)))["id"]


ROW_FACTORIES["location_id"] = _location


async def _media_name(account: Account) -> str:
    import io

    from PIL import Image

    from app.core.media import save_image

    out = io.BytesIO()
    Image.new("RGB", (40, 40), (10, 120, 90)).save(out, format="PNG")
    return save_image(account.org_id, out.getvalue()).rsplit("/", 1)[-1]


ROW_FACTORIES["media_name"] = _media_name


async def _payment(account: Account) -> int:
    from app.domains.payments.tables import Payment

    row = Payment(organization=account.org_id, order_id=0, order_number=unique("W-"), method="bank_transfer",
                  status="pending", amount_due=100_123, unique_code=123, open_amount_key=unique("open"))
    await row.save()
    return row.id


ROW_FACTORIES["payment_id"] = _payment
PUBLIC_ROUTES |= {"/payments/midtrans/notification", "/payments/xendit/callback"}
# Courier webhooks: each organisation's receiver is its own unguessable URL checked by its own header
# secret (tests/shipping/test_courier_flow.py test_forged_duplicate_out_of_order_and_unknown_webhooks_change_nothing).
PUBLIC_ROUTES |= {"/shipping/webhooks/{token:str}"}


async def _labels_job(account: Account) -> int:
    """A finished labels job with its merged PDF and report on disk."""
    import json

    from app.core.i18n import deferred_plural
    from app.domains.fulfillment.label_jobs import labels_path, report_path
    from app.domains.fulfillment.pdf_documents import labels_pdf
    from app.domains.jobs.tables import BackgroundJob

    row = BackgroundJob(organization=account.org_id, kind="print_labels",
                        label=deferred_plural("Labels for %(n)s order", "Labels for %(n)s orders", 1),
                        saq_key=f"bg:{unique()}", status="complete", result={"sent": 0})
    await row.save()
    labels_path(account.org_id, row.id).parent.mkdir(parents=True, exist_ok=True)
    labels_path(account.org_id, row.id).write_bytes(labels_pdf([]))
    report = {"pages": 1, "printed": 0, "failures": [{"order": f"SECRET-{account.org_id}", "reason": "x"}]}
    report_path(account.org_id, row.id).write_text(json.dumps(report))
    return row.id


ROW_FACTORIES["labels_job_id"] = _labels_job


async def _webhook_endpoint(account: Account) -> int:
    from app.core.secrets import encrypt
    from app.domains.webhooks.tables import WebhookEndpoint

    row = WebhookEndpoint(organization=account.org_id, url=f"https://example.com/hooks/{account.org_id}",
                          description=f"Secret endpoint {account.org_name}", events=["order.created"],
                          secret=encrypt("whsec_secret"))
    await row.save()
    return row.id


async def _voucher(account: Account) -> int:
    from app.domains.marketing.tables import Voucher

    row = Voucher(organization=account.org_id, code=unique("SECRET").upper()[:20], name=f"Secret {account.org_name}",
                  kind="percent", value=10)
    await row.save()
    return row.id


async def _webhook_delivery(account: Account) -> int:
    from app.domains.webhooks.tables import WebhookDelivery

    endpoint_id = await _webhook_endpoint(account)
    row = WebhookDelivery(organization=account.org_id, endpoint=endpoint_id, event_id=unique("evt"),
                          event_type="order.created", body='{"data": "Secret payload"}', status="delivered")
    await row.save()
    return row.id


ROW_FACTORIES["voucher_id"] = _voucher
# The checkout's discount preview prices the visitor's own cart on one shop (tests/marketing/test_voucher_pages.py).
PUBLIC_ROUTES |= {"/shop/{slug:str}/checkout/preview"}
# The buyer's points on their order's status page, behind the order's secret token (tests/marketing/test_loyalty.py).
PUBLIC_ROUTES |= {"/shop/{slug:str}/orders/{token:str}/points"}
# Loyalty points codes: mailed only to the e-mail address on file for the customer, the verification
# bound to the buyer's cart token (tests/marketing/test_points_codes.py).
PUBLIC_ROUTES |= {"/shop/{slug:str}/checkout/points-code", "/shop/{slug:str}/checkout/points-verify",
                  "/api/storefront/{shop:str}/cart/{token:str}/points-code",
                  "/api/storefront/{shop:str}/cart/{token:str}/points-verify"}


async def _campaign(account: Account) -> int:
    from app.domains.marketing.tables import Campaign, Segment

    segment = Segment(organization=account.org_id, name=f"Secret {account.org_name}", filters={})
    await segment.save()
    row = Campaign(organization=account.org_id, name=f"Secret {account.org_name}", kind="email", segment=segment.id,
                   subject="Secret", body="Secret")
    await row.save()
    return row.id


ROW_FACTORIES["endpoint_id"] = _webhook_endpoint
ROW_FACTORIES["delivery_id"] = _webhook_delivery


async def _billing_invoice(account: Account) -> int:
    from app.domains.billing.tables import BillingInvoice, Plan

    plan = await Plan.select(Plan.id).where(Plan.code == "growth").first()
    now = utcnow()
    row = BillingInvoice(organization=account.org_id, number=unique("INV-"), plan=plan["id"], kind="upgrade",
                         amount=149_000, period_start=now, period_end=now + timedelta(days=30), status="paid",
                         due_at=now + timedelta(days=3), gateway_reference=f"secret-{account.org_id}")
    await row.save()
    return row.id


ROW_FACTORIES["invoice_id"] = _billing_invoice


async def _expense(account: Account) -> int:
    """A cost the seller entered (money domain)."""
    from datetime import date

    from app.domains.money.tables import Expense

    row = Expense(organization=account.org_id, spent_on=date(2026, 12, 1), kind="ads", amount=123_457,
                  note=f"Secret expense {account.org_name}")
    await row.save()
    return row.id


ROW_FACTORIES["expense_id"] = _expense


async def _supplier(account: Account) -> int:
    from tests.inventory.factories import make_variant, tenant_of
    from tests.purchasing.factories import make_supplier

    tenant = tenant_of(account)
    variant = await make_variant(tenant, name=f"Secret supplied item {account.org_name}")
    return await make_supplier(tenant, items={variant["sku"]: 12_345})


async def _supplier_item(account: Account) -> int:
    from app.domains.purchasing.tables import SupplierItem

    supplier_id = await _supplier(account)
    return (await SupplierItem.select(SupplierItem.id).where(SupplierItem.supplier == supplier_id).first())["id"]


async def _purchase_order(account: Account) -> int:
    """An ordered purchase order (receivable) with one line."""
    from tests.inventory.factories import make_variant, tenant_of
    from tests.purchasing.factories import make_order, make_supplier

    tenant = tenant_of(account)
    variant = await make_variant(tenant, name=f"Secret purchased item {account.org_name}")
    supplier = await make_supplier(tenant, items={variant["sku"]: 5_000})
    return await make_order(tenant, supplier, {variant["sku"]: (3, 5_000)})


async def _purchase_order_line(account: Account) -> int:
    from app.domains.purchasing.tables import PurchaseOrderLine

    order_id = await _purchase_order(account)
    return (await PurchaseOrderLine.select(PurchaseOrderLine.id).where(
        PurchaseOrderLine.purchase_order == order_id).first())["id"]


ROW_FACTORIES["supplier_id"] = _supplier
ROW_FACTORIES["item_id"] = _supplier_item
ROW_FACTORIES["purchase_order_id"] = _purchase_order
ROW_FACTORIES["line_id"] = _purchase_order_line

async def _api_key(account: Account) -> int:
    from tests.platform_api.factories import make_key

    key_id, _secret = await make_key(account, name=f"Secret key {account.org_name}")
    return key_id


ROW_FACTORIES["key_id"] = _api_key
# The REST API's reference page (read from the schema: no tenant data).
PUBLIC_ROUTES |= {"/api/docs"}
# The REST API authenticates a bearer key, never a session: tests/test_tenancy_walker.py walks its
# routes with a key of another organisation (test_every_api_route_keeps_tenants_apart).
API_PREFIX = "/api/v1/"
ROW_FACTORIES["campaign_id"] = _campaign
# The unsubscribe link of a campaign mail: its token names one customer, signed (tests/marketing/test_campaigns.py).
PUBLIC_ROUTES |= {"/unsubscribe/{token:str}"}
