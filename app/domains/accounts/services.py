"""Identity: sign-up, login, passwords, the request context, language and organisation choice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Column

from app.core import passwords, throttle
from app.core.auth import OrgChoice, RequestContext
from app.core.clock import utcnow
from app.core.database import transaction
from app.core.events import emit
from app.core.i18n import _, normalize_locale
from app.core.secrets import new_token, token_hash
from app.core.statuses import Role
from app.core.tenancy import Actor, Tenant
from app.domains.accounts import context_cache
from app.domains.accounts.errors import BadCredentials, EmailTaken, InvalidLink, LoginThrottled, NotFound
from app.domains.accounts.events import OrganisationCreated
from app.domains.accounts.schemas import ChangePasswordForm, SignupForm
from app.domains.accounts.tables import Membership, Organization, PasswordReset, UserPreference
from app.domains.audit import record
from app.domains.mail import queue_mail
from app.settings import get_settings

RESET_LIFETIME = timedelta(hours=1)


async def email_taken(email: str) -> bool:
    return await BaseUser.exists().where(BaseUser.email == email.lower())


async def create_user(email: str, password: str, name: str, *, superuser: bool = False) -> int:
    """Create an active user (the e-mail is the username); raises EmailTaken."""
    email = email.lower()
    if await email_taken(email):
        raise EmailTaken()
    first, _sep, last = name.partition(" ")
    user = BaseUser(
        username=email,
        email=email,
        password=await passwords.hash_password(password),
        first_name=first,
        last_name=last,
        active=True,
        admin=superuser,
        superuser=superuser,
    )
    await user.save()
    return user.id


async def sign_up(form: SignupForm, *, ip: str | None, locale: str = "en") -> tuple[int, int]:
    """Create a user, their organisation and their owner membership; returns (user_id, org_id)."""
    settings = get_settings()
    async with transaction():
        user_id = await create_user(form.email, form.password, form.name)
        org = Organization(name=form.organization_name, timezone=settings.default_timezone, currency=settings.default_currency)
        await org.save()
        await Membership(organization=org.id, user=user_id, role=Role.OWNER).save()
        await UserPreference(user=user_id, locale=normalize_locale(locale), last_organization=org.id).save()
        await record(org.id, Actor(user_id, ip, form.email), "account.signed_up", "organization", org.id,
                     after={"organization": org.name, "email": form.email})
        await emit(OrganisationCreated(org.id, Actor(user_id, ip, form.email)))  # inventory: its first warehouse
    return user_id, org.id


async def authenticate(email: str, password: str, *, ip: str) -> int:
    """The user id for these credentials; raises LoginThrottled after repeated failures,
    BadCredentials otherwise. The same message whether the e-mail exists or not."""
    email = email.strip().lower()
    if not await throttle.login_allowed(email, ip):
        raise LoginThrottled(_("Too many failed attempts. Wait a few minutes and try again."))
    user_id = await passwords.verify(email, password)
    if user_id is None:
        await throttle.record_login_failure(email, ip)
        await record(None, Actor(None, ip, email), "account.login_failed", "user", None, after={"email": email})
        raise BadCredentials(_("Wrong e-mail or password."))
    await throttle.clear_login_failures(email, ip)
    return user_id


async def memberships_of(user_id: int) -> list[OrgChoice]:
    rows = await (
        Membership.select(Membership.organization.id, Membership.organization.name, Membership.role)
        .where(Membership.user == user_id)
        .order_by(Membership.organization.name)
    )
    return [OrgChoice(r["organization.id"], r["organization.name"], Role(r["role"])) for r in rows]


async def context_for(user_id: int, org_id: int | None, ip: str | None) -> RequestContext | None:
    """The request context for a signed-in user in the organisation they chose (if still a member).

    Every logged-in request asks this, so it usually costs one Redis read (context_cache, kept
    current by the member and organisation services); else one query: the user's memberships
    joined to the user and the organisations, and a second only for a user with no membership."""
    cached_rows = await context_cache.cached(user_id, lambda: _context_rows(user_id))
    user, rows = cached_rows["user"], cached_rows["memberships"]
    if user is None or not user["active"]:
        return None
    choices = [OrgChoice(r["organization.id"], r["organization.name"], Role(r["role"])) for r in rows]
    chosen = next((r for r in rows if r["organization.id"] == org_id), None) or (rows[0] if len(rows) == 1 else None)
    tenant = None
    org_name = ""
    if chosen is not None:
        tenant = Tenant(chosen["organization.id"], Actor(user_id, ip, user["email"]), Role(chosen["role"]),
                        chosen["organization.timezone"], chosen["organization.currency"])
        org_name = chosen["organization.name"]
    name = f"{user['first_name'] or ''} {user['last_name'] or ''}".strip() or user["email"]
    return RequestContext(user_id, user["email"], name, bool(user["superuser"]), tenant, org_name, choices)


async def _context_rows(user_id: int) -> context_cache.ContextRows:
    rows = await (
        Membership.select(
            Membership.organization.id, Membership.organization.name, Membership.organization.timezone,
            Membership.organization.currency, Membership.role, Membership.user.email, Membership.user.first_name,
            Membership.user.last_name, Membership.user.superuser, Membership.user.active,
        ).where(Membership.user == user_id).order_by(Membership.organization.name)
    )
    user: dict[str, Any] | None
    if rows:
        user = {k: rows[0][f"user.{k}"] for k in ("email", "first_name", "last_name", "superuser", "active")}
    else:
        user = await BaseUser.select(BaseUser.email, BaseUser.first_name, BaseUser.last_name, BaseUser.superuser,
                                     BaseUser.active).where(BaseUser.id == user_id).first()
    memberships = [{k: r[k] for k in ("organization.id", "organization.name", "organization.timezone",
                                      "organization.currency", "role")} for r in rows]
    return {"user": user, "memberships": memberships}


async def default_organization(user_id: int) -> int | None:
    """The organisation to open at login: the last one used if still a member, else the first."""
    choices = await memberships_of(user_id)
    pref = await UserPreference.select(UserPreference.last_organization).where(UserPreference.user == user_id).first()
    last = pref["last_organization"] if pref else None
    if any(c.id == last for c in choices):
        return last
    return choices[0].id if choices else None


async def switch_organization(user_id: int, org_id: int) -> None:
    """Remember org_id as the user's current organisation; NotFound unless they are a member."""
    if not await Membership.exists().where((Membership.user == user_id) & (Membership.organization == org_id)):
        raise NotFound(_("Organisation not found."))
    await _upsert_preference(user_id, last_organization=org_id)


