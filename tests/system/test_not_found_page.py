"""A path that matches no route still answers in the reader's language, as a page, not JSON."""

from __future__ import annotations


async def test_an_unknown_path_answers_in_the_chosen_language(client):
    client.cookies.set("ss_lang", "id")
    response = await client.get("/no-such-page/at-all")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Tidak ditemukan." in response.text


async def test_an_unknown_path_answers_in_english_without_a_choice(client):
    response = await client.get("/no-such-page/at-all")
    assert response.status_code == 404
    assert "Not found." in response.text and "Tidak ditemukan." not in response.text
