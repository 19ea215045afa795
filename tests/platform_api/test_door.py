"""The API's door: keys refused without a word of why, scopes, rate limits, the problem shape,
sessions refused, and every call in the audit trail with the key as actor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.clock import clock_at
from app.settings import get_settings
from tests.inventory.factories import make_variant, tenant_of
from tests.platform_api.factories import bearer, make_key
from tests.support import http_client, login, make_account, post

PROBLEM = "application/problem+json"


async def _unauthorized(client, headers: dict[str, str]) -> dict:
    response = await client.get("/api/v1/orders", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"].startswith("Bearer")
    return response.json()


async def test_missing_wrong_revoked_expired_and_foreign_address_keys_all_get_the_same_401(app):
    from app.domains.platform_api.keys import revoke_key

    account = await make_account()
    key_id, secret = await make_key(account)
    # the organisation's today (Asia/Jakarta), not the machine's: after 17:00 UTC they differ
    _id2, expiring = await make_key(account, expires_on=datetime.now(ZoneInfo("Asia/Jakarta")).date())
    _id3, office_only = await make_key(account, allowed_ips="203.0.113.0/24")
    async with http_client(app) as client:
        assert (await client.get("/api/v1/orders", headers=bearer(secret))).status_code == 200
        bodies = [await _unauthorized(client, h) for h in (
            {}, {"Authorization": "Basic abc"}, bearer("ssk_0000000000_nothing"), bearer(secret[:-2] + "xx"),
            bearer(office_only))]
        with clock_at(datetime.now(UTC) + timedelta(days=2)):
            bodies.append(await _unauthorized(client, bearer(expiring)))
        await revoke_key(tenant_of(account), key_id)
        bodies.append(await _unauthorized(client, bearer(secret)))
    assert all(b == {"type": "/api/docs#problem-unauthorized", "title": "Unauthorized", "status": 401,
                     "instance": "/api/v1/orders"} for b in bodies)


async def test_a_key_without_the_scope_gets_403_and_read_scope_cannot_write(app):
    account = await make_account()
    _id, reader = await make_key(account, ["orders:read", "inventory:read"])
    async with http_client(app) as client:
        client.headers.update(bearer(reader))
        assert (await client.get("/api/v1/orders")).status_code == 200
        assert (await client.get("/api/v1/stock")).status_code == 200
        for method, url, body in (("GET", "/api/v1/products", None), ("GET", "/api/v1/reports/sales", None),
                                  ("POST", "/api/v1/orders", {"customer_name": "x", "lines": []}),
                                  ("POST", "/api/v1/stock/adjustments", {"variant_id": 1, "location_id": 1,
                                                                         "delta": 1, "reason": "x"})):
            response = await client.request(method, url, json=body)
            assert response.status_code == 403, (method, url)
            assert response.json() == {"type": "/api/docs#problem-forbidden", "title": "Forbidden", "status": 403,
                                       "instance": url}


async def test_malformed_json_and_unknown_fields_are_400_naming_the_field(app):
    account = await make_account()
    _id, secret = await make_key(account)
    async with http_client(app) as client:
        client.headers.update(bearer(secret))
        broken = await client.post("/api/v1/stock/adjustments", content=b'{"variant_id": 1,',
                                   headers={"content-type": "application/json"})
        assert broken.status_code == 400 and broken.headers["content-type"].startswith(PROBLEM)
        unknown = await client.post("/api/v1/stock/adjustments", json={"variant_id": 1, "location_id": 1, "delta": 1,
                                                                       "reason": "x", "colour": "red"})
        assert unknown.status_code == 400
        assert "colour" in [e["field"] for e in unknown.json()["errors"]]
        wrong_type = await client.post("/api/v1/stock/adjustments", json={"variant_id": "one", "location_id": 1,
                                                                          "delta": 1, "reason": "x"})
        assert wrong_type.status_code == 400 and "variant_id" in [e["field"] for e in wrong_type.json()["errors"]]
        bad_cursor = await client.get("/api/v1/orders", params={"cursor": "bm90LWEtY3Vyc29y"})
        assert bad_cursor.status_code == 400 and bad_cursor.json()["errors"][0]["field"] == "cursor"
        assert (await client.get("/api/v1/orders", params={"limit": 501})).status_code == 400
        missing = await client.get("/api/v1/orders/987654")
        assert missing.status_code == 404 and missing.json()["title"] == "Not found"
        nowhere = await client.get("/api/v1/no-such-thing")
        assert nowhere.status_code == 404 and nowhere.headers["content-type"].startswith(PROBLEM)


async def test_rate_limit_per_key_answers_429_with_retry_after_and_headers(app, monkeypatch):
    monkeypatch.setattr(get_settings(), "api_calls_per_key_minute", 3)
    account = await make_account()
    _id, secret = await make_key(account)
    _id2, other = await make_key(account, name="Second")
    moment = datetime(2026, 12, 5, 12, 0, 10, tzinfo=UTC)
    async with http_client(app) as client:
        with clock_at(moment):
            answers = [await client.get("/api/v1/locations", headers=bearer(secret)) for _ in range(4)]
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert [a.headers["ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
            assert answers[0].headers["ratelimit-limit"] == "3" and answers[0].headers["ratelimit-reset"] == "50"
            assert answers[3].headers["retry-after"] == "50"
            assert answers[3].json()["status"] == 429
            assert (await client.get("/api/v1/locations", headers=bearer(other))).status_code == 200
        with clock_at(moment + timedelta(minutes=1)):
            assert (await client.get("/api/v1/locations", headers=bearer(secret))).status_code == 200


async def test_rate_limit_per_organisation_spans_its_keys(app, monkeypatch):
    monkeypatch.setattr(get_settings(), "api_calls_per_org_minute", 2)
    account = await make_account()
    secrets = [(await make_key(account, name=f"K{i}"))[1] for i in range(3)]
    with clock_at(datetime(2026, 12, 5, 13, 0, 0, tzinfo=UTC)):
        async with http_client(app) as client:
            codes = [(await client.get("/api/v1/locations", headers=bearer(s))).status_code for s in secrets]
    assert codes == [200, 200, 429]


async def test_a_session_cookie_is_not_an_api_credential(app):
    account = await make_account()
    variant = await make_variant(tenant_of(account))
    async with http_client(app) as client:
        await login(client, account)
        assert (await client.get("/api/v1/orders")).status_code == 401
        response = await post(client, "/api/v1/stock/adjustments", headers={"content-type": "application/json"},
                              data=None, content=b'{"variant_id": %d, "location_id": 1, "delta": 5, "reason": "x"}'
                              % variant["id"])
        assert response.status_code == 401


async def test_bearer_writes_need_no_csrf_token(app):
    account = await make_account()
    _id, secret = await make_key(account)
    async with http_client(app) as client:
        response = await client.post("/api/v1/orders", json={"customer_name": "x", "lines": []}, headers=bearer(secret))
        assert response.status_code == 422  # reached the service (no CSRF refusal), which wants lines


async def test_every_call_is_audited_with_the_key_as_actor_and_last_use_is_shown(app):
    from app.domains.audit.tables import AuditEntry
    from app.domains.platform_api import flush_audit
    from app.domains.platform_api.keys import get_key

    account = await make_account()
    key_id, secret = await make_key(account)
    variant = await make_variant(tenant_of(account))
    from app.domains.inventory import default_location

    location = await default_location(tenant_of(account))
    async with http_client(app) as client:
        client.headers.update(bearer(secret))
        await client.get("/api/v1/orders")
        await client.post("/api/v1/stock/adjustments", json={"variant_id": variant["id"], "location_id": location.id,
                                                             "delta": 4, "reason": "found"})
        await client.get("/api/v1/orders/987654")
    await flush_audit()
    calls = await AuditEntry.select(AuditEntry.after, AuditEntry.actor, AuditEntry.api_key).where(
        (AuditEntry.organization == account.org_id) & (AuditEntry.action == "api.call")).order_by(AuditEntry.id).output(
        load_json=True)
    assert [(c["after"]["method"], c["after"]["status"]) for c in calls] == [("GET", 200), ("POST", 201), ("GET", 404)]
    assert all(c["api_key"] == key_id and c["actor"] is None for c in calls)
    assert calls[2]["after"]["route"] == "/api/v1/orders/{order_id}"
    change = await AuditEntry.select(AuditEntry.api_key).where(
        (AuditEntry.organization == account.org_id) & (AuditEntry.action.like("stock%"))).first()
    assert change is None or change["api_key"] == key_id
    key = await get_key(tenant_of(account), key_id)
    assert key.last_used_at is not None and key.last_used_ip


@pytest.mark.parametrize("route", ["/api/v1/orders", "/api/v1/products"])
async def test_usage_listeners_hear_each_call(app, route):
    from app.core.events import subscribe, unsubscribe
    from app.domains.platform_api import ApiCalled

    heard: list[ApiCalled] = []

    async def count(event: ApiCalled) -> None:
        heard.append(event)

    account = await make_account()
    key_id, secret = await make_key(account)
    subscribe(ApiCalled, count)
    try:
        async with http_client(app) as client:
            await client.get(route, headers=bearer(secret))
    finally:
        unsubscribe(ApiCalled, count)
    assert [(e.organization_id, e.api_key_id, e.route, e.status) for e in heard] == [(account.org_id, key_id, route, 200)]


async def test_a_call_allowance_refusal_is_429(app):
    from app.core.errors import Conflict
    from app.domains.platform_api import set_call_allowance
    from app.domains.platform_api import usage as api_usage

    account = await make_account()
    _id, secret = await make_key(account)

    async def plan_used_up(organization_id: int) -> None:
        if organization_id == account.org_id:
            raise Conflict("This month's API calls of your plan are used up.")

    wired = api_usage._allowance
    set_call_allowance(plan_used_up)
    try:
        async with http_client(app) as client:
            response = await client.get("/api/v1/orders", headers=bearer(secret))
    finally:
        set_call_allowance(wired)
    assert response.status_code == 429 and "plan" in response.json()["detail"]
    assert response.headers["retry-after"]


async def test_a_key_revoked_or_rotated_elsewhere_is_refused_at_once_despite_the_process_cache(app):
    """Another web process revokes the key: this one kept it, but the key's version in Redis moved on."""
    from app.domains.platform_api.keys import rotate_key

    account = await make_account()
    key_id, secret = await make_key(account)
    async with http_client(app) as client:
        assert (await client.get("/api/v1/key", headers=bearer(secret))).status_code == 200  # now kept
        _view, new_secret = await rotate_key(tenant_of(account), key_id)
        assert (await client.get("/api/v1/key", headers=bearer(secret))).status_code == 401
        assert (await client.get("/api/v1/key", headers=bearer(new_secret))).status_code == 200


