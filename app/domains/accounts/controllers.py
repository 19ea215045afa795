"""HTTP surface of accounts: sign-up, login, passwords, invitations, members, organisations."""

from __future__ import annotations

from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.plugins.htmx import ClientRedirect
from litestar.response import Redirect, Response

from app.core import throttle
from app.core.auth import LOCALE_COOKIE, RequestContext, client_ip, load_context
from app.core.errors import AppError, NotFound, Throttled, ValidationFailed
from app.core.i18n import LOCALES, _, current_locale
from app.core.mail import mail_enabled
from app.core.permissions import GRANTABLE, MATRIX, Permission
from app.core.sessions import rotate_session
from app.core.statuses import Role
from app.core.tenancy import Tenant
from app.core.web import flash, form_data, redirect_after_post, render, wants_fragment
from app.domains.accounts import members as member_service
from app.domains.accounts import services
from app.domains.accounts.schemas import (
    AcceptInviteForm,
    ChangePasswordForm,
    InviteForm,
    LanguageForm,
    LoginForm,
    NewOrganizationForm,
    NextForm,
    OrganizationForm,
    ResetForm,
    ResetRequestForm,
    RoleForm,
    SignupForm,
    SwitchOrganizationForm,
)
from app.settings import get_settings

PUBLIC = {"public": True}
NO_ORG = {"no_org": True}


async def _begin_session(request: Request, user_id: int, org_id: int | None = None) -> None:
    request.clear_session()
    request.set_session(
        {
            "user_id": user_id,
            "org_id": org_id or await services.default_organization(user_id),
            "locale": await services.user_locale(user_id) or current_locale.get(),
        }
    )
    rotate_session(request.session)  # a new session id: one known before signing in is worthless
    current_locale.set(request.session["locale"])


