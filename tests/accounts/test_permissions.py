"""The permission matrix, role by role, through the one guard."""

from __future__ import annotations

import re

import pytest

from app.core.permissions import MATRIX, Permission, allows
from app.core.statuses import Role
from tests.support import add_member, http_client, login, make_account, post, unique

# (method, path, form, permission it needs)
GUARDED = [
    ("GET", "/", None, Permission.VIEW),
    ("GET", "/members", None, Permission.VIEW),
    ("GET", "/audit", None, Permission.AUDIT_VIEW),
    ("POST", "/members/invite", lambda: {"email": f"{unique()}@x.id", "role": "viewer"}, Permission.MEMBERS_MANAGE),
    ("POST", "/settings/", lambda: {"name": "Toko Baru", "timezone": "Asia/Makassar"}, Permission.ORG_MANAGE),
    ("POST", "/jobs/demo", lambda: {}, Permission.JOBS_RUN),
]


def test_matrix_covers_every_role_and_owner_has_everything():
    assert set(MATRIX) == set(Role)
    assert MATRIX[Role.OWNER] == frozenset(Permission)
    assert MATRIX[Role.VIEWER] == {Permission.VIEW}
    assert not allows("emperor", Permission.VIEW)


@pytest.mark.parametrize("role", [r.value for r in Role])
async def test_each_role_gets_exactly_what_the_matrix_says(app, role):
    account = await make_account()
    person = account if role == "owner" else await add_member(account.org_id, role)
    async with http_client(app) as client:
        await login(client, person)
        for method, path, form, permission in GUARDED:
            if method == "GET":
                response = await client.get(path)
            else:
                response = await post(client, path, form(), htmx=True)
            expected_ok = allows(role, permission)
            if expected_ok:
                assert response.status_code in (200, 303), f"{role} {method} {path}: {response.status_code}"
            else:
                assert response.status_code == 403, f"{role} {method} {path}: {response.status_code}"
                assert "Your role does not allow this" in response.text


def _tab_bar(page: str) -> list[str]:
    bar = re.search(r'<nav class="tabbar".*?</nav>', page, re.S)
    assert bar, "no tab bar on the page"
    return re.findall(r'<a href="([^"]+)"', bar.group(0))


async def test_the_phone_tab_bar_holds_the_warehouse_for_warehouse_staff(app):
    account = await make_account()
    staff = await add_member(account.org_id, "warehouse")
    viewer = await add_member(account.org_id, "viewer")
    async with http_client(app) as client:
        await login(client, staff)
        assert _tab_bar((await client.get("/")).text) == ["/", "/orders", "/fulfillment", "/inventory", "/settings"]
    async with http_client(app) as client:
        await login(client, account)  # the owner's bar is full: Products, no Warehouse (it is in the menu)
        assert _tab_bar((await client.get("/")).text) == ["/", "/orders", "/products", "/inventory", "/settings"]
    async with http_client(app) as client:
        await login(client, viewer)
        assert "/fulfillment" not in _tab_bar((await client.get("/")).text)
