"""CSRF and session exemptions cover only the paths they name, from the start of the path: a path
that merely contains /admin, /webhooks, /sandbox, /static or /healthz further on is protected."""

from __future__ import annotations

import pytest

from tests.support import csrf_token, post

WORDS = ["admin", "webhooks", "sandbox", "static", "healthz"]


@pytest.mark.parametrize("word", WORDS)
async def test_a_post_to_a_path_containing_an_exempt_word_still_needs_a_csrf_token(client, word):
    await client.get("/login")  # the CSRF cookie, as a browser has it
    without = await client.post(f"/password/reset/{word}", data={"new_password": "another-pass-42",
                                                                 "confirm_password": "another-pass-42"})
    assert without.status_code == 403, (word, without.status_code, without.text[:300])
    # The same request with the token reaches the handler (which refuses the made-up reset token).
    with_token = await post(client, f"/password/reset/{word}", {"new_password": "another-pass-42",
                                                                 "confirm_password": "another-pass-42"})
    assert with_token.status_code == 400, (word, with_token.status_code)


@pytest.mark.parametrize("word", WORDS)
async def test_a_signed_in_post_under_a_store_path_with_an_exempt_word_needs_a_token(owner_client, word):
    response = await owner_client.post(f"/sync/stores/1/{word}", data={})
    assert response.status_code == 403, (word, response.status_code, response.text[:300])


async def test_the_named_exemptions_still_apply(client):
    # A marketplace push carries no CSRF token: refused for its signature, never for CSRF.
    response = await client.post("/webhooks/shopee", content=b"{}", headers={"content-type": "application/json"})
    assert response.status_code not in (403, 404), response.status_code
    assert (await client.get("/healthz")).status_code in (200, 503)


@pytest.mark.parametrize("word", ["healthz", "healthz-report"])
async def test_a_signed_in_page_whose_path_contains_a_session_exempt_word_keeps_the_session(owner_client, word):
    response = await owner_client.get(f"/customers/{word}")
    assert response.status_code in (200, 404), response.status_code
    assert "/login" not in response.headers.get("location", ""), "the session was skipped"
    assert owner_client.account.org_name in response.text, "the page was not rendered for the signed-in seller"


async def test_csrf_cookie_is_set_on_pages_and_compared_on_posts(client):
    await client.get("/login")
    assert csrf_token(client)
    response = await client.post("/login", data={"email": "a@b.id", "password": "x"}, headers={"x-csrftoken": "forged"})
    assert response.status_code == 403
