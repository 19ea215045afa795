"""API keys: made, listed, rotated and revoked by owners and admins; looked up on every API call.

A key reads `ssk_<prefix>_<secret>`. The prefix (10 hex digits, shown in the list) finds the row;
the SHA-256 of the whole key must match the stored hash. The key itself is shown once and never
stored, so a database leak leaks no usable key.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import monotonic as _monotonic
from zoneinfo import ZoneInfo

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import NotFound, ValidationFailed
from app.core.i18n import _
from app.core.records import from_row, from_rows
from app.core.redis import redis_client
from app.core.secrets import token_hash
from app.core.statuses import Role
from app.core.tenancy import Actor, Tenant
from app.domains.audit import record
from app.domains.platform_api import scopes as scope_rules
from app.domains.platform_api.schemas import ApiKeyForm
from app.domains.platform_api.tables import ApiKey
from app.settings import get_settings

TOKEN_START = "ssk_"
PREFIX_LENGTH = 10
MAX_KEYS = 50


@dataclass(frozen=True, slots=True)
class ApiKeyView:
    """A key as the settings page lists it (never its secret)."""

    id: int
    name: str
    prefix: str
    scopes: list[str]
    allowed_ips: list[str]
    expires_at: datetime | None
    created_at: datetime
    rotated_at: datetime | None
    last_used_at: datetime | None
    last_used_ip: str | None
    revoked_at: datetime | None

    @property
    def shown_prefix(self) -> str:
        return f"{TOKEN_START}{self.prefix}_…"

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True, slots=True)
class ApiPrincipal:
    """Who an API call acts as: one key of one organisation, with its scopes and limits."""

    key_id: int
    organization_id: int
    scopes: tuple[str, ...]
    timezone: str
    prefix: str
    expires_at: datetime | None
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    version: int  # the key's version in Redis when this was read from the database

    def tenant(self, ip: str | None) -> Tenant:
        return Tenant(self.organization_id, Actor(None, ip, f"API key {TOKEN_START}{self.prefix}", self.key_id),
                      Role.ADMIN, self.timezone)

    def allows(self, wanted: str) -> bool:
        return scope_rules.allows(self.scopes, wanted)

    def admits(self, ip: str, now: datetime) -> bool:
        """Not expired, and called from an address it may be called from."""
        if self.expires_at is not None and self.expires_at <= now:
            return False
        if not self.networks:
            return True
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(address in network for network in self.networks)


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"


def _expiry(tenant: Tenant, day) -> datetime | None:
    """A key chosen to expire on a day stops at the end of that day in the organisation's zone."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time.min, ZoneInfo(tenant.timezone))


async def list_keys(tenant: Tenant) -> list[ApiKeyView]:
    """The organisation's keys, live ones first, newest first."""
    rows = await tenant.scoped(ApiKey).select(*[getattr(ApiKey, f) for f in ApiKeyView.__slots__]).order_by(
        ApiKey.id, ascending=False).output(load_json=True)
    keys = from_rows(ApiKeyView, rows)
    return sorted(keys, key=lambda k: k.revoked_at is not None)


async def create_key(tenant: Tenant, form: ApiKeyForm) -> tuple[ApiKeyView, str]:
    """Make a key; returns it and its secret (shown once). ValidationFailed for a past expiry."""
    expires_at = _expiry(tenant, form.expires_on)
    if expires_at is not None and expires_at <= utcnow():
        raise ValidationFailed({"expires_on": _("Choose a day from today on, or leave it empty.")})
    if await tenant.scoped(ApiKey).count().where(ApiKey.revoked_at.is_null()) >= MAX_KEYS:
        raise ValidationFailed({"name": _("An organisation has at most %(max)s keys: revoke one first.", max=MAX_KEYS)})
    prefix, token = _new_token()
    row = tenant.scoped(ApiKey).new(name=form.name, prefix=prefix, secret_hash=token_hash(token),
                                    scopes=scope_rules.normalized(form.scopes), allowed_ips=form.allowed_ips,
                                    expires_at=expires_at, created_by=tenant.actor.user_id)
    async with transaction():
        await row.save()
        await record(tenant.organization_id, tenant.actor, "api_key.created", "api_key", row.id,
                     after={"name": form.name, "prefix": prefix, "scopes": row.scopes, "allowed_ips": row.allowed_ips,
                            "expires_at": expires_at.isoformat() if expires_at else None})
    return await get_key(tenant, row.id), token


async def get_key(tenant: Tenant, key_id: int) -> ApiKeyView:
    row = await tenant.scoped(ApiKey).select(*[getattr(ApiKey, f) for f in ApiKeyView.__slots__]).where(
        ApiKey.id == _pk(key_id)).output(load_json=True).first()
    if row is None:
        raise NotFound(_("API key not found."))
    return from_row(ApiKeyView, row)