async def test_the_audit_page_shows_the_key_as_who_made_a_change(app):
    from app.domains.platform_api import flush_audit

    account = await make_account()
    key_id, secret = await make_key(account)
    async with http_client(app) as client:
        await client.get("/api/v1/orders", headers=bearer(secret))
        await flush_audit()
        await login(client, account)
        page = await client.get("/audit")
    assert page.status_code == 200
    assert f"API key #{key_id}" in page.text and "api.call" in page.text


async def test_problems_speak_english_unless_the_caller_asks_for_indonesian(app):
    account = await make_account()
    _id, secret = await make_key(account)
    body = {"customer_name": "Budi", "lines": []}
    async with http_client(app) as client:
        client.headers.update(bearer(secret))
        english = (await client.post("/api/v1/orders", json=body)).json()["detail"]
        indonesian = (await client.post("/api/v1/orders", json=body, headers={"Accept-Language": "id-ID,id;q=0.9"})).json()
    assert english == "Add at least one item."
    assert indonesian["detail"] != english and indonesian["status"] == 422


async def test_a_retry_while_the_first_call_runs_is_refused_and_the_work_runs_once():
    import asyncio

    from app.core.errors import Conflict
    from app.domains.platform_api import idempotency

    runs: list[int] = []
    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> tuple[int, dict]:
        runs.append(1)
        started.set()
        await release.wait()
        return 201, {"done": True}

    fingerprint = idempotency.fingerprint("POST", "/api/v1/stock/adjustments", {"delta": 1})
    first = asyncio.create_task(idempotency.once(999_001, "same-key", fingerprint, slow))
    await started.wait()  # the first call has claimed the key and is running
    with pytest.raises(Conflict):
        await idempotency.once(999_001, "same-key", fingerprint, slow)
    release.set()
    answer = await first
    replay = await idempotency.once(999_001, "same-key", fingerprint, slow)
    assert (answer.status, answer.body, answer.replayed) == (201, {"done": True}, False)
    assert (replay.status, replay.body, replay.replayed) == (201, {"done": True}, True)
    assert runs == [1]


async def test_the_plans_monthly_api_calls_are_counted_and_refused_at_the_limit(app, monkeypatch):
    from app.domains import billing
    from app.domains.platform_api import flush_audit as flush_api_audit
    from tests.billing.conftest import make_plan, subscribe

    monkeypatch.setattr(get_settings(), "billing_enforce_limits", True)  # the suite runs with it off

    account = await make_account()
    await subscribe(account.org_id, await make_plan(max_api_calls_per_month=2))
    _id, secret = await make_key(account)
    async with http_client(app) as client:
        codes = [(await client.get("/api/v1/key", headers=bearer(secret))).status_code for _ in range(2)]
        await flush_api_audit()  # the calls reach the plan's count with the audit batch (at most a second later)
        refused = await client.get("/api/v1/key", headers=bearer(secret))
        await flush_api_audit()
    assert codes == [200, 200] and refused.status_code == 429
    assert refused.json()["status"] == 429 and "2 API calls a month" in refused.json()["detail"]
    assert await billing.limits.api_calls(account.org_id) == 2  # refused calls are not counted
