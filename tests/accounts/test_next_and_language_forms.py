"""The login form's `next` and the language switch's `locale` and `next`, posted as a browser posts
them: every field, empty values, absent fields and junk. A `next` that is not a path on this site
never sends a person elsewhere; an unknown locale is English."""

from __future__ import annotations

import pytest

from app.core.auth import LOCALE_COOKIE
from app.domains.accounts.tables import UserPreference
from tests.support import http_client, make_account, post

ELSEWHERE = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "orders",
             "/orders\r\nSet-Cookie: x=1", ""]


@pytest.mark.parametrize(("posted", "lands_on"), [
    ({"next": "/orders?state=paid"}, "/orders?state=paid"),
    ({"next": "  /products  "}, "/products"),
    ({}, "/"),
    *[({"next": junk}, "/") for junk in ELSEWHERE],
])
async def test_login_returns_to_next_only_when_it_is_a_path_here(app, posted, lands_on):
    account = await make_account()
    async with http_client(app) as browser:
        response = await post(browser, "/login", {"email": account.email, "password": account.password, **posted})
        assert response.status_code == 303
        assert response.headers["location"] == lands_on
        assert browser.cookies.get("ss_session")


async def test_a_refused_login_keeps_a_safe_next_and_drops_a_foreign_one(client):
    account = await make_account()
    kept = await post(client, "/login", {"email": account.email, "password": "", "next": "/orders"}, htmx=True)
    assert kept.status_code == 422 and 'value="/orders"' in kept.text
    dropped = await post(client, "/login", {"email": account.email, "password": "", "next": "//evil.example"},
                         htmx=True)
    assert dropped.status_code == 422 and "evil.example" not in dropped.text
    assert "Password is required." in dropped.text
    assert client.cookies.get("ss_session") is None or (await client.get("/")).status_code != 200


@pytest.mark.parametrize(("posted", "locale", "lands_on"), [
    ({"locale": "id", "next": "/stock"}, "id", "/stock"),
    ({"locale": "ID ", "next": ""}, "id", "/"),
    ({"locale": "en"}, "en", "/"),
    ({"locale": "", "next": "//evil.example"}, "en", "/"),
    ({"locale": "xx", "next": "https://evil.example"}, "en", "/"),
    ({}, "en", "/"),
])
async def test_the_language_switch_as_posted(client, posted, locale, lands_on):
    response = await post(client, "/language", posted)
    assert response.status_code == 303
    assert response.headers["location"] == lands_on
    assert client.cookies.get(LOCALE_COOKIE) == locale


async def test_a_junk_locale_stores_english_for_a_signed_in_user(owner_client):
    await post(owner_client, "/language", {"locale": "id"})
    response = await post(owner_client, "/language", {"locale": "<script>", "next": "/members"})
    assert response.status_code == 303 and response.headers["location"] == "/members"
    preference = await UserPreference.select(UserPreference.locale).where(
        UserPreference.user == owner_client.account.user_id).first()
    assert preference is not None and preference["locale"] == "en"