async def rotate_key(tenant: Tenant, key_id: int) -> tuple[ApiKeyView, str]:
    """Give a live key a new secret (the old one stops working at once); returns the new secret."""
    key = await get_key(tenant, key_id)
    if key.revoked_at is not None:
        raise NotFound(_("API key not found."))
    prefix, token = _new_token()
    async with transaction():
        await tenant.scoped(ApiKey).update({ApiKey.prefix: prefix, ApiKey.secret_hash: token_hash(token),
                                            ApiKey.rotated_at: utcnow()}).where(ApiKey.id == key.id)
        await record(tenant.organization_id, tenant.actor, "api_key.rotated", "api_key", key.id,
                     before={"prefix": key.prefix}, after={"prefix": prefix})
    await _key_changed(key.prefix)
    return await get_key(tenant, key.id), token


async def revoke_key(tenant: Tenant, key_id: int) -> ApiKeyView:
    """Refuse the key from now on (kept, with its history, for the audit trail)."""
    key = await get_key(tenant, key_id)
    if key.revoked_at is None:
        async with transaction():
            await tenant.scoped(ApiKey).update({ApiKey.revoked_at: utcnow()}).where(ApiKey.id == key.id)
            await record(tenant.organization_id, tenant.actor, "api_key.revoked", "api_key", key.id,
                         before={"name": key.name, "prefix": key.prefix})
        await _key_changed(key.prefix)
    return await get_key(tenant, key.id)


# Keys read from the database, kept by this process for a little while: a call checks the key's
# version in Redis in the same round trip as its rate limits (usage.take_call), and a rotated or
# revoked key's version moves on (`_key_changed`), so no process goes on accepting it.
CACHE_SECONDS = 30.0
CACHE_SIZE = 10_000
_cache: dict[str, tuple[ApiPrincipal, float]] = {}


def version_key(prefix: str) -> str:
    """Where Redis counts the changes of the key with this prefix."""
    return f"{get_settings().queue_name}:api:keyv:{prefix}"


async def _key_changed(prefix: str) -> None:
    """After the commit of a rotation or revocation: every process drops what it kept of the key."""
    await redis_client().incr(version_key(prefix))


async def authenticate(token: str, *, fresh: bool = False) -> ApiPrincipal | None:
    """The key's principal, or None for a token that names no live key (unknown, wrong secret,
    revoked): the caller says 401 without saying which. Expiry and addresses: ApiPrincipal.admits."""
    if not token.startswith(TOKEN_START) or len(token) > 200 or token[4 + PREFIX_LENGTH:5 + PREFIX_LENGTH] != "_":
        return None
    digest = token_hash(token)
    kept = None if fresh else _cache.get(digest)
    if kept is not None and kept[1] > _monotonic():
        return kept[0]
    prefix = token[4:4 + PREFIX_LENGTH]
    version = int(await redis_client().get(version_key(prefix)) or 0)  # before the row: a later change moves it on
    row = await ApiKey.select(ApiKey.id, ApiKey.organization, ApiKey.secret_hash, ApiKey.scopes, ApiKey.allowed_ips,
                              ApiKey.expires_at, ApiKey.revoked_at,
                              ApiKey.organization.timezone.as_alias("timezone")).where(
        ApiKey.prefix == prefix).output(load_json=True).first()
    if row is None or not hmac.compare_digest(row["secret_hash"], digest) or row["revoked_at"] is not None:
        _cache.pop(digest, None)
        return None
    principal = ApiPrincipal(row["id"], row["organization"], tuple(row["scopes"] or ()),
                             row["timezone"] or "Asia/Jakarta", prefix, row["expires_at"],
                             tuple(ipaddress.ip_network(n, strict=False) for n in row["allowed_ips"] or ()), version)
    if len(_cache) >= CACHE_SIZE:
        _cache.clear()
    _cache[digest] = (principal, _monotonic() + CACHE_SECONDS)
    return principal


async def mark_used(key_id: int, ip: str, when: datetime | None = None) -> None:
    """Note the key's last use (the caller throttles this to once a minute per key)."""
    await ApiKey.update({ApiKey.last_used_at: when or utcnow(), ApiKey.last_used_ip: ip[:64]}).where(ApiKey.id == key_id)


async def key_names(tenant: Tenant, key_ids: set[int]) -> dict[int, str]:
    """Name and prefix of the organisation's keys, for the audit trail."""
    rows = await tenant.scoped(ApiKey).select(ApiKey.id, ApiKey.name, ApiKey.prefix).where(
        ApiKey.id.is_in(list(key_ids) or [-1]))
    return {r["id"]: f"{r['name']} ({TOKEN_START}{r['prefix']}_…)" for r in rows}


def _pk(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1
