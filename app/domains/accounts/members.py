"""Members of an organisation: invitations, roles, removal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from piccolo.apps.user.tables import BaseUser

from app.core.clock import utcnow
from app.core.database import transaction
from app.core.errors import ValidationFailed
from app.core.events import emit
from app.core.i18n import _
from app.core.limits import before_adding
from app.core.permissions import GRANTABLE
from app.core.records import from_row, from_rows
from app.core.secrets import new_token, token_hash
from app.core.statuses import Role
from app.core.tenancy import Tenant
from app.domains.accounts import context_cache
from app.domains.accounts.errors import Forbidden, InvalidLink, LastOwner, NotFound
from app.domains.accounts.events import OrganisationCreated
from app.domains.accounts.schemas import InviteForm
from app.domains.accounts.services import create_user
from app.domains.accounts.tables import Invitation, Membership, Organization, UserPreference
from app.domains.audit import record
from app.domains.mail import queue_mail
from app.settings import get_settings

INVITE_LIFETIME = timedelta(days=7)


@dataclass(slots=True)
class SentInvitation:
    id: int
    link: str
    mailed: bool


def _check_grantable(tenant: Tenant, role: Role) -> None:
    if role not in GRANTABLE.get(tenant.role, ()):
        raise Forbidden(_("Your role cannot give the role %(role)s.", role=role.label()))


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member on the members page: the membership and who it is."""

    id: int
    role: str
    created_at: datetime
    user_id: int
    email: str
    first_name: str | None
    last_name: str | None


@dataclass(frozen=True, slots=True)
class InvitationRow:
    """A live invitation; `org_name` only where read by its link."""

    id: int
    email: str
    role: str
    organization: int
    expires_at: datetime
    org_name: str = ""


async def members(tenant: Tenant) -> list[MemberRow]:
    return from_rows(MemberRow, await (
        tenant.scoped(Membership)
        .select(
            Membership.id,
            Membership.role,
            Membership.created_at,
            Membership.user.id.as_alias("user_id"),
            Membership.user.email.as_alias("email"),
            Membership.user.first_name.as_alias("first_name"),
            Membership.user.last_name.as_alias("last_name"),
        )
        .order_by(Membership.id)
    ))


async def pending_invitations(tenant: Tenant) -> list[InvitationRow]:
    return from_rows(InvitationRow, await (
        tenant.scoped(Invitation)
        .select()
        .where(Invitation.accepted_at.is_null() & (Invitation.revoked == False) & (Invitation.expires_at > utcnow()))  # noqa: E712
        .order_by(Invitation.id, ascending=False)
    ))


async def invite(tenant: Tenant, form: InviteForm) -> SentInvitation:
    """Invite an e-mail with a role; the link is returned (shown on screen) and mailed if SMTP is set."""
    _check_grantable(tenant, form.role)
    already = await tenant.scoped(Membership).exists().where(Membership.user.email == form.email)
    if already:
        raise ValidationFailed({"email": _("%(email)s is already a member.", email=form.email)})
    await before_adding(tenant.organization_id, "members", await count_members(tenant.organization_id))
    token = new_token()
    link = f"{get_settings().base_url}/invitations/{token}"
    org = await _own_organization(tenant)
    async with transaction():  # the invitation and its e-mail commit together; the mail job runs after
        row = tenant.scoped(Invitation).new(
            email=form.email,
            role=form.role,
            token_hash=token_hash(token),
            invited_by=tenant.actor.user_id,
            expires_at=utcnow() + INVITE_LIFETIME,
        )
        await row.save()
        mailed = await queue_mail(
            form.email,
            _("You are invited to %(org)s on StoreSync", org=org.name),
            _("%(who)s invited you to join %(org)s on StoreSync as %(role)s.\n\nAccept within 7 days:\n%(link)s",
              who=tenant.actor.email or "A colleague", org=org.name, role=form.role.label(), link=link),
            organization_id=tenant.organization_id,
        )
        await record(tenant.organization_id, tenant.actor, "member.invited", "invitation", row.id,
                     after={"email": form.email, "role": form.role.value})
    return SentInvitation(row.id, link, mailed)


async def revoke_invitation(tenant: Tenant, invitation_id: int) -> None:
    row = await tenant.scoped(Invitation).get(invitation_id, _("Invitation not found."))
    await tenant.scoped(Invitation).update({Invitation.revoked: True}).where(Invitation.id == row.id)
    await record(tenant.organization_id, tenant.actor, "member.invitation_revoked", "invitation", row.id,
                 before={"email": row.email})


async def invitation_by_token(token: str) -> InvitationRow:
    """The live invitation for a link token, with its organisation's name; raises InvalidLink."""
    row = await Invitation.select(*Invitation.all_columns(), Invitation.organization.name.as_alias("org_name")).where(
        Invitation.token_hash == token_hash(token)
    ).first()
    if row is None or row["revoked"] or row["accepted_at"] is not None or row["expires_at"] < utcnow():
        raise InvalidLink(_("This invitation is invalid, was already used or has expired."))
    return from_row(InvitationRow, row)


