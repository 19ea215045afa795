"""Every page reachable from the navigation, as each role, answers a page: the crawler follows the
app's own links from the dashboard (bounded) and submits every GET form (search, filters) as the
browser serialises it, empty fields included, then with typical values. Nothing may answer a 4xx
or 5xx body, except the documented 403 for a role without the permission."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.edge.crawl import (
    ROLES,
    acceptable,
    crawl,
    seed_organisation,
    small_pages,
    submit,
    typical_variants,
)
from tests.support import http_client, login


async def test_every_page_and_filter_answers_for_every_role(app, monkeypatch):
    small_pages(monkeypatch)
    seeded = await seed_organisation()
    problems: list[str] = []
    reached: dict[str, set[str]] = {}
    for role in ROLES:
        async with http_client(app) as client:
            await login(client, seeded.accounts[role])
            result = await crawl(client, role)
            problems += result.problems
            reached[role] = {urlsplit(url).path for url, _status in result.visited}
            for form in result.get_forms():
                for pairs in [form.defaults(), *typical_variants(form)]:
                    for htmx in {False, form.htmx}:
                        response = await submit(client, form, pairs, htmx=htmx)
                        problem = acceptable(role, response)
                        if problem:
                            problems.append(f"{role} GET form {form.action} {pairs} htmx={htmx}: {problem}")
    assert not problems, "\n".join(problems[:20])
    # The crawl really went through the app, "Show more" included, for the owner and the others.
    assert {"/orders", "/inventory", "/inventory/movements", "/products", "/stores", "/sync", "/customers",
            "/fulfillment", "/members", "/settings"} <= reached["owner"], reached["owner"]
    assert len(reached["viewer"]) >= 10 and "/fulfillment" in reached["warehouse"]