class AuthController(Controller):
    """Pages for people who are not signed in yet."""

    opt = PUBLIC

    @get("/signup", name="accounts:signup")
    async def signup_page(self, request: Request) -> Response:
        return render(request, "accounts/signup.html", form={}, errors={})

    @post("/signup", name="accounts:signup_submit")
    async def signup(self, request: Request) -> Response:
        data = await form_data(request)
        try:
            form = SignupForm.parse(data)
            if not await throttle.signup_allowed(client_ip(request)):
                raise Throttled(_("Too many sign-ups from this network. Try again in an hour."))
            user_id, org_id = await services.sign_up(form, ip=client_ip(request), locale=current_locale.get())
        except (ValidationFailed, Throttled) as exc:
            data.pop("password", None)
            return render(request, "accounts/signup.html", fragment="accounts/_signup_form.html",
                          status_code=exc.status_code, form=data,
                          errors=getattr(exc, "errors", None) or {"form": exc.message})
        await _begin_session(request, user_id, org_id)
        flash(request, _("Welcome to StoreSync! Your organisation %(org)s is ready.", org=form.organization_name))
        return redirect_after_post(request, "/")

    @get("/login", name="accounts:login")
    async def login_page(self, request: Request, next: str | None = None) -> Response:
        if await load_context(request):
            return Redirect(path="/")
        return render(request, "accounts/login.html", form={"next": NextForm.parse({"next": next}).next}, errors={})

    @post("/login", name="accounts:login_submit")
    async def login(self, request: Request) -> Response:
        data = await form_data(request)
        next_url = NextForm.parse(data).next
        try:
            form = LoginForm.parse(data)
            user_id = await services.authenticate(form.email, form.password, ip=client_ip(request))
        except AppError as exc:
            errors = getattr(exc, "errors", None) or {"form": exc.message}
            return render(request, "accounts/login.html", fragment="accounts/_login_form.html",
                          status_code=exc.status_code if exc.status_code == 429 else 422,
                          form={"email": data.get("email", ""), "next": next_url}, errors=errors)
        await _begin_session(request, user_id)
        return redirect_after_post(request, next_url)

    @post("/logout", name="accounts:logout")
    async def logout(self, request: Request) -> Response:
        request.clear_session()
        return redirect_after_post(request, "/login")

    @post("/language", name="accounts:language")
    async def language(self, request: Request) -> Response:
        data = await form_data(request)
        form = LanguageForm.parse(data)
        locale = form.locale
        ctx = await load_context(request)
        if ctx is not None:
            await services.set_locale(ctx.user_id, locale)
            request.session["locale"] = locale
        response = redirect_after_post(request, form.next)
        response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                            secure=get_settings().cookies_secure)
        return response

    @get("/password/forgot", name="accounts:forgot")
    async def forgot_page(self, request: Request) -> Response:
        return render(request, "accounts/forgot.html", form={}, errors={}, sent=False)

    @post("/password/forgot", name="accounts:forgot_submit")
    async def forgot(self, request: Request) -> Response:
        data = await form_data(request)
        try:
            form = ResetRequestForm.parse(data)
        except ValidationFailed as exc:
            return render(request, "accounts/forgot.html", status_code=422, form=data, errors=exc.errors, sent=False)
        if not await throttle.reset_request_allowed(form.email, client_ip(request)):
            return render(request, "accounts/forgot.html", status_code=429, form=data, sent=False,
                          errors={"form": _("Too many reset requests. Wait an hour and try again.")})
        link = await services.request_password_reset(form.email, ip=client_ip(request))
        if link and not mail_enabled():
            # Without SMTP (a developer's machine) the terminal is the only way to reach the link.
            request.logger.info("SMTP is not configured; password reset link for %s: %s", form.email, link)
        return render(request, "accounts/forgot.html", form={}, errors={}, sent=True)

    @get("/password/reset/{token:str}", name="accounts:reset")
    async def reset_page(self, request: Request, token: str) -> Response:
        try:
            await services.check_reset_token(token)
        except AppError as exc:
            return render(request, "accounts/reset.html", status_code=400, token=None, errors={"form": exc.message})
        return render(request, "accounts/reset.html", token=token, errors={})

    @post("/password/reset/{token:str}", name="accounts:reset_submit")
    async def reset(self, request: Request, token: str) -> Response:
        try:
            form = ResetForm.parse(await form_data(request))
            await services.reset_password(token, form.new_password, ip=client_ip(request))
        except ValidationFailed as exc:
            return render(request, "accounts/reset.html", status_code=422, token=token, errors=exc.errors)
        except AppError as exc:
            return render(request, "accounts/reset.html", status_code=400, token=None, errors={"form": exc.message})
        request.clear_session()
        flash(request, _("Your password was changed. Log in with the new one."))
        return redirect_after_post(request, "/login")

    @get("/invitations/{token:str}", name="accounts:invitation")
    async def invitation_page(self, request: Request, token: str) -> Response:
        try:
            invitation = await member_service.invitation_by_token(token)
        except AppError as exc:
            return render(request, "accounts/invitation.html", status_code=400, invitation=None,
                          errors={"form": exc.message}, token=token, ctx=None)
        ctx = await load_context(request)
        return render(request, "accounts/invitation.html", invitation=invitation, token=token, errors={}, ctx=ctx)

    @post("/invitations/{token:str}", name="accounts:invitation_accept")
    async def accept(self, request: Request, token: str) -> Response:
        ctx = await load_context(request)
        try:
            invitation = await member_service.invitation_by_token(token)
            if ctx is not None:
                user_id, org_id = await member_service.accept_invitation(token, user_id=ctx.user_id, ip=client_ip(request))
            else:
                if await services.email_taken(invitation.email):
                    raise AppError(_("An account with this e-mail exists: log in first, then open the link again."))
                form = AcceptInviteForm.parse(await form_data(request))
                user_id, org_id = await member_service.accept_invitation(
                    token, user_id=None, name=form.name, password=form.password, ip=client_ip(request))
        except ValidationFailed as exc:
            return render(request, "accounts/invitation.html", status_code=422, invitation=invitation,
                          token=token, errors=exc.errors, ctx=ctx)
        except AppError as exc:
            return render(request, "accounts/invitation.html", status_code=400, invitation=None, token=token,
                          errors={"form": exc.message}, ctx=ctx)
        await _begin_session(request, user_id, org_id)
        await services.switch_organization(user_id, org_id)
        flash(request, _("Welcome aboard!"))
        return redirect_after_post(request, "/")


class AccountController(Controller):
    """The signed-in person's own account (works before choosing an organisation)."""

    path = "/account"
    opt = NO_ORG

    @get("/", name="accounts:account")
    async def account(self, request: Request, ctx: RequestContext) -> Response:
        return render(request, "accounts/account.html", errors={}, locales=LOCALES)

    @post("/password", name="accounts:change_password")
    async def change_password(self, request: Request, ctx: RequestContext) -> Response:
        try:
            form = ChangePasswordForm.parse(await form_data(request))
            await services.change_password(ctx.user_id, form, ip=client_ip(request))
        except ValidationFailed as exc:
            return render(request, "accounts/account.html", fragment="accounts/_password_form.html",
                          status_code=422, errors=exc.errors, locales=LOCALES)
        except AppError as exc:
            return render(request, "accounts/account.html", fragment="accounts/_password_form.html",
                          status_code=422, errors={"current_password": exc.message}, locales=LOCALES)
        return render(request, "accounts/account.html", fragment="accounts/_password_form.html", errors={},
                      locales=LOCALES, saved=True)

    @get("/organizations", name="accounts:choose_org")
    async def choose(self, request: Request, ctx: RequestContext) -> Response:
        return render(request, "accounts/organizations.html", errors={})

    @post("/organizations/switch", name="accounts:switch_org")
    async def switch(self, request: Request, ctx: RequestContext) -> Response:
        try:
            org_id = SwitchOrganizationForm.parse(await form_data(request)).organization_id
        except ValidationFailed:
            raise NotFound(_("Organisation not found.")) from None
        await services.switch_organization(ctx.user_id, org_id)
        request.session["org_id"] = org_id
        return redirect_after_post(request, "/")

    @post("/organizations", name="accounts:create_org")
    async def create(self, request: Request, ctx: RequestContext) -> Response:
        try:
            name = NewOrganizationForm.parse(await form_data(request)).name
        except ValidationFailed as exc:
            return render(request, "accounts/organizations.html", status_code=422, errors=exc.errors)
        org_id = await member_service.create_organization(ctx.user_id, name, ip=client_ip(request))
        await services.switch_organization(ctx.user_id, org_id)
        request.session["org_id"] = org_id
        flash(request, _("Organisation %(org)s created.", org=name))
        return redirect_after_post(request, "/")


