"""/admin is piccolo-admin, for platform admins (superusers) only."""

from __future__ import annotations

from tests.support import PASSWORD, Account, http_client, login, unique


async def test_admin_is_not_found_for_ordinary_users(owner_client):
    response = await owner_client.get("/admin/", follow_redirects=False)
    assert response.status_code == 404


async def test_admin_sends_anonymous_visitors_to_login(client):
    response = await client.get("/admin/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


async def test_superuser_gets_the_piccolo_admin(app):
    from app.domains.accounts.services import create_user

    email = f"{unique('root')}@storesync.id"
    user_id = await create_user(email, PASSWORD, "Platform Admin", superuser=True)
    async with http_client(app) as client:
        await login(client, Account(user_id, 0, email, PASSWORD, ""))
        redirect = await client.get("/admin", follow_redirects=False)
        assert redirect.status_code in (301, 302, 303, 307) and redirect.headers["location"].endswith("/admin/")
        page = await client.get("/admin/")
        assert page.status_code == 200
        assert "<html" in page.text.lower()
        # the admin's own API answers under the mount, for the same login
        api = await client.get("/admin/api/user/")
        assert api.status_code == 200, api.status_code


async def test_one_login_takes_a_superuser_into_the_admin_and_keeps_the_target(app):
    from app.domains.accounts.services import create_user
    from tests.support import csrf_token

    email = f"{unique('root')}@storesync.id"
    await create_user(email, PASSWORD, "Platform Admin", superuser=True)
    async with http_client(app) as client:
        anonymous = await client.get("/admin/", follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login?next=/admin/"
        await client.get("/login?next=/admin/")
        signed_in = await client.post("/login", data={"email": email, "password": PASSWORD, "next": "/admin/"},
                                      headers={"x-csrftoken": csrf_token(client)})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/admin/"
        assert (await client.get("/admin/")).status_code == 200
        # piccolo-admin's own API accepts the person without its second login form
        me = await client.get("/admin/api/user/")
        assert me.status_code == 200, me.text[:200]
        assert me.json()["username"] == email
        tables = await client.get("/admin/api/tables/")
        assert tables.status_code == 200 and "order" in tables.json()
        # with no organisation of their own, the app's home is the admin, not "choose an organisation"
        home = await client.get("/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/admin/"


async def test_the_admin_session_follows_the_app_login_not_a_leftover_cookie(app):
    from app.domains.accounts.services import create_user

    first = f"{unique('root')}@storesync.id"
    second = f"{unique('root')}@storesync.id"
    first_id = await create_user(first, PASSWORD, "First Admin", superuser=True)
    second_id = await create_user(second, PASSWORD, "Second Admin", superuser=True)
    async with http_client(app) as client:
        await login(client, Account(first_id, 0, first, PASSWORD, ""))
        assert (await client.get("/admin/api/user/")).json()["username"] == first
        await client.post("/logout", headers={"x-csrftoken": client.cookies.get("ss_csrf")})
        assert (await client.get("/admin/api/user/", follow_redirects=False)).status_code == 303
        await login(client, Account(second_id, 0, second, PASSWORD, ""))
        assert (await client.get("/admin/api/user/")).json()["username"] == second
