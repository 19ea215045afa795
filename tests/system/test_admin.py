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
        # the admin's own API answers under the mount (its login is separate)
        api = await client.get("/admin/api/meta/")
        assert api.status_code in (200, 401), api.status_code