async def accept_invitation(token: str, *, user_id: int | None, name: str = "", password: str = "",
                            ip: str | None = None) -> tuple[int, int]:
    """Join the invitation's organisation, as the signed-in user or as a new account for the
    invited e-mail; single use. Returns (user_id, org_id)."""
    from app.core.tenancy import Actor

    async with transaction():
        inv = await invitation_by_token(token)
        claimed = await Invitation.update({Invitation.accepted_at: utcnow()}).where(
            (Invitation.id == inv.id) & Invitation.accepted_at.is_null()
        ).returning(Invitation.id)
        if not claimed:
            raise InvalidLink(_("This invitation is invalid, was already used or has expired."))
        if user_id is None:
            user_id = await create_user(inv.email, password, name)
            await UserPreference(user=user_id, last_organization=inv.organization).save()
        exists = await Membership.exists().where(
            (Membership.user == user_id) & (Membership.organization == inv.organization)
        )
        if not exists:
            await Membership(organization=inv.organization, user=user_id, role=inv.role).save()
        await record(inv.organization, Actor(user_id, ip), "member.joined", "membership", None,
                     after={"role": inv.role})
    await context_cache.forget_users([user_id])
    return user_id, inv.organization


async def is_member(tenant: Tenant, user_id: int) -> bool:
    """This user belongs to this organisation."""
    return await tenant.scoped(Membership).exists().where(Membership.user == user_id)


async def _member_ids(tenant: Tenant) -> list[int]:
    return [r["user"] for r in await tenant.scoped(Membership).select(Membership.user)]


async def _owner_count(tenant: Tenant) -> int:
    return await tenant.scoped(Membership).count().where(Membership.role == Role.OWNER)


async def change_role(tenant: Tenant, membership_id: int, role: Role) -> None:
    """Give a member another role; never leaves the organisation without an owner."""
    row = await tenant.scoped(Membership).get(membership_id, _("Member not found."))
    _check_grantable(tenant, role)
    if Role(row.role) == Role.OWNER and tenant.role != Role.OWNER:
        raise Forbidden(_("Only an owner can change another owner's role."))
    if Role(row.role) == Role.OWNER and role != Role.OWNER and await _owner_count(tenant) <= 1:
        raise LastOwner(_("The organisation needs at least one owner."))
    await tenant.scoped(Membership).update({Membership.role: role}).where(Membership.id == row.id)
    await context_cache.forget_users([row.user])
    await record(tenant.organization_id, tenant.actor, "member.role_changed", "membership", row.id,
                 before={"role": row.role}, after={"role": role.value})


async def remove_member(tenant: Tenant, membership_id: int) -> None:
    row = await tenant.scoped(Membership).get(membership_id, _("Member not found."))
    if Role(row.role) == Role.OWNER and tenant.role != Role.OWNER:
        raise Forbidden(_("Only an owner can remove an owner."))
    if Role(row.role) == Role.OWNER and await _owner_count(tenant) <= 1:
        raise LastOwner(_("The organisation needs at least one owner."))
    await tenant.scoped(Membership).delete().where(Membership.id == row.id)
    await context_cache.forget_users([row.user])  # loses access on the next request, in every process
    email = await BaseUser.select(BaseUser.email).where(BaseUser.id == row.user).first()
    await record(tenant.organization_id, tenant.actor, "member.removed", "membership", row.id,
                 before={"role": row.role, "email": email["email"] if email else None})


async def _own_organization(tenant: Tenant) -> Organization:
    org = await Organization.objects().where(Organization.id == tenant.organization_id).first()
    if org is None:  # a tenant is built from a membership, so its organisation exists
        raise NotFound(_("Organisation not found."))
    return org


async def update_organization(tenant: Tenant, name: str, timezone: str) -> None:
    org = await _own_organization(tenant)
    await Organization.update({Organization.name: name, Organization.timezone: timezone}).where(
        Organization.id == tenant.organization_id
    )
    await context_cache.forget_users(await _member_ids(tenant))
    await record(tenant.organization_id, tenant.actor, "organization.updated", "organization", tenant.organization_id,
                 before={"name": org.name, "timezone": org.timezone}, after={"name": name, "timezone": timezone})


async def create_organization(user_id: int, name: str, *, ip: str | None) -> int:
    """A further organisation owned by an existing user (one person, several businesses)."""
    from app.core.tenancy import Actor

    settings = get_settings()
    async with transaction():
        org = Organization(name=name, timezone=settings.default_timezone, currency=settings.default_currency)
        await org.save()
        await Membership(organization=org.id, user=user_id, role=Role.OWNER).save()
        await record(org.id, Actor(user_id, ip), "organization.created", "organization", org.id, after={"name": name})
        await emit(OrganisationCreated(org.id, Actor(user_id, ip)))  # inventory: its first warehouse
    await context_cache.forget_users([user_id])
    return org.id


async def count_members(organization_id: int) -> int:
    """Members of the organisation plus invitations still open (what a plan's member limit counts)."""
    members = await Membership.count().where(Membership.organization == organization_id)
    invited = await Invitation.count().where(
        (Invitation.organization == organization_id) & Invitation.accepted_at.is_null()
        & (Invitation.revoked == False) & (Invitation.expires_at > utcnow()))  # noqa: E712
    return members + invited
