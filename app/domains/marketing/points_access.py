"""Who may see and spend a customer's points online: the buyer who proves they read the customer's
mail. A six-digit code goes to the e-mail address on file for the customer (their last completed
order's, never the address typed at the checkout); typed back on the same cart, it marks that cart
as verified for that customer for a short while. The website's checkout shows the balance and
spends points only on a verified cart, and forgets the verification once the order is committed.

In Redis only (shared by every web process, gone by itself):
- the code: HMAC-hashed with the app's key, bound to the cart and the customer, valid for
  CODE_TTL, void after MAX_TRIES wrong tries (each try is counted before it is compared, so
  racing guesses get no more tries);
- the verification: the customer, for VERIFIED_TTL, keyed by the cart token's hash.
Requests for codes are throttled per customer and per address (app.core.throttle).

A number that is not a customer, has no points or has no e-mail address on file gets the same
answer, so the form tells a stranger nothing the shop did not show before."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime, timedelta

from app.core.clock import utcnow
from app.core.errors import Throttled
from app.core.i18n import _
from app.core.mail import mail_enabled
from app.core.redis import redis_client
from app.core.secrets import token_hash
from app.core.tenancy import Tenant
from app.core.throttle import points_code_allowed
from app.domains import orders
from app.domains.mail import queue_mail
from app.domains.marketing.loyalty import PointsRefused, balance_of, customer_of, programme
from app.settings import get_settings

CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
VERIFIED_TTL = timedelta(minutes=30)
_COUNT_TRY = ("if redis.call('exists', KEYS[1]) == 1 then return redis.call('hincrby', KEYS[1], 'tries', 1) "
              "else return 0 end")


def mask_email(address: str) -> str:
    """'budi.santoso@gmail.com' -> 'b***@gmail.com': enough for its owner to recognise it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def _key(kind: str, organization_id: int, ident: str) -> str:
    return f"{get_settings().queue_name}:points-{kind}:{organization_id}:{token_hash(ident)}"


def _digest(code: str, organization_id: int, customer: str, cart_token: str) -> str:
    message = f"{organization_id}\n{customer}\n{token_hash(cart_token)}\n{code}".encode()
    return hmac.new(get_settings().secret_key.encode(), message, hashlib.sha256).hexdigest()


def _no_points_online() -> PointsRefused:
    # one answer for a stranger's number, a customer without points and one without an e-mail address
    return PointsRefused(_("No points can be used online for this number: it has no points, or the shop has no "
                           "e-mail address for it from an earlier completed order to send a code to."))


def _customer(phone: str, email: str) -> str:
    customer = customer_of(phone, email)
    if not customer:
        raise PointsRefused(_("Type your WhatsApp number first, then ask for a code."))
    return customer


async def request_points_code(tenant: Tenant, *, cart_token: str, phone: str, email: str, shop_name: str, ip: str,
                       now: datetime | None = None) -> str:
    """Mail a new code for this customer's points to the e-mail address on file and return that address
    masked; PointsRefused (no points online for this number, no cart), Throttled (asked too often)."""
    if not cart_token:
        raise PointsRefused(_("Put something in your cart first."))
    customer = _customer(phone, email)
    prog = await programme(tenant)
    if not prog.enabled or prog.point_value <= 0:
        raise PointsRefused(_("This shop does not offer points."))
    if not await points_code_allowed(tenant.organization_id, customer, ip):
        raise Throttled(_("A code was sent a moment ago: wait a minute for it (and check the spam folder) before "
                          "asking again."))
    address = await orders.email_on_file(tenant, customer)
    if not address or not mail_enabled() or await balance_of(tenant, customer) <= 0:
        raise _no_points_online()
    code = f"{secrets.randbelow(1_000_000):06d}"
    key = _key("code", tenant.organization_id, customer)
    redis = redis_client()
    await redis.hset(key, mapping={"digest": _digest(code, tenant.organization_id, customer, cart_token),  # type: ignore[misc]  # redis-py: "awaitable or value"
                                   "tries": 0, "issued_at": (now or utcnow()).isoformat()})
    await redis.expire(key, int(CODE_TTL.total_seconds()))
    await queue_mail(address, _("Your code for your points at %(shop)s", shop=shop_name),
                     _("Your code to use your points at %(shop)s: %(code)s\n\nIt is valid for 10 minutes, on the "
                       "checkout where you asked for it. If you did not ask for it, ignore this e-mail: nobody can use "
                       "your points without this code.\n", shop=shop_name, code=code),
                     organization_id=tenant.organization_id)
    return mask_email(address)


