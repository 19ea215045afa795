"""Walk every registered route as tenant A against tenant B's rows: A must never read, change or
learn of B's rows. Another tenant's id answers exactly like an id that does not exist (404).

A route with a path parameter this walker does not know fails the test: register a factory in
tests/tenancy_registry.py when you add a route.
"""

from __future__ import annotations

import re

from litestar.routes import ASGIRoute, HTTPRoute

from app.core.tenancy import tenant_tables
from tests.support import http_client, login, make_account, post
from tests.tenancy_registry import API_PREFIX, PUBLIC_ROUTES, ROW_FACTORIES, SKIPPED_ROUTES

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
MISSING_ID = "987654321"


async def _snapshot(org_id: int) -> dict[str, list]:
    snap = {}
    for table in tenant_tables():
        rows = await table.select().where(table._meta.get_column_by_name("organization") == org_id).order_by(
            table._meta.primary_key)
        snap[table._meta.tablename] = rows
    return snap


def _routes(app):
    for route in app.routes:
        if isinstance(route, ASGIRoute):
            assert route.path in SKIPPED_ROUTES, f"mounted app {route.path} is not covered by the walker"
            continue
        assert isinstance(route, HTTPRoute)
        for method, (handler, *_rest) in route.route_handler_map.items():
            if method in ("OPTIONS", "HEAD"):
                continue
            yield route.path, method, handler


async def test_every_route_keeps_tenants_apart(app):
    a = await make_account("Toko Alfa Walker")
    b = await make_account("Toko Beta Rahasia")
    b_ids = {name: await factory(b) for name, factory in ROW_FACTORIES.items()}
    a_ids = {name: await factory(a) for name, factory in ROW_FACTORIES.items()}
    before = await _snapshot(b.org_id)
    secrets = [b.org_name, b.email, f"Secret job {b.org_name}"]
    walked = []

    async with http_client(app) as client:
        await login(client, a)
        for path, method, _handler in _routes(app):
            if path in SKIPPED_ROUTES or path in PUBLIC_ROUTES or path.startswith(API_PREFIX):
                continue
            params = PARAM.findall(path)
            unknown = [p for p in params if p not in ROW_FACTORIES]
            assert not unknown, f"{method} {path}: register a row factory for {unknown} in tests/tenancy_registry.py"
            if params:
                foreign = PARAM.sub(lambda m: str(b_ids[m.group(1)]), path)
                missing = PARAM.sub(MISSING_ID, path)
                send = (lambda url: client.get(url)) if method == "GET" else (lambda url: post(client, url, {}))
                r_foreign, r_missing = await send(foreign), await send(missing)
                # A GET must be 404; a POST with an empty form may be refused as invalid first
                # (422), as long as a foreign id and a missing id are indistinguishable.
                allowed = (404,) if method == "GET" else (404, 422)
                assert r_foreign.status_code in allowed, f"{method} {foreign} as another tenant gave {r_foreign.status_code}"
                assert r_missing.status_code == r_foreign.status_code
                assert r_foreign.text == r_missing.text, f"{method} {path}: foreign and missing ids answer differently"
                own = PARAM.sub(lambda m: str(a_ids[m.group(1)]), path)
                if method == "GET":
                    r_own = await client.get(own)
                    assert r_own.status_code == 200, f"GET {own} for the owner gave {r_own.status_code}"
            elif method == "GET":
                response = await client.get(path)
                assert response.status_code in (200, 303), f"GET {path} gave {response.status_code}"
                for secret in secrets:
                    assert secret not in response.text, f"GET {path} shows tenant B's {secret!r}"
            walked.append((method, path))

    assert await _snapshot(b.org_id) == before, "tenant B's rows changed while tenant A walked the routes"
    assert len(walked) >= 10


async def test_every_route_demands_login_or_is_declared_public(app):
    async with http_client(app) as client:
        for path, method, handler in _routes(app):
            if path in SKIPPED_ROUTES:
                continue
            if path in PUBLIC_ROUTES:
                assert handler.opt.get("public"), f"{path} is listed public but does not declare opt public"
                continue
            assert not handler.opt.get("public"), f"{method} {path} is public but not listed in PUBLIC_ROUTES"
            url = PARAM.sub("1", path)
            if path.startswith(API_PREFIX):  # a bearer key, never a session: 401 without one
                assert handler.opt.get("api_key"), f"{path} is under {API_PREFIX} but not behind the API key guard"
                response = await client.request(method, url, json={})
                assert response.status_code == 401, f"{method} {path} answered {response.status_code} without a key"
                continue
            response = await (client.get(url) if method == "GET" else post(client, url, {}))
            assert response.status_code in (303, 401), f"{method} {path} answered {response.status_code} without login"


