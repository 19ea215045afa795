"""Sign-up, login, logout, throttling and CSRF over HTTP."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from app.domains.accounts.tables import Membership, Organization
from tests.support import PASSWORD, csrf_token, http_client, login, make_account, post, unique


async def test_signup_creates_owner_and_organisation_and_logs_in(client):
    email = f"{unique('new')}@example.id"
    response = await post(client, "/signup", {"name": "Rina Kusuma", "organization_name": "Batik Rina",
                                              "email": email.upper(), "password": PASSWORD})
    assert response.status_code in (200, 303)
    user = await BaseUser.select().where(BaseUser.email == email).first()
    assert user is not None, "e-mail is stored lower-cased"
    membership = await Membership.select(Membership.role, Membership.organization.name).where(
        Membership.user == user["id"]).first()
    assert membership == {"role": "owner", "organization.name": "Batik Rina"}
    page = await client.get("/")
    assert page.status_code == 200
    assert "Batik Rina" in page.text


async def test_signup_rejects_bad_input_and_changes_nothing(client):
    before_users = await BaseUser.count()
    before_orgs = await Organization.count()
    taken = await make_account()
    cases = [
        ({"name": "", "organization_name": "Toko", "email": f"{unique()}@x.id", "password": PASSWORD}, "Your name is required"),
        ({"name": "A" * 81, "organization_name": "Toko", "email": f"{unique()}@x.id", "password": PASSWORD}, "at most 80"),
        ({"name": "Ani", "organization_name": "T" * 121, "email": f"{unique()}@x.id", "password": PASSWORD}, "at most 120"),
        ({"name": "Ani", "organization_name": "Toko", "email": "not-an-email", "password": PASSWORD}, "valid e-mail"),
        ({"name": "Ani", "organization_name": "Toko", "email": f"{unique()}@x.id", "password": "short"}, "at least 8"),
        ({"name": "Ani", "organization_name": "Toko", "email": taken.email, "password": PASSWORD}, "already exists"),
    ]
    for data, message in cases:
        response = await post(client, "/signup", data, htmx=True)
        assert response.status_code == 422, data
        assert message in response.text, (message, response.text[:800])
    assert await BaseUser.count() == before_users + 1  # only the `taken` account
    assert await Organization.count() == before_orgs + 1


async def test_wrong_password_is_refused_then_throttled(client):
    account = await make_account()
    for _ in range(5):
        response = await post(client, "/login", {"email": account.email, "password": "wrong-password"}, htmx=True)
        assert response.status_code == 422
        assert "Wrong e-mail or password" in response.text
    response = await post(client, "/login", {"email": account.email, "password": account.password}, htmx=True)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert client.cookies.get("ss_session") is None or (await client.get("/")).status_code != 200


async def test_unknown_email_gets_the_same_message(client):
    response = await post(client, "/login", {"email": "nobody@nowhere.id", "password": "whatever1"}, htmx=True)
    assert response.status_code == 422
    assert "Wrong e-mail or password" in response.text


async def test_missing_or_forged_csrf_token_is_refused(client):
    await client.get("/login")
    data = {"name": "Eko", "organization_name": "Toko Eko", "email": f"{unique()}@x.id", "password": PASSWORD}
    before = await BaseUser.count()
    assert (await client.post("/signup", data=data)).status_code == 403
    assert (await client.post("/signup", data=data, headers={"x-csrftoken": "forged" * 10})).status_code == 403
    assert await BaseUser.count() == before


async def test_logged_out_visitor_is_sent_to_login(client):
    response = await client.get("/members", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_logout_ends_the_session(owner_client):
    assert (await owner_client.get("/")).status_code == 200
    await post(owner_client, "/logout")
    response = await owner_client.get("/", follow_redirects=False)
    assert response.status_code == 303


async def test_change_password_needs_the_current_one(owner_client):
    account = owner_client.account
    bad = await post(owner_client, "/account/password", {"current_password": "nope-nope", "new_password": "brand-new-pass"}, htmx=True)
    assert bad.status_code == 422 and "current password is not right" in bad.text
    short = await post(owner_client, "/account/password", {"current_password": PASSWORD, "new_password": "short"}, htmx=True)
    assert short.status_code == 422 and "at least 8" in short.text
    ok = await post(owner_client, "/account/password", {"current_password": PASSWORD, "new_password": "brand-new-pass"}, htmx=True)
    assert ok.status_code == 200
    assert await BaseUser.login(username=account.email, password="brand-new-pass") == account.user_id
    assert await BaseUser.login(username=account.email, password=PASSWORD) is None


async def test_language_choice_is_remembered_for_the_user(app, owner_client):
    response = await post(owner_client, "/language", {"locale": "id", "next": "/"})
    assert response.status_code in (200, 303)
    page = await owner_client.get("/members")
    assert "Anggota" in page.text
    # a new login elsewhere opens in the language the user chose
    async with http_client(app) as other:
        await login(other, owner_client.account)
        assert "Anggota" in (await other.get("/members")).text


async def test_user_in_two_organisations_switches_between_them(owner_client):
    account = owner_client.account
    response = await post(owner_client, "/account/organizations", {"name": "Cabang Bandung"})
    assert response.status_code in (200, 303)
    assert "Cabang Bandung" in (await owner_client.get("/")).text
    await post(owner_client, "/account/organizations/switch", {"organization_id": str(account.org_id)})
    assert account.org_name in (await owner_client.get("/")).text
    # an organisation the user does not belong to is "not found"
    stranger = await make_account()
    response = await post(owner_client, "/account/organizations/switch", {"organization_id": str(stranger.org_id)})
    assert response.status_code == 404
    assert account.org_name in (await owner_client.get("/")).text


def test_csrf_helper_needs_cookie(client):
    import pytest

    with pytest.raises(AssertionError):
        csrf_token(client)


async def test_signing_in_gives_a_new_session_id_so_a_planted_one_is_worthless(app):
    attacker, victim = await make_account(), await make_account()
    async with http_client(app) as mallory, http_client(app) as browser:
        await login(mallory, attacker)
        planted = mallory.cookies.get("ss_session")
        browser.cookies.set("ss_session", planted, domain="testserver.local")
        await login(browser, victim)
        assert browser.cookies.get("ss_session") != planted, "the session id survived signing in"
        assert victim.org_name in (await browser.get("/")).text
        # the id the attacker planted (and still holds) is no longer anybody's session
        mallory.cookies.set("ss_session", planted, domain="testserver.local")
        page = await mallory.get("/", follow_redirects=False)
        assert page.status_code in (302, 303) and "/login" in page.headers["location"]


async def test_signups_from_one_address_are_throttled_and_create_nothing(app):
    import httpx

    from app.core.redis import ensure_redis
    from app.core.throttle import SIGNUPS_PER_IP, _limiter, _namespace

    ip = "203.0.113.77"
    limiter = _limiter(ensure_redis())
    for _ in range(SIGNUPS_PER_IP.amount):  # this address has used up its hour
        await limiter.hit(SIGNUPS_PER_IP, _namespace(), "signup", ip)
    before = await Organization.count()
    email = f"{unique('flood')}@example.id"
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as bot:
        response = await post(bot, "/signup", {"name": "Bot", "organization_name": "Spam", "email": email,
                                               "password": PASSWORD})
    assert response.status_code == 429 and "Too many sign-ups" in response.text
    assert await Organization.count() == before
    assert await BaseUser.exists().where(BaseUser.email == email).run() is False
