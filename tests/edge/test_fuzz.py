"""Every form the pages offer, and every list page's query, with hostile values (NUL, a 20-digit
number, 10,000 characters, right-to-left text, emoji) as each role: never a 500, never a raw
error body, and a refused submission changes nothing (row counts of the main tables)."""

from __future__ import annotations

import re

from app.domains.accounts.tables import Invitation, Membership, Organization
from app.domains.catalog.tables import BundleComponent, Product, Variant
from app.domains.inventory.tables import Location, StockCount, StockCountLine, StockLevel, StockMovement
from app.domains.listings.tables import Listing, StoreLocation
from app.domains.orders.tables import Order, OrderLine
from app.domains.stores.tables import Store
from tests.edge.crawl import ROLES, crawl, seed_organisation, small_pages, submit
from tests.support import http_client, login

HOSTILE = ["a\x00b", "99999999999999999999", "x" * 10_000, "\u202eمرحبا بالعالم\u202c", "🛒🔥👍🏽"]
# Forms whose plain submission ends the session or removes what the next role needs.
DESTRUCTIVE = re.compile(r"/(logout|remove|disconnect|revoke|archive|pause)$")
TABLES = [Order, OrderLine, Product, Variant, BundleComponent, StockLevel, StockMovement, StockCount, StockCountLine,
          Location, Store, StoreLocation,
          Listing, Membership, Invitation, Organization]


async def counts(org_id: int) -> tuple[int, ...]:
    """Rows of the main tables in the organisation (organisations: all), in one query."""
    parts = [f'(SELECT COUNT(*) FROM "{t._meta.tablename}" WHERE organization = {org_id})' for t in TABLES[:-1]]
    parts.append('(SELECT COUNT(*) FROM "organization")')
    row = await Order.raw(f"SELECT {', '.join(f'{p} AS c{i}' for i, p in enumerate(parts))}")
    return tuple(row[0].values())


def broken(response) -> bool:
    """A 500, or an error answered as raw JSON (htmx redirects answer 200 with a JSON null body)."""
    status = response.status_code
    return status >= 500 or (status >= 400 and "json" in response.headers.get("content-type", ""))


def hostile_submissions(form, *, every_field: bool):
    """Each hostile value in all fields at once and, for `every_field`, a huge number in each field alone."""
    defaults = form.defaults()
    names = [f.name for f in form.editable() if f.name != "_csrf_token"]
    for value in HOSTILE:
        yield [(k, value if k in names else v) for k, v in defaults] or [(n, value) for n in names]
    if every_field:  # a NUL anywhere is refused before parsing; a huge number reaches the handler
        for name in dict.fromkeys(names):
            yield [(k, HOSTILE[1] if k == name else v) for k, v in defaults]


async def test_hostile_values_never_break_a_form_or_a_list(app, monkeypatch):
    small_pages(monkeypatch)
    seeded = await seed_organisation()
    org = seeded.tenant.organization_id
    problems: list[str] = []
    sent = 0
    for role in ROLES:
        async with http_client(app) as client:
            await login(client, seeded.accounts[role])
            result = await crawl(client, role, max_pages=60)
            for form in result.get_forms():
                names = [f.name for f in form.editable()] + ["after"]
                for name in dict.fromkeys(names):
                    # The query is parsed alike for every role: every value for the owner, the two
                    # that used to break the database for the others.
                    for value in HOSTILE if role == "owner" else HOSTILE[:2]:
                        pairs = [(k, v) for k, v in form.defaults() if k != name] + [(name, value)]
                        response = await submit(client, form, pairs)
                        sent += 1
                        if broken(response):
                            problems.append(f"{role} GET {form.action} {name}={value[:20]!r}: {response.status_code}")
            for form in result.post_forms():
                if DESTRUCTIVE.search(form.action) or not [f for f in form.editable() if f.name != "_csrf_token"]:
                    continue
                for pairs in hostile_submissions(form, every_field=role == "owner"):
                    before = await counts(org)
                    response = await submit(client, form, pairs)
                    sent += 1
                    shown = [(k, v[:20]) for k, v in pairs if k != "_csrf_token"]
                    if broken(response):
                        problems.append(f"{role} {form.method} {form.action} {shown}: {response.status_code} "
                                        f"{response.text[:150]!r}")
                    elif 400 <= response.status_code < 500 and await counts(org) != before:
                        problems.append(f"{role} {form.method} {form.action} {shown}: refused with "
                                        f"{response.status_code} but rows changed")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:25])
    assert sent > 300