async def verify_points_code(tenant: Tenant, *, cart_token: str, phone: str, email: str, code: str,
                      now: datetime | None = None) -> int:
    """Check the code typed on this cart; right, the cart is verified for this customer (VERIFIED_TTL)
    and the balance is returned. PointsRefused says why not (wrong: how many tries are left)."""
    customer = _customer(phone, email)
    typed = "".join(str(code or "").split())
    if len(typed) != 6 or not typed.isdigit():
        raise PointsRefused(_("Type the 6-digit code from the e-mail."))
    now = now or utcnow()
    key = _key("code", tenant.organization_id, customer)
    redis = redis_client()
    # the try is counted before the code is compared (and only on a code that still exists)
    tries = int(await redis.eval(_COUNT_TRY, 1, key))  # type: ignore[misc]  # redis-py: "awaitable or value"
    stored = {k.decode(): v.decode() for k, v in (await redis.hgetall(key)).items()} if tries > 0 else {}  # type: ignore[misc]
    if not stored.get("digest") or not cart_token:
        raise PointsRefused(_("That code is not valid any more: ask for a new one."))
    if now - datetime.fromisoformat(stored["issued_at"]) > CODE_TTL:
        await redis.delete(key)
        raise PointsRefused(_("That code has expired: ask for a new one."))
    if tries > MAX_TRIES:
        await redis.delete(key)
        raise PointsRefused(_("Too many wrong codes: ask for a new one."))
    if not hmac.compare_digest(stored["digest"], _digest(typed, tenant.organization_id, customer, cart_token)):
        if tries >= MAX_TRIES:
            await redis.delete(key)
            raise PointsRefused(_("Too many wrong codes: ask for a new one."))
        raise PointsRefused(_("That code is wrong: %(n)s tries left.", n=MAX_TRIES - tries))
    if not await redis.delete(key):  # a racing request used it first
        raise PointsRefused(_("That code is not valid any more: ask for a new one."))
    await redis.set(_key("verified", tenant.organization_id, cart_token),
                    json.dumps({"customer": customer, "at": now.isoformat()}),
                    ex=int(VERIFIED_TTL.total_seconds()))
    return await balance_of(tenant, customer)


async def verified_customer(tenant: Tenant, cart_token: str, now: datetime | None = None) -> str:
    """The customer this cart proved to be (''), for VERIFIED_TTL after the code."""
    if not cart_token:
        return ""
    raw = await redis_client().get(_key("verified", tenant.organization_id, cart_token))
    if raw is None:
        return ""
    seen = json.loads(raw)
    if (now or utcnow()) - datetime.fromisoformat(seen["at"]) > VERIFIED_TTL:
        return ""
    return str(seen["customer"])


async def verified_balance(tenant: Tenant, cart_token: str, customer: str) -> int | None:
    """The customer's balance when this cart is verified for them; None (not shown) otherwise."""
    if not customer or await verified_customer(tenant, cart_token) != customer:
        return None
    return await balance_of(tenant, customer)


async def require_verified(tenant: Tenant, cart_token: str, customer: str) -> None:
    """PointsRefused unless this cart is verified for this customer."""
    if not customer or await verified_customer(tenant, cart_token) != customer:
        raise PointsRefused(_("Confirm these points are yours first: press “Send me a code” and type the code "
                              "from the e-mail."))


async def forget_verification(tenant: Tenant, cart_token: str) -> None:
    """The order is placed (committed): the next one needs a new code."""
    if cart_token:
        await redis_client().delete(_key("verified", tenant.organization_id, cart_token))