class MembersController(Controller):
    """Members and invitations of the current organisation."""

    path = "/members"

    async def _page(self, request: Request, ctx: RequestContext, tenant: Tenant, *, status_code: int = 200,
                    errors: dict | None = None, form: dict | None = None, sent=None) -> Response:
        return render(
            request, "accounts/members.html", fragment="accounts/_members.html", status_code=status_code,
            members=await member_service.members(tenant), invitations=await member_service.pending_invitations(tenant),
            grantable=GRANTABLE.get(tenant.role, ()), errors=errors or {}, form=form or {}, sent=sent,
            matrix=MATRIX, permissions=list(Permission), roles=list(Role),
        )

    @get("/", name="accounts:members")
    async def index(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        return await self._page(request, ctx, tenant)

    @post("/invite", name="accounts:invite", opt={"permission": Permission.MEMBERS_MANAGE})
    async def invite(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            sent = await member_service.invite(tenant, InviteForm.parse(data))
        except ValidationFailed as exc:
            return await self._page(request, ctx, tenant, status_code=422, errors=exc.errors, form=data)
        flash(request, _("Invitation sent to %(email)s.", email=data.get("email", "").lower()) if sent.mailed
              else _("Invitation created. Share the link below with %(email)s.", email=data.get("email", "").lower()))
        return await self._page(request, ctx, tenant, sent=sent)

    @post("/invitations/{invitation_id:int}/revoke", name="accounts:revoke",
          opt={"permission": Permission.MEMBERS_MANAGE})
    async def revoke(self, request: Request, ctx: RequestContext, tenant: Tenant, invitation_id: int) -> Response:
        await member_service.revoke_invitation(tenant, invitation_id)
        flash(request, _("Invitation revoked."))
        return await self._page(request, ctx, tenant)

    @post("/{membership_id:int}/role", name="accounts:change_role", opt={"permission": Permission.MEMBERS_MANAGE})
    async def change_role(self, request: Request, ctx: RequestContext, tenant: Tenant, membership_id: int) -> Response:
        form = RoleForm.parse(await form_data(request))
        await member_service.change_role(tenant, membership_id, form.role)
        flash(request, _("Role changed."))
        return await self._page(request, ctx, tenant)

    @post("/{membership_id:int}/remove", name="accounts:remove", opt={"permission": Permission.MEMBERS_MANAGE})
    async def remove(self, request: Request, ctx: RequestContext, tenant: Tenant, membership_id: int) -> Response:
        await member_service.remove_member(tenant, membership_id)
        flash(request, _("Member removed."))
        return await self._page(request, ctx, tenant)


class OrganizationSettingsController(Controller):
    path = "/settings"

    @get("/", name="accounts:settings")
    async def index(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        from app.domains.accounts.tables import Organization

        org = await Organization.select().where(Organization.id == tenant.organization_id).first()
        return render(request, "accounts/settings.html", fragment="accounts/_settings_form.html", org=org, errors={})

    @post("/", name="accounts:settings_submit", opt={"permission": Permission.ORG_MANAGE})
    async def update(self, request: Request, ctx: RequestContext, tenant: Tenant) -> Response:
        data = await form_data(request)
        try:
            form = OrganizationForm.parse(data)
        except ValidationFailed as exc:
            return render(request, "accounts/settings.html", fragment="accounts/_settings_form.html",
                          status_code=422, org=data, errors=exc.errors)
        await member_service.update_organization(tenant, form.name, form.timezone)
        flash(request, _("Settings saved."))
        return redirect_after_post(request, "/settings")


def not_logged_in(request: Request, exc: NotAuthorizedException) -> Response:
    """Send people who are not signed in to the login page (or the organisation chooser)."""
    # A mounted app (the admin) sees only the path below its mount: take the one the browser asked for.
    here = request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0] or request.url.path
    target = "/account/organizations" if "organisation" in str(exc.detail) else f"/login?next={quote(here)}"
    ctx = request.state.get("ctx")
    if target.startswith("/account/") and ctx is not None and ctx.superuser and not ctx.memberships:
        target = "/admin/"  # a platform admin without an organisation of their own works in the admin
    session = request.scope.get("session")
    if not isinstance(session, dict) or session.get("user_id") is None:
        target = f"/login?next={quote(here)}"
    if wants_fragment(request):
        return ClientRedirect(redirect_to=target)
    return Redirect(path=target, status_code=303)