async def test_forms_cannot_smuggle_another_tenants_ids(owner_client):
    from app.domains.accounts.tables import Membership

    b = await make_account()
    b_member = await Membership.select(Membership.id).where(Membership.user == b.user_id).first()
    response = await post(owner_client, f"/members/{b_member['id']}/role", {"role": "viewer", "organization": str(b.org_id)},
                          htmx=True)
    assert response.status_code == 404
    assert (await Membership.select(Membership.role).where(Membership.id == b_member["id"]).first())["role"] == "owner"


async def test_every_api_route_keeps_tenants_apart(app):
    """Walk every /api/v1 route with a key (all scopes) of organisation A against B's rows: B's
    ids answer exactly like ids that do not exist, lists show none of B's rows, nothing of B changes."""
    from tests.platform_api.factories import bearer, make_key

    a = await make_account("Toko Alfa Api")
    b = await make_account("Toko Beta Api Rahasia")
    b_ids = {name: await factory(b) for name, factory in ROW_FACTORIES.items()}
    a_ids = {name: await factory(a) for name, factory in ROW_FACTORIES.items()}
    _key, secret = await make_key(a)
    before = await _snapshot(b.org_id)
    secrets = [b.org_name, f"Secret product {b.org_name}", f"Secret key {b.org_name}"]
    walked = []

    def same(r1, r2) -> bool:
        j1, j2 = r1.json(), r2.json()
        j1.pop("instance", None), j2.pop("instance", None)  # the problem names the URL asked for
        return j1 == j2

    async with http_client(app) as client:
        client.headers.update(bearer(secret))
        for path, method, _handler in _routes(app):
            if not path.startswith(API_PREFIX):
                continue
            params = PARAM.findall(path)
            unknown = [p for p in params if p not in ROW_FACTORIES]
            assert not unknown, f"{method} {path}: register a row factory for {unknown} in tests/tenancy_registry.py"
            if params:
                foreign = PARAM.sub(lambda m: str(b_ids[m.group(1)]), path)
                missing = PARAM.sub(MISSING_ID, path)
                r_foreign = await client.request(method, foreign, json=None if method == "GET" else {})
                r_missing = await client.request(method, missing, json=None if method == "GET" else {})
                allowed = (404,) if method == "GET" else (400, 404, 422)
                assert r_foreign.status_code in allowed, f"{method} {foreign} as another tenant gave {r_foreign.status_code}"
                assert r_missing.status_code == r_foreign.status_code and same(r_foreign, r_missing), \
                    f"{method} {path}: foreign and missing ids answer differently"
                if method == "GET":
                    own = PARAM.sub(lambda m: str(a_ids[m.group(1)]), path)
                    assert (await client.get(own)).status_code == 200, f"GET {own} for the owner failed"
            elif method == "GET":
                response = await client.get(path)
                assert response.status_code == 200, f"GET {path} gave {response.status_code}"
                for secret_text in secrets:
                    assert secret_text not in response.text, f"GET {path} shows tenant B's {secret_text!r}"
            else:
                response = await client.request(method, path, json={})
                assert response.status_code in (400, 422), f"{method} {path} with an empty body gave {response.status_code}"
            walked.append((method, path))
        # filters naming B's rows find nothing of B's
        for url in (f"/api/v1/stock?location_id={b_ids['location_id']}", f"/api/v1/shipments?order_id={b_ids['order_id']}",
                    f"/api/v1/products?q=Secret product {b.org_name}"):
            response = await client.get(url)
            assert response.status_code == 200 and response.json()["items"] == [], url
        # writes naming B's rows in the body are refused as not found, and change nothing
        adjust = await client.post("/api/v1/stock/adjustments", json={
            "variant_id": b_ids["variant_id"], "location_id": b_ids["location_id"], "delta": 5, "reason": "x"})
        assert adjust.status_code == 404
    assert await _snapshot(b.org_id) == before, "tenant B's rows changed while tenant A's key walked the API"
    assert len(walked) >= 12