async def user_locale(user_id: int) -> str | None:
    pref = await UserPreference.select(UserPreference.locale).where(UserPreference.user == user_id).first()
    return pref["locale"] if pref else None


async def set_locale(user_id: int, locale: str) -> str:
    locale = normalize_locale(locale)
    await _upsert_preference(user_id, locale=locale)
    return locale


async def _upsert_preference(user_id: int, **values: Any) -> None:
    changes: dict[Column | str, Any] = dict(values.items())
    updated = await UserPreference.update(changes).where(UserPreference.user == user_id).returning(UserPreference.id)
    if not updated:
        await UserPreference(user=user_id, **values).save()


async def change_password(user_id: int, form: ChangePasswordForm, *, ip: str | None) -> None:
    """Replace the password after checking the current one; raises BadCredentials."""
    email = await BaseUser.select(BaseUser.email).where(BaseUser.id == user_id).first()
    if email is None or await passwords.verify(email["email"], form.current_password) is None:
        raise BadCredentials(_("Your current password is not right."))
    await passwords.set_password(user_id, form.new_password)
    await record(None, Actor(user_id, ip, email["email"]), "account.password_changed", "user", user_id)


async def request_password_reset(email: str, *, ip: str | None) -> str | None:
    """E-mail a one-hour reset link if the account exists; returns the link (for the log), or None.
    The caller shows the same message either way so nobody learns which e-mails have accounts."""
    user = await BaseUser.select(BaseUser.id, BaseUser.email).where(BaseUser.email == email.lower()).first()
    if user is None:
        return None
    token = new_token()
    link = f"{get_settings().base_url}/password/reset/{token}"
    async with transaction():  # the reset and its e-mail commit together; the mail job runs after
        await PasswordReset(user=user["id"], token_hash=token_hash(token), expires_at=utcnow() + RESET_LIFETIME).save()
        await queue_mail(
            user["email"],
            _("Reset your StoreSync password"),
            _("Someone asked to reset your StoreSync password. Open this link within an hour to choose a new one:\n\n%(link)s\n\nIf it was not you, ignore this e-mail.", link=link),
        )
        await record(None, Actor(user["id"], ip, user["email"]), "account.password_reset_requested", "user",
                     user["id"])
    return link


async def _live_reset(token: str) -> dict:
    row = await PasswordReset.select().where(PasswordReset.token_hash == token_hash(token)).first()
    if row is None or row["used_at"] is not None or row["expires_at"] < utcnow():
        raise InvalidLink(_("This reset link is invalid or has expired. Ask for a new one."))
    return row


async def check_reset_token(token: str) -> None:
    await _live_reset(token)


async def reset_password(token: str, new_password: str, *, ip: str | None) -> int:
    """Set a new password through a live reset link (used once); returns the user id."""
    async with transaction():
        row = await _live_reset(token)
        used = await PasswordReset.update({PasswordReset.used_at: utcnow()}).where(
            (PasswordReset.id == row["id"]) & PasswordReset.used_at.is_null()
        ).returning(PasswordReset.id)
        if not used:
            raise InvalidLink(_("This reset link is invalid or has expired. Ask for a new one."))
        await passwords.set_password(row["user"], new_password)
    await record(None, Actor(row["user"], ip), "account.password_reset", "user", row["user"])
    return row["user"]


async def organization_name(organization_id: int) -> str:
    """The organisation's business name ('' when there is none)."""
    row = await Organization.select(Organization.name).where(Organization.id == organization_id).first()
    return row["name"] if row else ""


async def organization_timezone(organization_id: int) -> str:
    """The organisation's IANA time zone (Asia/Jakarta when there is none)."""
    row = await Organization.select(Organization.timezone).where(Organization.id == organization_id).first()
    return (row["timezone"] if row else "") or "Asia/Jakarta"


async def organization_ids() -> list[int]:
    """Every organisation's id (for system schedules that act per organisation)."""
    return [r["id"] for r in await Organization.select(Organization.id).order_by(Organization.id)]


async def owners(organization_id: int) -> list[tuple[int, str]]:
    """(user id, e-mail) of the organisation's owners."""
    rows = await Membership.select(Membership.user.id.as_alias("user_id"), Membership.user.email.as_alias("email")).where(
        (Membership.organization == organization_id) & (Membership.role == Role.OWNER)).order_by(Membership.id)
    return [(r["user_id"], r["email"]) for r in rows]
